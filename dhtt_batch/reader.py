"""Safe open and read of one submitted workbook (.xlsx, .xlsm, .xls, .ods).

Inputs are untrusted. The file is sniffed by content (not by name), the zip container is
bounded before any parser sees it, XML with a DTD is refused (no entity expansion), and only
cell values are read: macros, external links and embedded objects are never touched. The input
file is opened read-only and never modified.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import python_calamine as calamine

from .findings import Finding, make_finding
from .formats.template_layout import META_SHEET, TemplateMeta, parse_meta
from .saved_time import saved_time
from .xlsx.cells import column_letters, column_number
from .xlsx.package import PackageError, sheet_parts


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024**2
    max_entries: int = 2_000
    max_uncompressed: int = 300 * 1024**2
    max_ratio: int = 200  # for entries over 1 MiB; tiny parts compress absurdly well
    max_rows: int = 100_000
    max_columns: int = 500


LIMITS = Limits()
FORMULA_NO_VALUE = "__formula_no_value__"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OLE = "EncryptionInfo".encode("utf-16-le")
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\']([A-Z]{1,3})[0-9]')
_CELL_ROW = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\'][A-Z]{1,3}([0-9]{1,8})["\']')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")  # a cell formula, not <formula> of a validation
_FORMULA_FOLLOW = frozenset((b" ", b"\t", b"\r", b"\n", b">", b"/"))
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,8})"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_FOREIGN = [
    (b"%PDF", "tệp PDF"),
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"{\\rtf", "văn bản RTF"),
    (b"<html", "trang HTML"),
    (b"<!DOCTYPE html", "trang HTML"),
    (b"<?xml", "tệp XML"),
]


class ReadFailure(Exception):
    """The file cannot be read at all; carries the finding to report."""

    def __init__(self, code: str, detail: str = "", value: str = "") -> None:
        super().__init__(code)
        self.code, self.detail, self.value = code, detail, value


@dataclass
class RawSheet:
    """Cell values as read; rows[i][j] is the cell at sheet row i+1, column j+1."""

    name: str
    rows: list[list[Any]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class RawWorkbook:
    path: Path
    format: str
    sha256: str
    sheet_names: list[str]
    meta: TemplateMeta
    warnings: list[tuple[str, str, str]]  # (code, value, detail) for non-blocking notices
    book: Any
    package: zipfile.ZipFile | None = None  # .xlsx: the container, for the per-sheet scan
    parts: dict[str, str] = field(default_factory=dict)  # .xlsx: sheet name → part
    limits: Limits = LIMITS
    saved: datetime | None = None  # when the file says it was last saved (saved_time.py)

    def sheet(self, name: str) -> RawSheet:
        """One sheet's values. An .xlsx sheet is scanned first: its extent is bounded before
        calamine allocates its grid, and error values calamine would hide are collected."""
        errors = {}
        if self.package is not None:
            errors = _scan_sheet(self.package, self.parts.get(name), name, self.limits)
        try:
            rows = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises assorted types for damaged sheets
            raise ReadFailure("corrupt", f"sheet '{name}' không đọc được: {exc}") from exc
        return RawSheet(name, rows, errors)


def read_workbook(
    path: Path, display: str, limits: Limits = LIMITS
) -> tuple[RawWorkbook | None, list[Finding]]:
    """Open `path` safely. Returns the workbook, or None with the reason as a finding."""
    try:
        return _open(path, limits), []
    except ReadFailure as failure:
        return None, [
            make_finding(failure.code, display, detail=failure.detail, value=failure.value)
        ]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _open(path: Path, limits: Limits) -> RawWorkbook:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ReadFailure(
                "unsafe_file",
                f"tệp {size // 1024**2} MB, quá giới hạn {limits.max_file_bytes // 1024**2} MB",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ReadFailure("corrupt", f"không mở được tệp: {exc.strerror or exc}") from exc
    if not data:
        raise ReadFailure("empty_file")
    fmt, warnings, parts = _sniff(path, data, limits)
    ext = path.suffix.lower()
    if ext.lstrip(".") != fmt and not (fmt == "xlsx" and ext == ".xlsm"):
        warnings.append(("extension_mismatch", ext or "(không có)", _FORMAT_NAMES[fmt]))
    try:
        # By content, not by name: a workbook saved under the wrong extension still reads.
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in book.sheets_metadata]
    except calamine.PasswordError as exc:
        raise ReadFailure("encrypted") from exc
    except Exception as exc:  # CalamineError, ZipError, XmlError, …: all mean "damaged"
        raise ReadFailure("corrupt", _short(exc)) from exc
    package = zipfile.ZipFile(io.BytesIO(data)) if fmt == "xlsx" else None
    wb = RawWorkbook(
        path, fmt, sha256_of(data), names, TemplateMeta(), warnings, book, package, parts, limits
    )
    if META_SHEET in names:
        wb.meta = parse_meta(wb.sheet(META_SHEET).rows)
    wb.saved = saved_time(data, fmt)
    return wb


_FORMAT_NAMES = {
    "xlsx": "bảng tính Excel (.xlsx)",
    "xls": "bảng tính Excel 97-2003 (.xls)",
    "ods": "bảng tính LibreOffice (.ods)",
    "xlsb": "bảng tính Excel nhị phân (.xlsb)",
}


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


Sniffed = tuple[str, list[tuple[str, str, str]], dict[str, str]]  # format, warnings, parts


def _sniff(path: Path, data: bytes, limits: Limits) -> Sniffed:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(path, limits)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_OLE in data:
            raise ReadFailure("encrypted")
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls", [], {}
        if "WordDocument".encode("utf-16-le") in data:
            raise ReadFailure("not_spreadsheet", "văn bản Word (.doc)")
        raise ReadFailure("not_spreadsheet", "tệp Office không phải bảng tính")
    head = data[:64].lstrip().lower()
    for magic, name in _FOREIGN:
        if head.startswith(magic.lower()):
            raise ReadFailure("not_spreadsheet", name)
    try:
        data[:4096].decode("utf-8")
        detail = "văn bản thường (có thể là CSV)"
    except UnicodeDecodeError:
        detail = "dữ liệu không rõ định dạng"
    raise ReadFailure("not_spreadsheet", detail)


def _sniff_zip(path: Path, limits: Limits) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_container(infos, limits)
            names = {i.filename for i in infos}
            fmt = _zip_format(zf, names)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _refuse_dtd(zf, info)
            warnings = []
            if any(
                n.startswith(
                    ("xl/vbaProject", "xl/embeddings/", "xl/externalLinks/", "xl/activeX/")
                )
                for n in names
            ):
                warnings.append(("macros_ignored", "", ""))
            return fmt, warnings, _sheet_parts(zf) if fmt == "xlsx" else {}
    except zipfile.BadZipFile as exc:
        raise ReadFailure("corrupt", "tệp nén bị cắt cụt hoặc hỏng") from exc
    except (OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        # RuntimeError: an encrypted zip entry; NotImplementedError: unknown compression.
        raise ReadFailure("corrupt", _short(exc)) from exc


def _check_container(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise ReadFailure("unsafe_file", f"{len(infos)} thành phần trong tệp nén")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed:
        raise ReadFailure("unsafe_file", f"giải nén ra {total // 1024**2} MB")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ReadFailure("encrypted")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024**2 and ratio > limits.max_ratio:
            raise ReadFailure("unsafe_file", f"tỷ lệ nén {ratio:.0f}:1 ở {info.filename}")


def _zip_format(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        mimetype = zf.read("mimetype")[:100]
        if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        kind = mimetype.decode(errors="replace")
        raise ReadFailure("not_spreadsheet", f"tài liệu OpenDocument ({kind})")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "word/document.xml" in names:
        raise ReadFailure("not_spreadsheet", "văn bản Word (.docx)")
    if any(n.startswith("ppt/") for n in names):
        raise ReadFailure("not_spreadsheet", "bài trình chiếu PowerPoint")
    raise ReadFailure("not_spreadsheet", "tệp nén .zip")


def _refuse_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """A DOCTYPE can only precede the root element, so the head of each part is enough."""
    with zf.open(info) as handle:
        head = handle.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ReadFailure("unsafe_file", f"khai báo DTD/thực thể XML trong {info.filename}")


def _scan_sheet(
    package: zipfile.ZipFile, part: str | None, name: str, limits: Limits
) -> dict[tuple[int, int], str]:
    """Bound the sheet's extent, and find error values and formulas without a cached value.

    calamine allocates a dense grid up to the last cell, so a sheet claiming a cell at XFD1048576
    must be refused before calamine sees it; and calamine reports errors as empty strings.
    """
    try:
        xml = package.read(part) if part else b""
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise ReadFailure("corrupt", f"sheet '{name}' không đọc được") from exc
    _check_extent(name, xml, limits)
    if b't="e"' in xml or _has_formula(xml):
        return _cell_problems(xml)
    return {}


def _has_formula(xml: bytes) -> bool:
    """Whether a cell formula element (<f>, <x:f …>) may occur: a few C-speed finds, where a
    regex would stop at every '<'. A false alarm only costs the exact per-cell scan."""
    for opener in (b"<f", b":f"):
        at = xml.find(opener)
        while at >= 0:
            if xml[at + 2 : at + 3] in _FORMULA_FOLLOW:
                return True
            at = xml.find(opener, at + 2)
    return False


def _check_extent(name: str, xml: bytes, limits: Limits) -> None:
    # The quick pass looks for any ` r="…"` address as long as the limits' own (it also sees
    # non-cell attributes): finding none proves the sheet small, unless an attribute is
    # separated by a tab or line break, which the literal space does not catch. Only a sheet
    # it flags needs the exact, slower scan of <c> elements.
    long_reference = _long_reference(
        len(column_letters(limits.max_columns)), len(str(limits.max_rows))
    )
    odd_separator = b"\tr=" in xml or b"\nr=" in xml or b"\rr=" in xml
    if not odd_separator and not long_reference.search(xml):
        return
    # Distinct column letters and row numbers are few, so the sets keep this a C-speed scan.
    max_col = max((column_number(x) for x in set(_CELL_COLUMN.findall(xml))), default=0)
    max_row = max((int(x) for x in set(_CELL_ROW.findall(xml))), default=0)
    if max_row > limits.max_rows or max_col > limits.max_columns:
        raise ReadFailure(
            "sheet_too_large", f"sheet '{name}' tới ô {column_letters(max_col)}{max_row}"
        )


@functools.lru_cache(maxsize=4)
def _long_reference(letters: int, digits: int) -> re.Pattern[bytes]:
    return re.compile(rb' r=["\'](?:[A-Z]{%d,}|[A-Z]{1,3}[0-9]{%d,})' % (letters, digits))


def _cell_problems(xml: bytes) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    for attrs, body in _CELL.findall(xml):
        ref = _ATTR_R.search(attrs)
        if ref is None:
            continue
        where = (int(ref.group(2)), column_number(ref.group(1)))
        value = _VALUE.search(body or b"")
        if b't="e"' in attrs and value:
            found[where] = value.group(1).decode("utf-8", "replace")
        elif body and _FORMULA.search(body) and (value is None or not value.group(1)):
            found[where] = FORMULA_NO_VALUE
    return found


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    try:
        return sheet_parts(zf)
    except PackageError as exc:
        raise ReadFailure("corrupt", "cấu trúc sổ làm việc hỏng") from exc
