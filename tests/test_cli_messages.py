"""What the command line says when it is used wrongly: Vietnamese like everything else
(click's own usage errors included), exit status 2, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli


@pytest.mark.parametrize(
    ("args", "usage", "error"),
    [
        (["merge", "-o", "ra"], "dhtt-batch merge [TÙY CHỌN] INBOX", "Thiếu tham số 'INBOX'."),
        (
            ["merge", "vao"],
            "dhtt-batch merge [TÙY CHỌN] INBOX",
            "Thiếu tùy chọn '-o' / '--output'.",
        ),
        (
            ["collect", "hop-thu", "-o", "vao", "--since", "31-12-2025"],
            "dhtt-batch collect [TÙY CHỌN] SOURCE",
            "Giá trị không hợp lệ cho '--since': '31-12-2025' không đúng dạng nào trong "
            "'%Y-%m-%d', '%d/%m/%Y'.",
        ),
        (
            ["merg", "vao"],
            "dhtt-batch [TÙY CHỌN] LỆNH [THAM SỐ]...",
            "Không có lệnh 'merg'. Có phải ý bạn là 'merge'?",
        ),
        (
            ["mrege", "vao"],
            "dhtt-batch [TÙY CHỌN] LỆNH [THAM SỐ]...",
            "Không có lệnh 'mrege'. (Có phải ý bạn là một trong: 'merge', 'register'?)",
        ),
        (
            ["validate", "--jsno", "vao"],
            "dhtt-batch validate [TÙY CHỌN] PATHS...",
            "Không có tùy chọn '--jsno'. Có phải ý bạn là '--json'?",
        ),
    ],
)
def test_click_usage_errors_are_in_vietnamese(
    runner: CliRunner, args: list[str], usage: str, error: str
) -> None:
    result = runner.invoke(cli, args, prog_name="dhtt-batch")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"Cách dùng: {usage}"
    assert lines[1].startswith("Xem hướng dẫn: dhtt-batch")
    assert lines[-1] == f"Lỗi: {error}"
    assert result.stdout == ""


def test_help_headings_are_in_vietnamese(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"], prog_name="dhtt-batch", catch_exceptions=False)
    assert "Cách dùng: dhtt-batch [TÙY CHỌN] LỆNH [THAM SỐ]..." in result.output
    assert "Tùy chọn:" in result.output and "Lệnh:" in result.output
    assert "Xem hướng dẫn này rồi thoát." in result.output
    assert "Usage" not in result.output and "Show this message" not in result.output


def test_unit_codes_are_read_in_any_case(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "kt.xlsx"
    result = runner.invoke(
        cli, ["template", "--unit", "kt", "-o", str(target)], catch_exceptions=False
    )
    assert result.exit_code == 0 and target.is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--all-units", "-o", "bieu-mau.xlsx"],
            "Lỗi: --all-units tạo một tệp cho mỗi đơn vị: -o phải là một thư mục (ví dụ "
            "bieu-mau/), không phải tệp bieu-mau.xlsx.",
        ),
        (
            ["-o", "bieu-mau"],
            "Lỗi: -o phải là tệp .xlsx (ví dụ bieu-mau.xlsx), không phải 'bieu-mau'. Để tạo "
            "biểu mẫu cho mọi đơn vị vào một thư mục, dùng --all-units.",
        ),
    ],
)
def test_template_output_must_fit_the_mode(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["template", *args])
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert list(tmp_path.iterdir()) == []  # no folder named bieu-mau.xlsx, no stray file
