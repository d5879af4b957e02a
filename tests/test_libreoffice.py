"""The template must open cleanly in LibreOffice, the office suite many units use."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from dhtt_batch.spec import SpecSet

from .conftest import soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")


def convert(source: Path, fmt: str, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(soffice()), "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/lo",
         "--convert-to", fmt, "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    target = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    assert result.returncode == 0 and target.exists(), result.stderr
    return target


def test_template_survives_a_round_trip_through_ods(template_file: Path, tmp_path: Path,
                                                    specs: SpecSet) -> None:
    ods = convert(template_file, "ods", tmp_path / "ods")
    back = convert(ods, "xlsx", tmp_path / "back")
    wb = openpyxl.load_workbook(back)
    for sheet in specs.sheets:
        assert sheet.name in wb.sheetnames
    assert wb["a_HCM"]["C5"].value == "Họ và tên / Tên tập thể (*)"
    assert any(dv.type == "list" for dv in wb["a_HCM"].data_validations.dataValidation)
