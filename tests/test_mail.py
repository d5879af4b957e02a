"""collect: attachments from .eml folders, mbox, Maildir and a real IMAP server (Dovecot)."""

from __future__ import annotations

import base64
import email
import email.policy
import imaplib
import io
import json
import mailbox
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli
from dhtt_batch.mail import safe_name

from .conftest import VALID_INFO

Make = Callable[..., Path]
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def message(
    sender: str, subject: str, attachments: list[tuple[str, bytes]], msgid: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "hctc.vpubnd@quangbinh.gov.vn", subject
    msg["Date"] = "Fri, 12 Dec 2025 09:30:00 +0700"
    msg["Message-ID"] = msgid
    msg.set_content("Kính gửi Phòng HCTC, đơn vị gửi biểu mẫu đính kèm.")
    for name, data in attachments:
        kind = XLSX if name.endswith(".xlsx") else ("application", "octet-stream")
        msg.add_attachment(data, maintype=kind[0], subtype=kind[1], filename=name)
    return msg


def rfc2047_attachment(msg: EmailMessage, name: str, data: bytes) -> None:
    """Some mail programs encode the file name the old way (RFC 2047) instead of RFC 2231."""
    encoded = "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="
    msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1])
    part = list(msg.iter_attachments())[-1]
    del part["Content-Disposition"]
    part["Content-Disposition"] = f'attachment; filename="{encoded}"'


@pytest.fixture()
def workbook_bytes(make_workbook: Make) -> Callable[..., bytes]:
    def build(name: str = "x.xlsx", **kwargs: object) -> bytes:
        return make_workbook(name=f"src/{name}", **kwargs).read_bytes()

    return build


@pytest.fixture()
def messages(workbook_bytes: Callable[..., bytes]) -> list[EmailMessage]:
    kt = workbook_bytes("kt.xlsx", info={**VALID_INFO, "don_vi": None})
    nc = workbook_bytes("nc.xlsx", info={**VALID_INFO, "don_vi": None}, rows={"a_HCM": []})
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("bieu mau/Nội chính.xlsx", nc)
        archive.writestr("ghi-chu.txt", "xin gửi")
    first = message(
        "Phòng Kinh tế <kinhte.vpubnd@quangbinh.gov.vn>",
        "Đăng ký ĐHTT 2025",
        [("Biểu mẫu Phòng Kinh tế.xlsx", kt), ("cong-van.pdf", b"%PDF-1.4"), ("../../x.xlsx", kt)],
        "<m1@kt>",
    )
    second = message(
        "noichinh.vpubnd@quangbinh.gov.vn",
        "Gửi biểu mẫu",
        [("bieu-mau.zip", zipped.getvalue())],
        "<m2@nc>",
    )
    rfc2047_attachment(second, "Phòng Nội chính bản 2.xlsx", kt)
    third = message("someone@example.vn", "Không có đính kèm", [], "<m3@x>")
    return [first, second, third]


def read_sidecars(inbox: Path) -> dict[str, dict]:
    return {
        p.name.removesuffix(".meta.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in inbox.glob("*.meta.json")
    }


def collect(
    runner: CliRunner,
    source: str | Path,
    inbox: Path,
    *extra: str,
    env: dict[str, str] | None = None,
) -> str:
    result = runner.invoke(
        cli, ["collect", str(source), "-o", str(inbox), *extra], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def check_inbox(inbox: Path) -> None:
    names = sorted(
        p.name
        for p in inbox.iterdir()
        if not p.name.endswith(".meta.json") and not p.name.startswith(".")
    )
    # "../../x.xlsx" has the same content as the Kinh tế file: stored once.
    assert names == ["Biểu mẫu Phòng Kinh tế.xlsx", "Nội chính.xlsx"]
    meta = read_sidecars(inbox)
    kt = meta["Biểu mẫu Phòng Kinh tế.xlsx"]
    assert kt["sender"] == "Phòng Kinh tế <kinhte.vpubnd@quangbinh.gov.vn>"
    assert kt["recipients"] == ["hctc.vpubnd@quangbinh.gov.vn"]
    assert kt["message_id"] == "<m1@kt>" and kt["subject"] == "Đăng ký ĐHTT 2025"
    assert kt["date"] == "2025-12-12T09:30:00+07:00"
    assert len(kt["sha256"]) == 64
    assert meta["Nội chính.xlsx"]["original_name"] == "Nội chính.xlsx"


def test_eml_folder(messages: list[EmailMessage], runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "mails"
    source.mkdir()
    for number, msg in enumerate(messages):
        (source / f"{number}.eml").write_bytes(msg.as_bytes())
    output = collect(runner, source, tmp_path / "inbox")
    check_inbox(tmp_path / "inbox")
    assert "Đã đọc 3 thư; lưu 2 tệp" in output
    assert "bỏ qua: cong-van.pdf" in output and "bỏ qua: bieu-mau.zip/ghi-chu.txt" in output
    again = collect(runner, source, tmp_path / "inbox")
    assert "lưu 0 tệp" in again and "Không có tệp mới." in again


def test_mbox_and_rfc2047_names(
    messages: list[EmailMessage], runner: CliRunner, tmp_path: Path
) -> None:
    box = mailbox.mbox(str(tmp_path / "hop-thu.mbox"))
    for msg in messages:
        box.add(msg)
    box.flush()
    before = (tmp_path / "hop-thu.mbox").read_bytes()
    collect(runner, tmp_path / "hop-thu.mbox", tmp_path / "inbox")
    check_inbox(tmp_path / "inbox")
    assert (tmp_path / "hop-thu.mbox").read_bytes() == before


def test_maildir_then_merge_attributes_units_by_sender(
    messages: list[EmailMessage], runner: CliRunner, tmp_path: Path
) -> None:
    box = mailbox.Maildir(str(tmp_path / "Maildir"))
    for msg in messages:
        box.add(msg)
    collect(runner, tmp_path / "Maildir", tmp_path / "inbox")
    check_inbox(tmp_path / "inbox")
    result = runner.invoke(
        cli,
        ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out"), "--json", "--reply-drafts"],
        catch_exceptions=False,
    )
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["Biểu mẫu Phòng Kinh tế.xlsx"]["unit"] == "KT"
    assert files["Biểu mẫu Phòng Kinh tế.xlsx"]["unit_from"] == "sender"
    assert files["Nội chính.xlsx"]["unit"] == "NC"
    drafts = tmp_path / "out" / "thu-tra-loi"
    reply = email.message_from_bytes(
        (drafts / "KT-tra-loi.eml").read_bytes(), policy=email.policy.default
    )
    assert reply["To"] == "Phòng Kinh tế <kinhte.vpubnd@quangbinh.gov.vn>"
    assert reply["In-Reply-To"] == "<m1@kt>" and reply["Subject"] == "Re: Đăng ký ĐHTT 2025"
    attachments = [p.get_filename() for p in reply.iter_attachments()]
    assert attachments == ["KT-Biểu mẫu Phòng Kinh tế-phan-hoi.xlsx"]
    assert "lỗi cần sửa" in reply.get_body(("plain",)).get_content()
    reminder = email.message_from_bytes(
        (drafts / "THCB-nhac-nop.eml").read_bytes(), policy=email.policy.default
    )
    assert "thcb.vpubnd@quangbinh.gov.vn" in reminder["To"]
    assert [p.get_filename() for p in reminder.iter_attachments()] == ["bieu-mau-2025-THCB.xlsx"]
    assert reminder["X-Unsent"] == "1"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../x.xlsx", "x.xlsx"),
        ("..\\..\\win.xlsx", "win.xlsx"),
        ("CON.xlsx", "tep-CON.xlsx"),
        ("a\x00b<c>.xlsx", "a_b_c_.xlsx"),
        ("Nguye\u0302\u0303n.xlsx", "Nguyễn.xlsx"),
        ("..", "tep-dinh-kem"),
    ],
)
def test_safe_names(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


# --- a real IMAP server -------------------------------------------------------------------------

RECEIVED = datetime(2025, 12, 12, 9, 30, 5, tzinfo=timezone(timedelta(hours=7)))

DOVECOT = shutil.which("dovecot") or (
    Path("/usr/sbin/dovecot") if Path("/usr/sbin/dovecot").exists() else None
)
CONFIG = """protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = yes
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
  }}
}}
"""


@pytest.fixture()
def dovecot(tmp_path: Path, messages: list[EmailMessage]) -> Iterator[dict[str, object]]:
    if DOVECOT is None:
        pytest.skip("Dovecot (dovecot-imapd) is not installed here; .ci/run installs it")
    if os.geteuid() != 0:
        pytest.skip("the throw-away Dovecot needs root to switch to its mail user")
    # Dovecot's own users must reach these files; pytest's tmp_path is private to root.
    root = Path(tempfile.mkdtemp(prefix="dhtt-dovecot-"))
    root.chmod(0o755)
    for folder in ("state", "run", "home/hctc"):
        (root / folder).mkdir(parents=True)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    (root / "users").write_text("hctc:{PLAIN}mat-khau-thu::::::\n")
    box = mailbox.Maildir(str(root / "home" / "hctc" / "Maildir"))
    for msg in messages:
        box.add(msg)
    for stored in (root / "home" / "hctc" / "Maildir").rglob("*"):
        if stored.is_file():  # Dovecot's INTERNALDATE for Maildir is the file's time
            os.utime(stored, (RECEIVED.timestamp(), RECEIVED.timestamp()))
    import pwd

    nobody = pwd.getpwnam("nobody")
    for path in [root / "home", *(root / "home").rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    ports = {"imap": 20000 + os.getpid() % 20000, "imaps": 20001 + os.getpid() % 20000}
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, uid=nobody.pw_uid, gid=nobody.pw_gid, **ports))
    # The server keeps Vietnam time; the collecting machine (see the INTERNALDATE test) not.
    subprocess.run(
        [str(DOVECOT), "-c", str(config)], check=True, env={**os.environ, "TZ": "Asia/Ho_Chi_Minh"}
    )
    try:
        for _ in range(50):
            try:
                imaplib.IMAP4("127.0.0.1", ports["imap"]).shutdown()
                break
            except OSError:
                time.sleep(0.1)
        yield {"root": root, "cafile": root / "cert.pem", **ports}
    finally:
        subprocess.run([str(DOVECOT), "-c", str(config), "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


def mailbox_state(server: dict[str, object]) -> list[tuple[bytes, bytes]]:
    context = ssl.create_default_context(cafile=str(server["cafile"]))
    client = imaplib.IMAP4_SSL(
        "127.0.0.1",
        int(server["imaps"]),  # type: ignore[call-overload]
        ssl_context=context,
    )
    client.login("hctc", "mat-khau-thu")
    client.select("INBOX", readonly=True)
    _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    client.logout()
    return [(part[0], part[1]) for part in data if isinstance(part, tuple)]


@pytest.mark.parametrize("scheme", ["imaps", "imap"])
def test_collect_from_imap_leaves_the_mailbox_unchanged(
    dovecot: dict[str, object], runner: CliRunner, tmp_path: Path, scheme: str
) -> None:
    before = mailbox_state(dovecot)
    assert len(before) == 3
    port = dovecot[scheme]
    collect(
        runner,
        f"{scheme}://hctc@127.0.0.1:{port}/INBOX",
        tmp_path / "inbox",
        "--cafile",
        str(dovecot["cafile"]),
        env={"DHTT_IMAP_PASSWORD": "mat-khau-thu"},
    )
    check_inbox(tmp_path / "inbox")
    assert mailbox_state(dovecot) == before
    assert all(b"\\Seen" not in flags for flags, _ in before)


def test_imap_wrong_password_is_a_clear_message(
    dovecot: dict[str, object], runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        cli,
        [
            "collect",
            f"imaps://hctc@127.0.0.1:{dovecot['imaps']}/INBOX",
            "-o",
            str(tmp_path / "inbox"),
            "--cafile",
            str(dovecot["cafile"]),
        ],
        env={"DHTT_IMAP_PASSWORD": "sai"},
    )
    assert result.exit_code == 2
    assert "Lỗi khi đọc hộp thư IMAP 127.0.0.1" in result.output


def test_internaldate_is_stored_with_the_servers_offset(
    dovecot: dict[str, object], runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collecting machine runs on New York time; the sidecar keeps the server's +07:00."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        collect(
            runner,
            f"imaps://hctc@127.0.0.1:{dovecot['imaps']}/INBOX",
            tmp_path / "inbox",
            "--cafile",
            str(dovecot["cafile"]),
            env={"DHTT_IMAP_PASSWORD": "mat-khau-thu"},
        )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    meta = read_sidecars(tmp_path / "inbox")
    for sidecar in meta.values():
        assert sidecar["received"] == "2025-12-12T09:30:05+07:00"
        assert datetime.fromisoformat(sidecar["received"]) == RECEIVED
