"""Feedback workbooks: the unit's own workbook back, each bad cell marked, plus the list of fixes.

For .xlsx/.xlsm the unit's file is opened with openpyxl (after the reader has checked the
container; openpyxl parses with defusedxml) and saved as a new .xlsx, so the unit's data
validations and formatting survive. For .xls/.ods, which openpyxl cannot open, the copy is
rebuilt from the values read. The input file is never written.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import python_calamine as calamine
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..atomic import atomic_save_workbook
from ..findings import ERROR, Finding
from ..submission import Submission
from ..xlsx import ERROR_FILL, WARNING_FILL, WRAP_TOP, set_value, style_header, write_row

FIXES_SHEET = "Lỗi cần sửa"
AUTHOR = "dhtt-batch"
SEVERITY_LABEL = {ERROR: "Lỗi", "warning": "Cảnh báo"}
_NO_FILL = PatternFill(fill_type=None)


def feedback_name(sub: Submission, unit_prefix: bool = False) -> str:
    stem = sub.path.name.rsplit(".", 1)[0]
    code = sub.identity.code
    # The officer sorts feedback by unit: lead with its code unless the name already does.
    prefix = f"{code}-" if unit_prefix and code and not stem.upper().startswith(code) else ""
    return f"{prefix}{stem}-phan-hoi.xlsx"


def write_feedback(sub: Submission, findings: list[Finding], target: Path) -> Path:
    wb = _open_copy(sub)
    _clear_previous_marks(wb)
    _mark_cells(wb, findings)
    _fixes_sheet(wb, findings)
    atomic_save_workbook(wb, target)
    return target


def _open_copy(sub: Submission) -> Workbook:
    if sub.format == "xlsx" and sub.readable:
        try:
            return load_workbook(sub.path, rich_text=False)
        except Exception:  # openpyxl rejects some files calamine reads; fall back to values
            pass
    return _values_copy(sub)


def _values_copy(sub: Submission) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    if not sub.readable:
        return wb
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(sub.path.read_bytes()))
        for meta in book.sheets_metadata:
            ws = wb.create_sheet(meta.name[:31])
            for number, row in enumerate(book.get_sheet_by_name(meta.name)
                                         .to_python(skip_empty_area=False), start=1):
                write_row(ws, number, [None if v == "" else v for v in row])
    except Exception:  # an unreadable sheet leaves the copy with what was read so far
        pass
    return wb


def _clear_previous_marks(wb: Workbook) -> None:
    """A clerk may send back last round's feedback copy: our old marks must not linger."""
    if FIXES_SHEET in wb.sheetnames:
        wb.remove(wb[FIXES_SHEET])
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):
            if cell.comment is not None and cell.comment.author == AUTHOR:
                cell.comment = None
                cell.fill = _NO_FILL


def _mark_cells(wb: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in wb.sheetnames:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, coordinate), items in by_cell.items():
        cell = wb[sheet][coordinate]
        worst = ERROR if any(f.severity == ERROR for f in items) else "warning"
        cell.fill = ERROR_FILL if worst == ERROR else WARNING_FILL
        text = "\n".join(f"- {f.message}" for f in items)
        cell.comment = Comment(text, AUTHOR, width=320, height=40 + 40 * len(items))


def _fixes_sheet(wb: Workbook, findings: list[Finding]) -> None:
    ws = wb.create_sheet(FIXES_SHEET, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    errors = sum(1 for f in findings if f.severity == ERROR)
    set_value(ws["A1"], f"DANH SÁCH CẦN SỬA: {errors} lỗi, {len(findings) - errors} cảnh báo. "
                        "Bấm vào địa chỉ ô để đến ô cần sửa; sửa xong hãy gửi lại tệp.")
    ws["A1"].font = Font(bold=True)
    headers = ["STT", "Sheet", "Ô", "Cột", "Mức độ", "Nội dung cần sửa"]
    write_row(ws, 3, headers)
    style_header(ws, 3, len(headers), height=20)
    for number, finding in enumerate(findings, start=1):
        row = 3 + number
        write_row(ws, row, [number, finding.sheet or "", finding.cell or "",
                            finding.column or "", SEVERITY_LABEL[finding.severity],
                            finding.message])
        if finding.sheet and finding.cell and finding.sheet in wb.sheetnames:
            link = ws.cell(row=row, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=f"'{finding.sheet}'!{finding.cell}")
            link.font = Font(color="0563C1", underline="single")
        ws.cell(row=row, column=6).alignment = WRAP_TOP
    _widths(ws, {"A": 6, "B": 18, "C": 8, "D": 28, "E": 10, "F": 100})
    ws.freeze_panes = "A4"


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
