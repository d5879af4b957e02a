"""When a workbook says it was last saved: the document properties Excel, LibreOffice and WPS
write at every save.

- .xlsx / .xlsm: `dcterms:modified` in docProps/core.xml (UTC, "…Z"). LibreOffice (7.x) writes
  its local wall-clock time there with the same "Z", so for a file whose docProps/app.xml names
  LibreOffice the time is taken as wall-clock time.
- .ods: `dc:date` in meta.xml (LibreOffice writes wall-clock time without an offset).
- .xls: the last-saved time (PIDSI_LASTSAVE_DTM, a UTC FILETIME) of the OLE summary stream.

A time with an offset is returned aware; a wall-clock time naive (the caller applies the office's
time zone). None when the file has no such property or it cannot be read: the property is
evidence, never a reason to refuse a file. Inputs are untrusted: the container has already been
bounded by the reader, XML is parsed with defusedxml, and the OLE walk is bounded too.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from defusedxml import ElementTree

_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_CORE_TYPE = "/metadata/core-properties"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_APP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
_SUMMARY = "\x05SummaryInformation"
_LAST_SAVED = 13  # PIDSI_LASTSAVE_DTM
_VT_FILETIME = 64
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_MAX_CHAIN = 1 << 16  # sectors followed in one chain: far beyond a real summary stream
_END = 0xFFFFFFFE  # ENDOFCHAIN


def saved_time(data: bytes, fmt: str) -> datetime | None:
    try:
        if fmt == "xlsx":
            return _ooxml(data)
        if fmt == "ods":
            return _odf(data)
        if fmt == "xls":
            return _ole(data)
    except (zipfile.BadZipFile, KeyError, OSError, struct.error, IndexError):
        return None
    except (ValueError, SyntaxError):  # defusedxml's refusals are ValueErrors; ParseError
        return None
    return None


def _text(root: object, path: str) -> str:
    found = root.find(path)  # type: ignore[attr-defined]
    return (found.text or "").strip() if found is not None else ""


def _ooxml(data: bytes) -> datetime | None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        core = "docProps/core.xml"
        if "_rels/.rels" in names:
            rels = ElementTree.fromstring(zf.read("_rels/.rels"))
            for rel in rels.iter(f"{_RELS_NS}Relationship"):
                if rel.get("Type", "").endswith(_CORE_TYPE):
                    core = rel.get("Target", core).lstrip("/")
        if core not in names:
            return None
        modified = _text(ElementTree.fromstring(zf.read(core)), f"{{{_DCTERMS}}}modified")
        application = ""
        if "docProps/app.xml" in names:
            application = _text(
                ElementTree.fromstring(zf.read("docProps/app.xml")), f"{_APP_NS}Application"
            )
    stamp = _iso(modified)
    if stamp is not None and application.startswith("LibreOffice") and stamp.tzinfo:
        return stamp.replace(tzinfo=None)  # LibreOffice's "Z" is its local wall clock
    return stamp


def _odf(data: bytes) -> datetime | None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "meta.xml" not in zf.namelist():
            return None
        meta = ElementTree.fromstring(zf.read("meta.xml"))
    found = meta.find(f".//{{{_DC}}}date")
    return _iso((found.text or "").strip()) if found is not None else None


def _iso(text: str) -> datetime | None:
    """ISO 8601 as written by office suites: 'Z', fractions up to nanoseconds."""
    if not text:
        return None
    text = text.replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # datetime.fromisoformat takes at most microseconds
        digits = "".join(c for c in rest if c.isdigit())
        offset = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{offset}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# -- .xls: the OLE compound file's summary stream ----------------------------------------------


def _ole(data: bytes) -> datetime | None:
    stream = _OleFile(data).stream(_SUMMARY)
    return _last_saved(stream) if stream else None


class _OleFile:
    """Just enough of [MS-CFB] to read one small stream, every step bounded."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if not (7 <= shift <= 16 and mini_shift < shift):
            raise ValueError("not a compound file header")
        self.size, self.mini_size = 1 << shift, 1 << mini_shift
        first_dir, _, self.cutoff = struct.unpack_from("<III", data, 0x30)
        first_mini_fat, _, first_difat, difat_count = struct.unpack_from("<IIII", data, 0x3C)
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _END]
        sector = first_difat
        for _ in range(min(difat_count, _MAX_CHAIN)):
            if sector >= _END:
                break
            entries = struct.unpack_from(f"<{self.size // 4}I", self._sector(sector))
            fat_sectors.extend(s for s in entries[:-1] if s < _END)
            sector = entries[-1]
        self.fat = [x for s in fat_sectors for x in self._ints(self._sector(s))]
        self.directory = self._chain(first_dir, self.fat, self._sector)
        self.mini_fat = [
            x
            for chunk in self._chain(first_mini_fat, self.fat, self._sector)
            for x in self._ints(chunk)
        ]

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.size
        if start + self.size > len(self.data):
            raise ValueError("sector beyond the file")
        return self.data[start : start + self.size]

    @staticmethod
    def _ints(chunk: bytes) -> tuple[int, ...]:
        return struct.unpack(f"<{len(chunk) // 4}I", chunk)

    @staticmethod
    def _chain(start: int, table: list[int], read: Callable[[int], bytes]) -> list[bytes]:
        chunks: list[bytes] = []
        sector, seen = start, set[int]()
        while sector < _END and sector not in seen and len(seen) < _MAX_CHAIN:
            seen.add(sector)
            chunks.append(read(sector))
            sector = table[sector] if sector < len(table) else _END
        return chunks

    def stream(self, name: str) -> bytes:
        entries = b"".join(self.directory)
        found = self._entry(entries, name)
        if found is None:
            return b""
        start, size = found
        if size >= self.cutoff:
            return b"".join(self._chain(start, self.fat, self._sector))[:size]
        root_start, root_size = struct.unpack_from("<IQ", entries, 0x74)
        container = b"".join(self._chain(root_start, self.fat, self._sector))[:root_size]
        step = self.mini_size
        chunks = self._chain(start, self.mini_fat, lambda n: container[n * step : (n + 1) * step])
        return b"".join(chunks)[:size]

    @staticmethod
    def _entry(entries: bytes, name: str) -> tuple[int, int] | None:
        """(first sector, size) of the stream called `name` in the directory."""
        for offset in range(0, len(entries) - 127, 128):
            length = struct.unpack_from("<H", entries, offset + 0x40)[0]
            entry_name = entries[offset : offset + min(length, 64)].decode("utf-16-le", "replace")
            if entry_name.rstrip("\x00") == name and entries[offset + 0x42] == 2:
                start, size = struct.unpack_from("<IQ", entries, offset + 0x74)
                return start, min(size, 1 << 20)
        return None


def _last_saved(stream: bytes) -> datetime | None:
    """PIDSI_LASTSAVE_DTM of the first property set ([MS-OLEPS])."""
    (section,) = struct.unpack_from("<I", stream, 44)
    _, count = struct.unpack_from("<II", stream, section)
    for index in range(min(count, 256)):
        prop, offset = struct.unpack_from("<II", stream, section + 8 + 8 * index)
        if prop != _LAST_SAVED:
            continue
        kind, low, high = struct.unpack_from("<III", stream, section + offset)
        ticks = (high << 32) | low
        if kind != _VT_FILETIME or not ticks:
            return None
        return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
    return None
