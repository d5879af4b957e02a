"""Fill a generated template programmatically, as a clerk would in Excel.

Used by the sample-inbox script, the tests and the benchmark, so they all exercise the real
template rather than a hand-made look-alike. Values are written as given (a string starting
with "=" becomes a formula, exactly as if typed); a cell typed into takes its column's format,
as in Excel (so it keeps the template's protection and number format).
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from copy import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

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
                    _typed(ws, first_row + row_offset, col_index, record[key])
    return wb


def _typed(ws: Worksheet, row: int, column: int, value: Any) -> None:
    if value is None and (row, column) not in ws._cells:
        return  # a cell left alone: Excel does not write it either
    cell = ws.cell(row=row, column=column)
    if not cell.has_style:
        dimension = ws.column_dimensions.get(get_column_letter(column))
        if dimension is not None and dimension.has_style:
            cell._style = copy(dimension._style)
    cell.value = value


def example_record(spec: SheetSpec, **changes: Any) -> dict[str, Any]:
    """A valid record of `spec` built from its columns' `example:` values (the same values
    the template shows on its example row), with `changes` applied by column key."""
    record = {c.key: c.example for c in spec.data_columns if c.example is not None}
    return {**record, **changes}


def save_saved_at(wb: Workbook, path: Path, saved: datetime) -> Path:
    """Save as Excel does: the document properties say when (`saved`, an aware time; Excel
    writes it in UTC). openpyxl's own `save` would stamp the moment of the save instead."""
    wb.properties.modified = saved.astimezone(UTC).replace(tzinfo=None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return path
