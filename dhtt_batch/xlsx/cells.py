"""Spreadsheet column letters ↔ numbers (A ↔ 1, Z ↔ 26, AA ↔ 27), and formula-looking text.

Any string a spreadsheet would take as a formula is written as text with the quote prefix,
so a hostile `=HYPERLINK(...)` from a unit's file stays inert in every output.
"""

from __future__ import annotations

import re

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


def xml_chars(text: str) -> str:
    """`text` without the characters XML 1.0 forbids, for the places where Excel reads no
    _xHHHH_ escape back (DrawingML text such as chart titles)."""
    return _XML_FORBIDDEN.sub("", text)
