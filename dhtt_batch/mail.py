"""Attachments from e-mail (.eml folder, mbox, Maildir, IMAP) into an inbox folder.

Every spreadsheet attachment (also inside a .zip, with the reader's size and ratio limits) is
saved under a safe, unique name with a `<file>.meta.json` sidecar recording where it came from;
identical content is stored once (mailstore.py: lock, sidecar first, repairs). Mailboxes are
only read: IMAP folders are opened read-only and fetched with BODY.PEEK, so no message is
deleted, moved or flagged.

Headers are read as text whatever they hold (an encoded word may hide a CR/LF: it becomes a
space, never a crash or a new header). Every time is stored with its UTC offset: IMAP's
INTERNALDATE with its own, a Date header's with its own ("-0000", no zone known, is UTC).
An mbox message cut by an unescaped "From " line in its body is put back together.
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
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email import errors as email_errors
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from .atomic import OutputError, reason
from .extents import LIMITS
from .formats.sidecar import Sidecar
from .locks import COLLECT_WAIT_SECONDS, inbox_lock
from .mailstore import SPREADSHEETS, InboxStore
from .naming import readable, safe_filename

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_INTERNALDATE = re.compile(
    rb'INTERNALDATE "\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"'
)
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")
_SPACES = re.compile(r"\s+")
LOCK_FILE_NOTE = "tệp khóa tạm của Excel/LibreOffice, không phải biểu mẫu"
BUSY = (
    "Đang có lần lấy thư khác (hoặc một lần tổng hợp đang đọc) {inbox}; hãy chờ xong rồi chạy lại."
)


class MailError(Exception):
    """The mail source cannot be read; the message is Vietnamese."""


@dataclass
class CollectReport:
    messages: int = 0
    saved: list[Path] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    repaired: list[Path] = field(default_factory=list)  # files that got their missing sidecar
    notes: list[str] = field(default_factory=list)  # messages damaged or put back together


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
    try:
        inbox.mkdir(parents=True, exist_ok=True)
        with inbox_lock(inbox, COLLECT_WAIT_SECONDS, BUSY):
            store = InboxStore.open(inbox)
            report = CollectReport()
            for raw in _messages(source, since, password, cafile, report):
                _collect_message(raw, store, since, progress, report)
    except OSError as exc:
        raise OutputError(f"Không ghi được vào {readable(str(inbox))}: {reason(exc)}.") from exc
    return report


def _collect_message(
    raw: RawMessage,
    store: InboxStore,
    since: date | None,
    progress: Progress | None,
    report: CollectReport,
) -> None:
    report.messages += 1
    message = email.message_from_bytes(raw.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    sent = _date(message)
    if since and sent and sent.date() < since:
        return
    subject = header(message, "subject")
    if progress:
        progress(subject)
    if _cut_short(message):
        report.notes.append(
            f"thư {raw.origin} ({subject or 'không tiêu đề'}) không trọn vẹn; tệp đính kèm có "
            "thể bị thiếu, hãy kiểm tra thư này trong hộp thư"
        )
    for name, content in _attachments(message, report):
        stored = store.store(name, content, _sidecar(message, raw, name, content, sent))
        if stored.duplicate:
            report.duplicates.append(f"{name} (giống {stored.path.name})")
        elif stored.repaired:
            report.repaired.append(stored.path)
        else:
            report.saved.append(stored.path)


# --- sources ------------------------------------------------------------------------------------


def _messages(
    source: str,
    since: date | None,
    password: str | None,
    cafile: Path | None,
    report: CollectReport,
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
            yield from _mbox(path, report)
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
                    received = internaldate(part[0])
                    yield RawMessage(part[1], received, f"imap:{uid.decode()}")
        client.logout()
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailError(f"Lỗi khi đọc hộp thư IMAP {host}: {exc}") from exc


def internaldate(response: bytes) -> datetime | None:
    """IMAP INTERNALDATE as an aware time in its own offset (imaplib's Internaldate2tuple
    would turn it into the collecting machine's local time and lose the offset)."""
    found = _INTERNALDATE.search(response)
    if not found:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = found.groups()
    try:
        offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == b"-" else 1)
        return datetime(
            int(year),
            _MONTHS.index(month.decode().capitalize()) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None


def _mbox(path: Path, report: CollectReport) -> Iterator[RawMessage]:
    """Messages of an mbox file, read line by line. A "From " line starts a message only when
    it follows a blank line (or starts the file) and a header line follows it; otherwise it is
    body text a mail program forgot to escape, and stays in its message (Python's mailbox would
    cut the message there and lose what follows, attachments included)."""
    lines: list[bytes] | None = None
    held: bytes | None = None
    blank, number, repaired = True, 0, 0
    with path.open("rb") as handle:
        for line in handle:
            if held is not None:
                if lines is None or _HEADER_LINE.match(line):
                    if lines is not None:
                        yield RawMessage(b"".join(lines), None, f"mbox:{number}")
                        number += 1
                    lines = [line]
                else:
                    lines += [held, line]
                    repaired += 1
                held = None
            elif blank and line.startswith(b"From "):
                held = line
            elif lines is not None:
                lines.append(line)
            blank = not line.strip()
    if lines is not None:
        yield RawMessage(b"".join(lines + ([held] if held else [])), None, f"mbox:{number}")
    if repaired:
        report.notes.append(
            f"{repaired} dòng bắt đầu bằng 'From ' trong nội dung thư của {readable(path.name)} "
            "chưa được thoát; các thư đó đã được ghép lại nguyên vẹn"
        )


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- attachments --------------------------------------------------------------------------------


def _attachments(message: EmailMessage, report: CollectReport) -> Iterator[tuple[str, bytes]]:
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            filename = part.get_filename()
            disposition = part.get_content_disposition()
        except (ValueError, LookupError, email_errors.MessageError):
            filename, disposition = None, "attachment"
        if not filename and disposition != "attachment":
            continue
        name = safe_name(filename or "tep-dinh-kem")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        suffix = Path(name).suffix.lower()
        if name.startswith("~$"):
            report.skipped.append(f"{name} ({LOCK_FILE_NOTE})")
        elif suffix in SPREADSHEETS:
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
                if inner.startswith("~$"):
                    report.skipped.append(f"{name}/{inner} ({LOCK_FILE_NOTE})")
                    continue
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > LIMITS.max_file_bytes or ratio > LIMITS.max_ratio:
                    report.skipped.append(f"{name}/{inner} (tỷ lệ nén bất thường)")
                    continue
                yield inner, archive.read(info)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
        report.skipped.append(f"{name} (tệp nén hỏng hoặc có mật khẩu)")


def safe_name(name: str) -> str:
    """A file name that cannot leave the inbox or upset Windows (naming.safe_filename)."""
    return safe_filename(name, fallback="tep-dinh-kem")


def header(message: EmailMessage, name: str) -> str:
    """A header as one line of readable text, whatever it holds. The registry's parsing
    refuses an address whose encoded words decode to a CR/LF (ValueError), so the raw value
    is decoded here instead; line breaks and control characters become spaces."""
    values = [raw for key, raw in message.raw_items() if key.lower() == name]
    return one_line(_decoded(values[0])) if values else ""


def addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header. The raw value is split first and
    each display name decoded after, so a line break or a comma or colon hidden in an encoded
    word stays inside its display name and can never add an address."""
    pairs = []
    for key, raw in message.raw_items():
        if key.lower() == name:
            for display, address in getaddresses([_SPACES.sub(" ", raw)]):
                if address:
                    pairs.append((one_line(_decoded(display)), one_line(address)))
    return pairs


def _decoded(text: str) -> str:
    try:
        return str(make_header(decode_header(text)))
    except (email_errors.HeaderParseError, UnicodeError, LookupError, ValueError):
        return text


def _mailbox(display: str, address: str) -> str:
    """ "Display" <address>, the display name quoted so it is read back as one name."""
    if not display:
        return address
    if not re.search(r'[()<>@,;:\\".\[\]]', display):
        return f"{display} <{address}>"
    quoted = display.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


def one_line(text: str) -> str:
    return _SPACES.sub(" ", readable(text).replace("\ufffd", " ")).strip()


def _sidecar(
    message: EmailMessage, raw: RawMessage, name: str, content: bytes, sent: datetime | None
) -> Sidecar:
    received = raw.received or sent
    senders = addresses(message, "from")
    recipients = addresses(message, "to") + addresses(message, "cc")
    return Sidecar(
        sender=_mailbox(*senders[0]) if senders else header(message, "from"),
        recipients=tuple(address for _, address in recipients if address),
        subject=header(message, "subject"),
        date=sent.isoformat() if sent else None,
        received=received.isoformat() if received else None,
        message_id=header(message, "message-id") or None,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        source=raw.origin,
    )


def _date(message: EmailMessage) -> datetime | None:
    """The Date header, aware: a time without a known zone ("-0000") is UTC."""
    try:
        value = header(message, "date")
        stamp = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    if stamp is not None and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp


def _cut_short(message: EmailMessage) -> bool:
    """Whether a multipart message ends before its closing boundary (attachments may be lost)."""
    return any(
        isinstance(defect, (email_errors.CloseBoundaryNotFoundDefect,))
        for part in message.walk()
        for defect in part.defects
    )
