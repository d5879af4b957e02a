"""Mail intake loses nothing: sidecar before file, repairs on rerun, one collect at a time,
odd headers and names, Office lock files, unescaped "From " lines, linear naming."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from filelock import FileLock

from dhtt_batch import mailstore
from dhtt_batch.cli import cli
from dhtt_batch.locks import INBOX_LOCK
from dhtt_batch.mail import internaldate

from .conftest import REPO, VALID_INFO

Make = Callable[..., Path]
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def message(attachments: list[tuple[str, bytes]], number: int = 1, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = headers.get("sender", "Phòng Kinh tế <kinhte.vpubnd@quangbinh.gov.vn>")
    msg["To"] = "hctc.vpubnd@quangbinh.gov.vn"
    msg["Subject"] = headers.get("subject", f"Gửi biểu mẫu {number}")
    msg["Date"] = headers.get("date", "Fri, 12 Dec 2025 09:30:00 +0700")
    msg["Message-ID"] = f"<m{number}@kt>"
    msg.set_content(headers.get("body", "Kính gửi Phòng HCTC."))
    for name, data in attachments:
        msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    return msg


def eml_folder(tmp_path: Path, messages: list[EmailMessage], name: str = "mails") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for number, msg in enumerate(messages):
        (folder / f"{number:05d}.eml").write_bytes(msg.as_bytes())
    return folder


def collect(runner: CliRunner, source: Path, inbox: Path) -> str:
    result = runner.invoke(cli, ["collect", str(source), "-o", str(inbox)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def inbox_files(inbox: Path) -> list[str]:
    return sorted(
        p.name
        for p in inbox.iterdir()
        if not p.name.startswith(".") and not p.name.endswith(".json")
    )


def assert_sidecars_describe_their_files(inbox: Path) -> None:
    for name in inbox_files(inbox):
        sidecar = json.loads((inbox / f"{name}.meta.json").read_text(encoding="utf-8"))
        assert sidecar["sha256"] == hashlib.sha256((inbox / name).read_bytes()).hexdigest()


def encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def test_cr_lf_in_encoded_headers_and_names_never_crash_or_inject(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    data = make_workbook(name="src/kt.xlsx", info={**VALID_INFO, "don_vi": None}).read_bytes()
    msg = message(
        [],
        sender="PHONG <kinhte.vpubnd@quangbinh.gov.vn>",
        subject="TIEU-DE",
    )
    msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename="TEN-TEP.xlsx")
    # Encoded words hide line breaks that email's header registry refuses outright.
    raw = (
        msg.as_bytes()
        .replace(b"PHONG", encoded("Phòng Kinh tế\r\nBcc: ke-xau@example.com").encode())
        .replace(b"TIEU-DE", encoded("Đăng ký\r\nBcc: ke-xau@example.com").encode())
        .replace(b'"TEN-TEP.xlsx"', b'"' + encoded("bieu\r\nmau\x1b.xlsx").encode() + b'"')
        .replace(
            b"To: hctc.vpubnd@quangbinh.gov.vn",
            b"To: " + encoded("HCTC\r\nX-Evil: 1").encode() + b" <hctc.vpubnd@quangbinh.gov.vn>",
        )
    )
    mails = tmp_path / "mails"
    mails.mkdir()
    (mails / "0.eml").write_bytes(raw)
    collect(runner, mails, tmp_path / "inbox")
    [name] = inbox_files(tmp_path / "inbox")
    assert name == "bieu__mau_.xlsx"
    sidecar = json.loads((tmp_path / "inbox" / f"{name}.meta.json").read_text(encoding="utf-8"))
    assert sidecar["sender"] == (
        '"Phòng Kinh tế Bcc: ke-xau@example.com" <kinhte.vpubnd@quangbinh.gov.vn>'
    )
    assert sidecar["recipients"] == ["hctc.vpubnd@quangbinh.gov.vn"]
    assert sidecar["subject"] == "Đăng ký Bcc: ke-xau@example.com"
    result = runner.invoke(
        cli,
        ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out"), "--reply-drafts"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    for draft in (tmp_path / "out" / "thu-tra-loi").iterdir():
        reply = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
        assert "Bcc" not in reply and "X-Evil" not in reply
        if draft.name.startswith("KT-"):
            [to] = reply["To"].addresses
            assert to.addr_spec == "kinhte.vpubnd@quangbinh.gov.vn"
        for value in reply.values():
            assert "\r" not in str(value) and "\n" not in str(value)


def test_a_crash_between_sidecar_and_file_is_repaired_on_rerun(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    data = make_workbook(name="src/kt.xlsx").read_bytes()
    mails = eml_folder(tmp_path, [message([("kt.xlsx", data)])])
    inbox = tmp_path / "inbox"
    dying = (
        "import os, signal\n"
        "import dhtt_batch.mailstore as m\n"
        "real, count = m._write_new, [0]\n"
        "def write(target, data):\n"
        "    count[0] += 1\n"
        "    if count[0] == 2:\n"  # the sidecar is written, the file not yet
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "    real(target, data)\n"
        "m._write_new = write\n"
        "import sys\nfrom dhtt_batch.cli import main\nsys.argv[0] = 'dhtt-batch'\nmain()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", dying, "collect", str(mails), "-o", str(inbox)],
        capture_output=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode < 0
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == [
        "kt.xlsx.meta.json"
    ]
    collect(runner, mails, inbox)
    assert inbox_files(inbox) == ["kt.xlsx"]
    assert (inbox / "kt.xlsx").read_bytes() == data
    assert_sidecars_describe_their_files(inbox)
    assert not [p for p in inbox.iterdir() if p.name.endswith(".tmp")]


def test_a_file_left_without_its_sidecar_gets_it_and_counts_late(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    """An older version wrote the file first: a crash left it without a sidecar, and every
    rerun skipped it as a duplicate. Five days after the deadline, it counted on time."""
    data = make_workbook(
        name="src/kt.xlsx", unit="KT", info={**VALID_INFO, "don_vi": "Phòng Kinh tế"}
    ).read_bytes()
    late = message([("kt.xlsx", data)], date="Sun, 21 Dec 2025 10:00:00 +0700")
    mails = eml_folder(tmp_path, [late])
    inbox = tmp_path / "inbox"
    collect(runner, mails, inbox)
    (inbox / "kt.xlsx.meta.json").unlink()  # as the old version's crash left it
    output = collect(runner, mails, inbox)
    assert "bổ sung tệp thông tin thư còn thiếu: kt.xlsx" in output
    assert_sidecars_describe_their_files(inbox)
    result = runner.invoke(
        cli, ["merge", str(inbox), "-o", str(tmp_path / "out"), "--json"], catch_exceptions=False
    )
    [unit] = [u for u in json.loads(result.stdout)["units"] if u["code"] == "KT"]
    assert unit["status"] == "late"


def test_stale_temporaries_are_removed(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".dhtt-collect-abc123.tmp").write_bytes(b"half")
    (inbox / ".kt.xlsx.xyz.tmp").write_bytes(b"half")
    collect(runner, eml_folder(tmp_path, []), inbox)
    assert [p.name for p in inbox.iterdir()] == [INBOX_LOCK]


def test_a_second_collect_waits_then_refuses(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dhtt_batch.mail.COLLECT_WAIT_SECONDS", 0.2)
    (tmp_path / "inbox").mkdir()
    with FileLock(str(tmp_path / "inbox" / INBOX_LOCK)):
        result = runner.invoke(
            cli, ["collect", str(eml_folder(tmp_path, [])), "-o", str(tmp_path / "inbox")]
        )
    assert result.exit_code == 3
    assert "Lỗi: Đang có lần lấy thư khác (hoặc một lần tổng hợp đang đọc)" in result.output


def test_two_collects_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two real processes collect 150 messages (same attachment name) into one inbox."""
    messages = [message([("bieu-mau.xlsx", b"PK\x03\x04 %d" % n)], n) for n in range(150)]
    mails = eml_folder(tmp_path, messages)
    inbox = tmp_path / "inbox"
    command = [sys.executable, "-m", "dhtt_batch.cli", "collect", str(mails), "-o", str(inbox)]
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE) for _ in range(2)]
    codes = sorted(run.wait(timeout=300) for run in runs)
    assert codes in ([0, 0], [0, 3])
    if codes == [0, 3]:  # the second found the first still writing: its rerun finishes the job
        assert subprocess.run(command, env=env, timeout=300).returncode == 0
    assert len(inbox_files(inbox)) == 150
    assert_sidecars_describe_their_files(inbox)
    contents = {(inbox / name).read_bytes() for name in inbox_files(inbox)}
    assert contents == {b"PK\x03\x04 %d" % n for n in range(150)}


def test_office_lock_attachments_are_reported_not_collected(
    runner: CliRunner, tmp_path: Path
) -> None:
    msg = message([("~$bieu-mau.xlsx", b"\x0bLe Thi Hoa" + b" " * 150)])
    output = collect(runner, eml_folder(tmp_path, [msg]), tmp_path / "inbox")
    assert "bỏ qua: ~$bieu-mau.xlsx (tệp khóa tạm của Excel/LibreOffice" in output
    assert inbox_files(tmp_path / "inbox") == []


def test_unescaped_from_line_in_an_mbox_body_keeps_the_attachment(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    import mailbox

    data = make_workbook(name="src/kt.xlsx").read_bytes()
    body = "Kính gửi Phòng HCTC,\n\nFrom phòng Kinh tế: gửi biểu mẫu đính kèm.\nTrân trọng."
    first = message([("kt.xlsx", data)], 1, body=body)
    second = message([("nc.xlsx", data + b"\0")], 2)
    box = tmp_path / "hop-thu.mbox"
    # Written as careless mail programs do: "From " in the body is not escaped as ">From ".
    box.write_bytes(
        b"".join(
            b"From kinhte@quangbinh.gov.vn Fri Dec 12 09:30:00 2025\n"
            + m.as_bytes(policy=email.policy.default.clone(linesep="\n"))
            + b"\n"
            for m in (first, second)
        )
    )
    assert b"\n\nFrom ph" in box.read_bytes()
    assert len(mailbox.mbox(str(box))) == 3  # Python's reader cuts the first message in two
    output = collect(runner, box, tmp_path / "inbox")
    assert inbox_files(tmp_path / "inbox") == ["kt.xlsx", "nc.xlsx"]
    assert "Đã đọc 2 thư" in output
    assert "1 dòng bắt đầu bằng 'From ' trong nội dung thư của hop-thu.mbox" in output


def test_ten_thousand_same_named_attachments_are_named_in_linear_time(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: the number of name probes grows with the attachments, not with
    their square (the old loop probed 2, 3, …, n for the n-th one). See
    tests/benchmarks/bench_collect.py for the times."""
    count = 600
    messages = [message([("bieu-mau.xlsx", b"PK\x03\x04 %d" % n)], n) for n in range(count)]
    mails = eml_folder(tmp_path, messages)
    probes = [0]
    real = os.path.lexists

    def lexists(path: object) -> bool:
        probes[0] += 1
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(mailstore.os.path, "lexists", lexists)
    collect(runner, mails, tmp_path / "inbox")
    assert len(inbox_files(tmp_path / "inbox")) == count
    assert "bieu-mau (600).xlsx" in inbox_files(tmp_path / "inbox")
    assert probes[0] <= 4 * count


def test_internaldate_keeps_its_own_offset() -> None:
    stamp = internaldate(b'1 (UID 7 INTERNALDATE " 2-Jan-2026 23:05:09 -0430" BODY[] {12}')
    assert stamp is not None and stamp.isoformat() == "2026-01-02T23:05:09-04:30"
