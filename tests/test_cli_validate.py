from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from dhtt_batch.cli import cli

from .conftest import valid_row

Make = Callable[..., Path]
FINDING_KEYS = [
    *("file", "unit", "sheet", "cell", "row", "column", "code", "severity", "message"),
    *("value", "expected"),
]


def test_clean_files_exit_0(make_workbook: Make, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(make_workbook())], catch_exceptions=False)
    assert result.exit_code == 0
    assert "đạt, 0 cảnh báo; 1 dòng đọc, 1 dòng hợp lệ, 0 dòng bị loại" in result.output


def test_json_is_the_only_thing_on_stdout_and_matches_the_format(
    make_workbook: Make, runner: CliRunner
) -> None:
    path = make_workbook(rows={"b_CCHC": [valid_row("b_CCHC", gioi_tinh=None)]})
    result = runner.invoke(cli, ["validate", "--json", str(path)])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    finding = document["files"][0]["findings"][0]
    assert list(finding) == FINDING_KEYS
    assert finding == {
        "file": path.as_posix(),
        "unit": "TH",
        "sheet": "b_CCHC",
        "cell": "D8",
        "row": 8,
        "column": "Giới tính",
        "code": "required_when",
        "severity": "error",
        "message": "Cá nhân phải ghi Giới tính (Nam hoặc Nữ).",
        "value": None,
        "expected": None,
    }
    assert document["totals"] == {
        "files": 1,
        "errors": 1,
        "warnings": 0,
        "rows_read": 1,
        "rows_accepted": 0,
        "rows_rejected": 1,
    }


def test_warnings_alone_exit_0(make_workbook: Make, runner: CliRunner) -> None:
    path = make_workbook(rows={"a_HCM": [valid_row(giai_doan="đang bồi dưỡng")]})
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert "Cảnh báo" in result.output


def test_folder_is_searched_and_a_bad_file_does_not_stop_the_batch(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/a.xlsx")
    (tmp_path / "inbox" / "b.xlsx").write_bytes(b"")
    result = runner.invoke(cli, ["validate", "--json", str(tmp_path / "inbox")])
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    assert [(Path(f["path"]).name, f["valid"]) for f in files] == [
        ("a.xlsx", True),
        ("b.xlsx", False),
    ]


def test_missing_path_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path / "khong-co.xlsx")])
    assert result.exit_code == 2
    assert f"Lỗi: Không tìm thấy: {tmp_path / 'khong-co.xlsx'}." in result.output


def test_empty_folder_is_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "Lỗi: Không có tệp nào để kiểm tra." in result.output


def test_the_report_is_on_stdout_so_it_can_be_saved_to_a_file(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    """`dhtt-batch validate inbox > loi.txt` keeps the report; status lines go to stderr."""
    path = make_workbook(rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    result = runner.invoke(cli, ["validate", str(path), "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 1
    assert "Cá nhân phải ghi Giới tính (Nam hoặc Nữ)." in result.stdout
    assert "Tổng cộng: 1 tệp, 1 lỗi, 0 cảnh báo." in result.stdout
    assert result.stderr == f"Đã ghi 1 tệp phản hồi vào {tmp_path / 'fb'}\n"
