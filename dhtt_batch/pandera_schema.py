"""SheetSpec → pandera DataFrameSchema, with the cross-column rules.

Every check is named `code|column_key`, so a failure maps straight back to a finding code and a
spec column. Values arrive normalised (see normalize.py) in object columns: a cell that could
not be understood keeps its text, and only the type check fails on it; range, length and pattern
checks pass values of the wrong type so each mistake is reported once, by the right check.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .spec import ColumnSpec, Condition, SheetSpec

SEP = "|"
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^[+\d][\d\s.\-()]{7,18}$")

SeriesTest = Callable[[pd.Series], pd.Series]


def build_schema(spec: SheetSpec, today: date, units: tuple[str, ...] = ()) -> pa.DataFrameSchema:
    columns = {
        col.key: pa.Column(
            object, nullable=True, required=True, checks=list(_column_checks(col, today, units))
        )
        for col in spec.columns
    }
    return pa.DataFrameSchema(
        columns, checks=list(_row_checks(spec)), strict=False, coerce=False, name=spec.name
    )


def _check(code: str, col: ColumnSpec, test: SeriesTest, ignore_na: bool = True) -> pa.Check:
    return pa.Check(test, name=f"{code}{SEP}{col.key}", ignore_na=ignore_na)


def _is_int(value: object) -> bool:
    kind = type(value)
    if kind is int:  # the common case, without the slow ABC check
        return True
    return kind is not bool and isinstance(value, numbers.Integral)


def _column_checks(col: ColumnSpec, today: date, units: tuple[str, ...]) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.required:
        checks.append(_check("required", col, lambda s: s.notna(), ignore_na=False))
    checks.extend(_type_checks(col, units))
    low, high = col.bound("min", today), col.bound("max", today)
    if col.type in ("integer", "year") and (low is not None or high is not None):
        checks.append(_check("out_of_range", col, lambda s: _in_range(s, _is_int, low, high)))
    if col.type == "date":
        if low is not None or high is not None:
            checks.append(_check("out_of_range", col, lambda s: _in_range(s, _is_date, low, high)))
        if col.not_future:
            checks.append(_check("future_date", col, lambda s: _in_range(s, _is_date, None, today)))
    if col.min_length:
        n = col.min_length
        checks.append(_check("too_short", col, lambda s: _length_between(s, n, 1 << 30)))
    if col.max_length:
        m = col.max_length
        checks.append(_check("too_long", col, lambda s: _length_between(s, 0, m)))
    return checks


def _type_checks(col: ColumnSpec, units: tuple[str, ...]) -> list[pa.Check]:
    if col.type in ("integer", "year"):
        code = "type_year" if col.type == "year" else "type_integer"
        return [_check(code, col, lambda s: _flags(s, [_is_int(v) for v in _cells(s)]))]
    if col.type == "date":
        return [_check("type_date", col, lambda s: _flags(s, [_is_date(v) for v in _cells(s)]))]
    if col.type == "choice":
        allowed = set(col.choices)
        code = "choice" if col.strict else "not_in_catalogue"
        return [_check(code, col, lambda s: s.isin(allowed))]
    if col.type == "unit" and units:
        names = set(units)
        return [_check("unknown_unit", col, lambda s: s.isin(names))]
    patterns = {
        "url": ("type_url", URL),
        "email": ("type_email", EMAIL),
        "phone": ("type_phone", PHONE),
    }
    if col.type in patterns:
        code, regex = patterns[col.type]
        return [_check(code, col, lambda s: _matches(s, regex))]
    pattern = col.effective_pattern
    if pattern:
        compiled = re.compile(pattern)
        return [_check("pattern", col, lambda s: _matches(s, compiled))]
    return []


def _is_date(value: object) -> bool:
    return isinstance(value, date)


# Element-wise checks run on every cell of a province (hundreds of thousands): a list
# comprehension over the values costs a fraction of Series.map, which goes through several
# pandas layers and a lambda call per cell.
def _cells(series: pd.Series) -> Any:
    return series.to_numpy(dtype=object)


def _flags(series: pd.Series, flags: list[bool]) -> pd.Series:
    return pd.Series(flags, index=series.index, dtype=bool)


def _matches(series: pd.Series, regex: re.Pattern[str]) -> pd.Series:
    match = regex.match
    return _flags(series, [bool(match(v)) if isinstance(v, str) else True for v in _cells(series)])


def _length_between(series: pd.Series, low: int, high: int) -> pd.Series:
    # Only text is measured; other types are some other check's business.
    cells = _cells(series)
    return _flags(series, [low <= len(v) <= high if isinstance(v, str) else True for v in cells])


def _in_range(
    series: pd.Series, is_type: Callable[[object], bool], low: object, high: object
) -> pd.Series:
    def ok(value: object) -> bool:
        if not is_type(value):
            return True
        return (low is None or value >= low) and (high is None or value <= high)  # type: ignore[operator]

    return _flags(series, [ok(v) for v in _cells(series)])


def _row_checks(spec: SheetSpec) -> list[pa.Check]:
    checks: list[pa.Check] = []
    for col in spec.columns:
        if col.required_when:
            checks.append(
                pa.Check(
                    _required_when(col.key, col.required_when), name=f"required_when{SEP}{col.key}"
                )
            )
        if col.blank_when:
            checks.append(
                pa.Check(_blank_when(col.key, col.blank_when), name=f"blank_when{SEP}{col.key}")
            )
    return checks


def _holds(frame: pd.DataFrame, cond: Condition) -> pd.Series:
    other = frame[cond.column]
    return other.notna() if cond.equals is None else other == cond.equals


def _required_when(key: str, cond: Condition) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: ~(_holds(frame, cond) & frame[key].isna())


def _blank_when(key: str, cond: Condition) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: ~(_holds(frame, cond) & frame[key].notna())


def expected_text(code: str, col: ColumnSpec, spec: SheetSpec, today: date) -> str:
    """The 'what to type instead' part of a finding's message."""
    low, high = col.bound("min", today), col.bound("max", today)
    if code == "out_of_range":
        return _range_text(low, high)
    if code == "choice":
        if len(col.choices) <= 6:
            return "một trong: " + ", ".join(col.choices)
        return "một giá trị trong danh sách thả xuống"
    if code == "type_year":
        return str(col.example or (high if isinstance(high, int) else 1985))
    if code == "too_short":
        return str(col.min_length)
    if code == "too_long":
        return str(col.max_length)
    if code == "pattern":
        return str(col.pattern_example or col.example or "")
    return ""


def _range_text(low: object, high: object) -> str:
    def show(v: object) -> str:
        return v.strftime("%d/%m/%Y") if isinstance(v, date) else str(v)

    if low is not None and high is not None:
        return f"từ {show(low)} đến {show(high)}"
    return f"từ {show(low)} trở lên" if low is not None else f"không quá {show(high)}"


def condition_text(code: str, col: ColumnSpec, spec: SheetSpec) -> str:
    """Sentence for required_when / blank_when, e.g. 'Cá nhân phải ghi Giới tính (Nam hoặc Nữ).'"""
    cond = col.required_when if code == "required_when" else col.blank_when
    assert cond is not None
    if code == "blank_when":
        return f"{cond.equals} thì để trống {col.header}."
    hint = f" ({' hoặc '.join(col.choices)})" if col.choices and len(col.choices) <= 3 else ""
    if cond.equals is None:
        return f"Đã ghi {spec.column(cond.column).header} thì phải ghi {col.header}{hint}."
    return f"{cond.equals} phải ghi {col.header}{hint}."
