"""The consolidated workbook forwarded upward: its layout, its writer and its reader.

Sheets: summary, one per criterion (accepted rows with provenance), submission status,
findings, likely duplicates, and a hidden metadata sheet. `report` (and anything else that
works from a forwarded or archived workbook) reads it back with `read_consolidated`, through
the same names and header texts the writer uses, so the two sides cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_write
from ..campaign import PERIOD_KINDS, period_from_id
from ..findings import SEVERITY_LABEL
from ..locate import find_sheet, header_key
from ..merge import MergeResult
from ..reader import RawSheet, ReadFailure, read_workbook
from ..spec import Role, SheetSpec, SpecSet
from ..states import PROVENANCE, UNIT, UnitStatus, label, unit_status_from_label
from ..xlsx.parts import BORDER_RGB, HEADER_RGB, BarChart, Style
from ..xlsx.stream import Cell, Layout, Workbook
from .template_layout import META_SHEET

CONSOLIDATED_KIND = "dhtt-batch-consolidated"
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


KINDS = ("Tập thể", "Cá nhân")
WRAP_WIDTH = 24
HEADER_HEIGHT = 45  # points: three lines of wrapped header text
DATE_STYLE, WRAP_STYLE = "date", "wrap"
TITLE_STYLE, HEADER_STYLE, BOLD_STYLE = "title", "header", "bold"
STYLES = {
    DATE_STYLE: Style(number_format="DD/MM/YYYY", vertical="top"),
    WRAP_STYLE: Style(wrap=True, vertical="top"),
    TITLE_STYLE: Style(bold=True, size=13),
    HEADER_STYLE: Style(
        bold=True,
        font="Times New Roman",
        fill=HEADER_RGB,
        border=BORDER_RGB,
        wrap=True,
        horizontal="center",
        vertical="center",
    ),
    BOLD_STYLE: Style(bold=True),
}


def consolidated_name(result: MergeResult) -> str:
    return f"tong-hop-{result.campaign.period.id}.xlsx"


def write_consolidated(result: MergeResult, target: Path) -> Path:
    # Streamed: rows go to disk as they are produced, so a province's workbook never holds a
    # million cells in memory (see xlsxstream for why not openpyxl).
    wb = Workbook(STYLES, date_style=DATE_STYLE)
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
    headers: list[str],
    rows: Iterable[list[Any]],
    widths: Sequence[float],
    count: int,
    chart: BarChart | None = None,
) -> None:
    """Title in row 1, header at HEADER_ROW (frozen, filtered), A4 landscape.

    Data cells carry no borders (printed gridlines stand in for them); only dates and long
    texts in wide columns get a style.
    """
    top = HEADER_ROW
    wide = [col for col, width in enumerate(widths) if width >= WRAP_WIDTH]

    def lines() -> Iterator[list[Any]]:
        yield [Cell(title, TITLE_STYLE)]
        yield from ([] for _ in range(top - 2))
        yield [Cell(h, HEADER_STYLE) for h in headers]
        for values in rows:
            for col in wide:
                value = values[col] if col < len(values) else None
                if type(value) is str and len(value) > widths[col]:
                    values[col] = Cell(value, WRAP_STYLE)
            yield values

    wb.add_sheet(
        name,
        lines(),
        Layout(
            widths,
            header_row=top,
            last_row=top + count,
            columns=len(headers),
            gridlines=True,
            landscape_a4=True,
            chart=chart,
            heights={1: 21, top: HEADER_HEIGHT},
        ),
    )


def _criterion_sheet(wb: Workbook, spec: SheetSpec, result: MergeResult) -> None:
    columns = [c for c in spec.columns if c.key != "stt"]
    headers = ["STT", *(c.header for c in columns), *PROVENANCE_HEADERS]
    frame = result.rows[spec.name]
    keys = [c.key for c in columns] + list(PROVENANCE)
    records = frame[keys].to_numpy(dtype=object).tolist()  # plain Python values, fast
    rows = ([number, *record] for number, record in enumerate(records, start=1))
    _table(
        wb,
        spec.name,
        f"{spec.title} - {result.campaign.period.label.upper()}",
        headers,
        rows,
        [6, *(c.width for c in columns), 10, 24, 24, 8],
        len(frame),
    )


def _summary(wb: Workbook, result: MergeResult) -> None:
    criteria = result.specs.criteria
    headers = (
        ["STT", "Đơn vị", "Tình trạng"]
        + [f"{s.name} - {k}" for s in criteria for k in KINDS]
        + ["Tổng"]
    )
    counts = _counts(result)
    rows: list[list[Any]] = []
    numbers: list[list[int]] = []
    for number, unit in enumerate(result.units, start=1):
        values = [counts.get((unit.unit.code, s.name, k), 0) for s in criteria for k in KINDS]
        numbers.append([*values, sum(values)])
        rows.append([number, unit.unit.name, label(unit.status), *numbers[-1]])
    totals_row = HEADER_ROW + len(rows) + 1
    total = ["", "Tổng cộng", "", *(sum(column) for column in zip(*numbers, strict=True))]
    status: list[list[Any]] = [[], ["", "Tình hình nộp biểu mẫu"]]
    status += [
        ["", label(code), sum(1 for u in result.units if u.status == code)] for code in UnitStatus
    ]
    status.append(["", "Tổng số đơn vị", len(result.units)])
    # A native bar chart of the totals row: one bar per criterion and kind.
    chart = BarChart(
        "Số điển hình đăng ký theo tiêu chí",
        "Số lượng",
        value_row=totals_row,
        label_row=HEADER_ROW,
        first_col=4,
        last_col=len(headers) - 1,
        anchor_col=6,
        anchor_row=totals_row + 3,
    )
    _table(
        wb,
        SUMMARY_SHEET,
        f"TỔNG HỢP ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {result.campaign.period.label.upper()}",
        headers,
        [*rows, [Cell(v, BOLD_STYLE) for v in total], *status],
        [6, 34, 12] + [11] * (len(headers) - 4) + [9],
        len(rows) + 1,
        chart,
    )


def _counts(result: MergeResult) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for sheet, frame in result.rows.items():
        for unit, kind in zip(frame[UNIT], frame["doi_tuong"], strict=True):
            counts[(unit, sheet, kind)] = counts.get((unit, sheet, kind), 0) + 1
    return counts


def _status_sheet(wb: Workbook, result: MergeResult) -> None:
    headers = list(StatusColumn.ALL)
    rows = []
    for number, unit in enumerate(result.units, start=1):
        chosen = unit.counted
        others = "; ".join(
            f"{o.sub.path.name} ({label(o.status) if o.status else ''})"
            for o in unit.files
            if o is not chosen
        )
        rows.append(
            [
                number,
                unit.unit.code,
                unit.unit.name,
                label(unit.status),
                chosen.sub.path.name if chosen else None,
                chosen.received.strftime("%d/%m/%Y %H:%M") if chosen else None,
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
        headers,
        rows,
        [6, 9, 34, 12, 30, 17, 9, 10, 10, 40],
        len(rows),
    )


def _errors_sheet(wb: Workbook, result: MergeResult) -> None:
    headers = ["STT", "Tệp", "Mã đơn vị", "Sheet", "Ô", "Cột", "Mã lỗi", "Mức độ", "Nội dung"]
    findings = result.findings
    rows = (
        [
            n,
            f.file.rsplit("/", 1)[-1],
            f.unit,
            f.sheet,
            f.cell,
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
        headers,
        rows,
        [6, 26, 9, 12, 7, 20, 16, 9, 80],
        len(findings),
    )


def _duplicates_sheet(wb: Workbook, result: MergeResult) -> None:
    headers = [
        "STT",
        "Tiêu chí",
        "Họ và tên / Tên tập thể",
        "Năm sinh",
        "Đơn vị (lần 1)",
        "Tệp (lần 1)",
        "Dòng (lần 1)",
        "Đơn vị (lần 2)",
        "Tệp (lần 2)",
        "Dòng (lần 2)",
    ]
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
        headers,
        rows,
        [6, 10, 28, 9, 26, 24, 8, 26, 24, 8],
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
    workbook, failures = read_workbook(path, path.name)
    if workbook is None:
        raise ConsolidatedError(f"Không đọc được {path.name}: {failures[0].message}")
    not_ours = f"{path.name} không phải bảng tổng hợp do dhtt-batch merge tạo ra"
    try:
        if META_SHEET not in workbook.sheet_names:
            raise ConsolidatedError(f"{not_ours} (thiếu sheet thông tin ẩn).")
        meta_sheet = workbook.sheet(META_SHEET)
        meta = {str(r[0]): _text(r[1]) for r in meta_sheet.rows if len(r) > 1 and r[0]}
        if meta.get("kind") != CONSOLIDATED_KIND:
            raise ConsolidatedError(f"{not_ours}.")
        inputs = sum(1 for r in meta_sheet.rows if r and r[0] == "input")
        units = _units(_sheet(workbook, STATUS_SHEET, path), path)
        rows = {
            spec.name: _records(_sheet(workbook, spec.name, path), spec, path)
            for spec in specs.criteria
        }
    except ReadFailure as exc:
        raise ConsolidatedError(f"Không đọc được {path.name}: {exc.detail}") from exc
    return ConsolidatedData(meta, units, rows, inputs)


def _sheet(workbook: Any, name: str, path: Path) -> RawSheet:
    actual = find_sheet(workbook.sheet_names, name)
    if actual is None:
        raise ConsolidatedError(
            f"{path.name}: không thấy sheet '{name}' (sheet đã bị đổi tên "
            "hoặc xóa). Hãy dùng bảng tổng hợp gốc do dhtt-batch merge tạo ra."
        )
    return workbook.sheet(actual)  # type: ignore[no-any-return]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _header_keys(sheet: RawSheet, wanted: Sequence[str], path: Path) -> list[str]:
    """The header row's texts as header keys; every wanted header must be there."""
    header = sheet.rows[HEADER_ROW - 1] if len(sheet.rows) >= HEADER_ROW else []
    headers = [header_key(h) for h in header]
    for text in wanted:
        if header_key(text) not in headers:
            raise ConsolidatedError(
                f"{path.name}, sheet '{sheet.name}': không thấy cột '{text}' ở dòng {HEADER_ROW} "
                "(tiêu đề cột đã bị sửa). Hãy dùng bảng tổng hợp gốc do dhtt-batch merge tạo ra."
            )
    return headers


def _read_table(sheet: RawSheet, wanted: Sequence[str], path: Path) -> list[dict[str, Any]]:
    """Rows under the header row, as {header_key: value}; every wanted header must be there."""
    headers = _header_keys(sheet, wanted, path)
    records = []
    for row in sheet.rows[HEADER_ROW:]:
        if not any(v not in ("", None) for v in row):
            continue
        records.append({h: (None if v == "" else v) for h, v in zip(headers, row, strict=False)})
    return records


def _units(sheet: RawSheet, path: Path) -> list[UnitState]:
    c = StatusColumn
    units = []
    for number, r in enumerate(
        _read_table(sheet, (c.CODE, c.NAME, c.STATUS), path), start=HEADER_ROW + 1
    ):
        code = _text(r.get(header_key(c.CODE)))
        if not code:
            continue
        status = unit_status_from_label(r.get(header_key(c.STATUS)))
        if status is None:
            raise ConsolidatedError(
                f"{path.name}, sheet '{sheet.name}', dòng {number}: tình trạng "
                f"'{_text(r.get(header_key(c.STATUS)))}' không phải một trong "
                f"{', '.join(label(s) for s in UnitStatus)}."
            )
        units.append(
            UnitState(
                code=code,
                name=_text(r.get(header_key(c.NAME))),
                status=status,
                late=_text(r.get(header_key(c.LATE))) == LATE_MARK,
                accepted=_count(r.get(header_key(c.ACCEPTED))),
            )
        )
    return units


def _count(value: Any) -> int:
    """A row count as written (a number), or 0 when a person typed something else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value or "").strip()
    return int(text) if text.isdigit() else 0


def _records(sheet: RawSheet, spec: SheetSpec, path: Path) -> list[dict[str, Any]]:
    columns = [c for c in spec.columns if c.key != "stt"]
    by_header = {header_key(c.header): c.key for c in columns}
    provenance = dict(zip((header_key(h) for h in PROVENANCE_HEADERS), PROVENANCE, strict=True))
    needed = [c.header for c in columns[:2]] + [PROVENANCE_HEADERS[0]]
    keys = {**by_header, **provenance}
    # Column positions picked once: a province's workbook has tens of thousands of rows.
    picks = [(i, keys[h]) for i, h in enumerate(_header_keys(sheet, needed, path)) if h in keys]
    name = spec.key(Role.NAME)
    records = []
    for row in sheet.rows[HEADER_ROW:]:
        width = len(row)
        record = {key: row[i] if i < width and row[i] != "" else None for i, key in picks}
        if record.get(name):
            records.append(record)
    return records
