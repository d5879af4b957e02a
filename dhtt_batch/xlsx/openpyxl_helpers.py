"""openpyxl cell helpers for the workbooks built cell by cell (templates, feedback fallback).

A formula-looking string (cells.looks_like_formula) is written as text with the quote prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from .cells import looks_like_formula
from .parts import BORDER_RGB, ERROR_RGB, HEADER_RGB, WARNING_RGB
from .printing import (
    HF_FONT,
    HF_SIZE,
    MARGINS_IN,
    PAGE_NUMBER,
    SHEET_NAME,
    Page,
    header_title,
    row_height,
)

THIN = Side(style="thin", color=BORDER_RGB)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor=HEADER_RGB)
EXAMPLE_FILL = PatternFill("solid", fgColor="F2F2F2")
ERROR_FILL = PatternFill("solid", fgColor=ERROR_RGB)
WARNING_FILL = PatternFill("solid", fgColor=WARNING_RGB)
BOLD = Font(name="Times New Roman", size=11, bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")


def text_font(**style: Any) -> Font:
    """A font named and sized (Calibri 11 unless given): a font without them prints in
    whatever the office suite defaults to, wider than the row heights were made for."""
    return Font(**{"name": "Calibri", "size": 11, **style})


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


def print_setup(ws: Any, page: Page, title: str = "", title_rows: str | None = None) -> None:
    """Fitted to the page width (see xlsx.printing), title and page numbers in the margins."""
    ws.page_setup.orientation = "landscape" if page.landscape else "portrait"
    ws.page_setup.paperSize = page.paper
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left, ws.page_margins.right = MARGINS_IN["left"], MARGINS_IN["right"]
    ws.page_margins.top, ws.page_margins.bottom = MARGINS_IN["top"], MARGINS_IN["bottom"]
    ws.page_margins.header, ws.page_margins.footer = MARGINS_IN["header"], MARGINS_IN["footer"]
    header = ws.oddHeader.center
    header.text, header.font, header.size = header_title(title), HF_FONT, HF_SIZE
    ws.oddFooter.left.text, ws.oddFooter.left.size = SHEET_NAME, HF_SIZE
    ws.oddFooter.center.text, ws.oddFooter.center.size = PAGE_NUMBER, HF_SIZE
    if title_rows:
        ws.print_title_rows = title_rows


def fit_row_heights(
    ws: Worksheet, rows: range, widths: Sequence[float], bold: bool = False
) -> None:
    """Explicit heights for rows whose text wraps (LibreOffice prints the file's heights)."""
    for row in rows:
        values = [ws.cell(row=row, column=col).value for col in range(1, len(widths) + 1)]
        height = row_height(values, widths, bold)
        if height:
            ws.row_dimensions[row].height = height
