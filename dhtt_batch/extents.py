"""How much a spreadsheet reader would allocate, measured before it does.

calamine builds a dense grid per sheet (and python-calamine's `to_python` one more, from A1),
so what costs memory is the extent the file *claims*, not its size: a 25 KB .ods can claim 95
million cells with `number-columns-repeated`, an .xls a DIMENSIONS record of 65,536 × 256, an
.xlsx one cell at SF99999. Each format's claims are measured here the way calamine counts them
(see `Limits`), and a file over a limit is refused (`TooLarge`) before calamine sees it.

What calamine materialises, as measured on the installed version (calamine 0.37):
- .xlsx: cells by their `r` address, or by position when a cell or row has none; the grid
  spans A1 to the last cell. `<dimension>` is not allocated.
- .ods: the whole content.xml is parsed when the file is opened, every sheet. Within a row a
  cell *with a value or formula* repeated N times is N cells, and so are the empty cells before
  it; the last run of empty cells in a row costs nothing (LibreOffice's 1,024-column and
  1,048,576-row tails of styled empty cells are free). Rows repeat whole, empty rows between
  rows with content too; empty rows after the last content row cost nothing.
- .xls: every sheet is parsed when the file is opened; DIMENSIONS reserves rows × columns,
  value records place cells, and the shared-string table reserves its declared count.
"""

from __future__ import annotations

import io
import re
import struct
import xml.parsers.expat
from dataclasses import dataclass
from typing import IO

from .xlsx.cells import column_letters, column_number


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024**2
    max_entries: int = 2_000
    max_uncompressed: int = 300 * 1024**2
    max_ratio: int = 200  # for entries over 1 MiB; tiny parts compress absurdly well
    max_rows: int = 100_000
    max_columns: int = 500
    # Cells of one sheet's grid (rows × columns from A1): ~70 bytes each once read, so a
    # sheet stays under ~200 MB. 100,000 rows of 30 columns fit.
    max_cells: int = 3_000_000
    max_total_cells: int = 6_000_000  # all sheets a format parses when the file is opened


LIMITS = Limits()


class TooLarge(Exception):
    """The file claims more than the limits allow; `detail` says where (Vietnamese)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def check_grid(sheet: str, rows: int, columns: int, limits: Limits) -> int:
    """Refuse a sheet whose grid (A1 to row `rows`, column `columns`) is over the limits;
    returns its cell count."""
    cells = rows * columns
    if rows > limits.max_rows or columns > limits.max_columns or cells > limits.max_cells:
        where = f"sheet '{sheet}' tới ô {column_letters(max(columns, 1))}{max(rows, 1)}"
        raise TooLarge(f"{where}, {_count(cells)} ô; giới hạn {_count(limits.max_cells)} ô")
    return cells


def _count(cells: int) -> str:
    if cells >= 1_000_000:
        return f"{cells / 1_000_000:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " triệu"
    return f"{cells:,}".replace(",", ".")


# --- .xlsx ------------------------------------------------------------------------------------

_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\']([A-Z]{1,3})[0-9]')
_CELL_ROW = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\'][A-Z]{1,3}([0-9]{1,8})["\']')
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTR = re.compile(rb'\br\s*=\s*["\']([A-Z]{0,3})([0-9]{0,8})["\']')


def check_xlsx_sheet(name: str, xml: bytes, limits: Limits) -> None:
    """Bound a worksheet part's grid and its number of cell elements.

    The quick pass looks for a ` r="…"` address as long as the limits allow (it also sees
    non-cell attributes): finding none proves the sheet small, unless some cell or row is not
    written the way Excel, LibreOffice and openpyxl write them — address first, after one
    space, no namespace prefix — since calamine places a cell or row without an address by
    position. Only a sheet that may hold such an element needs the exact, slower scan.
    Everything here is a C-speed count or search (each a pass over the part; a province's
    merge runs this on every sheet, so the passes are kept few).
    """
    elements = xml.count(b"<c")  # cells, plus a few <col>, <cfRule>…
    prefixed = _prefixed(xml)
    if prefixed:
        elements += xml.count(b":c")
    if elements > limits.max_cells:
        raise TooLarge(f"sheet '{name}' có hơn {_count(limits.max_cells)} ô")
    rows_digits = len(str(min(limits.max_rows, limits.max_cells // 26)))
    long_reference = re.compile(rb' r=["\'](?:[A-Z]{2,}|[A-Z][0-9]{%d,})' % rows_digits)
    odd = prefixed or _odd_whitespace(xml) or _unaddressed(xml)
    if not odd and not long_reference.search(xml):
        return
    if odd:
        rows, columns = _positional_extent(xml)
    else:  # distinct letters and numbers are few: the sets keep this a C-speed scan
        columns = max((column_number(x) for x in set(_CELL_COLUMN.findall(xml))), default=0)
        rows = max((int(x) for x in set(_CELL_ROW.findall(xml))), default=0)
    check_grid(name, rows, columns, limits)


def _prefixed(xml: bytes) -> bool:
    """Whether a cell or row may carry a namespace prefix (<x:c …>, <x:row …>). Excel's own
    extensions (<x14:cfRule>, <x14:conditionalFormatting>) start with ':c' too, hence the
    second look at what follows."""
    if b":row" in xml:
        return True
    return b":c" in xml and (b":c " in xml or b":c>" in xml or b":c/" in xml)


def _odd_whitespace(xml: bytes) -> bool:
    """Whether a tab or line break occurs after the XML declaration: only then can a tag's
    name or attributes be separated by anything but a space (`<c\tr="XFD1">`)."""
    start = max(xml.find(b"<", xml.find(b"?>")), 0) if xml.startswith(b"<?") else 0
    return any(xml.find(blank, start) >= 0 for blank in (b"\t", b"\n", b"\r"))


def _unaddressed(xml: bytes) -> bool:
    """Whether some <c> or <row> may lack an address as its first attribute (an address in
    single quotes counts as lacking one: the exact scan reads it)."""
    for tag in (b"<c", b"<row"):
        if xml.count(tag + b" ") != xml.count(tag + b' r="'):
            return True
        if tag + b">" in xml or tag + b"/>" in xml:
            return True
    return False


def _positional_extent(xml: bytes) -> tuple[int, int]:
    """Rows and columns as calamine places them: by address, else next to the previous."""
    row = max_row = max_col = col = 0
    for tag, attrs, _ in _ROW_OR_CELL.findall(xml):
        address = _R_ATTR.search(attrs)
        if tag == b"row":
            row = int(address.group(2)) if address and address.group(2) else row + 1
            col = 0
        else:
            if address and address.group(1):
                col = column_number(address.group(1))
                if address.group(2):
                    row = max(row, int(address.group(2)))
            else:
                col += 1
            max_col = max(max_col, col)
        max_row = max(max_row, row)
    return max_row, max_col


# --- .ods -------------------------------------------------------------------------------------

_VALUE_ATTRS = frozenset(
    (
        "office:value",
        "office:string-value",
        "office:date-value",
        "office:time-value",
        "office:boolean-value",
        "table:formula",
    )
)
_CELLS = ("table:table-cell", "table:covered-table-cell")


class _OdsCounter:
    """Counts, per table, what calamine would materialise (see the module docstring)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.total = 0  # cells pushed while parsing plus the grids built, all sheets
        self.table: str | None = None
        self.depth = 0  # cells nested inside a cell (annotations, subtables) are not cells
        self.row = self.last_row = self.width = 0
        self.repeat = self.pushed = self.pending = self.content_end = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "table:table" and self.table is None:
            self.table, self.row, self.last_row, self.width = attrs.get("table:name", ""), 0, 0, 0
            self.pushed = 0
        elif self.table is None:
            return
        elif tag == "table:table-row" and self.depth == 0:
            self.repeat = _repeat(attrs.get("table:number-rows-repeated"))
            self.pushed = self.pending = self.content_end = 0
        elif tag in _CELLS:
            self.depth += 1
            if self.depth > 1:
                return
            repeat = _repeat(attrs.get("table:number-columns-repeated"))
            self.pushed += self.pending
            self.pending = 0
            if _VALUE_ATTRS.intersection(attrs) or attrs.get("office:value-type") == "string":
                self.pushed += repeat
                self.content_end = self.pushed
            else:
                self.pending = repeat
            self._add(0)

    def end(self, tag: str) -> None:
        if self.table is None:
            return
        if tag in _CELLS:
            self.depth -= 1
        elif tag == "table:table-row" and self.depth == 0:
            self.row += self.repeat
            if self.content_end:
                self.last_row, self.width = self.row, max(self.width, self.content_end)
                check_grid(self.table, self.last_row, self.width, self.limits)
            self.total += self.pushed
            self.pushed = 0
            self._add(0)
        elif tag == "table:table":
            self._add(check_grid(self.table, self.last_row, self.width, self.limits))
            self.table = None

    def _add(self, cells: int) -> None:
        self.total += cells
        if self.total + self.pushed > self.limits.max_total_cells:
            raise TooLarge(
                f"các sheet có hơn {_count(self.limits.max_total_cells)} ô (sheet '{self.table}')"
            )


def _repeat(value: str | None) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1  # calamine refuses the file itself: reported as damaged


def check_ods(content_xml: IO[bytes], limits: Limits) -> None:
    """Stream content.xml (no tree is built; the caller has refused any DTD)."""
    counter = _OdsCounter(limits)
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    try:
        while chunk := content_xml.read(1024**2):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError:
        return  # malformed XML: calamine refuses it and the file is reported as damaged


# --- .xls -------------------------------------------------------------------------------------

_CELL_RECORDS = frozenset((0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006))
_MULRK, _DIMENSIONS, _BOUNDSHEET, _SST, _CONTINUE, _EOF = 0xBD, 0x200, 0x85, 0xFC, 0x3C, 0x0A


def check_xls(data: bytes, limits: Limits) -> None:
    """Bound the BIFF workbook stream's claims: DIMENSIONS, cell positions, the SST count."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            if not ole.exists(name):
                return
            stream = ole.openstream(name).read()
    except Exception:  # olefile raises assorted errors for damaged containers
        return  # calamine refuses the container itself: reported as damaged
    records = []
    for record in _records(stream, 0):  # the workbook globals, up to their EOF
        if record[0] == _EOF:
            break
        records.append(record)
    sheets = [
        (_u32(payload, 0), _sheet_name(payload)) for kind, payload in records if kind == _BOUNDSHEET
    ]
    _check_sst(records, limits)
    total = 0
    for offset, sheet in sheets:
        rows = columns = 0
        for kind, payload in _records(stream, offset):
            if kind == _DIMENSIONS:
                claimed_rows, claimed_columns = _dimensions(payload)
                check_grid(sheet, claimed_rows, claimed_columns, limits)
            elif kind in _CELL_RECORDS and len(payload) >= 4:
                rows = max(rows, _u16(payload, 0) + 1)
                columns = max(columns, _u16(payload, 2) + 1)
            elif kind == _MULRK and len(payload) >= 6:
                rows = max(rows, _u16(payload, 0) + 1)
                columns = max(columns, _u16(payload, len(payload) - 2) + 1)
            elif kind == _EOF:
                break
        total += check_grid(sheet, rows, columns, limits)
        if total > limits.max_total_cells:
            raise TooLarge(f"các sheet có hơn {_count(limits.max_total_cells)} ô")


def _records(stream: bytes, offset: int):  # type: ignore[no-untyped-def]
    """(type, payload) of the BIFF records from `offset` to the end of the stream."""
    while offset + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4 : offset + 4 + size]
        offset += 4 + size


def _dimensions(payload: bytes) -> tuple[int, int]:
    """(rows, columns) a DIMENSIONS record makes calamine reserve (as it computes them)."""
    if len(payload) >= 14:
        first_row, last_row = _u32(payload, 0), _u32(payload, 4)
        first_col, last_col = _u16(payload, 8), _u16(payload, 10)
    elif len(payload) >= 10:
        first_row, last_row = _u16(payload, 0), _u16(payload, 2)
        first_col, last_col = _u16(payload, 4), _u16(payload, 6)
    else:
        return 0, 0
    if last_row < 1 or last_col < 1:
        return 1, 1
    # last_* are one past the end; a first beyond the last wraps around in calamine
    rows = last_row - first_row if last_row > first_row else 2**32
    columns = last_col - first_col if last_col > first_col else 2**32
    return rows, columns


def _check_sst(records: list[tuple[int, bytes]], limits: Limits) -> None:
    """calamine reserves the declared string count; each string takes at least 3 bytes."""
    for position, (kind, payload) in enumerate(records):
        if kind != _SST or len(payload) < 8:
            continue
        declared = _u32(payload, 4)
        size = len(payload) - 8
        for follow, more in records[position + 1 :]:
            if follow != _CONTINUE:
                break
            size += len(more)
        if declared > min(size // 3 + 1, limits.max_total_cells):
            raise TooLarge(f"bảng chuỗi khai báo {_count(declared)} chuỗi trong {size} byte")


def _sheet_name(payload: bytes) -> str:
    if len(payload) < 8:
        return "?"
    length, high = payload[6], payload[7] & 1
    text = payload[8 : 8 + length * (2 if high else 1)]
    return text.decode("utf-16-le" if high else "latin-1", errors="replace")


def _u16(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<H", data, offset)[0])


def _u32(data: bytes, offset: int) -> int:
    return int(struct.unpack_from("<I", data, offset)[0])
