"""A small, fast streaming .xlsx writer for large tables.

openpyxl builds a Python object per cell and serialises it through lxml, about 20 µs a cell:
on a province's merge (1.2 million cells) that was most of the run. This writer emits the
SpreadsheetML text directly: a shared-strings table (each distinct text escaped once), rows
streamed into the zip entry as they are produced (a sheet is never held in memory), a fixed
set of named cell styles, and only the sheet settings dhtt-batch's outputs use — column
widths, a frozen header, a filter, a styled table body with row heights fitted to its wrapped
text, print setup (paper, fit to width, repeated header row, title and page numbers; see
printing.py), hidden sheets, one bar chart. It is deliberately not a general-purpose writer.
Sheet names are made valid for Excel and unique ignoring case; text is cut at Excel's 32,767
UTF-16 units per cell.

Sheets are declared with an iterable of rows; `save` consumes the iterables in order.
A string that a spreadsheet would take as a formula is stored as text with the quote prefix.
This module lays out the package and the sheets; cell_xml.py turns rows into <row> text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from .cell_xml import Cell, CellWriter, SharedStrings, escape_text
from .cells import column_letters
from .parts import (
    MAIN_NS,
    REL_NS,
    XML_HEAD,
    BarChart,
    Style,
    chart_xml,
    content_types,
    drawing_xml,
    relationships,
    root_relationships,
    styles_xml,
)
from .printing import A4, MARGINS_IN, Page, RowHeights, header_footer

__all__ = ["Cell", "Layout", "Workbook", "sheet_name"]  # rows hold values and Cells

_CHUNK_ROWS = 2_000  # rows joined per write into the compressed entry
_COMPRESSION = 4  # zlib level: level 6 (the default) costs ~40 % more for ~5 % smaller files
_MAX_SHEET_NAME = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Layout:
    widths: Sequence[float] = ()
    header_row: int | None = None  # frozen below it, filtered from it, repeated on each page
    last_row: int | None = None  # the filter's (and the table body's) last row
    columns: int = 0  # the filter's width
    gridlines: bool = False  # printed gridlines
    landscape_a4: bool = False  # shorthand for page=Page(A4, landscape=True)
    hidden: bool = False
    chart: BarChart | None = None
    heights: Mapping[int, float] = field(default_factory=dict)  # row number → points
    page: Page | None = None  # printed on this paper, fitted to its width
    title: str = ""  # the printed pages' header
    # The table body (rows header_row+1 … last_row): a style per column for every cell, empty
    # ones included (so borders are whole), and each row as high as its wrapped texts need.
    body_styles: Sequence[str] = ()
    fit_rows: bool = False

    @property
    def paper(self) -> Page | None:
        return self.page or (Page(A4) if self.landscape_a4 else None)


@dataclass
class _Sheet:
    name: str
    layout: Layout
    rows: Iterable[Sequence[Any]]


@dataclass
class Workbook:
    """`styles` name the cell styles rows may use; dates without one take `date_style`."""

    styles: Mapping[str, Style] = field(default_factory=dict)
    date_style: str | None = None
    _sheets: list[_Sheet] = field(default_factory=list)

    def add_sheet(
        self, name: str, rows: Iterable[Sequence[Any]], layout: Layout | None = None
    ) -> str:
        """Add a sheet; returns its name as written (made valid and unique, see sheet_name)."""
        actual = sheet_name(name, [s.name for s in self._sheets])
        self._sheets.append(_Sheet(actual, layout or Layout(), rows))
        return actual

    def save(self, target: str | IO[bytes]) -> None:
        xf = {name: 2 * (n + 1) for n, name in enumerate(self.styles)}
        date_xf = xf[self.date_style] if self.date_style else 0
        strings = SharedStrings()
        charts: list[int] = []
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESSION) as zf:
            for number, sheet in enumerate(self._sheets, start=1):
                cells = CellWriter(strings, xf, date_xf)
                with zf.open(f"xl/worksheets/sheet{number}.xml", "w") as out:
                    _write_sheet(out, sheet, cells, number == 1, self.styles)
                if sheet.layout.chart:
                    charts.append(number)
                    self._write_chart(zf, number, sheet)
            zf.writestr("xl/sharedStrings.xml", strings.xml())
            zf.writestr("xl/styles.xml", styles_xml(list(self.styles.values())))
            zf.writestr("xl/workbook.xml", self._workbook_xml())
            targets = [
                ("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(self._sheets) + 1)
            ]
            zf.writestr(
                "xl/_rels/workbook.xml.rels",
                relationships(
                    [*targets, ("styles", "styles.xml"), ("sharedStrings", "sharedStrings.xml")]
                ),
            )
            zf.writestr("_rels/.rels", root_relationships())
            zf.writestr("[Content_Types].xml", content_types(len(self._sheets), charts))

    def _write_chart(self, zf: zipfile.ZipFile, number: int, sheet: _Sheet) -> None:
        chart = sheet.layout.chart
        assert chart is not None
        zf.writestr(
            f"xl/worksheets/_rels/sheet{number}.xml.rels",
            relationships([("drawing", f"../drawings/drawing{number}.xml")]),
        )
        zf.writestr(f"xl/drawings/drawing{number}.xml", drawing_xml(chart))
        zf.writestr(
            f"xl/drawings/_rels/drawing{number}.xml.rels",
            relationships([("chart", f"../charts/chart{number}.xml")]),
        )
        letters = [column_letters(n) for n in range(1, chart.last_col + 1)]
        zf.writestr(
            f"xl/charts/chart{number}.xml", chart_xml(chart, _sheet_ref(sheet.name), letters)
        )

    def _workbook_xml(self) -> str:
        sheets, names = [], []
        for index, sheet in enumerate(self._sheets):
            state = ' state="hidden"' if sheet.layout.hidden else ""
            sheets.append(
                f'<sheet name={_attr(sheet.name)} sheetId="{index + 1}"{state} '
                f'r:id="rId{index + 1}"/>'
            )
            names.extend(_defined_names(index, sheet))
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews>'
            f'<workbookView activeTab="0"/></bookViews><sheets>{"".join(sheets)}</sheets>'
            f"{defined}</workbook>"
        )


def sheet_name(wanted: str, taken: Sequence[str] = ()) -> str:
    """A name Excel accepts: none of []:*?/\\ (nor control characters), no apostrophe at
    either end, not "History", at most 31 characters, and unique ignoring case among `taken`
    (a clash, often made by the cut to 31, gets " (2)", " (3)", … as Excel names copies)."""
    name = _SHEET_NAME_FORBIDDEN.sub("-", wanted).strip().strip("'").strip() or "Sheet"
    if name.casefold() == "history":
        name += "-"
    used = {t.casefold() for t in taken}
    candidate, number = name[:_MAX_SHEET_NAME].rstrip("'"), 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = name[: _MAX_SHEET_NAME - len(suffix)].rstrip("'") + suffix
    return candidate


def _defined_names(index: int, sheet: _Sheet) -> list[str]:
    layout, ref = sheet.layout, _sheet_ref(sheet.name)
    if layout.header_row is None:
        return []
    top = layout.header_row
    names = []
    if layout.columns:
        area = f"{ref}!$A${top}:${column_letters(layout.columns)}${_filter_end(layout)}"
        names.append(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" '
            f'hidden="1">{escape_text(area)}</definedName>'
        )
    if layout.paper:
        names.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
            f"{escape_text(f'{ref}!${top}:${top}')}</definedName>"
        )
    return names


def _filter_end(layout: Layout) -> int:
    top = layout.header_row or 1
    return max(layout.last_row or top + 1, top + 1)


def _wrapping(layout: Layout, styles: Mapping[str, Style]) -> list[bool] | None:
    """Which body columns wrap their text (all, when the body has no styles)."""
    if not layout.body_styles:
        return None
    return [styles[name].wrap for name in layout.body_styles]


def _write_sheet(
    out: IO[bytes], sheet: _Sheet, cells: CellWriter, first: bool, styles: Mapping[str, Style]
) -> None:
    layout = sheet.layout
    out.write(_sheet_head(layout, first).encode("utf-8"))
    chunk: list[str] = []
    heights = layout.heights
    top = layout.header_row or 0
    last = layout.last_row or top
    body = [cells.xf[style] for style in layout.body_styles]
    fitted = RowHeights(layout.widths, wraps=_wrapping(layout, styles)) if layout.fit_rows else None
    for number, values in enumerate(sheet.rows, start=1):
        height = heights.get(number)
        in_body = top < number <= last
        if in_body and height is None and fitted:
            height = fitted(values)
        if in_body and body:
            chunk.append(cells.body_row(number, values, body, height))
        else:
            chunk.append(cells.row(number, values, height))
        if len(chunk) >= _CHUNK_ROWS:
            out.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    out.write(("".join(chunk) + "</sheetData>" + _sheet_tail(layout)).encode("utf-8"))


def _sheet_head(layout: Layout, first: bool) -> str:
    selected = ' tabSelected="1"' if first else ""
    pane = ""
    if layout.header_row:
        below = f"A{layout.header_row + 1}"
        pane = (
            f'<pane ySplit="{layout.header_row}" topLeftCell="{below}" '
            f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            f'activeCell="{below}" sqref="{below}"/>'
        )
    fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if layout.paper else ""
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>'
        for n, w in enumerate(layout.widths, start=1)
    )
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{fit}'
        f'<sheetViews><sheetView workbookViewId="0"{selected}>{pane}</sheetView>'
        f'</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
    )


def _sheet_tail(layout: Layout) -> str:
    parts = []
    if layout.header_row and layout.columns:
        parts.append(
            f'<autoFilter ref="A{layout.header_row}:'
            f'{column_letters(layout.columns)}{_filter_end(layout)}"/>'
        )
    if layout.gridlines:
        parts.append('<printOptions gridLines="1"/>')
    margins = " ".join(f'{side}="{inches:g}"' for side, inches in MARGINS_IN.items())
    parts.append(f"<pageMargins {margins}/>")
    page = layout.paper
    if page:
        orientation = "landscape" if page.landscape else "portrait"
        parts.append(
            f'<pageSetup paperSize="{page.paper}" orientation="{orientation}" fitToWidth="1" '
            'fitToHeight="0"/>'
        )
        header, footer = header_footer(layout.title)
        parts.append(
            f"<headerFooter><oddHeader>{escape_text(header)}</oddHeader>"
            f"<oddFooter>{escape_text(footer)}</oddFooter></headerFooter>"
        )
    if layout.chart:
        parts.append('<drawing r:id="rId1"/>')
    return "".join(parts) + "</worksheet>"


def _attr(text: str) -> str:
    return f'"{escape_text(text)}"'


def _sheet_ref(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"
