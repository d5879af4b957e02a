"""Find a spec's sheet, header row, columns and data rows inside a workbook as the unit left it.

Units insert rows above the header, reorder, hide or slightly rename columns, leave the example
row in and blank rows between data. Headers are matched after NFC, case folding and collapsing
spaces and line breaks; near misses are accepted with a warning. Every data row keeps its
original sheet row number, so findings point at the cell the clerk sees.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .findings import Finding, make_finding
from .formats.template_layout import EXAMPLE_MARKERS, REQUIRED_MARK, example_marker_column
from .reader import FORMULA_NO_VALUE, RawSheet
from .spec import ColumnSpec, Role, SheetSpec
from .textkey import text_key
from .xlsx.cells import CellRef

HEADER_SCAN_ROWS = 40
_NUMBER_CELL = re.compile(r"^\(?\d{1,3}\)?$")
_FUZZY_CUTOFF = 0.82


@lru_cache(maxsize=8192)
def header_key(text: object) -> str:
    """Comparable form of a header, sheet name or marker: text_key, without '(*)' and the
    punctuation around it."""
    value = text_key(text).replace(REQUIRED_MARK.strip(), " ").replace("*", " ")
    return " ".join(value.split()).strip(" :.")


@dataclass
class LocatedTable:
    """One criterion sheet of one file: raw values per spec key, with source rows."""

    sheet: str
    columns: dict[str, int]  # spec key → 1-based sheet column
    records: list[list[Any]] = field(default_factory=list)  # raw values in spec key order
    rows: list[int] = field(default_factory=list)  # the sheet row of each record
    findings: list[Finding] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)

    def cell(self, key: str, row: int) -> CellRef | None:
        col = self.columns.get(key)
        return CellRef(row, col) if col else None


@dataclass
class LocatedForm:
    """The unit-information sheet: one value per field, with its cell."""

    sheet: str
    values: dict[str, Any]
    cells: dict[str, CellRef]
    findings: list[Finding] = field(default_factory=list)


def find_sheet(names: list[str], wanted: str) -> str | None:
    if wanted in names:
        return wanted
    by_key = {header_key(n): n for n in names}
    return by_key.get(header_key(wanted))


def _header_lookup(spec: SheetSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for text in (col.header, *col.aliases):
            lookup.setdefault(header_key(text), col.key)
    return lookup


def locate_table(raw: RawSheet, spec: SheetSpec, file: str) -> LocatedTable:
    """Find the spec's header row and columns in one sheet as the unit left it, and collect its
    non-blank data rows (raw values in spec key order, with their sheet rows). Never raises for
    a user's mistake: what cannot be located becomes a finding on the returned table."""
    lookup = _header_lookup(spec)
    header_index, matches = _best_header_row(raw.rows, lookup)
    if header_index is None or len(matches) < min(3, len(spec.columns)):
        table = LocatedTable(raw.name, {})
        table.findings.append(make_finding("header_not_found", file, sheet=raw.name))
        return table
    table = LocatedTable(raw.name, {})
    table.columns = _map_columns(
        raw.rows[header_index], spec, lookup, file, raw.name, header_index + 1, table.findings
    )
    for col in spec.columns:
        if col.key not in table.columns and (col.required or col.required_when):
            table.missing_required.append(col.key)
            table.findings.append(
                make_finding("missing_column", file, sheet=raw.name, column=col.header)
            )
    _data_rows(raw, spec, table, header_index, file)
    return table


def _best_header_row(rows: list[list[Any]], lookup: dict[str, str]) -> tuple[int | None, set[str]]:
    best: tuple[int | None, set[str]] = (None, set())
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts = (header_key(v) for v in row if isinstance(v, str))
        keys = {lookup[k] for k in texts if k in lookup}
        if len(keys) > len(best[1]):
            best = (index, keys)
            if len(keys) == len(set(lookup.values())):
                break  # every column found: the rows below are data, not a better header
    return best


def _map_columns(
    header: list[Any],
    spec: SheetSpec,
    lookup: dict[str, str],
    file: str,
    sheet: str,
    row: int,
    findings: list[Finding],
) -> dict[str, int]:
    columns: dict[str, int] = {}
    leftovers: list[tuple[int, str]] = []
    for number, value in enumerate(header, start=1):
        text = str(value).strip() if value not in (None, "") else ""
        key = lookup.get(header_key(text)) if text else None
        if key and key not in columns:
            columns[key] = number
        elif text:
            leftovers.append((number, text))
    for number, text in leftovers:
        candidates = {header_key(c.header): c for c in spec.columns if c.key not in columns}
        close = difflib.get_close_matches(header_key(text), list(candidates), 1, _FUZZY_CUTOFF)
        cell = CellRef(row, number)
        if close:
            col = candidates[close[0]]
            columns[col.key] = number
            findings.append(
                make_finding(
                    "renamed_column",
                    file,
                    sheet=sheet,
                    cell=cell,
                    row=row,
                    column=col.header,
                    value=text,
                )
            )
        else:
            findings.append(
                make_finding("extra_column", file, sheet=sheet, cell=cell, row=row, value=text)
            )
    return columns


def _data_rows(
    raw: RawSheet, spec: SheetSpec, table: LocatedTable, header_index: int, file: str
) -> None:
    """Every non-blank row under the header, by spec key, with its sheet row number.

    Plain lists: a sheet holds tens of rows, and one DataFrame per criterion (built in
    validate.py from every file's records) is far cheaper than one per sheet.
    """
    positions = [table.columns.get(key, 0) - 1 for key in spec.keys]
    content = [
        i for i, col in enumerate(spec.columns) if col.role != Role.ROW_NUMBER and positions[i] >= 0
    ]
    marker = spec.keys.index(example_marker_column(spec).key)
    for index in range(header_index + 1, len(raw.rows)):
        number = index + 1
        values = _row_values(raw.rows[index], positions)
        problems = _cell_problems(raw.errors, number, positions)
        if not problems and all(values[i] is None for i in content):
            continue
        # The number row sits right under the header; the example row may have rows inserted
        # above it, so its marker is looked for on every row (one cell test per row).
        if not problems and (not table.records or _is_marker(values[marker])):
            verdict = _template_row(dict(zip(spec.keys, values, strict=True)), positions, spec)
            if verdict == "skip":
                continue
            if verdict == "edited_example":
                _report_edited_example(table, spec, file, number)
                values[marker] = None  # reported above, not as a bad number
        for i, problem in problems.items():
            values[i] = None
            table.findings.append(_cell_problem(spec, raw.name, table, file, number, i, problem))
        table.records.append(values)
        table.rows.append(number)


def _row_values(row: list[Any], positions: list[int]) -> list[Any]:
    """The row's values in spec order; blank (None, "", spaces) becomes None. Inline, as it
    runs for every cell of every file."""
    width = len(row)
    return [
        None
        if p < 0
        or p >= width
        or (v := row[p]) == ""
        or v is None
        or (type(v) is str and v.isspace())
        else v
        for p in positions
    ]


def _cell_problems(
    errors: dict[tuple[int, int], str], number: int, positions: list[int]
) -> dict[int, str]:
    """Error values and formulas without a cached value in this row, by spec position."""
    if not errors:
        return {}
    return {
        i: errors[(number, p + 1)]
        for i, p in enumerate(positions)
        if p >= 0 and (number, p + 1) in errors
    }


def _cell_problem(
    spec: SheetSpec, sheet: str, table: LocatedTable, file: str, number: int, i: int, problem: str
) -> Finding:
    key = spec.keys[i]
    code = "formula_no_value" if problem == FORMULA_NO_VALUE else "error_value"
    return make_finding(
        code,
        file,
        sheet=sheet,
        cell=table.cell(key, number),
        row=number,
        column=spec.column(key).header,
        value=problem,
    )


def _report_edited_example(table: LocatedTable, spec: SheetSpec, file: str, number: int) -> None:
    marker = example_marker_column(spec)
    table.findings.append(
        make_finding(
            "example_row_data",
            file,
            sheet=table.sheet,
            cell=table.cell(marker.key, number),
            row=number,
            column=marker.header,
        )
    )


def _template_row(values: dict[str, Any], positions: list[int], spec: SheetSpec) -> str:
    """The column-number row and the example row sit right under the header: 'skip' them,
    unless the example was overwritten with real data ('edited_example'); else 'data'."""
    present = {k: v for (k, v), p in zip(values.items(), positions, strict=True) if p >= 0}
    if _is_number_row(present):
        return "skip"
    if not _is_example(present, spec):
        return "data"
    return "skip" if _matches_example(present, spec) else "edited_example"


def _cell(row: list[Any], position: int) -> Any:
    if position >= len(row):
        return None
    value = row[position]
    if value == "" or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _is_number_row(values: dict[str, Any]) -> bool:
    filled = [v for v in values.values() if v is not None]
    return (
        len(filled) >= 3
        and all(_NUMBER_CELL.match(str(v).strip()) for v in filled)
        and any(str(v).startswith("(") for v in filled)
    )


def _is_example(values: dict[str, Any], spec: SheetSpec) -> bool:
    return _is_marker(values.get(example_marker_column(spec).key))


def _is_marker(value: Any) -> bool:
    return isinstance(value, str) and header_key(value).rstrip(":") in EXAMPLE_MARKERS


def _matches_example(values: dict[str, Any], spec: SheetSpec) -> bool:
    marker = example_marker_column(spec)
    for col in spec.columns:
        if col is marker or col.key not in values:
            continue
        if _comparable(values[col.key], col) != _comparable(col.example, col):
            return False
    return True


def _comparable(value: Any, col: ColumnSpec) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return header_key(value)


def locate_form(raw: RawSheet, spec: SheetSpec, file: str) -> LocatedForm:
    """Fields are found by their label in the first columns; the value is the next cell."""
    lookup = _header_lookup(spec)
    form = LocatedForm(raw.name, {}, {})
    for index, row in enumerate(raw.rows[:60]):
        for position, value in enumerate(row[:4]):
            key = lookup.get(header_key(value)) if isinstance(value, str) else None
            if key is None or key in form.cells:
                continue
            target = position + 1
            form.cells[key] = CellRef(index + 1, target + 1)
            form.values[key] = _cell(row, target) if target < len(row) else None
            problem = raw.errors.get((index + 1, target + 1))
            if problem:
                code = "formula_no_value" if problem == FORMULA_NO_VALUE else "error_value"
                form.findings.append(
                    make_finding(
                        code,
                        file,
                        sheet=raw.name,
                        cell=form.cells[key],
                        row=index + 1,
                        column=spec.column(key).header,
                        value=problem,
                    )
                )
            break
    return form
