"""The bundled sample inbox: every planted mistake found, every file and unit as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def manifest(merged_samples: Path) -> dict:
    printed = json.loads((merged_samples / "stdout.json").read_text(encoding="utf-8"))
    assert printed == json.loads((merged_samples / "manifest.json").read_text(encoding="utf-8"))
    return printed


def test_every_sample_file_has_the_documented_status(manifest: dict) -> None:
    files = {
        Path(f["path"]).name: (
            f["unit"],
            f["status"],
            f["rows_read"],
            f["rows_accepted"],
            f["rows_rejected"],
            f["rows_superseded"],
        )
        for f in manifest["files"]
    }
    assert files == {
        "HCTC_dang-ky-DHTT-2025.xlsx": ("HCTC", "accepted", 3, 3, 0, 0),
        "Phong Tong hop - DHTT 2025.xlsx": ("TH", "accepted", 2, 2, 0, 0),
        "KT-dhtt-2025.xlsx": ("KT", "partially_accepted", 3, 1, 2, 0),
        "KGVX_Bieu mau DHTT.xlsx": ("KGVX", "rejected", 1, 0, 1, 0),
        "NC_2025.xlsx": ("NC", "accepted", 2, 2, 0, 0),
        "KSTT_DHTT_2025.xls": ("KSTT", "accepted", 1, 1, 0, 0),
        "QTTV-dang-ky.ods": ("QTTV", "accepted", 1, 1, 0, 0),
        "TCD_lan1.xlsx": ("TCD", "superseded", 1, 0, 0, 1),
        "TCD_lan2_da-sua.xlsx": ("TCD", "accepted", 1, 1, 0, 0),
        "PVHCC.xlsx": ("PVHCC", "accepted", 2, 2, 0, 0),
        "cong-van-kem-theo.pdf": (None, "unreadable", 0, 0, 0, 0),
    }
    assert manifest["totals"] == {
        "files": 11,
        "rows_read": 17,
        "rows_accepted": 13,
        "rows_rejected": 3,
        "rows_superseded": 1,
    }


def test_every_roster_unit_has_the_documented_status(manifest: dict) -> None:
    assert {u["code"]: u["status"] for u in manifest["units"]} == {
        "HCTC": "valid",
        "TH": "valid",
        "KT": "needs_fixes",
        "KGVX": "needs_fixes",
        "NC": "valid",
        "KSTT": "valid",
        "QTTV": "valid",
        "TCD": "valid",
        "THCB": "missing",
        "PVHCC": "late",
    }


def test_every_planted_mistake_is_found_at_its_cell(manifest: dict) -> None:
    found = {
        (Path(f["file"]).name, f["sheet"], f["cell"], f["code"])
        for file in manifest["files"]
        for f in file["findings"]
    }
    assert found == {
        ("KT-dhtt-2025.xlsx", "a_HCM", "D9", "required_when"),
        ("KT-dhtt-2025.xlsx", "b_CCHC", "M8", "required"),
        ("KT-dhtt-2025.xlsx", "b_CCHC", "N8", "required"),
        ("KGVX_Bieu mau DHTT.xlsx", "a_HCM", "E8", "type_year"),
        ("KGVX_Bieu mau DHTT.xlsx", "a_HCM", "P8", "date_as_text"),
        ("KGVX_Bieu mau DHTT.xlsx", "a_HCM", "Q8", "choice"),
        ("NC_2025.xlsx", "a_HCM", "C11", "legacy_encoding"),
        ("TCD_lan1.xlsx", "a_HCM", "D8", "blank_when"),
        ("TCD_lan1.xlsx", None, None, "superseded"),
        ("PVHCC.xlsx", None, None, "late"),
        ("PVHCC.xlsx", "b_CCHC", "C8", "likely_duplicate"),
        ("cong-van-kem-theo.pdf", None, None, "not_spreadsheet"),
    }
    for file in manifest["files"]:
        for finding in file["findings"]:
            assert finding["message"] and finding["message"] == finding["message"].strip()


def test_rows_read_always_equal_accepted_rejected_and_superseded(manifest: dict) -> None:
    for f in manifest["files"]:
        assert f["rows_read"] == f["rows_accepted"] + f["rows_rejected"] + f["rows_superseded"]
