"""Cells as SpreadsheetML text: the shared-strings table, one <row> element from a row of
values (text, numbers, booleans, dates, styled cells), and the escaping and cutting every
text written into an .xlsx needs. The streaming writer (stream.py) puts them in sheets; the
feedback copies' patch (outputs/feedback/) escapes its text with `escape_text`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

from .cells import FORMULA_TRIGGERS, column_letters
from .parts import MAIN_NS, XML_HEAD

_EPOCH = datetime(1899, 12, 30)
_EPOCH_DAY = _EPOCH.date().toordinal()
# XML 1.0 forbids these characters (and parsers turn \r into \n); Excel escapes them as _xHHHH_.
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_MAX_TEXT = 32_767  # Excel's limit for one cell, in UTF-16 code units
_SAFE_LENGTH = _MAX_TEXT // 7  # shorter texts fit even if every character became _xHHHH_
_TRIGGERS = frozenset(FORMULA_TRIGGERS)  # each a single character


class Cell(NamedTuple):
    """A value written with a named style (plain values use the default style)."""

    value: Any
    style: str


class SharedStrings:
    """The shared-strings table: each distinct text is escaped and stored once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.items: list[str] = []

    def get(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.items)
            self.items.append(_si(text))
        return found

    def xml(self) -> str:
        # No `count` (the number of references, optional): counting costs time on every cell.
        return (
            f'{XML_HEAD}<sst xmlns="{MAIN_NS}" uniqueCount="{len(self.items)}">'
            f"{''.join(self.items)}</sst>"
        )


def _si(text: str) -> str:
    body = escape_text(clip_text(text))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<si><t{space}>{body}</t></si>"


def escape_text(text: str) -> str:
    """Text for an XML text node or attribute value in double quotes (quotes escaped too)."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.translate(_XML_ESCAPES)


def clip_text(text: str) -> str:
    """`text` cut so that, as stored, it holds at most 32,767 UTF-16 code units: Excel's cell
    limit, where a character beyond the BMP counts two and an escaped one (_xHHHH_) seven."""
    if len(text) <= _SAFE_LENGTH:
        return text
    units = 0
    for index, char in enumerate(text):
        if _ILLEGAL.match(text, index):
            units += 7
        else:
            units += 2 if ord(char) > 0xFFFF else 1
        if units > _MAX_TEXT:
            return text[:index]
    return text


class CellWriter:
    """Turns one row of values into its <row> element."""

    def __init__(self, strings: SharedStrings, xf: dict[str, int], date_xf: int) -> None:
        self.strings, self.xf, self.date_xf = strings, xf, date_xf
        self.letters: list[str] = []
        self.style_attr = [f' s="{n}"' if n else "" for n in range(2 * (len(xf) + 1))]

    def row(self, number: int, values: Sequence[Any], height: float | None = None) -> str:
        letters = self._letters(len(values))
        parts = [_row_start(number, height)]
        index, attr = self.strings.index, self.style_attr
        for col, value in enumerate(values):
            xf = 0
            if type(value) is Cell:
                value, style = value
                xf = self.xf[style]
                if value is None or value == "":  # an empty cell keeps its style (borders)
                    parts.append(f'<c r="{letters[col]}{number}"{attr[xf]}/>')
                    continue
            # Text, by far the most common cell, is handled inline (no call per cell).
            if type(value) is str:
                if not value:
                    continue
                if value[0] in _TRIGGERS:
                    xf += 1
                found = index.get(value)
                if found is None:
                    found = self.strings.get(value)
                parts.append(f'<c r="{letters[col]}{number}"{attr[xf]} t="s"><v>{found}</v></c>')
            elif value is not None:
                parts.append(self._cell(f"{letters[col]}{number}", value, xf))
        parts.append("</row>")
        return "".join(parts)

    def body_row(
        self, number: int, values: Sequence[Any], body: Sequence[int], height: float | None
    ) -> str:
        """A table body row: every column of `body` (cell formats) written, empty or not."""
        letters = self._letters(max(len(values), len(body)))
        parts = [_row_start(number, height)]
        index, attr = self.strings.index, self.style_attr
        count = len(values)
        for col, xf in enumerate(body):
            value: Any = values[col] if col < count else None
            kind = type(value)
            if kind is str and value:
                if value[0] in _TRIGGERS:
                    xf += 1
                found = index.get(value)
                if found is None:
                    found = self.strings.get(value)
                parts.append(f'<c r="{letters[col]}{number}"{attr[xf]} t="s"><v>{found}</v></c>')
                continue
            if kind is Cell:
                value, style = value
                xf = self.xf[style]
            cell = self._cell(f"{letters[col]}{number}", value, xf) if value is not None else ""
            parts.append(cell or f'<c r="{letters[col]}{number}"{attr[xf]}/>')
        parts.append("</row>")
        return "".join(parts)

    def _letters(self, count: int) -> list[str]:
        letters = self.letters
        if count > len(letters):
            letters.extend(column_letters(n) for n in range(len(letters) + 1, count + 1))
        return letters

    def _cell(self, ref: str, value: Any, xf: int) -> str:
        kind = type(value)
        if kind is str:
            if not value:
                return ""
            if value.startswith(FORMULA_TRIGGERS):
                xf += 1
            return f'<c r="{ref}"{self.style_attr[xf]} t="s"><v>{self.strings.get(value)}</v></c>'
        if value is None:
            return ""
        if kind is bool:
            return f'<c r="{ref}"{self.style_attr[xf]} t="b"><v>{int(value)}</v></c>'
        if kind is int:
            return f'<c r="{ref}"{self.style_attr[xf]}><v>{value}</v></c>'
        if kind is float:
            if not math.isfinite(value):
                return ""
            return f'<c r="{ref}"{self.style_attr[xf]}><v>{value!r}</v></c>'
        return self._other(ref, value, xf)

    def _other(self, ref: str, value: Any, xf: int) -> str:
        try:
            missing = bool(value != value)  # NaN of numpy, NaT, pd.NA
        except TypeError:
            missing = True
        if missing:
            return ""
        if isinstance(value, datetime | date | time):
            return f'<c r="{ref}"{self.style_attr[xf or self.date_xf]}><v>{_serial(value)}</v></c>'
        try:
            number = float(value)  # numpy numbers, Decimal
        except (TypeError, ValueError):
            return self._cell(ref, str(value), xf)
        return self._cell(ref, number, xf)


def _row_start(number: int, height: float | None) -> str:
    if height:
        return f'<row r="{number}" ht="{height:g}" customHeight="1">'
    return f'<row r="{number}">'


def _serial(value: date | datetime | time) -> str:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6)
    if isinstance(value, date):
        return str(value.toordinal() - _EPOCH_DAY)
    return repr((value.hour * 3600 + value.minute * 60 + value.second) / 86400)
