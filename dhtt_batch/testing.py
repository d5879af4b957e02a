"""Fill a generated template programmatically, as a clerk would in Excel.

Used by the sample-inbox script, the tests and the benchmark, so they all exercise the real
template rather than a hand-made look-alike. Values are written as given (a string starting
with "=" becomes a formula, exactly as if typed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook

from .formats.template_layout import FIRST_DATA_ROW, FORM_FIRST_ROW
from .spec import SheetSpec, SpecSet


def fill_template(
    wb: Workbook,
    specs: SpecSet,
    info: Mapping[str, Any],
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    first_row: int = FIRST_DATA_ROW,
) -> Workbook:
    form = wb[specs.info.name]
    for offset, col in enumerate(specs.info.columns):
        if col.key in info:
            form.cell(row=FORM_FIRST_ROW + offset, column=2).value = info[col.key]
    for sheet_name, records in rows.items():
        spec = specs.criterion(sheet_name)
        ws = wb[spec.name]
        for row_offset, record in enumerate(records):
            for col_index, key in enumerate(spec.keys, start=1):
                if key in record:
                    ws.cell(row=first_row + row_offset, column=col_index).value = record[key]
    return wb


def example_record(spec: SheetSpec, **changes: Any) -> dict[str, Any]:
    """A valid record of `spec` built from its columns' `example:` values (the same values
    the template shows on its example row), with `changes` applied by column key."""
    record = {c.key: c.example for c in spec.data_columns if c.example is not None}
    return {**record, **changes}
