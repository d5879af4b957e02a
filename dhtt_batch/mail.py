"""Attachments from e-mail (.eml folder, mbox, Maildir, IMAP) into an inbox folder.

Every spreadsheet attachment (also inside a .zip, with the reader's size and ratio limits) is
saved under a safe, unique name with a `<file>.meta.json` sidecar recording where it came from;
identical content is stored once. Mailboxes are only read: IMAP folders are opened read-only and
fetched with BODY.PEEK, so no message is deleted, moved or flagged.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import imaplib
import io
import mailbox
import re
import ssl
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from .atomic import atomic_write_bytes
from .formats.sidecar import Sidecar, write_sidecar
from .reader import LIMITS

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class MailError(Exception):
    """The mail source cannot be read; the message is Vietnamese."""


@dataclass
class CollectReport:
    messages: int = 0
    saved: list[Path] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RawMessage:
    data: bytes
    received: datetime | None  # IMAP INTERNALDATE, when known
    origin: str


Progress = Callable[[str], None]


def collect(
    source: str,
    inbox: Path,
    since: date | None = None,
    password: str | None = None,
    cafile: Path | None = None,
    progress: Progress | None = None,
) -> CollectReport:
    inbox.mkdir(parents=True, exist_ok=True)
    known = _known_hashes(inbox)
    report = CollectReport()
    for raw in _messages(source, since, password, cafile):
        report.messages += 1
        message = email.message_from_bytes(raw.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if since and (_date(message) or datetime.max).date() < since:
            continue
        if progress:
            progress(str(message.get("subject", "")))
        for name, content in _attachments(message, report):
            _store(inbox, name, content, message, raw, known, report)
    return report


# --- sources ------------------------------------------------------------------------------------


def _messages(
    source: str, since: date | None, password: str | None, cafile: Path | None
) -> Iterator[RawMessage]:
    if source.startswith(("imap://", "imaps://")):
        yield from _imap_messages(source, since, password, cafile)
        return
    path = Path(source)
    try:
        if path.is_dir() and all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            box = mailbox.Maildir(str(path), factory=None, create=False)
            for key in sorted(box.iterkeys()):
                yield RawMessage(box.get_bytes(key), None, f"maildir:{key}")
        elif path.is_dir():
            for file in sorted(path.rglob("*.eml")):
                yield RawMessage(file.read_bytes(), None, file.name)
        elif path.is_file():
            box_file = mailbox.mbox(str(path), factory=None, create=False)
            for key in box_file.iterkeys():
                yield RawMessage(box_file.get_bytes(key), None, f"mbox:{key}")
        else:
            raise MailError(f"Không tìm thấy nguồn thư {source}.")
    except OSError as exc:
        raise MailError(f"Không đọc được nguồn thư {source}: {exc.strerror or exc}.") from exc


def imap_parts(url: str) -> tuple[str, str, int, str, bool]:
    """imaps://user@host[:port]/FOLDER → (user, host, port, folder, implicit_tls)."""
    parsed = urlparse(url)
    if not parsed.hostname or not parsed.username:
        raise MailError("Địa chỉ IMAP phải có dạng imaps://tai-khoan@may-chu[:cong]/THU-MUC.")
    secure = parsed.scheme == "imaps"
    port = parsed.port or (993 if secure else 143)
    folder = unquote(parsed.path.lstrip("/")) or "INBOX"
    return unquote(parsed.username), parsed.hostname, port, folder, secure


def _imap_messages(
    url: str, since: date | None, password: str | None, cafile: Path | None
) -> Iterator[RawMessage]:
    user, host, port, folder, secure = imap_parts(url)
    if password is None:
        raise MailError("Chưa có mật khẩu IMAP.")
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    try:
        client: imaplib.IMAP4 = (
            imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=60)
            if secure
            else imaplib.IMAP4(host, port, timeout=60)
        )
        if not secure:
            # Never send the password in clear: plain imap:// must upgrade with STARTTLS.
            client.starttls(ssl_context=context)
        client.login(user, password)
        status, _ = client.select(_quote(folder), readonly=True)
        if status != "OK":
            raise MailError(f"Không mở được thư mục IMAP '{folder}'.")
        criteria = f"SINCE {since.day}-{_MONTHS[since.month - 1]}-{since.year}" if since else "ALL"
        _, found = client.uid("SEARCH", None, criteria)  # type: ignore[arg-type]
        for uid in (found[0] or b"").split():
            _, parts = client.uid("FETCH", uid.decode(), "(INTERNALDATE BODY.PEEK[])")
            for part in parts:
                if isinstance(part, tuple):
                    stamp = imaplib.Internaldate2tuple(part[0])
                    received = datetime(*stamp[:6]) if stamp else None
                    yield RawMessage(part[1], received, f"imap:{uid.decode()}")
        client.logout()
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailError(f"Lỗi khi đọc hộp thư IMAP {host}: {exc}") from exc


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- attachments --------------------------------------------------------------------------------


def _attachments(message: EmailMessage, report: CollectReport) -> Iterator[tuple[str, bytes]]:
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if not filename and disposition != "attachment":
            continue
        name = safe_name(filename or "tep-dinh-kem")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        suffix = Path(name).suffix.lower()
        if suffix in SPREADSHEETS:
            yield name, content
        elif suffix == ".zip":
            yield from _from_zip(name, content, report)
        else:
            report.skipped.append(name)


def _from_zip(name: str, content: bytes, report: CollectReport) -> Iterator[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if len(infos) > LIMITS.max_entries or total > LIMITS.max_uncompressed:
                report.skipped.append(f"{name} (tệp nén quá lớn)")
                return
            for info in infos:
                inner = safe_name(info.filename.replace("\\", "/").rsplit("/", 1)[-1])
                if info.is_dir():
                    continue
                if Path(inner).suffix.lower() not in SPREADSHEETS:
                    report.skipped.append(f"{name}/{inner}")
                    continue
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > LIMITS.max_file_bytes or ratio > LIMITS.max_ratio:
                    report.skipped.append(f"{name}/{inner} (tỷ lệ nén bất thường)")
                    continue
                yield inner, archive.read(info)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
        report.skipped.append(f"{name} (tệp nén hỏng hoặc có mật khẩu)")


def safe_name(name: str) -> str:
    """A file name that cannot leave the inbox or upset Windows: no directories, no control
    or reserved characters, no reserved device names, NFC."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name or _RESERVED.match(name):
        name = f"tep-{name or 'dinh-kem'}"
    stem, dot, suffix = name.rpartition(".")
    if len(name) > 150:
        name = (stem[:140] + dot + suffix[:9]) if dot else name[:150]
    return name


def _store(
    inbox: Path,
    name: str,
    content: bytes,
    message: EmailMessage,
    raw: RawMessage,
    known: dict[str, str],
    report: CollectReport,
) -> None:
    digest = hashlib.sha256(content).hexdigest()
    if digest in known:
        report.duplicates.append(f"{name} (giống {known[digest]})")
        return
    target = _unique(inbox, name)
    atomic_write_bytes(target, content)
    sent = _date(message)
    received = raw.received or sent
    addresses = getaddresses(message.get_all("to", []) + message.get_all("cc", []))
    sidecar = Sidecar(
        sender=str(message.get("from", "")),
        recipients=tuple(a for _, a in addresses),
        subject=str(message.get("subject", "")),
        date=sent.isoformat() if sent else None,
        received=received.isoformat() if received else None,
        message_id=str(message.get("message-id", "")).strip() or None,
        original_name=name,
        sha256=digest,
        source=raw.origin,
    )
    write_sidecar(target, sidecar)
    known[digest] = target.name
    report.saved.append(target)


def _unique(inbox: Path, name: str) -> Path:
    target = inbox / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while target.exists():
        target = inbox / f"{stem} ({number}){suffix}"
        number += 1
    return target


def _known_hashes(inbox: Path) -> dict[str, str]:
    known: dict[str, str] = {}
    for path in inbox.iterdir():
        if path.is_file() and path.suffix.lower() in SPREADSHEETS:
            known[hashlib.sha256(path.read_bytes()).hexdigest()] = path.name
    return known


def _date(message: EmailMessage) -> datetime | None:
    try:
        value = message.get("date")
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError):
        return None
