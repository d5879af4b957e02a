"""Exemplars (exemplar.py) computed from the register's rows: `build_exemplars` is the one
definition of an entry of `register list`, used by the summaries the register keeps
(summary.py) and by `list_exemplars` (lists of fewer years than those keep, and the review
reports over a span of years).

Years are counted in SQL (grouped on the exemplar's group), so `--min-years` only fetches the
rows of the exemplars it keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, String, distinct, func, select, type_coerce

from ..collation import person_key, text_key
from .exemplar import Exemplar, Spread, Title
from .identity import COLLECTIVE, group_column
from .schema import entries, exemplars

_SYMBOL = re.compile(r"/(?:\d{4}/)?[^-/\s]+-(.+)$")


# An entry's columns as build_exemplars reads them (after the exemplar's group).
ENTRY_COLUMNS = (
    entries.c.exemplar_id,
    entries.c.year,
    entries.c.criterion,
    entries.c.kind,
    entries.c.kind_label,
    entries.c.name,
    entries.c.birth_year,
    entries.c.unit_code,
    entries.c.unit_name,
    entries.c.title,
    entries.c.decision_number,
    type_coerce(entries.c.decision_date, String),  # ISO text, parsed by date.fromisoformat
    entries.c.spread,
)


def list_exemplars(
    conn: Connection,
    issuers: Mapping[str, str],
    criterion: str | None = None,
    min_years: int = 0,
    years: tuple[int, int] | None = None,
) -> list[Exemplar]:
    """Exemplars (groups) registered in at least `min_years` years, in Vietnamese name order.

    `criterion` (a criterion key) keeps only that criterion's registrations; `years` (first,
    last) only those registrations' years."""
    group = group_column().label("grp")
    conditions = []
    if criterion:
        conditions.append(entries.c.criterion == criterion)
    if years:
        conditions.append(entries.c.year.between(*years))
    joined = entries.join(exemplars, entries.c.exemplar_id == exemplars.c.id)
    query = select(group, *ENTRY_COLUMNS).select_from(joined).where(*conditions)
    if min_years > 1:
        # Years counted on the (exemplar, year, criterion) index, then only the rows of the
        # exemplars kept are read. Without any link an exemplar is its own group: no join.
        linked = conn.execute(
            select(exemplars.c.id).where(exemplars.c.person_id.is_not(None)).limit(1)
        ).first()
        if linked:
            kept_groups = (
                select(group_column())
                .select_from(joined)
                .where(*conditions)
                .group_by(group_column())
                .having(func.count(distinct(entries.c.year)) >= min_years)
            )
            members = select(exemplars.c.id).where(group_column().in_(kept_groups))
        else:
            members = (
                select(entries.c.exemplar_id)
                .where(*conditions)
                .group_by(entries.c.exemplar_id)
                .having(func.count(distinct(entries.c.year)) >= min_years)
            )
        query = query.where(entries.c.exemplar_id.in_(members))
    rows = conn.execute(query.order_by(entries.c.year, entries.c.id)).all()
    return build_exemplars(rows, issuers)


@dataclass
class _Building:
    item: Exemplar
    ids: dict[int, None] = field(default_factory=dict)  # insertion-ordered sets
    years: dict[int, None] = field(default_factory=dict)
    criteria: dict[str, None] = field(default_factory=dict)
    units: dict[str, None] = field(default_factory=dict)
    titles: dict[tuple[Any, ...], None] = field(default_factory=dict)
    spread: dict[Spread, None] = field(default_factory=dict)


class ExemplarBuilder:
    """Rows (group first, then ENTRY_COLUMNS), fed in year order, → one Exemplar per group."""

    def __init__(self, issuers: Mapping[str, str]) -> None:
        self.issuers = issuers
        self.found: dict[int, _Building] = {}

    def add(self, row: tuple[Any, ...]) -> None:
        grp, member, year, crit, kind, kind_label, name, born, code, unit = row[:10]
        title, number, when, spread = row[10:]
        if type(when) is str:  # SQLite gives the ISO text; PostgreSQL a date
            when = date.fromisoformat(when[:10])
        building = self.found.get(grp)
        if building is None:
            item = Exemplar(grp, [], name, unit, code, kind, kind_label, born, [], [])
            building = self.found[grp] = _Building(item)
        item = building.item
        # Rows come in year order: the latest registration names the exemplar.
        item.name, item.unit, item.unit_code, item.kind_label = name, unit, code, kind_label
        if born is not None:
            item.birth_year = born
        building.ids[member] = None
        building.years[year] = None
        building.criteria[crit] = None
        building.units[unit] = None
        if (title or number) and (title, number, when) not in building.titles:
            building.titles[(title, number, when)] = None
            item.titles.append(
                Title(
                    when.year if when else year,
                    title or "",
                    number,
                    when,
                    _issuer(number, self.issuers),
                )
            )
        if spread:
            building.spread[Spread(year, crit, spread)] = None

    def exemplars(self) -> list[Exemplar]:
        """The groups fed so far, in the order first seen."""
        result = []
        for building in self.found.values():
            item = building.item
            item.ids = sorted(building.ids)
            item.years = sorted(building.years)
            item.criteria = sorted(building.criteria)
            item.units = list(building.units)
            item.spread = list(building.spread)
            item.titles.sort(key=lambda t: (t.year, t.decision_date or date.min, t.title))
            result.append(item)
        return result


def build_exemplars(rows: Iterable[Any], issuers: Mapping[str, str]) -> list[Exemplar]:
    """Rows (group first, then ENTRY_COLUMNS, in year order) → one Exemplar per group, in
    Vietnamese name order."""
    builder = ExemplarBuilder(issuers)
    for row in rows:
        builder.add(tuple(row))
    return sorted(builder.exemplars(), key=exemplar_order)


def _issuer(number: str | None, issuers: Mapping[str, str]) -> str:
    """The issuing body, from the decision number's symbol (112/QĐ-VPUBND → VPUBND), named
    through `[register.issuers]` when the campaign maps the code."""
    match = _SYMBOL.search(number or "")
    if not match:
        return ""
    code = match.group(1)
    return issuers.get(code, code)


def exemplar_order(item: Exemplar) -> tuple[Any, ...]:
    """The list's order: collectives by name, then people by given name (collation.py)."""
    if item.kind == COLLECTIVE:
        return (0, text_key(item.name), text_key(""), item.id)
    return (1, *person_key(item.name), item.id)
