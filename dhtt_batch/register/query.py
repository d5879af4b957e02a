"""`register list`: one entry per exemplar (linked exemplars count as one), with its years,
criteria, titles and their decisions, and how far its model spread, year by year.

Years are counted in SQL (grouped on the exemplar's group), so `--min-years` only fetches the
rows of the exemplars it keeps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, String, distinct, func, select, type_coerce

from ..collation import person_key, text_key
from .identity import COLLECTIVE, group_column
from .schema import entries, exemplars

_SYMBOL = re.compile(r"/(?:\d{4}/)?[^-/\s]+-(.+)$")


@dataclass(frozen=True)
class Title:
    year: int  # the year of the decision (the year first registered when it has no date)
    title: str
    decision_number: str | None
    decision_date: date | None
    issuer: str

    def decision(self) -> str:
        """'Quyết định số 112/QĐ-VPUBND ngày 20/12/2024 của Văn phòng UBND tỉnh Quảng Bình'."""
        parts = []
        if self.decision_number:
            parts.append(f"Quyết định số {self.decision_number}")
        if self.decision_date:
            parts.append(f"ngày {self.decision_date:%d/%m/%Y}")
        text = " ".join(parts) or "Không ghi quyết định"
        return f"{text}; {self.issuer}" if self.issuer else text


@dataclass(frozen=True)
class Spread:
    year: int
    criterion: str
    spread: str


@dataclass
class Exemplar:
    id: int  # the group's id (its smallest exemplar id)
    ids: list[int]
    name: str  # as written the last year it was registered
    unit: str
    unit_code: str
    kind: str  # collective, individual
    kind_label: str
    birth_year: int | None
    years: list[int]
    criteria: list[str]
    units: list[str] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    spread: list[Spread] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ids": self.ids,
            "name": self.name,
            "unit": self.unit,
            "unit_code": self.unit_code,
            "units": self.units,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "birth_year": self.birth_year,
            "years": self.years,
            "criteria": self.criteria,
            "titles": [
                {
                    "year": t.year,
                    "title": t.title,
                    "decision_number": t.decision_number,
                    "decision_date": t.decision_date.isoformat() if t.decision_date else None,
                    "issuer": t.issuer,
                }
                for t in self.titles
            ],
            "spread": [
                {"year": s.year, "criterion": s.criterion, "spread": s.spread} for s in self.spread
            ],
        }


_COLUMNS = (
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
    query = select(group, *_COLUMNS).select_from(joined).where(*conditions)
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


def build_exemplars(rows: Sequence[Row[Any]], issuers: Mapping[str, str]) -> list[Exemplar]:
    """Rows (group first, then _COLUMNS, in year order) → one Exemplar per group."""
    found: dict[int, _Building] = {}
    for row in rows:
        grp, member, year, crit, kind, kind_label, name, born, code, unit = tuple(row)[:10]
        title, number, when, spread = tuple(row)[10:]
        if type(when) is str:  # SQLite gives the ISO text; PostgreSQL a date
            when = date.fromisoformat(when[:10])
        building = found.get(grp)
        if building is None:
            item = Exemplar(grp, [], name, unit, code, kind, kind_label, born, [], [])
            building = found[grp] = _Building(item)
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
                    when.year if when else year, title or "", number, when, _issuer(number, issuers)
                )
            )
        if spread:
            building.spread[Spread(year, crit, spread)] = None
    result = []
    for building in found.values():
        item = building.item
        item.ids = sorted(building.ids)
        item.years = sorted(building.years)
        item.criteria = sorted(building.criteria)
        item.units = list(building.units)
        item.spread = list(building.spread)
        item.titles.sort(key=lambda t: (t.year, t.decision_date or date.min, t.title))
        result.append(item)
    result.sort(key=_order)
    return result


def _issuer(number: str | None, issuers: Mapping[str, str]) -> str:
    """The issuing body, from the decision number's symbol (112/QĐ-VPUBND → VPUBND), named
    through `[register.issuers]` when the campaign maps the code."""
    match = _SYMBOL.search(number or "")
    if not match:
        return ""
    code = match.group(1)
    return issuers.get(code, code)


def _order(item: Exemplar) -> tuple[Any, ...]:
    if item.kind == COLLECTIVE:
        return (0, text_key(item.name), text_key(""), item.id)
    return (1, *person_key(item.name), item.id)
