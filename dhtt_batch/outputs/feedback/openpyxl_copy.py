"""The openpyxl path for feedback copies: .xlsm, returned feedback copies, unusual packages,
and .xls/.ods (rebuilt from the values read). Slower than feedback_patch, but it opens
anything openpyxl can; imported only when needed (openpyxl takes a while to import)."""

from __future__ import annotations

import io
from collections import defaultdict
from copy import copy
from pathlib import Path
from typing import Any

import python_calamine as calamine
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ...atomic import atomic_save_workbook
from ...findings import ERROR, Finding
from ...submission import Submission
from ...xlsx.cells import CellRef
from ...xlsx.openpyxl_helpers import (
    ERROR_FILL,
    WARNING_FILL,
    WRAP_TOP,
    fit_row_heights,
    print_setup,
    set_value,
    style_header,
    text_font,
    write_row,
)
from ...xlsx.printing import A4, Page
from .parts import (
    AUTHOR,
    FIXES_HEADER_ROW,
    FIXES_HEADERS,
    FIXES_SHEET,
    FIXES_WIDTHS,
    fixes_rows,
    fixes_title,
    is_fixes_sheet,
)

_NO_FILL = PatternFill(fill_type=None)


def write_with_openpyxl(sub: Submission, findings: list[Finding], target: Path) -> tuple[str, str]:
    """Write the copy; return how ("openpyxl" or "values") and, for values, why."""
    wb, via, reason = _open_copy(sub)
    _clear_previous_marks(wb)
    _mark_cells(wb, findings)
    _fixes_sheet(wb, findings)
    atomic_save_workbook(wb, target)
    return via, reason


def _open_copy(sub: Submission) -> tuple[Workbook, str, str]:
    if sub.format == "xlsx" and sub.readable:
        try:
            return load_workbook(sub.path, rich_text=False), "openpyxl", ""
        except Exception as exc:  # openpyxl rejects some files calamine reads: use the values
            reason = f"openpyxl could not open it ({type(exc).__name__}: {exc})"[:300]
            return _values_copy(sub), "values", reason
    return _values_copy(sub), "values", ""


def _values_copy(sub: Submission) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    if not sub.readable:
        return wb
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(sub.path.read_bytes()))
        for meta in book.sheets_metadata:
            ws = wb.create_sheet(meta.name[:31])
            for number, row in enumerate(
                book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False), start=1
            ):
                write_row(ws, number, [None if v == "" else v for v in row])
    except Exception:  # an unreadable sheet leaves the copy with what was read so far
        pass
    return wb


def _clear_previous_marks(wb: Workbook) -> None:
    """A clerk may send back last round's feedback copy: our old marks must not linger."""
    for name in wb.sheetnames:
        if is_fixes_sheet(name):
            wb.remove(wb[name])
    for ws in wb.worksheets:
        for cell in list(ws._cells.values()):
            if cell.comment is not None and cell.comment.author == AUTHOR:
                cell.comment = None
                cell.fill = _NO_FILL


def _mark_cells(wb: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, CellRef], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in wb.sheetnames:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    for (sheet, coordinate), items in by_cell.items():
        cell = _cell_as_shown(wb[sheet], coordinate)
        worst = ERROR if any(f.severity == ERROR for f in items) else "warning"
        cell.fill = ERROR_FILL if worst == ERROR else WARNING_FILL
        text = "\n".join(f"- {f.message}" for f in items)
        cell.comment = Comment(text, AUTHOR, width=320, height=40 + 40 * len(items))


def _cell_as_shown(ws: Worksheet, coordinate: CellRef) -> Cell:
    """The cell, created if absent (an empty required cell usually is) with the format it
    showed while absent — its row's, else its column's — so it keeps the protection the
    template gave it (data columns unlocked) rather than the default, locked one."""
    row, col = coordinate.row, coordinate.col
    existing = ws._cells.get((row, col))
    if existing is not None:
        return existing
    cell = ws.cell(row=row, column=col)
    shown_by: Any = ws.row_dimensions.get(row)
    if shown_by is None or not shown_by.has_style:
        shown_by = next(
            (
                dim
                for dim in ws.column_dimensions.values()
                if dim.has_style and (dim.min or 0) <= col <= (dim.max or 0)
            ),
            None,
        )
    if shown_by is not None:
        cell._style = copy(shown_by._style)
    return cell


def _fixes_sheet(wb: Workbook, findings: list[Finding]) -> None:
    ws = wb.create_sheet(FIXES_SHEET, 0)
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    set_value(ws["A1"], fixes_title(findings))
    ws["A1"].font = text_font(bold=True)
    write_row(ws, 3, FIXES_HEADERS)
    style_header(ws, 3, len(FIXES_HEADERS), height=20)
    for finding, values in zip(findings, fixes_rows(findings), strict=True):
        row = 3 + int(str(values[0]))
        write_row(ws, row, values)
        if finding.sheet and finding.cell and finding.sheet in wb.sheetnames:
            link = ws.cell(row=row, column=3)
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"'{finding.sheet}'!{finding.cell}"
            )
            link.font = text_font(color="0563C1", underline="single")
        ws.cell(row=row, column=6).alignment = WRAP_TOP
    for letter, width in zip("ABCDEF", FIXES_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    fit_row_heights(ws, range(FIXES_HEADER_ROW + 1, ws.max_row + 1), FIXES_WIDTHS)
    print_setup(ws, Page(A4), FIXES_SHEET, f"{FIXES_HEADER_ROW}:{FIXES_HEADER_ROW}")
