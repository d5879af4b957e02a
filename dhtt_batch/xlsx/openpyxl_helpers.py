"""openpyxl cell helpers for the workbooks built cell by cell (templates, feedback fallback).

A formula-looking string (cells.looks_like_formula) is written as text with the quote prefix.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from .cells import looks_like_formula
from .parts import BORDER_RGB, ERROR_RGB, HEADER_RGB, WARNING_RGB

THIN = Side(style="thin", color=BORDER_RGB)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor=HEADER_RGB)
EXAMPLE_FILL = PatternFill("solid", fgColor="F2F2F2")
ERROR_FILL = PatternFill("solid", fgColor=ERROR_RGB)
WARNING_FILL = PatternFill("solid", fgColor=WARNING_RGB)
BOLD = Font(name="Times New Roman", bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")


def set_value(cell: Cell, value: Any) -> None:
    """Write a value; a formula-looking string stays text."""
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_row(ws: Worksheet, row: int, values: list[Any], start_col: int = 1) -> None:
    for offset, value in enumerate(values):
        set_value(ws.cell(row=row, column=start_col + offset), value)


def style_header(ws: Worksheet, row: int, ncols: int, height: float = 45) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        cell.border = BORDER
    ws.row_dimensions[row].height = height


def a4_landscape(ws: Any, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
