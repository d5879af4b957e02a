"""Reading a consolidated workbook back (for `report`, `export` and the register), through the
same names and header texts the writer uses. A sheet or header that no longer matches is an
error naming it, never a silent zero."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from ...campaign import PERIOD_KINDS, period_from_id
from ...locate import find_sheet, header_key
from ...naming import readable
from ...normalize import choice_key
from ...reader import RawSheet, ReadFailure, read_workbook
from ...spec import Role, SheetSpec, SpecSet
from ...states import PROVENANCE, UnitStatus, label, unit_status_from_label
from ...xlsx.cells import column_letters
from ..marks import CONSOLIDATED_KIND
from ..template_layout import META_SHEET
from .layout import (
    HEADER_ROW,
    LATE_MARK,
    PROVENANCE_HEADERS,
    STATUS_SHEET,
    ConsolidatedError,
    StatusColumn,
    contact_columns,
    kinds,
)


@dataclass
class UnitState:
    code: str
    name: str
    status: UnitStatus
    late: bool
    accepted: int
    contact: dict[Role, str] = field(default_factory=dict)  # from the information sheet


@dataclass
class ConsolidatedData:
    meta: dict[str, str]
    units: list[UnitState]
    rows: dict[str, list[dict[str, Any]]]  # criterion sheet (spec name) → records by spec key
    inputs: int = 0

    def period(self) -> tuple[str, int] | None:
        """(kind, year) of the workbook's period; older workbooks say it only by period_id."""
        kind, year = self.meta.get("period_kind", ""), self.meta.get("period_year", "")
        if kind in PERIOD_KINDS and year.isdigit():
            return kind, int(year)
        return period_from_id(self.meta.get("period_id", ""))


def read_consolidated(path: Path, specs: SpecSet) -> ConsolidatedData:
    """Metadata, roster status and accepted rows of a consolidated workbook.

    Read with the same safe reader as the units' files. A sheet or header that no longer
    matches (renamed, edited, deleted) is an error naming it, never a silent zero.
    """
    name = readable(path.name)
    workbook, failures = read_workbook(path, name)
    if workbook is None:
        raise ConsolidatedError(f"Không đọc được {name}: {failures[0].message}")
    not_ours = f"{name} không phải bảng tổng hợp do dhtt-batch merge tạo ra"
    try:
        if META_SHEET not in workbook.sheet_names:
            raise ConsolidatedError(f"{not_ours} (thiếu sheet thông tin ẩn).")
        meta_sheet = workbook.sheet(META_SHEET)
        meta = {str(r[0]): _text(r[1]) for r in meta_sheet.rows if len(r) > 1 and r[0]}
        if meta.get("kind") != CONSOLIDATED_KIND:
            raise ConsolidatedError(f"{not_ours}.")
        inputs = sum(1 for r in meta_sheet.rows if r and r[0] == "input")
        units = _units(_sheet(workbook, STATUS_SHEET, name), name, specs)
        rows = {
            spec.name: _records(_sheet(workbook, spec.name, name), spec, name)
            for spec in specs.criteria
        }
    except ReadFailure as exc:
        raise ConsolidatedError(f"Không đọc được {name}: {exc.detail}") from exc
    return ConsolidatedData(meta, units, rows, inputs)


def _sheet(workbook: Any, name: str, file: str) -> RawSheet:
    actual = find_sheet(workbook.sheet_names, name)
    if actual is None:
        raise ConsolidatedError(
            f"{file}: không thấy sheet '{name}' (sheet đã bị đổi tên "
            "hoặc xóa). Hãy dùng bảng tổng hợp gốc do dhtt-batch merge tạo ra."
        )
    return workbook.sheet(actual)  # type: ignore[no-any-return]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _header_keys(sheet: RawSheet, wanted: Sequence[str], name: str) -> list[str]:
    """The header row's texts as header keys; every wanted header must be there."""
    header = sheet.rows[HEADER_ROW - 1] if len(sheet.rows) >= HEADER_ROW else []
    headers = [header_key(h) for h in header]
    for text in wanted:
        if header_key(text) not in headers:
            raise ConsolidatedError(
                f"{name}, sheet '{sheet.name}': không thấy cột '{text}' ở dòng {HEADER_ROW} "
                "(tiêu đề cột đã bị sửa). Hãy dùng bảng tổng hợp gốc do dhtt-batch merge tạo ra."
            )
    return headers


def _where(name: str, sheet: RawSheet, headers: list[str], header: str, row: int) -> str:
    """A cell named for a message: the file, the sheet and the cell's address."""
    column = headers.index(header_key(header)) + 1
    return f"{name}, sheet '{sheet.name}', ô {column_letters(column)}{row}"


class _Table:
    """A small table sheet read back: its rows under the header row, by header key, with the
    sheet row number of each (to name a cell in a message)."""

    def __init__(self, sheet: RawSheet, wanted: Sequence[str], name: str) -> None:
        self.headers = _header_keys(sheet, wanted, name)
        self.sheet, self.name = sheet, name
        self.rows = [
            (number, {h: (None if v == "" else v) for h, v in zip(self.headers, row, strict=False)})
            for number, row in enumerate(sheet.rows[HEADER_ROW:], start=HEADER_ROW + 1)
            if any(v not in ("", None) for v in row)
        ]

    def where(self, header: str, row: int) -> str:
        return _where(self.name, self.sheet, self.headers, header, row)


def _units(sheet: RawSheet, name: str, specs: SpecSet) -> list[UnitState]:
    c = StatusColumn
    contacts = contact_columns(specs)  # absent from workbooks written before they were added
    table = _Table(sheet, (c.CODE, c.NAME, c.STATUS), name)
    units = []
    for number, r in table.rows:
        code = _text(r.get(header_key(c.CODE)))
        if not code:
            continue
        status = unit_status_from_label(r.get(header_key(c.STATUS)))
        if status is None:
            raise ConsolidatedError(
                f"{table.where(c.STATUS, number)}: tình trạng "
                f"'{_text(r.get(header_key(c.STATUS)))}' không phải một trong "
                f"{', '.join(label(s) for s in UnitStatus)}."
            )
        units.append(
            UnitState(
                code=code,
                name=_text(r.get(header_key(c.NAME))),
                status=status,
                late=_late(r.get(header_key(c.LATE)), table, number),
                accepted=_count(r.get(header_key(c.ACCEPTED)), table, number),
                contact={
                    col.role: _text(r.get(header_key(col.header)))
                    for col in contacts
                    if col.role is not None and r.get(header_key(col.header)) is not None
                },
            )
        )
    return units


def _late(value: Any, table: _Table, row: int) -> bool:
    """The late mark as written ("Có", any case), or blank; anything else is named."""
    text = " ".join(_text(value).split()).casefold()
    if text in ("", "không"):
        return False
    if text == LATE_MARK.casefold():
        return True
    where = table.where(StatusColumn.LATE, row) if StatusColumn.LATE in _known(table) else ""
    raise ConsolidatedError(
        f"{where}: cột '{StatusColumn.LATE}' ghi '{_text(value)}'; chỉ được ghi "
        f"'{LATE_MARK}' hoặc để trống."
    )


def _count(value: Any, table: _Table, row: int) -> int:
    """A row count as written: a number, or text that starts with one ("3 dòng"); blank is 0.
    Anything else (a person typed "ba") is named, never read as a silent zero."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and float(value).is_integer() and value >= 0:
        return int(value)
    text = _text(value).strip()
    if not text:
        return 0
    found = re.match(r"(\d+)(?:\s|$)", text)
    if found and not isinstance(value, bool):
        return int(found.group(1))
    raise ConsolidatedError(
        f"{table.where(StatusColumn.ACCEPTED, row)}: số dòng nhận '{text}' không phải số. Hãy "
        "ghi lại số (ví dụ 3) hoặc dùng bảng tổng hợp gốc do dhtt-batch merge tạo ra."
    )


def _known(table: _Table) -> set[str]:
    return {h for h in StatusColumn.ALL if header_key(h) in table.headers}


def _records(sheet: RawSheet, spec: SheetSpec, name: str) -> list[dict[str, Any]]:
    columns = spec.data_columns
    by_header = {header_key(c.header): (c.key, _kind(c.type)) for c in columns}
    provenance = {
        header_key(h): (key, "integer")
        for h, key in zip(PROVENANCE_HEADERS, PROVENANCE, strict=True)
    }
    kind, person = spec.role(Role.KIND), spec.role(Role.NAME)
    headers = _header_keys(sheet, [kind.header, person.header, PROVENANCE_HEADERS[0]], name)
    keys = {**by_header, **provenance}
    # Column positions (and whether a value needs typing) picked once: a province's workbook
    # has tens of thousands of rows.
    picks = [(i, *keys[h]) for i, h in enumerate(headers) if h in keys]
    choices = {choice_key(v): v for v in kinds(spec)}
    records = []
    for number, row in enumerate(sheet.rows[HEADER_ROW:], start=HEADER_ROW + 1):
        width = len(row)
        record = {
            key: None if i >= width or row[i] == "" else (_typed(row[i], how) if how else row[i])
            for i, key, how in picks
        }
        if not record.get(person.key):
            continue
        written = record.get(kind.key)
        record[kind.key] = choices.get(choice_key(_text(written)))
        if record[kind.key] is None:
            raise ConsolidatedError(
                f"{_where(name, sheet, headers, kind.header, number)}: '{_text(written)}' không "
                f"phải {' hay '.join(kinds(spec))}."
            )
        records.append(record)
    return records


def _kind(column_type: str) -> str | None:
    """The column type `_typed` converts values of (None: values are kept as read)."""
    return column_type if column_type in ("integer", "year", "date") else None


def _typed(value: Any, kind: str) -> Any:
    """A value as merge held it: whole numbers as int, dates without a time as date."""
    if isinstance(value, float) and value.is_integer() and kind in ("integer", "year"):
        return int(value)
    if isinstance(value, datetime) and kind == "date" and value.time() == time(0, 0):
        return value.date()
    return value
