"""Normalise the values read from a sheet before they are checked.

Each column of a frame is cleaned according to its spec type: NFC, trimmed and collapsed spaces,
numbers stored as text, dates typed as text or serials, choices typed by hand, legacy TCVN3 / VNI
text. Work is column-wise on the whole criterion (all files at once); only the few cells that
need a decision go through Python one by one. A change the clerk would notice is returned as a
`Change`, so it becomes a warning: nothing is altered silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from .legacy import ENCODINGS, SUSPECT_PATTERN, repair
from .spec import ColumnSpec

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_INTEGER_TEXT = re.compile(r"^[+]?\d+(?:[.,]0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
LONG_TEXT_TYPES = ("text",)


@dataclass(frozen=True)
class Change:
    index: Any
    key: str
    code: str
    value: object
    expected: object = None
    detail: object = None


def choice_key(text: str) -> str:
    """How two spellings of a choice are compared: NFC, case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.replace("–", "-").split()).strip(" .;:,")


def normalize_column(series: pd.Series, col: ColumnSpec,
                     choices: tuple[str, ...] = ()) -> tuple[pd.Series, list[Change]]:
    """Return the cleaned column and the changes worth telling the clerk about."""
    changes: list[Change] = []
    values = _to_text_where_text(series, col, changes)
    if col.type in ("integer", "year"):
        # A list keeps Python ints: Series.map would turn ints beside None into floats.
        values = pd.Series([_integer(v) for v in values], index=values.index, dtype=object)
    elif col.type == "date":
        values = _dates(values, col, changes)
    elif col.type in ("choice", "unit") and choices:
        values = _choices(values, col, choices, changes)
    return values, changes


def _to_text_where_text(series: pd.Series, col: ColumnSpec, changes: list[Change]) -> pd.Series:
    """Clean every string cell; non-strings of text columns become their displayed text."""
    values = series.astype(object).where(series.notna(), None)
    is_str = values.map(lambda v: isinstance(v, str))
    if col.type not in ("integer", "year", "date"):
        others = values.notna() & ~is_str
        if others.any():
            values[others] = values[others].map(_display_text)
            is_str = is_str | others
    if not is_str.any():
        return values
    text = values[is_str].astype(str)
    control = text.str.contains(_CONTROL, regex=True)
    for index in text.index[control]:
        changes.append(Change(index, col.key, "control_characters", text[index]))
    text = text.str.replace(_CONTROL, "", regex=True).str.normalize("NFC")
    keep_lines = col.type in LONG_TEXT_TYPES
    text = text.str.replace(_SPACES, " ", regex=True)
    text = text.str.replace(r" *\n *", "\n", regex=True) if keep_lines else \
        text.str.replace(r"\s+", " ", regex=True)
    text = text.str.strip()
    suspect = text.str.contains(SUSPECT_PATTERN, regex=True) | ~text.map(str.isascii)
    for index in text.index[suspect]:
        fixed = repair(text[index])
        if fixed:
            changes.append(Change(index, col.key, "legacy_encoding", text[index], fixed[0],
                                  ENCODINGS[fixed[1]]))
            text[index] = fixed[0]
    values[is_str] = text.where(text != "", None)
    return values


def _display_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.min.time() \
            else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _integer(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER_TEXT.match(value.replace(" ", "")):
        return int(re.split(r"[.,]", value.replace(" ", "").lstrip("+"))[0])
    return value


def _dates(values: pd.Series, col: ColumnSpec, changes: list[Change]) -> pd.Series:
    def convert(index: Any, value: object) -> object:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date) or value is None:
            return value
        parsed = _parse_date(value)
        if parsed is not None:
            changes.append(Change(index, col.key, "date_as_text", value, parsed))
            return parsed
        return value

    return pd.Series([convert(i, v) for i, v in values.items()], index=values.index,
                     dtype=object) if len(values) else values


def _parse_date(value: object) -> date | None:
    """Day-first text (05/01/2025, 5-1-2025, 05.01.2025, 2025-01-05) or an Excel serial."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 1 <= value <= 73_050:
                return _EXCEL_EPOCH + timedelta(days=int(value))
            return None
        if not isinstance(value, str):
            return None
        text = value.strip()
        match = _DATE_TEXT.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            year += 2000 if year < 100 and year <= date.today().year % 100 else \
                1900 if year < 100 else 0
            return date(year, month, day)
        match = _ISO_DATE.match(text)
        if match:
            return date(*(int(g) for g in match.groups()))
        if _INTEGER_TEXT.match(text):
            return _parse_date(float(text.replace(",", ".")))
    except (ValueError, OverflowError):
        return None
    return None


def _choices(values: pd.Series, col: ColumnSpec, choices: tuple[str, ...],
             changes: list[Change]) -> pd.Series:
    canonical = {choice_key(c): c for c in choices}
    present = values.notna()
    if not present.any():
        return values
    text = values[present].astype(str)
    matched = text.map(lambda v: canonical.get(choice_key(v)))
    for index in text.index[matched.notna() & (matched != text)]:
        changes.append(Change(index, col.key, "choice_normalized", text[index], matched[index]))
    values[present] = matched.where(matched.notna(), text)
    return values
