"""A worksheet part of a feedback copy, edited as text: the marked cells get a filled copy of
their format (cells and rows created where absent), and the place of the <legacyDrawing> that
shows the comments is found in schema order.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ...xlsx.cells import CellRef, column_letters, column_number
from .parts import Unsupported
from .styles_xml import Styles

# Worksheet children that follow <legacyDrawing> (schema order); extLst is found separately,
# since a conditional-formatting rule may hold an extLst of its own.
_AFTER_LEGACY = (
    "<legacyDrawingHF",
    "<drawingHF",
    "<picture",
    "<oleObjects",
    "<controls",
    "<webPublishItems",
    "<tableParts",
    "</worksheet>",
)
_LAST_EXT = re.compile(r"<extLst>(?:(?!<extLst).)*</extLst>\s*</worksheet>\s*$", re.S)
_ROW = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(/>|>.*?</c>)", re.S)
_R_ATTR = re.compile(r'\br="([A-Z]{1,3})?([0-9]+)"')
_COL = re.compile(r"<col\b([^>]*?)/?>")
_COL_ATTRS = ("min", "max", "style")
_MAX_COLUMN = 16384


def legacy_drawing_position(xml: str) -> int:
    """Where <legacyDrawing> goes: before the first worksheet child that must follow it."""
    if "AlternateContent" in xml:
        raise Unsupported("alternate content: child order cannot be read from text")
    found = [i for i in (xml.find(tag) for tag in _AFTER_LEGACY) if i >= 0]
    last_ext = _LAST_EXT.search(xml)
    if last_ext:
        found.append(last_ext.start())
    return min(found)


def set_cell_styles(xml: str, fills: dict[CellRef, str], styles: Styles) -> str:
    """Give each addressed cell a filled copy of its format, creating cells and rows as
    needed (an empty required cell is usually absent from the file). A created cell starts
    from the format the cell shows while absent — its row's, else its column's — so it keeps
    the protection the template gave it (data columns unlocked)."""
    by_row: dict[int, dict[int, str]] = defaultdict(dict)
    for ref, rgb in fills.items():
        by_row[ref.row][ref.col] = rgb
    start, end = xml.find("<sheetData"), xml.find("</sheetData>")
    if start < 0:
        raise Unsupported("no sheetData")
    columns = _column_styles(xml[:start])
    if end < 0:  # <sheetData/>
        xml = xml.replace("<sheetData/>", "<sheetData></sheetData>", 1)
        end = xml.find("</sheetData>")
    body_start = xml.index(">", start) + 1
    pieces, cursor, pending = [], body_start, dict(by_row)
    for row in _ROW.finditer(xml, body_start, end):
        if not pending:
            break  # the rows after the last marked one are kept as they are, unread
        number = _row_number(row.group(1))
        pieces.append(xml[cursor : row.start()])
        cursor = row.end()
        for missing in sorted(n for n in pending if n < number):
            pieces.append(_new_row(missing, pending.pop(missing), styles, columns))
        if number in pending:
            pieces.append(_patch_row(row, number, pending.pop(number), styles, columns))
        else:
            pieces.append(row.group(0))
    for missing in sorted(pending):
        pieces.append(_new_row(missing, pending[missing], styles, columns))
    return xml[:body_start] + "".join(pieces) + xml[cursor:]


def _row_number(attrs: str) -> int:
    found = re.search(r'\br="([0-9]+)"', attrs)
    if found is None:
        raise Unsupported("a row without its number")
    return int(found.group(1))


def _column_styles(head: str) -> dict[int, int]:
    """Column number → the cell format of `<col style=…>` (what an absent cell shows)."""
    styles: dict[int, int] = {}
    for attrs in _COL.findall(head):
        low, high, style = (re.search(rf'\b{name}="(\d+)"', attrs) for name in _COL_ATTRS)
        if low and high and style and int(style.group(1)):
            for number in range(int(low.group(1)), min(int(high.group(1)), _MAX_COLUMN) + 1):
                styles[number] = int(style.group(1))
    return styles


def _row_style(attrs: str) -> int | None:
    """The row's own format, when it has one (customFormat): it wins over the column's."""
    custom = re.search(r'\bcustomFormat="(1|true)"', attrs)
    style = re.search(r'\bs="(\d+)"', attrs)
    return int(style.group(1)) if custom and style else None


def _absent_cell(
    ref: str, rgb: str, styles: Styles, row_style: int | None, columns: dict[int, int]
) -> str:
    col = column_number(ref.rstrip("0123456789"))
    base = row_style if row_style is not None else columns.get(col, 0)
    return f'<c r="{ref}" s="{styles.filled(base, rgb)}"/>'


def _new_row(number: int, cells: dict[int, str], styles: Styles, columns: dict[int, int]) -> str:
    body = "".join(
        _absent_cell(f"{column_letters(col)}{number}", rgb, styles, None, columns)
        for col, rgb in sorted(cells.items())
    )
    return f'<row r="{number}">{body}</row>'


def _patch_row(
    row: re.Match[str],
    number: int,
    cells: dict[int, str],
    styles: Styles,
    columns: dict[int, int],
) -> str:
    attrs = re.sub(r'\sspans="[^"]*"', "", row.group(1))  # spans would no longer hold
    row_style = _row_style(attrs)
    body = row.group(3) or ""
    out, cursor, pending = [], 0, dict(cells)

    def absent(col: int, rgb: str) -> str:
        return _absent_cell(f"{column_letters(col)}{number}", rgb, styles, row_style, columns)

    for cell in _CELL.finditer(body):
        found = _R_ATTR.search(cell.group(1))
        if found is None or found.group(1) is None:
            raise Unsupported("a cell without its address")
        col = column_number(found.group(1))
        out.append(body[cursor : cell.start()])
        cursor = cell.end()
        for missing in sorted(c for c in pending if c < col):
            out.append(absent(missing, pending.pop(missing)))
        if col in pending:
            style = re.search(r'\bs="(\d+)"', cell.group(1))
            xf = styles.filled(int(style.group(1)) if style else 0, pending.pop(col))
            head = re.sub(r'\ss="\d+"', "", cell.group(1))
            out.append(f'<c{head} s="{xf}"{cell.group(2)}')
        else:
            out.append(cell.group(0))
    out.append(body[cursor:])
    for missing in sorted(pending):
        out.append(absent(missing, pending[missing]))
    return f"<row{attrs}>{''.join(out)}</row>"
