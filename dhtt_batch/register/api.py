"""What each `dhtt-batch register …` command does, one function each (`list` and `export` start
in listing.py and export.py, which read a SQLite register without this module when they can):
open the register (created or upgraded on the way), do the work in a transaction, close it.
Database failures come out as RegisterError (cannot do it: exit 2) or RegisterWriteError (could
not write: exit 3)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..campaign import Campaign
from ..spec import SpecSet
from . import RegisterError, RegisterWriteError
from .db import display_url, open_register
from .exemplar import Exemplar
from .identity import LinkOutcome, link, unlink
from .stats import ReviewData, phase_span, recorded_years, review_data
from .summary import read_exemplars, read_texts, refresh

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
    url: str, paths: Sequence[Path], specs: SpecSet, by: str, issuers: Mapping[str, str]
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
                results.append(add_workbook(engine, path, specs, by, issuers))
            except RegisterError as exc:
                results.append(AddFailure(path, str(exc)))
    return results


def summary_texts(url: str, issuers: Mapping[str, str], scope: str, min_years: int) -> list[str]:
    """`register list --json` through SQLAlchemy (listing.py tries a plain SQLite read first)."""
    try:
        with _transaction(url) as conn:
            return read_texts(conn, issuers, scope, min_years)
    except RegisterWriteError:
        # The kept list is to be made again (other issuer names) but this officer may only
        # read the register: computed from the rows instead, as before it was kept.
        with _transaction(url) as conn:
            return read_texts(conn, issuers, scope, min_years, remake=False)


def summary_exemplars(
    url: str, issuers: Mapping[str, str], scope: str, min_years: int
) -> list[Exemplar]:
    try:
        with _transaction(url) as conn:
            return read_exemplars(conn, issuers, scope, min_years)
    except RegisterWriteError:  # as in summary_texts
        with _transaction(url) as conn:
            return read_exemplars(conn, issuers, scope, min_years, remake=False)


def review_register(url: str) -> list[Match]:
    from .review import probable_matches

    with _transaction(url) as conn:
        return probable_matches(conn)


def link_exemplars(
    url: str, first: int, second: int, by: str, note: str | None, issuers: Mapping[str, str]
) -> LinkOutcome:
    with _transaction(url) as conn:
        outcome = link(conn, first, second, by, note)
        refresh(conn, issuers, groups=outcome.groups)
        return outcome


def unlink_exemplars(
    url: str, first: int, second: int, by: str, note: str | None, issuers: Mapping[str, str]
) -> LinkOutcome:
    with _transaction(url) as conn:
        outcome = unlink(conn, first, second, by, note)
        refresh(conn, issuers, groups=outcome.groups)
        return outcome


def review_figures(url: str, campaign: Campaign) -> ReviewData:
    """What a sơ kết / tổng kết report needs, over the phase's years up to the period's."""
    with _transaction(url) as conn:
        first, last = phase_span(campaign, recorded_years(conn))
        return review_data(conn, first, last, dict(campaign.register.issuers))
