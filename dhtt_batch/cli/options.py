"""What every command shares: the campaign option, and domain errors turned into exit codes.

Imported by every command module before it declares an option: click translates some texts
(type names, the help of --version) when they are declared, so its messages are switched to
Vietnamese here, first.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..campaign import Campaign, CampaignError, load_campaign
from ..spec import SpecError, SpecSet
from . import click_messages

EXIT_USAGE = 2
EXIT_OUTPUT = 3

click_messages.install()  # click's own usage errors and help headings in Vietnamese


class Problem(click.ClickException):
    """A user-facing failure, printed in Vietnamese on stderr with no traceback."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


class ConfigProblem(Problem):
    """A usage or configuration problem: exit status 2."""

    exit_code = EXIT_USAGE


class OutputProblem(Problem):
    """Outputs could not be written: exit status 3."""

    exit_code = EXIT_OUTPUT


def output_option(help: str, dest: str = "output") -> Callable[[Any], Any]:
    """`-o/--output PATH`, required: what every command that writes is told to write."""
    return click.option(
        "-o", "--output", dest, type=click.Path(path_type=Path), required=True, help=help
    )


def with_campaign(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add `-c/--campaign` and pass the loaded Campaign and SpecSet to the command."""

    @click.option(
        "-c",
        "--campaign",
        "campaign_path",
        type=click.Path(path_type=Path),
        help="Tệp campaign.toml (mặc định: cấu hình có sẵn của Văn phòng UBND tỉnh).",
    )
    @functools.wraps(func)
    def wrapper(campaign_path: Path | None, **kwargs: Any) -> Any:
        campaign, specs = load_configuration(campaign_path)
        return func(campaign=campaign, specs=specs, **kwargs)

    return wrapper


def load_configuration(campaign_path: Path | None) -> tuple[Campaign, SpecSet]:
    try:
        campaign = load_campaign(campaign_path)
        return campaign, campaign.load_specs()
    except (CampaignError, SpecError) as exc:
        raise ConfigProblem(str(exc)) from exc


@contextlib.contextmanager
def register_errors() -> Iterator[None]:
    from ..register import RegisterError, RegisterWriteError

    try:
        yield
    except RegisterError as exc:
        raise ConfigProblem(str(exc)) from exc
    except RegisterWriteError as exc:
        raise OutputProblem(str(exc)) from exc
