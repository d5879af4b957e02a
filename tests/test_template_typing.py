"""The template as a clerk meets it in LibreOffice: rows inserted anywhere in a criterion
sheet (above or below the example row, or after the last row typed) take typing and carry the
data validations and highlight rules, and the saved file validates clean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl

from dhtt_batch.formats.template_layout import EXAMPLE_ROW
from dhtt_batch.spec import SpecSet
from dhtt_batch.validate import ValidationResult

from .conftest import VALID_INFO, type_info, type_record, valid_row
from .lo_clerk import Clerk


def test_rows_inserted_around_the_example_and_at_the_end_are_editable_and_validated(
    clerk: Callable[[], Clerk],
    template_file: Path,
    specs: SpecSet,
    check: Callable[..., ValidationResult],
    tmp_path: Path,
) -> None:
    spec = specs.criterion("a_HCM")
    names = {7: "Lê Chèn Trên", 9: "Lê Chèn Dưới", 10: "Lê Văn Ba", 11: "Lê Thị Cuối"}
    steps = type_info(clerk(), specs, VALID_INFO)
    # Above the example row: the example moves down to row 8.
    steps.insert_row_above(spec.name, f"A{EXAMPLE_ROW}")
    type_record(steps, spec, 7, valid_row(ho_ten=names[7]))
    # Directly under the example row (the row the instructions invite).
    steps.insert_row_above(spec.name, "A9")
    type_record(steps, spec, 9, valid_row(ho_ten=names[9]))
    type_record(steps, spec, 10, valid_row(ho_ten=names[10]))
    # At the end: a row inserted under the last one typed.
    steps.insert_row_above(spec.name, "A11")
    type_record(steps, spec, 11, valid_row(ho_ten=names[11]))
    kind, name = (f"{letter}{{}}" for letter in "BC")
    for row in names:
        steps.inspect(spec.name, kind.format(row)).inspect(spec.name, name.format(row))
    saved = tmp_path / "TH.xlsx"
    seen = steps.run(template_file, save_as=saved)

    for cell in seen:
        assert cell.editable, cell
        assert cell.validation == ("LIST" if cell.cell[0] == "B" else "TEXT_LEN"), cell
        assert not cell.italic and cell.back_color == -1, "an inserted row looks like a data row"
    assert [c.string for c in seen if c.cell[0] == "C"] == list(names.values())

    result = check(saved)
    assert [(f.cell, f.code) for f in result.findings] == []
    table = result.submissions[0].tables[spec.name]
    assert table.rows == list(names)  # the example row (now row 8) is still recognised

    # The ranges LibreOffice saved still cover every inserted row, as Excel will read them.
    ws = openpyxl.load_workbook(saved)[spec.name]
    for row in names:
        assert any(f"B{row}" in dv.sqref for dv in ws.data_validations.dataValidation)
        assert any(
            f"C{row}" in rng.sqref and rules
            for rng, rules in ws.conditional_formatting._cf_rules.items()
        )
