"""What each `dhtt-batch register …` command does, one function each: open the register (created
or upgraded on the way), do the work in a transaction, close it. Database failures come out as
RegisterError (cannot do it: exit 2) or RegisterWriteError (could not write: exit 3)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..campaign import Campaign
from ..spec import SpecSet
from . import RegisterError, RegisterWriteError
from .db import display_url, open_register
from .identity import LinkOutcome, link, unlink
from .query import Exemplar, list_exemplars
from .stats import ReviewData, phase_span, recorded_years, review_data

if TYPE_CHECKING:  # imported where used: they bring pandas, which `list` does without
    from .add import AddOutcome
    from .review import Match


@dataclass(frozen=True)
class AddFailure:
    path: Path
    message: str


@contextlib.contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = open_register(url)
    try:
        yield engine
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise RegisterWriteError(
            f"Không ghi, đọc được sổ điển hình {display_url(url)}: {reason}"
        ) from exc
    finally:
        engine.dispose()


@contextlib.contextmanager
def _transaction(url: str) -> Iterator[Connection]:
    with _engine(url) as engine, engine.begin() as conn:
        yield conn


def add_files(
    url: str, paths: Sequence[Path], specs: SpecSet, by: str
) -> list[AddOutcome | AddFailure]:
    """Each workbook in its own transaction: a bad file is reported, the others still added."""
    from .add import add_workbook

    results: list[AddOutcome | AddFailure] = []
    with _engine(url) as engine:
        for path in paths:
            if not path.is_file():
                results.append(AddFailure(path, f"Không tìm thấy tệp {path}."))
                continue
            try:
                results.append(add_workbook(engine, path, specs, by))
            except RegisterError as exc:
                results.append(AddFailure(path, str(exc)))
    return results


def criterion_key(specs: SpecSet, text: str | None) -> str | None:
    """A criterion named by its key (a) or its sheet (a_HCM) → its key."""
    if not text:
        return None
    try:
        sheet = specs.criterion(text.strip())
    except KeyError:
        known = ", ".join(f"{s.criterion} ({s.name})" for s in specs.criteria)
        raise RegisterError(f"Không có tiêu chí '{text}' (dùng: {known}).") from None
    return sheet.criterion or sheet.name


def list_register(
    url: str, campaign: Campaign, specs: SpecSet, criterion: str | None, min_years: int
) -> list[Exemplar]:
    key = criterion_key(specs, criterion)
    with _transaction(url) as conn:
        return list_exemplars(conn, dict(campaign.register.issuers), key, min_years)


def review_register(url: str) -> list[Match]:
    from .review import probable_matches

    with _transaction(url) as conn:
        return probable_matches(conn)


def link_exemplars(url: str, first: int, second: int, by: str, note: str | None) -> LinkOutcome:
    with _transaction(url) as conn:
        return link(conn, first, second, by, note)


def unlink_exemplars(url: str, first: int, second: int, by: str, note: str | None) -> LinkOutcome:
    with _transaction(url) as conn:
        return unlink(conn, first, second, by, note)


def export_register(
    url: str,
    campaign: Campaign,
    specs: SpecSet,
    target: Path,
    criterion: str | None,
    min_years: int,
) -> int:
    """Write lich-su.xlsx; the number of exemplars written."""
    from .export import write_history

    key = criterion_key(specs, criterion)
    with _transaction(url) as conn:
        found = list_exemplars(conn, dict(campaign.register.issuers), key, min_years)
    write_history(found, target, specs)
    return len(found)


def review_figures(url: str, campaign: Campaign) -> ReviewData:
    """What a sơ kết / tổng kết report needs, over the phase's years up to the period's."""
    with _transaction(url) as conn:
        first, last = phase_span(campaign, recorded_years(conn))
        return review_data(conn, first, last, dict(campaign.register.issuers))
