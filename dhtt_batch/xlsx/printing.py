"""How dhtt-batch's workbooks print: paper, column widths that keep text readable, the heights
of wrapped rows, and the page header and footer.

Text on paper is the font size times the scale "fit to one page wide" applies, and that scale
is the printable width over the sum of the column widths. A table therefore gets a width
budget from its paper (A4 or A3, landscape or portrait) so that 11-pt text prints at 8.5 pt or
more; columns wider than their content needs shrink within it and their text wraps. Rows with
wrapped text get an explicit height: Excel would grow them when it lays a sheet out, but
LibreOffice prints a file it did not lay out itself with the heights the file gives.

Widths are in Excel's unit, the width of a digit of the default font (Calibri 11: 7 px, plus
5 px of cell padding); heights in points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

A4, A3 = 9, 8  # SpreadsheetML paperSize codes
_PAPER_MM = {A4: (210.0, 297.0), A3: (297.0, 420.0)}
FONT_PT = 11.0
MIN_SCALE = 0.78  # 11-pt text prints at 8.6 pt: above the 8-pt floor with room for rounding
LINE_PT = 15.0  # one line of 11-pt text (Excel's default row height)
MAX_ROW_PT = 409.0  # Excel's largest row height
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7, "header": 0.3, "footer": 0.3}
# Average width of a character of Vietnamese text in digit widths (Calibri, Times New Roman and
# their metric twins measure 0.82-0.92 for mixed text); a line also loses part of a word.
_CHAR_WIDTH = 0.92
_BOLD_CHAR_WIDTH = 1.0
_LINE_LOSS = 2.0


@dataclass(frozen=True)
class Page:
    paper: int = A4
    landscape: bool = True

    @property
    def printable_pt(self) -> float:
        short, long = _PAPER_MM[self.paper]
        width_mm = long if self.landscape else short
        return width_mm / 25.4 * 72 - (MARGINS_IN["left"] + MARGINS_IN["right"]) * 72

    def width_budget(self, columns: int, scale: float = MIN_SCALE) -> float:
        """The largest sum of column widths that prints at `scale` or more when fitted."""
        return (self.printable_pt / (0.75 * scale) - 5 * columns) / 7

    def scale(self, widths: Sequence[float]) -> float:
        """The scale fitting these widths to the page width (1 when they fit as they are)."""
        total_pt = sum(7 * w + 5 for w in widths) * 0.75
        return min(1.0, self.printable_pt / total_pt)


def fit_widths(natural: Sequence[float], minimum: Sequence[float], budget: float) -> list[float]:
    """Natural widths shrunk in proportion, none below its minimum, until they sum to
    `budget`; unchanged when they already fit."""
    widths = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
    if sum(widths) <= budget:
        return widths
    low, high = 0.0, 1.0
    for _ in range(40):  # bisect the factor every column above its minimum is cut by
        factor = (low + high) / 2
        total = sum(max(m, w * factor) for w, m in zip(widths, minimum, strict=True))
        low, high = (factor, high) if total <= budget else (low, factor)
    # Cut to a tenth, rounding down so the sum stays within the budget.
    return [max(m, math.floor(w * low * 10) / 10) for w, m in zip(widths, minimum, strict=True)]


PAGES = (Page(A4), Page(A3))  # landscape, smallest first
_MOST_SHRINK = 0.6  # a table narrowed further on A4 goes to A3 instead


def print_widths(natural: Sequence[float], minimum: Sequence[float]) -> tuple[Page, list[float]]:
    """The smallest landscape paper on which the columns print readably without being cut
    below 60 % of their natural widths (else A3, the paper of wide lists), and their widths
    fitted to it."""
    squeezed = sum(max(m, n * _MOST_SHRINK) for n, m in zip(natural, minimum, strict=True))
    page = next((p for p in PAGES if squeezed <= p.width_budget(len(natural))), PAGES[-1])
    return page, fit_widths(natural, minimum, page.width_budget(len(natural)))


# Narrowest printed widths by spec column type: what a typical value needs on one line.
_TYPE_MINIMUM = {"year": 6, "integer": 6, "date": 10.5, "decision_number": 12, "phone": 12}
NAME_MINIMUM = 16
TEXT_MINIMUM = 10


def minimum_width(kind: str, choices: Sequence[str] = (), name: bool = False) -> float:
    """The narrowest a column of this type prints readably: a date, a year or a decision
    number on one line, a short list of choices ("Nam", "Nữ") as wide as its longest, a name
    16, any other text 10 (it wraps)."""
    if name:
        return NAME_MINIMUM
    minimum = _TYPE_MINIMUM.get(kind, TEXT_MINIMUM)
    if choices:
        minimum = min(minimum, max(5, max(len(c) for c in choices) + 1))
    return minimum


def text_lines(text: str, width: float, bold: bool = False) -> int:
    """Lines `text` takes when wrapped in a column `width` wide (an estimate that errs tall)."""
    return RowHeights([width], bold).lines([text])


class RowHeights:
    """Heights of rows of wrapped text in columns of the given widths, made once per sheet
    (a province's workbook has tens of thousands of rows): per column, the characters a line
    holds and those it holds once a word is lost at its end."""

    def __init__(
        self,
        widths: Sequence[float],
        bold: bool = False,
        line_pt: float = LINE_PT,
        wraps: Sequence[bool] | None = None,
    ):
        """`wraps`: which columns wrap their text (all when None); the others are skipped."""
        char = _BOLD_CHAR_WIDTH if bold else _CHAR_WIDTH
        self.columns = [
            (col, w / char, max(w / char - _LINE_LOSS, 1.0))
            for col, w in enumerate(widths)
            if wraps is None or (col < len(wraps) and wraps[col])
        ]
        self.line_pt = line_pt

    def lines(self, values: Sequence[Any]) -> int:
        most, present = 1, len(values)
        for col, limit, usable in self.columns:
            value = values[col] if col < present else None
            if type(value) is not str:
                continue
            if "\n" in value:
                lines = sum(max(1, math.ceil(len(part) / usable)) for part in value.split("\n"))
            elif len(value) > limit:
                lines = math.ceil(len(value) / usable)
            else:
                continue
            most = max(most, lines)
        return most

    def __call__(self, values: Sequence[Any]) -> float | None:
        """The height the row needs, or None when one line is enough."""
        lines = self.lines(values)
        return None if lines == 1 else min(MAX_ROW_PT, lines * self.line_pt + 3)


def row_height(
    values: Sequence[Any], widths: Sequence[float], bold: bool = False, line_pt: float = LINE_PT
) -> float | None:
    """The height a row of wrapped texts needs, or None when one line is enough."""
    return RowHeights(widths, bold, line_pt)(values)


HF_FONT, HF_SIZE = "Times New Roman,Bold", 11  # 8.5 pt or more once fitted, like the text
PAGE_NUMBER = "Trang &P/&N"
SHEET_NAME = "&A"


def header_title(title: str) -> str:
    """The title as header text: one line, "&" doubled (a code character there)."""
    return " ".join(title.replace("&", "&&").split())[:200]


def header_footer(title: str) -> tuple[str, str]:
    """Excel header and footer codes: the sheet's title on top, the sheet's name and the page
    numbers at the bottom."""
    return (
        f'&C&"{HF_FONT}"&{HF_SIZE} {header_title(title)}',
        f"&L&{HF_SIZE} {SHEET_NAME}&C&{HF_SIZE} {PAGE_NUMBER}",
    )
