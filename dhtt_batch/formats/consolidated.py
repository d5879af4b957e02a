"""The consolidated workbook forwarded upward: its layout, its writer and its reader.

Sheets: summary, one per criterion (accepted rows with provenance), submission status,
findings, likely duplicates, and a hidden metadata sheet. `report` (and anything else that
works from a forwarded or archived workbook) reads it back with `read_consolidated`, through
the same names and header texts the writer uses, so the two sides cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_write
from ..campaign import PERIOD_KINDS, period_from_id
from ..findings import SEVERITY_LABEL
from ..locate import find_sheet, header_key
from ..merge import MergeResult
from ..naming import readable
from ..normalize import choice_key
from ..reader import RawSheet, ReadFailure, read_workbook
from ..spec import ColumnSpec, Role, SheetSpec, SpecSet
from ..states import PROVENANCE, UNIT, UnitStatus, label, unit_status_from_label
from ..xlsx.cells import column_letters
from ..xlsx.parts import BarChart
from ..xlsx.printing import minimum_width
from ..xlsx.stream import Cell, Layout, Workbook
from ..xlsx.table import (
    BOLD_STYLE,
    DATE_CELL,
    DATE_STYLE,
    NUMBER_CELL,
    TABLE_STYLES,
    TEXT_CELL,
    TOTAL_CELL,
    TOTAL_NUMBER,
    Column,
    add_table,
    number_column,
    table_widths,
)
from .marks import CONSOLIDATED_KIND
from .template_layout import META_SHEET

SUMMARY_SHEET = "Tổng hợp"
STATUS_SHEET = "Tình hình nộp"
ERRORS_SHEET = "Lỗi"
DUPLICATES_SHEET = "Trùng lặp"
HEADER_ROW = 2  # the header row of every table sheet (title above it)
PROVENANCE_HEADERS = ("Mã đơn vị", "Đơn vị", "Tệp nguồn", "Dòng nguồn")
LATE_MARK = "Có"


class StatusColumn:
    """Header texts of the submission-status sheet (written and read by these names)."""

    NUMBER, CODE, NAME, STATUS = "STT", "Mã", "Đơn vị", "Tình trạng"
    FILE, RECEIVED, LATE = "Tệp được tổng hợp", "Thời điểm nhận", "Nộp muộn"
    ACCEPTED, REJECTED, OTHERS = "Số dòng nhận", "Số dòng loại", "Các tệp khác"
    ALL = (NUMBER, CODE, NAME, STATUS, FILE, RECEIVED, LATE, ACCEPTED, REJECTED, OTHERS)


class ConsolidatedError(Exception):
    """The workbook is not a consolidated workbook, or no longer reads as one (Vietnamese)."""


_TYPE_STYLE = {"year": NUMBER_CELL, "integer": NUMBER_CELL, "date": DATE_CELL}


def _spec_column(col: ColumnSpec) -> Column:
    minimum = minimum_width(col.type, col.choices, col.role == Role.NAME)
    return Column(col.header, col.width, minimum, _TYPE_STYLE.get(col.type, TEXT_CELL))


def consolidated_name(result: MergeResult) -> str:
    return f"tong-hop-{result.campaign.period.id}.xlsx"


def write_consolidated(result: MergeResult, target: Path) -> Path:
    # Streamed: rows go to disk as they are produced, so a province's workbook never holds a
    # million cells in memory (see xlsxstream for why not openpyxl).
    wb = Workbook(TABLE_STYLES, date_style=DATE_STYLE)
    _summary(wb, result)
    for spec in result.specs.criteria:
        _criterion_sheet(wb, spec, result)
    _status_sheet(wb, result)
    _errors_sheet(wb, result)
    _duplicates_sheet(wb, result)
    _meta_sheet(wb, result)
    atomic_write(target, wb.save)
    return target


def _table(
    wb: Workbook,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[list[Any]],
    count: int,
    chart: BarChart | None = None,
    extra: Iterable[list[Any]] = (),
) -> None:
    add_table(wb, name, title, columns, rows, count, HEADER_ROW, chart, extra)


def kinds(spec: SheetSpec) -> tuple[str, str]:
    """The choices naming a collective and an individual, in that order."""
    column = spec.role(Role.KIND)
    return column.value("collective"), column.value("individual")


def _criterion_sheet(wb: Workbook, spec: SheetSpec, result: MergeResult) -> None:
    columns = spec.data_columns
    frame = result.rows[spec.name]
    keys = [c.key for c in columns] + list(PROVENANCE)
    records = frame[keys].to_numpy(dtype=object).tolist()  # plain Python values, fast
    rows = ([number, *record] for number, record in enumerate(records, start=1))
    code, unit, source, row = PROVENANCE_HEADERS
    _table(
        wb,
        spec.name,
        f"{spec.title} - {result.campaign.period.label.upper()}",
        [
            number_column("STT"),
            *(_spec_column(c) for c in columns),
            Column(code, 9, 7),
            Column(unit, 24, 12),
            Column(source, 24, 12),
            number_column(row, 8),
        ],
        rows,
        len(frame),
    )


def _summary(wb: Workbook, result: MergeResult) -> None:
    criteria = result.specs.criteria
    counts = _counts(result)
    rows: list[list[Any]] = []
    numbers: list[list[int]] = []
    for number, unit in enumerate(result.units, start=1):
        values = [counts.get((unit.unit.code, s.name, k), 0) for s in criteria for k in kinds(s)]
        numbers.append([*values, sum(values)])
        rows.append([number, unit.unit.name, label(unit.status), *numbers[-1]])
    totals_row = HEADER_ROW + len(rows) + 1
    total = [
        Cell("", TOTAL_CELL),
        Cell("Tổng cộng", TOTAL_CELL),
        Cell("", TOTAL_CELL),
        *(Cell(sum(column), TOTAL_NUMBER) for column in zip(*numbers, strict=True)),
    ]
    status: list[list[Any]] = [[], ["", Cell("Tình hình nộp biểu mẫu", BOLD_STYLE)]]
    status += [
        [
            "",
            Cell(label(code), TEXT_CELL),
            Cell(sum(1 for u in result.units if u.status == code), NUMBER_CELL),
        ]
        for code in UnitStatus
    ]
    status.append(["", Cell("Tổng số đơn vị", TOTAL_CELL), Cell(len(result.units), TOTAL_NUMBER)])
    columns = [
        number_column("STT"),
        Column("Đơn vị", 34, 18),
        Column("Tình trạng", 12, 9),
        *(Column(f"{s.name} - {k}", 10, 8, NUMBER_CELL) for s in criteria for k in kinds(s)),
        number_column("Tổng", 8),
    ]
    # A native bar chart of the totals row (one bar per criterion and kind), beside the
    # submission counts and within the printed width.
    _, widths = table_widths(columns)
    chart = BarChart(
        "Số điển hình đăng ký theo tiêu chí",
        "Số lượng",
        value_row=totals_row,
        label_row=HEADER_ROW,
        first_col=4,
        last_col=len(columns) - 1,
        anchor_col=4,
        anchor_row=totals_row + 2,
        width_cm=min(18.0, sum(7 * w + 5 for w in widths[3:]) / 96 * 2.54),
        height_cm=7.5,
    )
    _table(
        wb,
        SUMMARY_SHEET,
        f"TỔNG HỢP ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {result.campaign.period.label.upper()}",
        columns,
        [*rows, total],
        len(rows) + 1,
        chart,
        extra=status,
    )


def _counts(result: MergeResult) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for spec in result.specs.criteria:
        frame = result.rows[spec.name]
        for unit, kind in zip(frame[UNIT], frame[spec.key(Role.KIND)], strict=True):
            counts[(unit, spec.name, kind)] = counts.get((unit, spec.name, kind), 0) + 1
    return counts


def contact_columns(specs: SpecSet) -> list[ColumnSpec]:
    """The information-sheet fields the status sheet repeats: who to call about the file."""
    found = (specs.info.by_role(role) for role in (Role.CONTACT_NAME, Role.CONTACT_PHONE))
    return [column for column in found if column is not None]


def _status_sheet(wb: Workbook, result: MergeResult) -> None:
    contacts = contact_columns(result.specs)
    c = StatusColumn
    rows = []
    for number, unit in enumerate(result.units, start=1):
        chosen = unit.counted
        others = "; ".join(
            f"{o.sub.id.relative} ({label(o.status) if o.status else ''})"
            for o in unit.files
            if o is not chosen
        )
        rows.append(
            [
                number,
                unit.unit.code,
                unit.unit.name,
                label(unit.status),
                *((chosen.info.get(col.key) if chosen else None) for col in contacts),
                chosen.sub.id.relative if chosen else None,
                chosen.received.short() if chosen and chosen.received else None,
                LATE_MARK if unit.late else "",
                chosen.rows_accepted if chosen else 0,
                chosen.rows_rejected if chosen else 0,
                others or None,
            ]
        )
    _table(
        wb,
        STATUS_SHEET,
        "TÌNH HÌNH NỘP BIỂU MẪU CỦA CÁC ĐƠN VỊ",
        [
            number_column(c.NUMBER),
            Column(c.CODE, 9, 7),
            Column(c.NAME, 30, 16),
            Column(c.STATUS, 11, 9),
            *(Column(col.header, 14 if col.type == "phone" else 20, 12) for col in contacts),
            Column(c.FILE, 26, 14),
            Column(c.RECEIVED, 16, 11),
            Column(c.LATE, 8, 6, NUMBER_CELL),
            number_column(c.ACCEPTED, 8),
            number_column(c.REJECTED, 8),
            Column(c.OTHERS, 36, 14),
        ],
        rows,
        len(rows),
    )


def _errors_sheet(wb: Workbook, result: MergeResult) -> None:
    findings = result.findings
    relative = {o.sub.display: o.sub.id.relative for o in result.files}
    rows = (
        [
            n,
            relative.get(f.file, f.file),
            f.unit,
            f.sheet,
            str(f.cell) if f.cell else None,
            f.column,
            f.code,
            SEVERITY_LABEL[f.severity],
            f.message,
        ]
        for n, f in enumerate(findings, start=1)
    )
    _table(
        wb,
        ERRORS_SHEET,
        "CÁC LỖI VÀ CẢNH BÁO",
        [
            number_column("STT"),
            Column("Tệp", 24, 14),
            Column("Mã đơn vị", 9, 7),
            Column("Sheet", 12, 9),
            Column("Ô", 6, 5, NUMBER_CELL),
            Column("Cột", 20, 12),
            Column("Mã lỗi", 16, 12),
            Column("Mức độ", 9, 8),
            Column("Nội dung", 70, 30),
        ],
        rows,
        len(findings),
    )


def _duplicates_sheet(wb: Workbook, result: MergeResult) -> None:
    rows = [
        [
            n,
            d.sheet_name,
            d.name,
            d.birth_year,
            d.first.unit_name,
            d.first.file,
            d.first.row,
            d.second.unit_name,
            d.second.file,
            d.second.row,
        ]
        for n, d in enumerate(result.duplicates, start=1)
    ]
    _table(
        wb,
        DUPLICATES_SHEET,
        "CÓ THỂ ĐĂNG KÝ TRÙNG (CẦN KIỂM TRA)",
        [
            number_column("STT"),
            Column("Tiêu chí", 10, 8),
            Column("Họ và tên / Tên tập thể", 26, 16),
            number_column("Năm sinh", 8),
            Column("Đơn vị (lần 1)", 24, 12),
            Column("Tệp (lần 1)", 22, 12),
            number_column("Dòng (lần 1)", 8),
            Column("Đơn vị (lần 2)", 24, 12),
            Column("Tệp (lần 2)", 22, 12),
            number_column("Dòng (lần 2)", 8),
        ],
        rows,
        len(rows),
    )


def _meta_sheet(wb: Workbook, result: MergeResult) -> None:
    campaign = result.campaign
    values: list[list[Any]] = [
        ["kind", CONSOLIDATED_KIND],
        ["campaign_id", campaign.id],
        ["agency", campaign.agency.name],
        ["period_id", campaign.period.id],
        ["period_label", campaign.period.label],
        ["period_kind", campaign.period.kind],
        ["period_year", campaign.period.year],
        ["generated_at", result.generated_at.isoformat(timespec="seconds")],
        ["tool_version", __version__],
        ["spec_version", result.specs.version],
        ["spec_hash", result.specs.hash],
        ["strict", str(result.strict)],
    ]
    values += [["input", o.sub.display, o.sub.sha256 or "", o.status] for o in result.files]
    wb.add_sheet(META_SHEET, values, Layout(widths=[20, 40], hidden=True))


# -- reading it back ---------------------------------------------------------------------------


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
