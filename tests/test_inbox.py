"""What merge finds in an inbox besides units' workbooks: special files, links out of the inbox,
unreadable folders and sidecars, Office lock files, the project's own outputs. Each is
reported (a finding, the file in the manifest) and never opened or read as a submission."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli

from .conftest import REPO, soffice, valid_row

Make = Callable[..., Path]


def merge_json(runner: CliRunner, inbox: Path, out: Path) -> dict:
    result = runner.invoke(
        cli, ["merge", str(inbox), "-o", str(out), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_name(manifest: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in manifest["files"]}


def codes(entry: dict) -> list[str]:
    return [f["code"] for f in entry["findings"]]


@pytest.fixture()
def fifo_writer_guard() -> Iterator[list[Path]]:
    """FIFOs created by a test: were anything blocked reading one, this would unblock it."""
    fifos: list[Path] = []
    yield fifos
    for fifo in fifos:
        with contextlib.suppress(OSError):  # ENXIO: nobody has it open for reading
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_fifo_device_and_links_out_are_reported_never_opened(
    make_workbook: Make, runner: CliRunner, tmp_path: Path, fifo_writer_guard: list[Path]
) -> None:
    inbox = tmp_path / "inbox"
    make_workbook(name="inbox/th.xlsx")
    os.mkfifo(inbox / "ong.xlsx")
    fifo_writer_guard.append(inbox / "ong.xlsx")
    (inbox / "thiet-bi.xlsx").symlink_to("/dev/zero")
    secret = tmp_path / "ngoai" / "bi-mat.xlsx"
    secret.parent.mkdir()
    shutil.copy(inbox / "th.xlsx", secret)
    (inbox / "lien-ket.xlsx").symlink_to(secret)
    (inbox / "thu-muc-ngoai").symlink_to(secret.parent, target_is_directory=True)
    (inbox / "hong.xlsx").symlink_to(tmp_path / "khong-co.xlsx")
    inside = inbox / "ban-sao.xlsx"
    inside.symlink_to(inbox / "th.xlsx")

    manifest = merge_json(runner, inbox, tmp_path / "out")
    files = by_name(manifest)
    assert codes(files["ong.xlsx"]) == ["special_file"]
    assert "ống dẫn (FIFO)" in files["ong.xlsx"]["findings"][0]["message"]
    assert codes(files["thiet-bi.xlsx"]) == ["outside_inbox"]
    assert codes(files["lien-ket.xlsx"]) == ["outside_inbox"]
    assert codes(files["thu-muc-ngoai"]) == ["outside_inbox"]
    assert codes(files["hong.xlsx"]) == ["special_file"]
    for name in ("ong.xlsx", "thiet-bi.xlsx", "lien-ket.xlsx", "thu-muc-ngoai", "hong.xlsx"):
        assert files[name]["status"] == "unreadable" and files[name]["unit"] is None
        assert files[name]["sha256"] is None  # never opened
    # A link to a file inside the inbox is read like the file itself.
    assert files["ban-sao.xlsx"]["rows_read"] == 1
    assert {files["th.xlsx"]["status"], files["ban-sao.xlsx"]["status"]} == {
        "accepted",
        "superseded",
    }
    assert manifest["totals"]["files"] == 7
    # Nothing in the inbox that is no unit's workbook gets a feedback copy.
    assert manifest["outputs"]["feedback"] == []


def test_office_lock_file_is_reported_not_ignored(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx")
    (tmp_path / "inbox" / "~$th.xlsx").write_bytes(b"\x0bLe Thi Hoa" + b"\x00" * 150)
    files = by_name(merge_json(runner, tmp_path / "inbox", tmp_path / "out"))
    assert codes(files["~$th.xlsx"]) == ["office_lock_file"]
    assert files["~$th.xlsx"]["findings"][0]["severity"] == "warning"
    assert files["th.xlsx"]["status"] == "accepted"


def test_old_outputs_anywhere_in_the_inbox_are_recognised_by_content(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx", rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    first = merge_json(runner, tmp_path / "inbox", tmp_path / "out")
    # An earlier output folder moved into the inbox, under another name and deeper down.
    shutil.copytree(tmp_path / "out", tmp_path / "inbox" / "luu" / "lan-truoc")
    second = merge_json(runner, tmp_path / "inbox", tmp_path / "out")
    files = {f["path"].split("/inbox/", 1)[1]: f for f in second["files"]}
    assert sorted(files) == [
        "luu/lan-truoc/feedback/th-phan-hoi.xlsx",
        "luu/lan-truoc/tong-hop-2025.xlsx",
        "th.xlsx",
    ]
    consolidated = files["luu/lan-truoc/tong-hop-2025.xlsx"]
    assert codes(consolidated) == ["own_output"]
    assert "bảng tổng hợp do dhtt-batch tạo ra" in consolidated["findings"][0]["message"]
    copy = files["luu/lan-truoc/feedback/th-phan-hoi.xlsx"]
    assert codes(copy) == ["own_output"] and copy["unit"] is None
    # The unit's real file still counts, exactly as before.
    assert files["th.xlsx"]["status"] == first["files"][0]["status"] == "rejected"
    assert second["totals"]["rows_read"] == first["totals"]["rows_read"]
    assert [u["status"] for u in second["units"]] == [u["status"] for u in first["units"]]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is needed to re-save the copy")
def test_a_feedback_copy_the_unit_corrected_and_saved_is_read_as_its_workbook(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(name="inbox/th.xlsx", rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    merge_json(runner, tmp_path / "inbox", tmp_path / "out")
    copy = tmp_path / "out" / "feedback" / "th-phan-hoi.xlsx"
    resaved = tmp_path / "resaved"
    subprocess.run(
        [
            str(soffice()),
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(copy),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    inbox2 = tmp_path / "inbox2"
    inbox2.mkdir()
    shutil.copy(copy, inbox2 / "untouched.xlsx")
    shutil.copy(resaved / copy.name, inbox2 / "saved-by-unit.xlsx")
    files = by_name(merge_json(runner, inbox2, tmp_path / "out2"))
    assert codes(files["untouched.xlsx"]) == ["own_output"]
    assert "own_output" not in codes(files["saved-by-unit.xlsx"])
    assert files["saved-by-unit.xlsx"]["rows_read"] == 1


def test_sidecars_that_cannot_be_used_are_reported(
    make_workbook: Make, runner: CliRunner, tmp_path: Path, fifo_writer_guard: list[Path]
) -> None:
    inbox = tmp_path / "inbox"
    for name in ("json.xlsx", "fifo.xlsx", "zero.xlsx", "big.xlsx", "kieu.xlsx"):
        make_workbook(name=f"inbox/{name}")
    (inbox / "json.xlsx.meta.json").write_text("{không phải json", encoding="utf-8")
    os.mkfifo(inbox / "fifo.xlsx.meta.json")
    fifo_writer_guard.append(inbox / "fifo.xlsx.meta.json")
    (inbox / "zero.xlsx.meta.json").symlink_to("/dev/zero")
    (inbox / "big.xlsx.meta.json").write_text(
        json.dumps({"sender": "a@b.vn", "pad": "x" * 300_000}), encoding="utf-8"
    )
    (inbox / "kieu.xlsx.meta.json").write_text(
        json.dumps({"sender": ["a@b.vn"], "received": 20251212}), encoding="utf-8"
    )
    files = by_name(merge_json(runner, inbox, tmp_path / "out"))
    messages = {
        name: next(f["message"] for f in entry["findings"] if f["code"] == "sidecar_unreadable")
        for name, entry in files.items()
    }
    assert "json.xlsx.meta.json không phải JSON hợp lệ" in messages["json.xlsx"]
    assert "fifo.xlsx.meta.json không phải tệp thường" in messages["fifo.xlsx"]
    assert "zero.xlsx.meta.json là liên kết" in messages["zero.xlsx"]
    assert "big.xlsx.meta.json quá lớn" in messages["big.xlsx"]
    assert "có trường sai kiểu (received, sender)" in messages["kieu.xlsx"]
    for entry in files.values():  # each file is still read, and counted as the unit's
        assert entry["rows_read"] == 1 and entry["findings"][0]["severity"] == "warning"


SETPRIV = shutil.which("setpriv")


@pytest.mark.skipif(
    SETPRIV is None or os.geteuid() != 0,
    reason="needs root and setpriv (util-linux) to run merge without permission override",
)
def test_unreadable_folder_and_sidecar_are_findings_not_silence(
    make_workbook: Make, tmp_path: Path
) -> None:
    """Permissions are real here: merge runs as root without its power to override them."""
    inbox = tmp_path / "inbox"
    make_workbook(name="inbox/th.xlsx")
    make_workbook(name="inbox/KT/kt.xlsx")
    sidecar = inbox / "th.xlsx.meta.json"
    sidecar.write_text(json.dumps({"received": "2025-12-20T09:00:00+07:00"}), encoding="utf-8")
    (inbox / "KT").chmod(0o000)
    sidecar.chmod(0o000)
    try:
        proc = subprocess.run(
            [
                str(SETPRIV),
                "--bounding-set",
                "-dac_override,-dac_read_search",
                sys.executable,
                "-m",
                "dhtt_batch.cli",
                "merge",
                str(inbox),
                "-o",
                str(tmp_path / "out"),
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    finally:
        (inbox / "KT").chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    files = by_name(json.loads(proc.stdout))
    assert codes(files["KT"]) == ["folder_unreadable"]
    assert "Permission denied" in files["KT"]["findings"][0]["message"]
    assert files["KT"]["status"] == "unreadable"
    sidecar_finding = next(
        f for f in files["th.xlsx"]["findings"] if f["code"] == "sidecar_unreadable"
    )
    assert "th.xlsx.meta.json: không đọc được (Permission denied)" in sidecar_finding["message"]
    assert files["th.xlsx"]["rows_read"] == 1
