"""The import layout of the province's thi đua – khen thưởng system ("MauTDKT", 2023-10-04).

This module owns the layout — sheet `file nhận`, header texts on row 1 character for character
(the template's own spelling and line break included), names in A–I and codes in R–U — and
its writer. The receiving system reads columns by letter and rows 2–200 by default, stores
what it reads unchecked, and guesses gender from column B ("Ông" → male). Codes are written as
text cells (leading zeros kept, text number format), never as formulas; any formula-looking
text is stored as text by the writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..xlsx.cells import column_letters, column_number
from ..xlsx.parts import BORDER_RGB, HEADER_RGB, Style
from ..xlsx.stream import Cell, Layout, Workbook
from .proposals import Proposal

FORMAT = "tdkt-quang-binh"
SHEET = "file nhận"
HEADER_ROW = 1
FIRST_ROW = 2
IMPORT_LAST_ROW = 200  # the last row the import reads unless its user changes it
ROWS_PER_FILE = IMPORT_LAST_ROW - HEADER_ROW  # 199
# Column letter → header text, exactly as in the province's template.
HEADERS: dict[str, str] = {
    "A": "STT",
    "B": "Tên gọi\n(Ông/Bà/Chức danh)",
    "C": "Tên tập thể/cá nhân/hộ gia đình",
    "D": "Chức vụ",
    "E": "Đơn vị công tác",
    "F": "Phân loại khen thưởng",
    "G": "Danh hiệu thi đua/Hình thức khen thưởng",
    "H": "Phân loại đối tượng",
    "I": "Lĩnh vực hoạt động",
    "R": "Mã Phân loại khen thưởng",
    "S": "Mã Danh hiệu thi đua",
    "T": "Mã phân loại loại tượng",  # sic: the template's own spelling
    "U": "Mã Lĩnh vực hoạt động",
}
CODE_COLUMNS = ("R", "S", "T", "U")
WIDTHS = {"A": 6, "B": 12, "C": 30, "D": 20, "E": 30, "F": 20, "G": 40, "H": 30, "I": 22}
_LAST = column_number("U")
HEADER_STYLE, CODE_STYLE = "header", "code"
STYLES = {
    HEADER_STYLE: Style(
        bold=True,
        fill=HEADER_RGB,
        border=BORDER_RGB,
        wrap=True,
        horizontal="center",
        vertical="center",
    ),
    CODE_STYLE: Style(number_format="@"),  # text: Excel keeps "0013" as typed
}


def row_values(number: int, proposal: Proposal) -> list[Any]:
    """One sheet row: A–I names, J–Q empty, R–U codes."""
    values: list[Any] = [None] * _LAST
    cells = {
        "A": number,
        "B": proposal.salutation,
        "C": proposal.name,
        "D": proposal.position,
        "E": proposal.workplace,
        "F": proposal.award_kind.name,
        "G": proposal.award.name,
        "H": proposal.target_category.name,
        "I": proposal.activity_field.name,
        "R": Cell(proposal.award_kind.code, CODE_STYLE),
        "S": Cell(proposal.award.code, CODE_STYLE),
        "T": Cell(proposal.target_category.code, CODE_STYLE),
        "U": Cell(proposal.activity_field.code, CODE_STYLE),
    }
    for letter, value in cells.items():
        values[column_number(letter) - 1] = value
    return values


def write_tdkt(proposals: Sequence[Proposal], target: Path) -> Path:
    """The import file: header row, then one row per proposal numbered from 1."""

    def rows() -> Iterator[list[Any]]:
        header: list[Any] = [None] * _LAST
        for letter, text in HEADERS.items():
            header[column_number(letter) - 1] = Cell(text, HEADER_STYLE)
        yield header
        for number, proposal in enumerate(proposals, start=1):
            yield row_values(number, proposal)

    letters = [column_letters(n) for n in range(1, _LAST + 1)]
    widths = [float(WIDTHS.get(x, 14 if x in CODE_COLUMNS else 4)) for x in letters]
    wb = Workbook(STYLES)
    wb.add_sheet(SHEET, rows(), Layout(widths, header_row=HEADER_ROW, heights={HEADER_ROW: 32}))
    atomic_write(target, wb.save)
    return target
