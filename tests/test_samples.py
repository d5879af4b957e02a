"""The bundled sample inbox: every planted mistake found, every file and unit as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli

from .conftest import SAMPLE_INBOX


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
        "KGVX_Bieu mau DHTT.xlsx": ("KGVX", "superseded", 1, 0, 0, 1),
        "KGVX - ban sua.xlsx": ("KGVX", "accepted", 1, 1, 0, 0),
        "NC_2025.xlsx": ("NC", "accepted", 2, 2, 0, 0),
        "KSTT_DHTT_2025.xls": ("KSTT", "accepted", 1, 1, 0, 0),
        "QTTV-dang-ky.ods": ("QTTV", "accepted", 1, 1, 0, 0),
        "TCD_lan1.xlsx": ("TCD", "superseded", 1, 0, 0, 1),
        "TCD_lan2_da-sua.xlsx": ("TCD", "accepted", 1, 1, 0, 0),
        "PVHCC.xlsx": ("PVHCC", "accepted", 2, 2, 0, 0),
        "cong-van-kem-theo.pdf": (None, "unreadable", 0, 0, 0, 0),
    }
    assert manifest["totals"] == {
        "files": 12,
        "rows_read": 18,
        "rows_accepted": 14,
        "rows_rejected": 2,
        "rows_superseded": 2,
    }


def test_every_version_is_ordered_and_credited_by_the_documented_evidence(manifest: dict) -> None:
    files = {Path(f["path"]).name: f for f in manifest["files"]}
    # The same-day pair, no e-mail record: the workbooks' own saved times.
    assert files["KGVX - ban sua.xlsx"]["received_at"] == "2025-12-12T15:00:00+07:00"
    assert files["KGVX_Bieu mau DHTT.xlsx"]["received_at"] == "2025-12-12T09:00:00+07:00"
    assert {
        files[n]["received_from"] for n in ("KGVX - ban sua.xlsx", "KGVX_Bieu mau DHTT.xlsx")
    } == {"saved"}
    # LibreOffice's own saved times in .xls (OLE summary) and .ods (meta.xml).
    assert files["KSTT_DHTT_2025.xls"]["received_at"] == "2025-12-09T15:00:00+07:00"
    assert files["QTTV-dang-ky.ods"]["received_at"] == "2025-12-11T10:00:00+07:00"
    # The forwarded template: credited to the unit that chose itself and sent it.
    forwarded = files["Phong Tong hop - DHTT 2025.xlsx"]
    assert (forwarded["unit"], forwarded["unit_from"]) == ("TH", "info_sheet+sender")
    # Feedback copies: the .ods one stays .ods; each says how it was made.
    copies = {n: f["feedback"] for n, f in files.items() if f["feedback"]}
    assert {n: c["via"] for n, c in copies.items()} == {
        "KT-dhtt-2025.xlsx": "patch",
        "NC_2025.xlsx": "patch",
        "PVHCC.xlsx": "patch",
        "QTTV-dang-ky.ods": "ods",
    }
    assert copies["QTTV-dang-ky.ods"]["path"] == "feedback/QTTV-dang-ky-phan-hoi.ods"


def test_every_roster_unit_has_the_documented_status(manifest: dict) -> None:
    assert {u["code"]: u["status"] for u in manifest["units"]} == {
        "HCTC": "valid",
        "TH": "valid",
        "KT": "needs_fixes",
        "KGVX": "valid",
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
        ("KGVX_Bieu mau DHTT.xlsx", None, None, "superseded"),
        ("Phong Tong hop - DHTT 2025.xlsx", None, None, "unit_mismatch"),
        ("NC_2025.xlsx", "a_HCM", "C11", "legacy_encoding"),
        ("QTTV-dang-ky.ods", "a_HCM", "Q8", "choice_normalized"),
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


def test_the_merge_summary_of_the_samples_reads_exactly_as_documented(tmp_path: Path) -> None:
    """What the officer reads after `dhtt-batch merge samples/inbox` (README's first command),
    line for line: unit counts and names, row accounting, the file no unit gets, the outputs."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["merge", str(SAMPLE_INBOX), "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.stdout == ""  # the summary is for a person: stderr (stdout is for --json)
    assert result.stderr.replace(str(tmp_path), "TMP").splitlines() == [
        "",
        "Đơn vị: 7 hợp lệ, 1 cần sửa, 1 nộp muộn, 1 chưa nộp (tổng 10).",
        "  Cần sửa: Phòng Kinh tế",
        "  Nộp muộn: Trung tâm Phục vụ hành chính công",
        "  Chưa nộp: Trung tâm Tin học - Công báo",
        "Tệp: 12; dòng đọc 18 = 14 nhận + 2 loại + 2 thay thế.",
        "  Tệp không đọc được: cong-van-kem-theo.pdf — Tệp không phải bảng tính Excel hoặc "
        "LibreOffice (nội dung là tệp PDF). Hãy gửi biểu mẫu .xlsx đã điền.",
        "Bảng tổng hợp: TMP/out/tong-hop-2025.xlsx",
        "Tệp phản hồi gửi đơn vị: 4 tệp trong TMP/out/feedback",
        "Biên bản (manifest): TMP/out/manifest.json",
    ]
