"""A unit corrects its feedback copy in LibreOffice, the way the round trip really goes.

The unit's file is saved by Excel (which leaves a blank cell out of the file: the patch must
create it) or typed and saved by LibreOffice; the feedback copy marks the cells to fix; the
clerk opens the copy in LibreOffice, types into exactly the marked cells, saves, and the file
validates clean. Every way a copy is made is covered: the .xlsx patch, openpyxl (a returned
copy, an .xlsm), and the .ods patch.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from dhtt_batch.findings import ERROR
from dhtt_batch.outputs.feedback.copy import FeedbackCopy
from dhtt_batch.outputs.feedback.jobs import write_all_feedback
from dhtt_batch.spec import SpecSet
from dhtt_batch.validate import ValidationResult
from dhtt_batch.xlsx.package import sheet_parts

from .conftest import VALID_INFO, type_info, type_record, valid_row
from .lo_clerk import CellSeen, Clerk

# The cells the unit leaves wrong, and what it types there once told.
FIXES = {
    ("a_HCM", "D9"): "Nữ",  # a cá nhân without Giới tính (left blank: absent from the file)
    ("a_HCM", "E10"): "1985",  # a year of birth written in words
    ("b_CCHC", "M8"): "Rút ngắn 30% thời gian giải quyết hồ sơ",  # required, left blank
    ("b_CCHC", "N8"): "Hoàn thành xuất sắc nhiệm vụ năm 2024",  # required, left blank
}
ROUND_ONE = {place for place in FIXES if place[0] == "a_HCM"}
UNIT_ROWS = {
    "a_HCM": [
        valid_row(),
        valid_row(ho_ten="Lê Thị Cúc", gioi_tinh=None),
        valid_row(ho_ten="Hà Văn Dũng", nam_sinh="một chín tám lăm"),
    ],
    "b_CCHC": [valid_row("b_CCHC", hieu_qua_hai_long=None, tom_tat_thanh_tich=None)],
}


def _absent_cells(path: Path, places: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The places with no <c> element in the saved sheet XML."""
    with zipfile.ZipFile(path) as zf:
        parts = sheet_parts(zf)
        xml = {sheet: zf.read(parts[sheet]).decode() for sheet, _ in places}
    return {(sheet, cell) for sheet, cell in places if f'<c r="{cell}"' not in xml[sheet]}


@pytest.fixture(scope="module")
def typed_by_unit(
    clerk: Callable[[], Clerk],
    template_file: Path,
    specs: SpecSet,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Path], dict]:
    """The unit's workbook, typed in LibreOffice and saved as .xlsx, .xlsm and .ods; and how
    the cells to fix were there (editable, with which validation) when the clerk saved."""
    a, b = specs.criterion("a_HCM"), specs.criterion("b_CCHC")
    steps = type_info(clerk(), specs, VALID_INFO)
    type_record(steps, a, 8, valid_row())
    type_record(steps, a, 9, valid_row(ho_ten="Lê Thị Cúc", gioi_tinh=None))
    type_record(steps, a, 10, valid_row(ho_ten="Hà Văn Dũng", nam_sinh=None))
    steps.paste("a_HCM", "E10", "một chín tám lăm")  # a paste is not checked by the dropdown
    type_record(steps, b, 8, valid_row("b_CCHC", hieu_qua_hai_long=None, tom_tat_thanh_tich=None))
    for sheet, cell in sorted(FIXES):
        steps.inspect(sheet, cell)
    folder = tmp_path_factory.mktemp("unit")
    targets = {suffix: folder / f"TH-dang-ky{suffix}" for suffix in (".xlsm", ".ods")}
    seen = [steps.run(template_file, save_as=target) for target in targets.values()]
    return targets, _as_in_template(seen[0])  # one save per LibreOffice session


@pytest.fixture(scope="module")
def unit_files(typed_by_unit: tuple[dict[str, Path], dict]) -> dict[str, Path]:
    return typed_by_unit[0]


@pytest.fixture(scope="module")
def template_cells(typed_by_unit: tuple[dict[str, Path], dict]) -> dict:
    """How the cells to fix were in the unit's own file: editable, with which validation."""
    return typed_by_unit[1]


def _errors(result: ValidationResult) -> set[tuple[str | None, str]]:
    return {(f.sheet, str(f.cell)) for f in result.findings if f.severity == ERROR}


def _correct(
    clerk: Callable[[], Clerk], copy: Path, places: set[tuple[str, str]], save_as: Path
) -> list[CellSeen]:
    """Open the feedback copy, look at each marked cell, type its fix, save."""
    steps = clerk()
    for sheet, cell in sorted(places):
        steps.inspect(sheet, cell)
    for sheet, cell in sorted(places):
        steps.type(sheet, cell, FIXES[(sheet, cell)])
    return steps.run(copy, save_as=save_as)


def _one_copy(result: ValidationResult, folder: Path) -> FeedbackCopy:
    (copy,) = write_all_feedback(result, folder)
    return copy


def _as_in_template(seen: list[CellSeen]) -> dict[tuple[str, str], tuple[bool, str]]:
    return {(c.sheet, c.cell): (c.editable, c.validation) for c in seen}


def test_patched_xlsx_copy_then_a_returned_copy_are_corrected_by_typing(
    clerk: Callable[[], Clerk],
    make_workbook: Callable[..., Path],
    template_cells: dict,
    check: Callable[..., ValidationResult],
    tmp_path: Path,
) -> None:
    # Saved as Excel saves: the blank cells the unit must fill are not in the file at all.
    source = make_workbook("TH-dang-ky.xlsx", rows=UNIT_ROWS, info=VALID_INFO)
    absent = _absent_cells(source, set(FIXES))
    assert absent == {p for p in FIXES if p != ("a_HCM", "E10")}
    first = check(source)
    assert _errors(first) == set(FIXES)
    copy = _one_copy(first, tmp_path / "lan1")
    assert copy.via == "patch" and copy.path.suffix == ".xlsx"
    # Round one: the clerk fixes the criterion a cells only and sends the copy back.
    seen = _correct(clerk, copy.path, ROUND_ONE, tmp_path / "lan2.xlsx")
    assert _as_in_template(seen) == {p: template_cells[p] for p in ROUND_ONE}
    second = check(tmp_path / "lan2.xlsx")
    assert _errors(second) == set(FIXES) - ROUND_ONE
    # The returned copy carries last round's sheet and notes: openpyxl makes the next copy.
    copy = _one_copy(second, tmp_path / "lan2")
    assert copy.via == "openpyxl"
    seen = _correct(clerk, copy.path, set(FIXES) - ROUND_ONE, tmp_path / "lan3.xlsx")
    assert _as_in_template(seen) == {p: template_cells[p] for p in set(FIXES) - ROUND_ONE}
    assert _errors(check(tmp_path / "lan3.xlsx")) == set()


def test_xlsm_copy_made_by_openpyxl_is_corrected_by_typing(
    clerk: Callable[[], Clerk],
    unit_files: dict[str, Path],
    template_cells: dict,
    check: Callable[..., ValidationResult],
    tmp_path: Path,
) -> None:
    result = check(unit_files[".xlsm"])
    assert _errors(result) == set(FIXES)
    copy = _one_copy(result, tmp_path / "fb")
    assert copy.via == "openpyxl" and copy.path.suffix == ".xlsx"
    seen = _correct(clerk, copy.path, set(FIXES), tmp_path / "sua.xlsx")
    assert _as_in_template(seen) == template_cells
    assert _errors(check(tmp_path / "sua.xlsx")) == set()


def test_ods_copy_keeps_the_units_dropdowns_and_protection_and_is_corrected_by_typing(
    clerk: Callable[[], Clerk],
    unit_files: dict[str, Path],
    template_cells: dict,
    check: Callable[..., ValidationResult],
    tmp_path: Path,
) -> None:
    result = check(unit_files[".ods"])
    assert _errors(result) == set(FIXES)
    copy = _one_copy(result, tmp_path / "fb")
    assert copy.via == "ods" and copy.path.name == "TH-dang-ky-phan-hoi.ods"
    steps = clerk().inspect("Lỗi cần sửa", "C4").inspect("a_HCM", "A5")
    for sheet, cell in sorted(FIXES):
        steps.inspect(sheet, cell)
    for sheet, cell in sorted(FIXES):
        steps.type(sheet, cell, FIXES[(sheet, cell)])
    fixes, header, *seen = steps.run(copy.path, save_as=tmp_path / "sua.ods")
    assert fixes.string == "D9" and not fixes.protected
    assert header.protected and not header.editable  # the sheet is still protected
    assert _as_in_template(seen) == template_cells
    for cell in seen:
        assert cell.back_color == 0xFFC7CE, cell  # marked red, as the .xlsx copies are
    assert _errors(check(tmp_path / "sua.ods")) == set()
