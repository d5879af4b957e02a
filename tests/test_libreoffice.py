"""The template must open cleanly in LibreOffice, the office suite many units use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from dhtt_batch.spec import SpecSet
from dhtt_batch.validate import ValidationResult

from .conftest import flatten, lo_convert, soffice, valid_row

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")


def convert(source: Path, fmt: str, outdir: Path) -> Path:
    return lo_convert(source, fmt, outdir)[0]


def test_template_survives_a_round_trip_through_ods(
    template_file: Path, tmp_path: Path, specs: SpecSet
) -> None:
    ods = convert(template_file, "ods", tmp_path / "ods")
    back = convert(ods, "xlsx", tmp_path / "back")
    wb = openpyxl.load_workbook(back)
    for sheet in specs.sheets:
        assert sheet.name in wb.sheetnames
    assert wb["a_HCM"]["C5"].value == "Họ và tên / Tên tập thể (*)"
    assert any(dv.type == "list" for dv in wb["a_HCM"].data_validations.dataValidation)


def test_same_content_saved_by_libreoffice_gives_the_same_findings(
    make_workbook: Callable[..., Path], check: Callable[..., ValidationResult], tmp_path: Path
) -> None:
    rows = {
        "a_HCM": [
            valid_row(),
            valid_row(ho_ten="Lê C", gioi_tinh=None),
            valid_row(ho_ten="Hà D", nam_sinh="một chín tám lăm"),
        ],
        "b_CCHC": [valid_row("b_CCHC", linh_vuc_cai_cach="thủ tục", ngay_quyet_dinh="05/01/2024")],
        "c_CDS": [valid_row("c_CDS", ho_ten="NguyÔn V¨n An", duong_dan="www.x.vn")],
    }
    source = make_workbook(rows=rows)
    expected = flatten(check(source).findings, ["sheet", "cell", "code"])
    assert len(expected) == 6
    for fmt in ("xlsx", "ods", "xls"):
        converted = convert(source, fmt, tmp_path / fmt)
        result = check(converted)
        assert flatten(result.findings, ["sheet", "cell", "code"]) == expected, fmt
        assert result.row_counts(result.submissions[0]) == (5, 1, 4)


def test_feedback_copy_and_consolidated_workbook_open_in_libreoffice(
    merged_samples: Path, tmp_path: Path
) -> None:
    consolidated = convert(merged_samples / "tong-hop-2025.xlsx", "ods", tmp_path / "c")
    assert consolidated.stat().st_size > 0
    feedback = sorted((merged_samples / "feedback").glob("*.xlsx"))
    assert feedback
    back = convert(convert(feedback[0], "ods", tmp_path / "f"), "xlsx", tmp_path / "fb")
    assert "Lỗi cần sửa" in openpyxl.load_workbook(back).sheetnames
