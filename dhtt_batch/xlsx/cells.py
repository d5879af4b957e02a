"""Spreadsheet column letters ↔ numbers (A ↔ 1, Z ↔ 26, AA ↔ 27), and formula-looking text.

Any string a spreadsheet would take as a formula is written as text with the quote prefix,
so a hostile `=HYPERLINK(...)` from a unit's file stays inert in every output.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str | bytes) -> int:
    text = letters.decode() if isinstance(letters, bytes) else letters
    number = 0
    for ch in text.upper():
        if "A" <= ch <= "Z":
            number = number * 26 + ord(ch) - 64
    return number


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


class CellRef(NamedTuple):
    """A cell position kept as numbers (1-based) until it is shown; `str()` gives "B12"."""

    row: int
    col: int

    def __str__(self) -> str:
        return f"{column_letters(self.col)}{self.row}"


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def parse_ref(text: str) -> CellRef | None:
    """ "B12" → CellRef(12, 2); None for anything that is not a single cell address."""
    found = _A1.match(text.strip())
    return CellRef(int(found.group(2)), column_number(found.group(1))) if found else None


def xml_chars(text: str) -> str:
    """`text` without the characters XML 1.0 forbids, for the places where Excel reads no
    _xHHHH_ escape back (DrawingML text such as chart titles)."""
    return _XML_FORBIDDEN.sub("", text)
