from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli

from .conftest import SAMPLE_INBOX

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner: CliRunner) -> None:
    readme = README.read_text(encoding="utf-8")
    assert cli.commands, "no commands registered"
    for name in cli.commands:
        result = runner.invoke(cli, [name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0, name
        assert "Ví dụ:" in result.output, f"{name} help has no example"
        assert re.search(rf"dhtt-batch {name}\b", readme), f"{name} not documented in README"


def test_template_writes_one_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    result = runner.invoke(cli, ["template", "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 0
    assert f"Đã tạo biểu mẫu {target}" in result.output
    assert "a_HCM" in openpyxl.load_workbook(target).sheetnames


def test_template_all_units_writes_one_file_per_roster_unit(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli, ["template", "--all-units", "-o", str(tmp_path / "units")], catch_exceptions=False
    )
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "units").iterdir())
    assert "bieu-mau-2025-HCTC.xlsx" in names and len(names) == 10


def test_template_unknown_unit_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["template", "--unit", "XYZ", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 2
    assert "Lỗi: Không có đơn vị mã 'XYZ' trong danh sách (HCTC, TH," in result.output


def test_broken_campaign_is_exit_2_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "campaign.toml"
    bad.write_text("[agency\n", encoding="utf-8")
    result = runner.invoke(cli, ["template", "-c", str(bad), "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 2
    assert "campaign.toml không đúng định dạng TOML" in result.output
    assert "Traceback" not in result.output


def test_init_creates_an_editable_workdir(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "work"
    result = runner.invoke(cli, ["init", str(target)], catch_exceptions=False)
    assert result.exit_code == 0
    assert (target / "inbox").is_dir()
    text = (target / "campaign.toml").read_text(encoding="utf-8")
    assert "# Tệp cấu hình đợt thu thập" in text
    assert "dhtt-batch template" in (target / "HUONG-DAN.txt").read_text(encoding="utf-8")
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 2
    assert "campaign.toml đã có; không ghi đè." in again.output


@pytest.mark.parametrize(
    "args", [["template"], ["template", "--unit", "HCTC", "--all-units", "-o", "x"]]
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    assert runner.invoke(cli, args).exit_code == 2


def test_readme_documents_every_finding_code() -> None:
    from dhtt_batch.finding_codes import codes_table

    assert codes_table() in README.read_text(encoding="utf-8")


def test_the_installed_command_flushes_its_output_and_exit_code(tmp_path: Path) -> None:
    """main() ends the process without tearing down its objects; nothing printed may be lost."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dhtt_batch.cli",
            "merge",
            str(SAMPLE_INBOX),
            "-o",
            str(tmp_path / "out"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["rows_read"] == 18
    missing = subprocess.run(
        [sys.executable, "-m", "dhtt_batch.cli", "validate", str(tmp_path / "nothing-here")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2
    assert "Lỗi: Không tìm thấy" in missing.stderr
