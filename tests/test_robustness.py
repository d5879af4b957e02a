"""Random values in random cells never crash the validator; findings stay inside the sheet."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell

from dhtt_batch.spec import SpecSet
from dhtt_batch.validate import ValidationResult

Make = Callable[..., Path]
Check = Callable[..., ValidationResult]
SHEETS = ["Thông tin đơn vị", "a_HCM", "b_CCHC", "c_CDS"]
_XML_SAFE = st.characters(blacklist_categories=("Cs", "Cc"))

values = st.one_of(
    st.none(),
    st.text(_XML_SAFE, max_size=30),
    st.text(_XML_SAFE, min_size=4000, max_size=5000),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 3, 1), date(2200, 1, 1)),
    st.datetimes(datetime(1900, 3, 1)),
    st.sampled_from(
        [
            "=1/0",
            "=NA()",
            "=A1",
            "#N/A",
            "#REF!",
            "_x0007_",
            "\t=cmd",
            "Tập thể",
            "Cá nhân",
            "NguyÔn",
            "05/01/2025",
            "+84 912",
            "@SUM(1)",
        ]
    ),
)
edits = st.lists(
    st.tuples(st.sampled_from(SHEETS), st.integers(1, 30), st.integers(1, 25), values), max_size=25
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=edits)
def test_random_cells_never_crash_and_cells_are_inside(
    make_workbook: Make, check: Check, specs: SpecSet, changes: list
) -> None:
    def apply(wb: Workbook) -> None:
        for sheet, row, col, value in changes:
            cell = wb[sheet].cell(row=row, column=col)
            if isinstance(cell, MergedCell):
                continue
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "f"

    path = make_workbook(name="random.xlsx", edit=apply)
    result = check(path)
    read, accepted, rejected = result.row_counts(result.submissions[0])
    # Counted independently of the tallies: the rows the error findings point at.
    criteria = {s.name for s in specs.criteria}
    errors = [f for f in result.findings if f.severity == "error" and f.sheet in criteria]
    if errors and all(f.row is not None for f in errors):
        assert rejected == len({(f.sheet, f.row) for f in errors})
    elif not errors:
        assert (accepted, rejected) == (read, 0)
    wb = openpyxl.load_workbook(path, read_only=True)
    for finding in result.findings:
        if finding.cell is None:
            continue
        match = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", str(finding.cell))
        assert match, finding
        assert finding.sheet in wb.sheetnames
        ws = wb[finding.sheet]
        assert int(match.group(2)) == finding.row
        assert 1 <= finding.row <= max(ws.max_row, 1)
        assert openpyxl.utils.column_index_from_string(match.group(1)) <= max(ws.max_column, 1)
