from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dhtt_batch.campaign import Campaign
from dhtt_batch.formats.template_layout import (
    EXAMPLE_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    NUMBER_ROW,
    parse_meta,
)
from dhtt_batch.reader import read_workbook
from dhtt_batch.spec import SpecSet
from dhtt_batch.template import build_template, header_text, template_filename


@pytest.fixture(scope="module")
def wb(template_file: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template_file)


def _validation_for(ws: Worksheet, cell: str):  # type: ignore[no-untyped-def]
    for dv in ws.data_validations.dataValidation:
        if cell in dv.sqref:
            return dv
    return None


def _list_items(wb: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, area = formula.lstrip("=").split("!")
    assert sheet.strip("'") == LISTS_SHEET
    return [c.value for row in wb[LISTS_SHEET][area.replace("$", "")] for c in row]


def test_sheet_order_and_hidden_helpers(wb: openpyxl.Workbook, specs: SpecSet) -> None:
    assert wb.sheetnames == [
        "Hướng dẫn",
        specs.info.name,
        "a_HCM",
        "b_CCHC",
        "c_CDS",
        LISTS_SHEET,
        META_SHEET,
    ]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert wb[META_SHEET].sheet_state == "veryHidden"


def test_every_spec_column_is_under_its_header(wb: openpyxl.Workbook, specs: SpecSet) -> None:
    for sheet in specs.criteria:
        ws = wb[sheet.name]
        headers = [c.value for c in ws[HEADER_ROW]]
        assert headers == [header_text(c) for c in sheet.columns]
        assert [c.value for c in ws[NUMBER_ROW]] == [
            f"({i})" for i in range(1, len(sheet.columns) + 1)
        ]
        assert ws.cell(row=EXAMPLE_ROW, column=1).value == "Ví dụ"
        assert ws.freeze_panes == "D7"
        assert ws.print_title_rows == f"${HEADER_ROW}:${NUMBER_ROW}"
        assert ws.page_setup.orientation == "landscape"


def test_every_choice_column_offers_exactly_the_spec_choices(
    wb: openpyxl.Workbook, specs: SpecSet
) -> None:
    for sheet in specs.criteria:
        ws = wb[sheet.name]
        for index, col in enumerate(sheet.columns, start=1):
            if col.type != "choice":
                continue
            dv = _validation_for(ws, f"{get_column_letter(index)}{FIRST_DATA_ROW}")
            assert dv is not None and dv.type == "list", (sheet.name, col.key)
            assert _list_items(wb, dv.formula1) == list(col.choices), (sheet.name, col.key)
            assert dv.showInputMessage and dv.prompt == col.help[:250]


def test_list_validations_are_stored_as_excel_stores_them(wb: openpyxl.Workbook) -> None:
    """Excel writes <formula1>'_DanhMuc'!$B$2:$B$3</formula1>, never with a leading "="."""
    lists = [
        dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation if dv.type == "list"
    ]
    assert lists
    assert [dv.formula1 for dv in lists if dv.formula1.startswith("=")] == []


def _letter(specs: SpecSet, sheet: str, key: str) -> str:
    return get_column_letter(specs.criterion(sheet).keys.index(key) + 1)


def test_type_validations_follow_the_spec(wb: openpyxl.Workbook, specs: SpecSet) -> None:
    ws = wb["a_HCM"]
    year = _validation_for(ws, f"{_letter(specs, 'a', 'nam_sinh')}{FIRST_DATA_ROW}")
    assert (year.type, year.formula1) == ("whole", "1940")
    date_dv = _validation_for(ws, f"{_letter(specs, 'a', 'ngay_quyet_dinh')}{FIRST_DATA_ROW}")
    assert date_dv.type == "date" and date_dv.formula2 == "TODAY()"
    text = _validation_for(ws, f"{_letter(specs, 'a', 'ho_ten')}{FIRST_DATA_ROW}")
    assert (text.type, text.formula1) == ("textLength", "200")


def test_conditional_formatting_marks_required_and_conditional_cells(
    wb: openpyxl.Workbook, specs: SpecSet
) -> None:
    ws = wb["a_HCM"]
    last = get_column_letter(len(specs.criterion("a").columns))
    so_qd, ngay_qd = _letter(specs, "a", "so_quyet_dinh"), _letter(specs, "a", "ngay_quyet_dinh")
    formulas = {
        str(rng.sqref): [r.formula[0] for r in rules]
        for rng, rules in ws.conditional_formatting._cf_rules.items()
    }
    # From the column-number row down: a row inserted above or below the example inherits
    # the rules (Excel and LibreOffice extend a range when a row is inserted inside it).
    assert formulas["D6:D1007"] == [
        'AND($B6="Cá nhân",ISBLANK(D6))',
        'AND($B6="Tập thể",NOT(ISBLANK(D6)))',
    ]
    assert formulas["C6:C1007"] == [f"AND(COUNTA($B6:${last}6)>0,ISBLANK(C6))"]
    assert formulas[f"{so_qd}6:{so_qd}1007"] == [
        f"AND(NOT(ISBLANK(${ngay_qd}6)),ISBLANK({so_qd}6))"
    ]
    # The example row looks like an example by a rule on its marker, not by its cells' style.
    assert formulas[f"A6:{last}1007"] == ['$A6="Ví dụ"']


def test_headers_locked_data_free_and_rows_insertable(
    wb: openpyxl.Workbook, specs: SpecSet
) -> None:
    ws = wb["b_CCHC"]
    assert ws.protection.sheet is True
    assert ws.protection.insertRows is False and ws.protection.deleteRows is False
    assert ws.cell(row=HEADER_ROW, column=3).protection.locked is True
    # Data columns are unlocked by column style, so every row (inserted ones too) is free.
    assert ws.column_dimensions["C"].protection.locked is False
    assert ws.column_dimensions["J"].protection.locked is False
    assert ws.cell(row=HEADER_ROW - 1, column=1).protection.locked is True
    # The column-number and example rows are styled like data rows (unlocked, no fill): both
    # Excel and LibreOffice copy the row above into an inserted row.
    for row in (NUMBER_ROW, EXAMPLE_ROW):
        for col in (1, 3, 10):
            cell = ws.cell(row=row, column=col)
            assert cell.protection.locked is False, cell.coordinate
            assert cell.fill.fill_type is None and not cell.font.i, cell.coordinate
    decided = ws[f"{_letter(specs, 'b', 'ngay_quyet_dinh')}{EXAMPLE_ROW}"]
    assert decided.number_format == "DD/MM/YYYY"
    assert _validation_for(ws, f"B{NUMBER_ROW}") is not None


def test_metadata_round_trip(
    tmp_path: Path, wb: openpyxl.Workbook, campaign: Campaign, specs: SpecSet
) -> None:
    """What the template writes on `_meta` is what the safe reader parses back."""
    path = tmp_path / "mau.xlsx"
    wb.save(path)
    workbook, failures = read_workbook(path, path.name)
    assert failures == [] and workbook is not None
    meta = workbook.meta
    assert meta.is_template
    assert (meta.spec_version, meta.spec_hash) == (str(specs.version), specs.hash)
    assert (meta.period_id, meta.campaign_id) == (campaign.period.id, campaign.id)
    assert meta.period_label == campaign.period.label
    assert meta.unit_code == ""
    assert parse_meta([[k, v] for k, v in meta.rows()]) == meta


def test_per_unit_template_prefills_the_unit_and_leaves_it_choosable(
    tmp_path: Path, campaign: Campaign, specs: SpecSet
) -> None:
    unit = campaign.units[2]
    path = tmp_path / template_filename(campaign, unit)
    build_template(campaign, specs, unit).save(path)
    wb = openpyxl.load_workbook(path)
    info = wb[specs.info.name]
    labels = {info.cell(row=r, column=1).value: info.cell(row=r, column=2) for r in range(1, 15)}
    assert labels["Đơn vị (*)"].value == unit.name
    # A forwarded copy's new owner picks their own unit from the same list.
    assert labels["Đơn vị (*)"].protection.locked is False
    assert _validation_for(info, labels["Đơn vị (*)"].coordinate).type == "list"
    assert labels["Kỳ báo cáo (*)"].value == campaign.period.label
    assert labels["Người lập biểu (*)"].protection.locked is False
    meta = {r[0].value: r[1].value for r in wb[META_SHEET].iter_rows()}
    assert meta["unit_code"] == unit.code
    assert path.name == f"bieu-mau-2025-{unit.code}.xlsx"


def test_unit_dropdown_lists_the_roster(
    wb: openpyxl.Workbook, campaign: Campaign, specs: SpecSet
) -> None:
    info = wb[specs.info.name]
    dv = _validation_for(info, "B3")
    assert _list_items(wb, dv.formula1) == [u.name for u in campaign.units]
