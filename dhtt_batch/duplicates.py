"""Likely duplicates: the same person (name + birth year) or the same collective registered
twice for one criterion, within a unit or across units. A warning for people to check, never a
rejection: two colleagues can share a name and a birth year."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .normalize import choice_key
from .spec import Role, SpecSet
from .states import FILE, NAME_CELL, ROW, SHEET, SRC, UNIT, UNIT_NAME
from .xlsx.cells import CellRef


@dataclass(frozen=True)
class RowRef:
    unit: str
    unit_name: str
    file: str  # the file's path below the inbox, as outputs show it
    row: int
    cell: CellRef | None
    source: int  # the submission's index: the identity findings are attached by

    def describe(self) -> str:
        return f"{self.unit_name} (tệp {self.file}, dòng {self.row})"


@dataclass(frozen=True)
class Duplicate:
    sheet_name: str
    name: str
    birth_year: int | None
    first: RowRef
    second: RowRef


def find_duplicates(rows: dict[str, pd.DataFrame], specs: SpecSet) -> list[Duplicate]:
    found: list[Duplicate] = []
    for spec in specs.criteria:
        frame = rows[spec.name]
        if frame.empty:
            continue
        name_key = spec.key(Role.NAME)
        year_col = spec.by_role(Role.BIRTH_YEAR)
        years = frame[year_col.key].tolist() if year_col else [None] * len(frame)
        kinds = frame[spec.key(Role.KIND)].tolist()
        individual = spec.role(Role.KIND).value("individual")  # asked once per sheet
        keys = [
            _identity(d == individual, n, y)
            for d, n, y in zip(kinds, frame[name_key].tolist(), years, strict=True)
        ]
        first_seen: dict[tuple[object, ...], int] = {}
        for position, key in enumerate(keys):
            if key is None:
                continue
            if key not in first_seen:
                first_seen[key] = position
                continue
            first, second = frame.iloc[first_seen[key]], frame.iloc[position]
            year = years[position]
            found.append(
                Duplicate(
                    str(second[SHEET]),
                    str(second[name_key]),
                    int(year) if isinstance(year, int) else None,
                    _ref(first),
                    _ref(second),
                )
            )
    return found


def _identity(individual: bool, name: object, year: object) -> tuple[object, ...] | None:
    if not isinstance(name, str):
        return None
    if individual:
        return ("person", choice_key(name), year)
    return ("collective", choice_key(name))


def _ref(row: pd.Series) -> RowRef:
    return RowRef(
        str(row[UNIT]),
        str(row[UNIT_NAME]),
        str(row[FILE]),
        int(row[ROW]),
        row[NAME_CELL],
        int(row[SRC]),
    )
