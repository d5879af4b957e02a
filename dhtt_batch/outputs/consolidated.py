"""The consolidated workbook forwarded upward: summary, one sheet per criterion, submission
status, findings, likely duplicates, and a hidden metadata sheet that `report` reads back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
from ..xlsx import WRAP_TOP, a4_landscape, append_row, set_value, style_header, write_row
from .feedback import SEVERITY_LABEL

KINDS = ("Tập thể", "Cá nhân")
WRAP_WIDTH = 24
DATE_STYLE, WRAP_STYLE = "dhtt_date", "dhtt_wrap"


def _register_styles(wb: Workbook) -> None:
    date_style = NamedStyle(DATE_STYLE, number_format="DD/MM/YYYY")
    date_style.alignment = Alignment(vertical="top")
    wrap_style = NamedStyle(WRAP_STYLE)
    wrap_style.alignment = WRAP_TOP
    wb.add_named_style(date_style)
    wb.add_named_style(wrap_style)


def consolidated_name(result: MergeResult) -> str:
    return f"tong-hop-{result.campaign.period.id}.xlsx"


def write_consolidated(result: MergeResult, target: Path) -> Path:
    wb = Workbook()
    _register_styles(wb)
    _summary(wb.active, result)
    for spec in result.specs.criteria:
        _criterion_sheet(wb.create_sheet(spec.name), spec, result)
    _status_sheet(wb.create_sheet(STATUS_SHEET), result)
    _errors_sheet(wb.create_sheet(ERRORS_SHEET), result)
    _duplicates_sheet(wb.create_sheet(DUPLICATES_SHEET), result)
    _meta_sheet(wb.create_sheet(META_SHEET), result)
    atomic_save_workbook(wb, target)
    return target


def _title(ws: Worksheet, text: str, width: int) -> None:
    set_value(ws["A1"], text)
    ws["A1"].font = Font(bold=True, size=13)
    if width > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _table(ws: Worksheet, headers: list[str], rows: list[list[Any]],
           widths: Sequence[float]) -> None:
    """Header at CONSOLIDATED_HEADER_ROW, frozen and filtered; A4 landscape.

    Data cells carry no borders (printed gridlines stand in for them): styling each of
    hundreds of thousands of cells is what made large workbooks slow. Only dates and the
    wide text columns get a (named, so cheap) style.
    """
    top = CONSOLIDATED_HEADER_ROW
    write_row(ws, top, headers)
    style_header(ws, top, len(headers))
    wide = {col for col, width in enumerate(widths, start=1) if width >= WRAP_WIDTH}
    for offset, values in enumerate(rows, start=1):
        append_row(ws, top + offset, values)
        for col, value in enumerate(values, start=1):
            if isinstance(value, date):
                ws.cell(row=top + offset, column=col).style = DATE_STYLE
            elif col in wide and isinstance(value, str) and len(value) > widths[col - 1]:
                ws.cell(row=top + offset, column=col).style = WRAP_STYLE
    ws.print_options.gridLines = True
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{top}:{last}{top + max(len(rows), 1)}"
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    a4_landscape(ws, f"{top}:{top}")


def _criterion_sheet(ws: Worksheet, spec: SheetSpec, result: MergeResult) -> None:
    columns = [c for c in spec.columns if c.key != "stt"]
    headers = ["STT", *(c.header for c in columns), *PROVENANCE_HEADERS]
    frame = result.rows[spec.name]
    keys = [c.key for c in columns] + ["_unit", "_unit_name", "_file", "_row"]
    rows = [[number, *(_plain(v) for v in record)]
            for number, record in enumerate(frame[keys].itertuples(index=False), start=1)]
    _title(ws, f"{spec.title} - {result.campaign.period.label.upper()}", len(headers))
    _table(ws, headers, rows, [6, *(c.width for c in columns), 10, 24, 24, 8])


def _plain(value: Any) -> Any:
    return None if value is None or value != value else value  # NaN → empty


def _summary(ws: Worksheet, result: MergeResult) -> None:
    ws.title = SUMMARY_SHEET
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
    rows.append(["", "Tổng cộng", "", *(sum(column) for column in zip(*numbers, strict=True))])
    _title(ws, f"TỔNG HỢP ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {result.campaign.period.label.upper()}",
           len(headers))
    _table(ws, headers, rows, [6, 34, 12] + [11] * (len(headers) - 4) + [9])
    for cell in ws[CONSOLIDATED_HEADER_ROW + len(rows)]:
        cell.font = Font(bold=True)
    _status_counts(ws, result, CONSOLIDATED_HEADER_ROW + len(rows) + 2)
    _chart(ws, result, CONSOLIDATED_HEADER_ROW + len(rows), len(headers))


def _counts(result: MergeResult) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for sheet, frame in result.rows.items():
        for unit, kind in zip(frame["_unit"], frame["doi_tuong"], strict=True):
            counts[(unit, sheet, kind)] = counts.get((unit, sheet, kind), 0) + 1
    return counts


def _status_counts(ws: Worksheet, result: MergeResult, row: int) -> None:
    set_value(ws.cell(row=row, column=2), "Tình hình nộp biểu mẫu")
    ws.cell(row=row, column=2).font = Font(bold=True)
    for offset, (status, label) in enumerate(UNIT_STATUS_LABELS.items(), start=1):
        write_row(ws, row + offset, [label, sum(1 for u in result.units if u.status == status)],
                  start_col=2)
    write_row(ws, row + 5, ["Tổng số đơn vị", len(result.units)], start_col=2)


def _chart(ws: Worksheet, result: MergeResult, totals_row: int, ncols: int) -> None:
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


def _status_sheet(ws: Worksheet, result: MergeResult) -> None:
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
    _title(ws, "TÌNH HÌNH NỘP BIỂU MẪU CỦA CÁC ĐƠN VỊ", len(headers))
    _table(ws, headers, rows, [6, 9, 34, 12, 30, 17, 9, 10, 10, 40])


def _errors_sheet(ws: Worksheet, result: MergeResult) -> None:
    headers = ["STT", "Tệp", "Mã đơn vị", "Sheet", "Ô", "Cột", "Mã lỗi", "Mức độ", "Nội dung"]
    rows = [[n, f.file.rsplit("/", 1)[-1], f.unit, f.sheet, f.cell, f.column, f.code,
             SEVERITY_LABEL[f.severity], f.message]
            for n, f in enumerate(result.findings, start=1)]
    _title(ws, "CÁC LỖI VÀ CẢNH BÁO", len(headers))
    _table(ws, headers, rows, [6, 26, 9, 12, 7, 20, 16, 9, 80])


def _duplicates_sheet(ws: Worksheet, result: MergeResult) -> None:
    headers = ["STT", "Tiêu chí", "Họ và tên / Tên tập thể", "Năm sinh", "Đơn vị (lần 1)",
               "Tệp (lần 1)", "Dòng (lần 1)", "Đơn vị (lần 2)", "Tệp (lần 2)", "Dòng (lần 2)"]
    rows = [[n, d.sheet_name, d.name, d.birth_year, d.first.unit_name, d.first.file,
             d.first.row, d.second.unit_name, d.second.file, d.second.row]
            for n, d in enumerate(result.duplicates, start=1)]
    _title(ws, "CÓ THỂ ĐĂNG KÝ TRÙNG (CẦN KIỂM TRA)", len(headers))
    _table(ws, headers, rows, [6, 10, 28, 9, 26, 24, 8, 26, 24, 8])


def _meta_sheet(ws: Worksheet, result: MergeResult) -> None:
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
    for number, row in enumerate(values, start=1):
        write_row(ws, number, row)
    ws.sheet_state = "hidden"
    ws.column_dimensions["B"].width = 40
    ws["A1"].alignment = Alignment(horizontal="left")
