"""The figures a sơ kết / tổng kết review reads from the register, for a span of years.

Counted in SQL where the register is large (distinct exemplar groups per year, criterion and
kind; units per year); the exemplars themselves come from query.list_exemplars.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, distinct, func, select

from ..campaign import Campaign
from .exemplar import Exemplar
from .identity import group_column
from .query import list_exemplars
from .schema import entries, exemplars, periods

PHASE = re.compile(r"(\d{4})\D+(\d{4})")  # "2021 - 2025"


@dataclass
class ReviewData:
    first: int
    last: int
    exemplars: list[Exemplar]
    counts: dict[tuple[int, str, str], int]  # (year, criterion, kind) → distinct exemplars
    units_by_year: dict[int, set[str]]  # year → codes of units with an accepted row
    periods: list[tuple[int, str, str]] = field(default_factory=list)  # (year, kind, label)

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def units_ever(self) -> set[str]:
        return set().union(*self.units_by_year.values()) if self.units_by_year else set()


def recorded_years(conn: Connection) -> tuple[int, int] | None:
    low, high = conn.execute(select(func.min(periods.c.year), func.max(periods.c.year))).one()
    return None if low is None else (int(low), int(high))


def review_data(conn: Connection, first: int, last: int, issuers: Mapping[str, str]) -> ReviewData:
    span = entries.c.year.between(first, last)
    joined = entries.join(exemplars, entries.c.exemplar_id == exemplars.c.id)
    counts = {
        (year, criterion, kind): n
        for year, criterion, kind, n in conn.execute(
            select(
                entries.c.year,
                entries.c.criterion,
                entries.c.kind,
                func.count(distinct(group_column())),
            )
            .select_from(joined)
            .where(span)
            .group_by(entries.c.year, entries.c.criterion, entries.c.kind)
        )
    }
    units: dict[int, set[str]] = {}
    for year, code in conn.execute(
        select(entries.c.year, entries.c.unit_code).where(span).distinct()
    ):
        units.setdefault(year, set()).add(code)
    recorded = [
        (year, kind, label)
        for year, kind, label in conn.execute(
            select(periods.c.year, periods.c.kind, periods.c.label)
            .where(periods.c.year.between(first, last))
            .order_by(periods.c.year, periods.c.id)
        )
    ]
    found = list_exemplars(conn, issuers, years=(first, last))
    return ReviewData(first, last, found, counts, units, recorded)


def phase_span(campaign: Campaign, recorded: tuple[int, int] | None) -> tuple[int, int]:
    """The years a review covers: from the phase's first year to the period's year."""
    match = PHASE.search(campaign.period.phase)
    last = campaign.period.year
    if match:
        return int(match.group(1)), min(last, int(match.group(2)))
    return (min(recorded[0], last) if recorded else last), last
