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

from .legacy import ENCODINGS, repair
from .spec import ColumnSpec
from .textkey import text_key

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
    """How two spellings of a choice are compared: text_key, without trailing punctuation."""
    return text_key(text).strip(" .;:,")


def normalize_column(
    series: pd.Series, col: ColumnSpec, choices: tuple[str, ...] = ()
) -> tuple[pd.Series, list[Change]]:
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
    """Clean every string cell; non-strings of text columns become their displayed text.

    One pass over the cells with a cache per distinct value: choices and names repeat across
    thousands of rows, and a dictionary hit is far cheaper than chained pandas string ops.
    """
    as_text = col.type not in ("integer", "year", "date")
    keep_lines = col.type in LONG_TEXT_TYPES
    values = series.to_numpy(dtype=object)
    if set(map(type, values)) <= {str, type(None)}:
        return _clean_strings(series, values, col, keep_lines, changes)
    cache: dict[tuple[type, Any], tuple[Any, tuple[tuple[Any, ...], ...]]] = {}
    cleaned: list[Any] = []
    for index, value in zip(series.index, values, strict=True):
        if value is None or (isinstance(value, float) and value != value):
            cleaned.append(None)
            continue
        key = (type(value), value)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = _clean_value(value, as_text, keep_lines)
        cleaned.append(hit[0])
        if hit[1]:
            changes.extend(Change(index, col.key, *change) for change in hit[1])
    return pd.Series(cleaned, index=series.index, dtype=object)


def _clean_strings(
    series: pd.Series, values: Any, col: ColumnSpec, keep_lines: bool, changes: list[Change]
) -> pd.Series:
    """The common case of a column holding only text: each distinct text is cleaned once and
    the column mapped at C speed (with mixed types, 1, 1.0 and True would share a key)."""
    results = {v: _clean_value(v, True, keep_lines) for v in set(values) if v is not None}
    cleaned: dict[Any, Any] = {v: result[0] for v, result in results.items()}
    cleaned[None] = None
    noisy = {v for v, result in results.items() if result[1]}
    if noisy:
        for index, value in zip(series.index, values, strict=True):
            if value in noisy:
                changes.extend(Change(index, col.key, *change) for change in results[value][1])
    return pd.Series(list(map(cleaned.__getitem__, values)), index=series.index, dtype=object)


def _clean_value(
    value: Any, as_text: bool, keep_lines: bool
) -> tuple[Any, tuple[tuple[Any, ...], ...]]:
    """(new value, changes as (code, value, expected, detail)) for one distinct cell value."""
    if not isinstance(value, str):
        if not as_text:
            return value, ()
        value = _display_text(value)
    found: list[tuple[Any, ...]] = []
    if _CONTROL.search(value):
        found.append(("control_characters", value))
        value = _CONTROL.sub("", value)
    text = unicodedata.normalize("NFC", value)
    text = _SPACES.sub(" ", text)
    text = re.sub(r" *\n *", "\n", text) if keep_lines else " ".join(text.split())
    text = text.strip()
    fixed = repair(text)  # screens for foreign characters first, so plain text costs little
    if fixed:
        found.append(("legacy_encoding", text, fixed[0], ENCODINGS[fixed[1]]))
        text = fixed[0]
    return (text or None), tuple(found)


def _display_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != datetime.min.time()
            else value.strftime("%d/%m/%Y")
        )
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

    return (
        pd.Series([convert(i, v) for i, v in values.items()], index=values.index, dtype=object)
        if len(values)
        else values
    )


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
            year += (
                2000
                if year < 100 and year <= date.today().year % 100
                else 1900
                if year < 100
                else 0
            )
            return date(year, month, day)
        match = _ISO_DATE.match(text)
        if match:
            return date(*(int(g) for g in match.groups()))
        if _INTEGER_TEXT.match(text):
            return _parse_date(float(text.replace(",", ".")))
    except (ValueError, OverflowError):
        return None
    return None


def _choices(
    values: pd.Series, col: ColumnSpec, choices: tuple[str, ...], changes: list[Change]
) -> pd.Series:
    canonical = {choice_key(c): c for c in choices}
    present = values.notna()
    if not present.any():
        return values
    text = values[present].astype(str)
    # Per distinct spelling, not per cell: a province repeats a handful of choices 100k times.
    matched = text.map({v: canonical.get(choice_key(v)) for v in text.unique()})
    for index in text.index[matched.notna() & (matched != text)]:
        changes.append(Change(index, col.key, "choice_normalized", text[index], matched[index]))
    values[present] = matched.where(matched.notna(), text)
    return values
