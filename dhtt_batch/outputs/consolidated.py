"""The consolidated workbook forwarded upward: summary, one sheet per criterion, submission
status, findings, likely duplicates, and a hidden metadata sheet that `report` reads back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter

from .. import __version__
from ..atomic import atomic_save_workbook
from ..layout import (
    CONSOLIDATED_HEADER_ROW,
    DUPLICATES_SHEET,
    ERRORS_SHEET,
    META_SHEET,
    PROVENANCE_HEADERS,
    STATUS_SHEET,
    SUMMARY_SHEET,
)
from ..merge import FILE_STATUS_LABELS, UNIT_STATUS_LABELS, MergeResult
from ..spec import SheetSpec
from ..xlsx import (
    BOLD,
    BORDER,
    HEADER_ALIGN,
    HEADER_FILL,
    WRAP_TOP,
    a4_landscape,
    stream_value,
    styled,
)
from .feedback import SEVERITY_LABEL

KINDS = ("Tập thể", "Cá nhân")
WRAP_WIDTH = 24
DATE_STYLE, WRAP_STYLE = "dhtt_date", "dhtt_wrap"
TITLE_STYLE, HEADER_STYLE, BOLD_STYLE = "dhtt_title", "dhtt_header", "dhtt_bold"


def _register_styles(wb: Workbook) -> None:
    """Named styles, registered once: a streamed cell then costs one name lookup."""
    styles = [
        NamedStyle(DATE_STYLE, number_format="DD/MM/YYYY", alignment=Alignment(vertical="top")),
        NamedStyle(WRAP_STYLE, alignment=WRAP_TOP),
        NamedStyle(TITLE_STYLE, font=Font(bold=True, size=13)),
        NamedStyle(HEADER_STYLE, font=BOLD, fill=HEADER_FILL, alignment=HEADER_ALIGN,
                   border=BORDER),
        NamedStyle(BOLD_STYLE, font=Font(bold=True)),
    ]
    for style in styles:
        wb.add_named_style(style)


def consolidated_name(result: MergeResult) -> str:
    return f"tong-hop-{result.campaign.period.id}.xlsx"


def write_consolidated(result: MergeResult, target: Path) -> Path:
    # Write-only (streaming) mode: rows go to disk as they are appended, so a province's
    # workbook neither holds a million cell objects in memory nor pays for them.
    wb = Workbook(write_only=True)
    _register_styles(wb)
    _summary(wb.create_sheet(SUMMARY_SHEET), result)
    for spec in result.specs.criteria:
        _criterion_sheet(wb.create_sheet(spec.name), spec, result)
    _status_sheet(wb.create_sheet(STATUS_SHEET), result)
    _errors_sheet(wb.create_sheet(ERRORS_SHEET), result)
    _duplicates_sheet(wb.create_sheet(DUPLICATES_SHEET), result)
    _meta_sheet(wb.create_sheet(META_SHEET), result)
    atomic_save_workbook(wb, target)
    return target


def _table(ws: Any, title: str, headers: list[str], rows: Iterable[list[Any]],
           widths: Sequence[float], count: int) -> None:
    """Title in row 1, header at CONSOLIDATED_HEADER_ROW (frozen, filtered), A4 landscape.

    Data cells carry no borders (printed gridlines stand in for them); only dates and long
    texts in wide columns get a named style. Layout must be set before the first row streams.
    """
    top = CONSOLIDATED_HEADER_ROW
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{top + 1}"
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{top + max(count, 1)}"
    ws.print_options.gridLines = True
    a4_landscape(ws, f"{top}:{top}")
    ws.append([styled(ws, title, TITLE_STYLE)])
    ws.append([styled(ws, h, HEADER_STYLE) for h in headers])
    wide = {col for col, width in enumerate(widths) if width >= WRAP_WIDTH}
    for values in rows:
        ws.append([_cell(ws, v, col in wide and isinstance(v, str) and len(v) > widths[col])
                   for col, v in enumerate(values)])


def _cell(ws: Any, value: Any, wrap: bool) -> Any:
    if isinstance(value, date):
        return styled(ws, value, DATE_STYLE)
    if wrap:
        return styled(ws, value, WRAP_STYLE)
    return stream_value(ws, value)


def _criterion_sheet(ws: Any, spec: SheetSpec, result: MergeResult) -> None:
    columns = [c for c in spec.columns if c.key != "stt"]
    headers = ["STT", *(c.header for c in columns), *PROVENANCE_HEADERS]
    frame = result.rows[spec.name]
    keys = [c.key for c in columns] + ["_unit", "_unit_name", "_file", "_row"]
    rows = ([number, *(_plain(v) for v in record)]
            for number, record in enumerate(frame[keys].itertuples(index=False), start=1))
    _table(ws, f"{spec.title} - {result.campaign.period.label.upper()}", headers, rows,
           [6, *(c.width for c in columns), 10, 24, 24, 8], len(frame))


def _plain(value: Any) -> Any:
    return None if value is None or value != value else value  # NaN → empty


def _summary(ws: Any, result: MergeResult) -> None:
    criteria = result.specs.criteria
    headers = ["STT", "Đơn vị", "Tình trạng"] + [f"{s.name} - {k}" for s in criteria
                                                 for k in KINDS] + ["Tổng"]
    counts = _counts(result)
    rows: list[list[Any]] = []
    numbers: list[list[int]] = []
    for number, unit in enumerate(result.units, start=1):
        values = [counts.get((unit.unit.code, s.name, k), 0) for s in criteria for k in KINDS]
        numbers.append([*values, sum(values)])
        rows.append([number, unit.unit.name, UNIT_STATUS_LABELS[unit.status], *numbers[-1]])
    totals_row = CONSOLIDATED_HEADER_ROW + len(rows) + 1
    _chart(ws, totals_row, len(headers))
    # Streamed rows cannot be restyled afterwards, so the totals row is written styled here.
    total = ["", "Tổng cộng", "", *(sum(column) for column in zip(*numbers, strict=True))]
    status: list[list[Any]] = [[], ["", "Tình hình nộp biểu mẫu"]]
    status += [["", label, sum(1 for u in result.units if u.status == code)]
               for code, label in UNIT_STATUS_LABELS.items()]
    status.append(["", "Tổng số đơn vị", len(result.units)])
    _table(ws, f"TỔNG HỢP ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {result.campaign.period.label.upper()}",
           headers, [*rows, [styled(ws, v, BOLD_STYLE) for v in total], *status],
           [6, 34, 12] + [11] * (len(headers) - 4) + [9], len(rows) + 1)


def _counts(result: MergeResult) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for sheet, frame in result.rows.items():
        for unit, kind in zip(frame["_unit"], frame["doi_tuong"], strict=True):
            counts[(unit, sheet, kind)] = counts.get((unit, sheet, kind), 0) + 1
    return counts


def _chart(ws: Any, totals_row: int, ncols: int) -> None:
    """A native bar chart of the totals row: one bar per criterion and kind."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "Số điển hình đăng ký theo tiêu chí"
    chart.y_axis.title = "Số lượng"
    chart.legend = None
    data = Reference(ws, min_col=4, max_col=ncols - 1, min_row=totals_row, max_row=totals_row)
    labels = Reference(ws, min_col=4, max_col=ncols - 1, min_row=CONSOLIDATED_HEADER_ROW,
                       max_row=CONSOLIDATED_HEADER_ROW)
    chart.add_data(data, from_rows=True, titles_from_data=False)
    chart.set_categories(labels)
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"F{totals_row + 3}")


def _status_sheet(ws: Any, result: MergeResult) -> None:
    headers = ["STT", "Mã", "Đơn vị", "Tình trạng", "Tệp được tổng hợp", "Thời điểm nhận",
               "Nộp muộn", "Số dòng nhận", "Số dòng loại", "Các tệp khác"]
    rows = []
    for number, unit in enumerate(result.units, start=1):
        chosen = unit.counted
        others = "; ".join(f"{o.sub.path.name} ({FILE_STATUS_LABELS[o.status]})"
                           for o in unit.files if o is not chosen)
        rows.append([number, unit.unit.code, unit.unit.name, UNIT_STATUS_LABELS[unit.status],
                     chosen.sub.path.name if chosen else None,
                     chosen.received.strftime("%d/%m/%Y %H:%M") if chosen else None,
                     "Có" if unit.late else "", chosen.rows_accepted if chosen else 0,
                     chosen.rows_rejected if chosen else 0, others or None])
    _table(ws, "TÌNH HÌNH NỘP BIỂU MẪU CỦA CÁC ĐƠN VỊ", headers, rows,
           [6, 9, 34, 12, 30, 17, 9, 10, 10, 40], len(rows))


def _errors_sheet(ws: Any, result: MergeResult) -> None:
    headers = ["STT", "Tệp", "Mã đơn vị", "Sheet", "Ô", "Cột", "Mã lỗi", "Mức độ", "Nội dung"]
    findings = result.findings
    rows = ([n, f.file.rsplit("/", 1)[-1], f.unit, f.sheet, f.cell, f.column, f.code,
             SEVERITY_LABEL[f.severity], f.message] for n, f in enumerate(findings, start=1))
    _table(ws, "CÁC LỖI VÀ CẢNH BÁO", headers, rows, [6, 26, 9, 12, 7, 20, 16, 9, 80],
           len(findings))


def _duplicates_sheet(ws: Any, result: MergeResult) -> None:
    headers = ["STT", "Tiêu chí", "Họ và tên / Tên tập thể", "Năm sinh", "Đơn vị (lần 1)",
               "Tệp (lần 1)", "Dòng (lần 1)", "Đơn vị (lần 2)", "Tệp (lần 2)", "Dòng (lần 2)"]
    rows = [[n, d.sheet_name, d.name, d.birth_year, d.first.unit_name, d.first.file,
             d.first.row, d.second.unit_name, d.second.file, d.second.row]
            for n, d in enumerate(result.duplicates, start=1)]
    _table(ws, "CÓ THỂ ĐĂNG KÝ TRÙNG (CẦN KIỂM TRA)", headers, rows,
           [6, 10, 28, 9, 26, 24, 8, 26, 24, 8], len(rows))


def _meta_sheet(ws: Any, result: MergeResult) -> None:
    campaign = result.campaign
    values: list[list[Any]] = [
        ["kind", "dhtt-batch-consolidated"], ["campaign_id", campaign.id],
        ["agency", campaign.agency.name], ["period_id", campaign.period.id],
        ["period_label", campaign.period.label],
        ["generated_at", result.generated_at.isoformat(timespec="seconds")],
        ["tool_version", __version__], ["spec_version", result.specs.version],
        ["spec_hash", result.specs.hash], ["strict", str(result.strict)],
    ]
    values += [["input", o.sub.display, o.sub.sha256 or "", o.status] for o in result.files]
    ws.sheet_state = "hidden"
    ws.column_dimensions["B"].width = 40
    for row in values:
        ws.append([stream_value(ws, v) for v in row])
