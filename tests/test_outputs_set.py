"""merge's outputs agree with each other whatever happens: a full disk, a file open in Excel,
Ctrl-C, kill -9 in the middle of the switch. The folder holds the previous set byte for byte
or the new one complete, and every folder the merge owns holds exactly one run's outputs."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from dhtt_batch import locks
from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.outputs import outset
from dhtt_batch.outputs.outset import recover

from .conftest import REPO, VALID_INFO, assert_consistent_set, snapshot, valid_row

Make = Callable[..., Path]


def info_for(campaign: Campaign, code: str) -> dict[str, object]:
    unit = campaign.unit(code)
    assert unit is not None
    return {**VALID_INFO, "don_vi": unit.name}


def merge(runner: CliRunner, inbox: Path, out: Path, *extra: str) -> dict:
    result = runner.invoke(
        cli, ["merge", str(inbox), "-o", str(out), "--json", *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture()
def two_runs(make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path) -> Path:
    """OUTDIR after a first merge, with a second unit's file (with a mistake) now in the inbox."""
    make_workbook(name="inbox/th.xlsx", rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    merge(runner, tmp_path / "inbox", tmp_path / "out", "--reply-drafts")
    make_workbook(
        name="inbox/kt.xlsx",
        unit="KT",
        info=info_for(campaign, "KT"),
        rows={"a_HCM": [valid_row(ho_ten=f"Lê Văn {n}", nam_sinh=None) for n in range(40)]},
    )
    return tmp_path / "out"


def run_cli(args: list[str], script: str = "", limit_file_size: int | None = None):  # type: ignore[no-untyped-def]
    """The CLI in a fresh process; `script` runs first (to break something on purpose)."""

    def limits() -> None:
        if limit_file_size:  # writes past it fail with EFBIG, as on a full disk
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    code = (
        script + "import sys\nfrom dhtt_batch.cli import main\nsys.argv[0] = 'dhtt-batch'\nmain()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limits,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_full_disk_leaves_the_previous_set_byte_identical(two_runs: Path, tmp_path: Path) -> None:
    before = snapshot(two_runs)
    # Small files fit, KT's feedback copy (~40 KB) does not: the disk "fills" half-way through.
    proc = run_cli(
        ["merge", str(tmp_path / "inbox"), "-o", str(two_runs), "--reply-drafts"],
        limit_file_size=36_000,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "tệp vượt kích thước cho phép trên ổ đĩa này" in proc.stderr
    assert "Bộ kết quả trước (nếu có) vẫn giữ nguyên." in proc.stderr
    assert snapshot(two_runs) == before
    assert_consistent_set(two_runs)


def test_a_failed_rename_rolls_the_switch_back(
    two_runs: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a workbook open in Excel cannot be renamed: the switch is undone at once."""
    before = snapshot(two_runs)
    real = outset.os.rename
    calls: list[str] = []

    def rename(source: str, target: str) -> None:
        calls.append(str(source))
        if len(calls) == 5:
            raise PermissionError(13, "Permission denied")
        real(source, target)

    monkeypatch.setattr(outset.os, "rename", rename)
    result = runner.invoke(cli, ["merge", str(tmp_path / "inbox"), "-o", str(two_runs)])
    assert result.exit_code == 3
    assert "có thể tệp hoặc thư mục đang mở (ví dụ trong Excel" in result.output
    assert snapshot(two_runs) == before


SWITCH_RENAMES = (
    7  # aside: manifest, feedback, thu-tra-loi, workbook; in: feedback, workbook, manifest
)


@pytest.mark.parametrize("dies_at", range(1, SWITCH_RENAMES + 1))
def test_kill_9_during_the_switch_never_shows_a_mixed_set(
    two_runs: Path, tmp_path: Path, dies_at: int
) -> None:
    before = snapshot(two_runs)
    dying = (
        "import os, signal\n"
        "real, count = os.rename, [0]\n"
        "def rename(a, b):\n"
        "    count[0] += 1\n"
        f"    if count[0] == {dies_at}:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    real(a, b)\n"
        "os.rename = rename\n"
    )
    proc = run_cli(["merge", str(tmp_path / "inbox"), "-o", str(two_runs)], dying)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # Until the next run: either no manifest (the set is being switched) or a complete set.
    if (two_runs / "manifest.json").exists():
        assert_consistent_set(two_runs, leftovers=True)
    recover(two_runs)  # what the next merge does first, under the lock
    assert snapshot(two_runs) == before


def test_ctrl_c_during_the_switch_waits_for_it(two_runs: Path, tmp_path: Path) -> None:
    interrupt = (
        "import os, signal\n"
        "real = os.rename\n"
        "def rename(a, b):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    real(a, b)\n"
        "os.rename = rename\n"
    )
    proc = run_cli(["merge", str(tmp_path / "inbox"), "-o", str(two_runs), "--json"], interrupt)
    assert proc.returncode == 1 and "Đã dừng" in proc.stderr  # interrupted, after the switch
    manifest = assert_consistent_set(two_runs)
    assert manifest["totals"]["files"] == 2


def test_ctrl_c_while_writing_leaves_the_previous_set(two_runs: Path, tmp_path: Path) -> None:
    before = snapshot(two_runs)
    interrupt = (
        "import dhtt_batch.outputs.merge_outputs as m\n"
        "def write(result, target):\n"
        "    raise KeyboardInterrupt\n"
        "m.write_consolidated = write\n"
    )
    proc = run_cli(["merge", str(tmp_path / "inbox"), "-o", str(two_runs)], interrupt)
    assert proc.returncode == 1
    assert snapshot(two_runs) == before


def test_stale_staging_folders_and_temporaries_are_cleaned_under_the_lock(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx")
    out = tmp_path / "out"
    (out / ".dhtt-staging-0123456789ab" / "feedback").mkdir(parents=True)
    (out / ".dhtt-old-0123456789ab").mkdir()
    (out / ".tong-hop-2025.xlsx.abc123.tmp").write_bytes(b"half")
    merge(runner, tmp_path / "inbox", out)
    assert_consistent_set(out)


def test_every_folder_holds_exactly_this_runs_outputs(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> None:
    """Issue 11 item 5: a file gone from the inbox leaves no draft or copy behind, and a run
    without --report or --reply-drafts leaves no report or drafts of an earlier run."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    make_workbook(name="inbox/th.xlsx", rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    kt = make_workbook(
        name="inbox/kt.xlsx",
        unit="KT",
        info=info_for(campaign, "KT"),
        rows={"a_HCM": [valid_row(nam_sinh=None)]},
    )
    first = merge(runner, inbox, out, "--reply-drafts", "--report")
    assert (out / "thu-tra-loi" / "KT-tra-loi.eml").exists()
    assert (out / "feedback" / "kt-phan-hoi.xlsx").exists()
    assert first["outputs"]["report"] == "bao-cao-2025.docx"
    assert_consistent_set(out)
    kt.unlink()
    second = merge(runner, inbox, out, "--reply-drafts")
    drafts = sorted(p.name for p in (out / "thu-tra-loi").iterdir())
    assert drafts == sorted(Path(p).name for p in second["outputs"]["drafts"])
    assert "KT-tra-loi.eml" not in drafts and "KT-nhac-nop.eml" in drafts
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["th-phan-hoi.xlsx"]
    assert not (out / "bao-cao-2025.docx").exists()
    assert_consistent_set(out)
    merge(runner, inbox, out)
    assert not (out / "thu-tra-loi").exists()
    assert_consistent_set(out)


def test_officer_files_in_outdir_are_never_touched(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="work/inbox/th.xlsx")
    work = tmp_path / "work"
    (work / "campaign-notes.txt").write_text("ghi chú", encoding="utf-8")
    (work / "tong-hop-2024-da-ky.pdf").write_bytes(b"%PDF")
    merge(runner, work / "inbox", work)
    merge(runner, work / "inbox", work)
    assert (work / "campaign-notes.txt").read_text(encoding="utf-8") == "ghi chú"
    assert (work / "tong-hop-2024-da-ky.pdf").exists() and (work / "inbox" / "th.xlsx").exists()


def test_outdir_equal_to_the_inbox_is_refused(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx")
    result = runner.invoke(cli, ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "inbox")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Lỗi: Thư mục kết quả (-o) không được trùng thư mục nhận {tmp_path / 'inbox'}: kết "
        "quả sẽ lẫn với tệp của đơn vị. Hãy chọn thư mục khác, ví dụ -o ket-qua."
    )
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == ["th.xlsx"]
    nested = runner.invoke(
        cli, ["merge", str(tmp_path / "out" / "feedback" / "x"), "-o", str(tmp_path / "out")]
    )
    assert nested.exit_code == 2 or "Không tìm thấy thư mục" in nested.output


def test_merge_waits_for_collect_then_refuses(
    make_workbook: Make, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_workbook(name="inbox/th.xlsx")
    monkeypatch.setattr(locks, "MERGE_WAIT_SECONDS", 0.2)
    monkeypatch.setattr("dhtt_batch.outputs.merge_outputs.MERGE_WAIT_SECONDS", 0.2)
    with FileLock(str(tmp_path / "inbox" / locks.INBOX_LOCK)):
        result = runner.invoke(cli, ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert (
        f"Lỗi: Đang có lần lấy thư (collect) ghi vào {tmp_path / 'inbox'}; hãy chờ xong rồi "
        "chạy lại." in result.output
    )
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_a_report_that_cannot_be_made_writes_nothing(
    two_runs: Path, tmp_path: Path, runner: CliRunner
) -> None:
    from dhtt_batch.campaign import default_campaign_path

    before = snapshot(two_runs)
    (tmp_path / "mau.docx").write_text("không phải docx", encoding="utf-8")
    text = default_campaign_path().read_text(encoding="utf-8")
    text = text.replace('docx_template = ""', 'docx_template = "mau.docx"')
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    result = runner.invoke(
        cli,
        [
            "merge",
            "-c",
            str(tmp_path / "campaign.toml"),
            str(tmp_path / "inbox"),
            "-o",
            str(two_runs),
            "--report",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Kết quả chưa được ghi (bộ kết quả trước giữ nguyên)" in result.output
    assert snapshot(two_runs) == before
