"""A printed table on a streamed sheet: title, header row, bordered body, print setup.

The consolidated workbook's sheets are such tables. Each column declares its natural width,
the narrowest width its content stays readable at, and its cell style; `add_table` fits the
widths to the paper (printing.print_widths), gives the header and body rows the heights their
wrapped text needs, borders every body cell (empty ones too) and nothing around the table,
repeats the header row on each printed page and puts the title and page numbers in the
page's margins.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .parts import BORDER_RGB, HEADER_RGB, BarChart, Style
from .printing import Page, print_widths, row_height
from .stream import Cell, Layout, Workbook

HEADER_MIN_HEIGHT = 30  # points: two lines of header text
TITLE_HEIGHT = 21
DATE_STYLE = "date"  # a date outside a table body
TITLE_STYLE, HEADER_STYLE, BOLD_STYLE = "title", "header", "bold"
TEXT_CELL, NUMBER_CELL, DATE_CELL = "cell", "cell_number", "cell_date"
TOTAL_CELL, TOTAL_NUMBER = "cell_total", "cell_total_number"
TABLE_STYLES = {
    DATE_STYLE: Style(number_format="DD/MM/YYYY", vertical="top"),
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
    TEXT_CELL: Style(border=BORDER_RGB, wrap=True, vertical="top"),
    NUMBER_CELL: Style(border=BORDER_RGB, horizontal="center", vertical="top"),
    DATE_CELL: Style(
        border=BORDER_RGB, number_format="DD/MM/YYYY", horizontal="center", vertical="top"
    ),
    TOTAL_CELL: Style(bold=True, border=BORDER_RGB, vertical="top"),
    TOTAL_NUMBER: Style(bold=True, border=BORDER_RGB, horizontal="center", vertical="top"),
}


@dataclass(frozen=True)
class Column:
    """A printed table column: header, natural width, narrowest readable width, cell style
    (one of TABLE_STYLES)."""

    header: str
    width: float
    minimum: float = 10
    style: str = TEXT_CELL


def number_column(header: str, width: float = 6) -> Column:
    return Column(header, width, min(width, 5), NUMBER_CELL)


def table_widths(columns: Sequence[Column]) -> tuple[Page, list[float]]:
    """The paper the table prints on and its columns' widths there."""
    return print_widths([c.width for c in columns], [c.minimum for c in columns])


def add_table(
    wb: Workbook,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    count: int,
    header_row: int = 2,
    chart: BarChart | None = None,
    extra: Iterable[Sequence[Any]] = (),
) -> str:
    """Title in row 1, the header at `header_row` (frozen, filtered, repeated on each printed
    page), `count` body rows, then `extra` rows written as given (no borders, no fitting).
    `wb` must have been made with TABLE_STYLES. Returns the sheet's name as written."""
    headers = [c.header for c in columns]
    page, widths = table_widths(columns)

    def lines() -> Iterator[Sequence[Any]]:
        yield [Cell(title, TITLE_STYLE)]
        yield from ([] for _ in range(header_row - 2))
        yield [Cell(h, HEADER_STYLE) for h in headers]
        yield from rows
        yield from extra

    header_height = row_height(headers, widths, bold=True) or 0
    return wb.add_sheet(
        name,
        lines(),
        Layout(
            widths,
            header_row=header_row,
            last_row=header_row + count,
            columns=len(headers),
            page=page,
            title=title,
            chart=chart,
            heights={1: TITLE_HEIGHT, header_row: max(HEADER_MIN_HEIGHT, header_height)},
            body_styles=[c.style for c in columns],
            fit_rows=True,
        ),
    )
