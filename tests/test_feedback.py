"""`validate --feedback`: the unit's own workbook back, bad cells marked, input untouched."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from dhtt_batch.cli import cli
from dhtt_batch.formats.template_layout import FIRST_DATA_ROW
from dhtt_batch.outputs.feedback.parts import AUTHOR, FIXES_SHEET

from .conftest import valid_row

Make = Callable[..., Path]


def _feedback(runner: CliRunner, source: Path, out: Path) -> openpyxl.Workbook:
    result = runner.invoke(cli, ["validate", str(source), "--feedback", str(out)])
    assert result.exit_code == 1, result.output
    return openpyxl.load_workbook(out / f"{source.stem}-phan-hoi.xlsx")


def test_bad_cells_are_red_with_a_comment_and_listed(
    make_workbook: Make, tmp_path: Path, runner: CliRunner
) -> None:
    source = make_workbook(rows={"a_HCM": [valid_row(), valid_row(ho_ten="Lê C", gioi_tinh=None)]})
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    wb = _feedback(runner, source, tmp_path / "fb")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    cell = wb["a_HCM"][f"D{FIRST_DATA_ROW + 1}"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert cell.comment.author == AUTHOR
    assert "Cá nhân phải ghi Giới tính (Nam hoặc Nữ)." in cell.comment.text
    fixes = wb[FIXES_SHEET]
    assert wb.sheetnames[0] == FIXES_SHEET
    assert [c.value for c in fixes[4]] == [
        1,
        "a_HCM",
        f"D{FIRST_DATA_ROW + 1}",
        "Giới tính",
        "Lỗi",
        "Cá nhân phải ghi Giới tính (Nam hoặc Nữ).",
    ]
    assert fixes["C4"].hyperlink.location == f"'a_HCM'!D{FIRST_DATA_ROW + 1}"


def test_feedback_keeps_the_units_validations(
    make_workbook: Make, tmp_path: Path, runner: CliRunner
) -> None:
    source = make_workbook(rows={"a_HCM": [valid_row(gioi_tinh="nam giới")]})
    wb = _feedback(runner, source, tmp_path / "fb")
    original = openpyxl.load_workbook(source)
    assert len(wb["a_HCM"].data_validations.dataValidation) == len(
        original["a_HCM"].data_validations.dataValidation
    )
    assert wb["a_HCM"].protection.sheet is True


def test_file_level_findings_appear_on_the_list(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "hong.xlsx"
    source.write_bytes(b"%PDF-1.4 not a workbook")
    wb = _feedback(runner, source, tmp_path / "fb")
    row = [c.value for c in wb[FIXES_SHEET][4]]
    assert row[:5] == [1, None, None, None, "Lỗi"]
    assert "không phải bảng tính" in row[5]


def test_resubmitted_feedback_copy_loses_old_marks(
    make_workbook: Make, tmp_path: Path, runner: CliRunner
) -> None:
    source = make_workbook(rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    wb = _feedback(runner, source, tmp_path / "fb")
    wb["a_HCM"][f"D{FIRST_DATA_ROW}"].value = "Nam"
    wb["a_HCM"][f"P{FIRST_DATA_ROW}"].value = "ngày mai"
    fixed = tmp_path / "again.xlsx"
    wb.save(fixed)
    again = _feedback(runner, fixed, tmp_path / "fb2")
    assert again.sheetnames.count(FIXES_SHEET) == 1
    assert again["a_HCM"][f"D{FIRST_DATA_ROW}"].comment is None
    assert again["a_HCM"][f"P{FIRST_DATA_ROW}"].comment is not None
