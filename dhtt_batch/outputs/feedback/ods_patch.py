"""Feedback copies of .ods submissions: the unit's own OpenDocument file, patched.

Only `content.xml` changes: each marked cell gets a copy of its own cell style with a red (or
yellow) background and a comment (`office:annotation`) saying what to fix, and a "Lỗi cần sửa"
sheet comes first with a link to every cell. Everything else — the unit's dropdowns and input
hints (content validations), sheet and cell protection, column widths, print ranges, the other
parts of the package — is kept as the unit had it, so the messages that say "chọn trong danh
sách thả xuống" stay true. Repeated rows and cells (`number-rows-repeated`, …) are split only
around a marked cell. A returned feedback copy loses last round's sheet and comments first.

The XML is parsed by lxml without entity resolution or network access, after the reader has
bounded the container and refused any DTD.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from lxml import etree

from ...findings import ERROR, Finding
from ...xlsx.cells import CellRef
from ...xlsx.parts import ERROR_RGB, HEADER_RGB, WARNING_RGB
from .parts import (
    AUTHOR,
    FIXES_HEADERS,
    FIXES_SHEET,
    FIXES_WIDTHS,
    Unsupported,
    fixes_rows,
    is_fixes_sheet,
)
from .parts import fixes_title as _title

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xlink": "http://www.w3.org/1999/xlink",
}
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CM_PER_CHARACTER = 0.2  # an Excel width unit (one digit of the default font) in centimetres
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


ROW, CELL, COVERED = _q("table:table-row"), _q("table:table-cell"), _q("table:covered-table-cell")
COLUMN, TABLE = _q("table:table-column"), _q("table:table")
ROWS_REPEATED, COLUMNS_REPEATED = (
    _q("table:number-rows-repeated"),
    _q("table:number-columns-repeated"),
)
STYLE_NAME, DEFAULT_STYLE = _q("table:style-name"), _q("table:default-cell-style-name")
ANNOTATION, CREATOR = _q("office:annotation"), _q("dc:creator")


def patched_ods(path: Path, findings: list[Finding]) -> bytes:
    """The feedback copy's bytes; Unsupported when the package is not a plain .ods."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        parts = {info.filename: zf.read(info) for info in infos}
    if parts.get("mimetype", b"").strip() != MIMETYPE or "content.xml" not in parts:
        raise Unsupported("not a plain OpenDocument spreadsheet")
    try:
        root = etree.fromstring(parts["content.xml"], _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Unsupported(f"content.xml does not parse: {exc}") from exc
    document = _Document(root)
    document.clear_previous_marks()
    marks = _marks(findings, set(document.tables))
    for sheet, cells in marks.items():
        for ref, items in cells.items():
            document.mark(sheet, ref, items)
    document.add_fixes_sheet(findings)
    parts["content.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if "settings.xml" in parts:
        parts["settings.xml"] = _active_table(parts["settings.xml"])
    return _zip(infos, parts)


def _marks(findings: list[Finding], sheets: set[str]) -> dict[str, dict[CellRef, list[Finding]]]:
    marks: dict[str, dict[CellRef, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in sheets:
            marks[finding.sheet][finding.cell].append(finding)
    return marks


class _Document:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        spreadsheet = root.find("office:body/office:spreadsheet", NS)
        styles = root.find("office:automatic-styles", NS)
        if spreadsheet is None or styles is None:
            raise Unsupported("content.xml without a spreadsheet body or automatic styles")
        self.spreadsheet, self.styles = spreadsheet, styles
        self.tables = {t.get(_q("table:name"), ""): t for t in spreadsheet.findall(TABLE)}
        self.derived: dict[tuple[str, str], str] = {}

    # -- last round's marks ------------------------------------------------------------------

    def clear_previous_marks(self) -> None:
        """A clerk may send back last round's copy: its sheet and comments must not linger,
        and the cells they marked lose the fill (it may no longer apply)."""
        for name in [n for n in self.tables if is_fixes_sheet(n)]:
            self.spreadsheet.remove(self.tables.pop(name))
        for note in list(self.spreadsheet.iter(ANNOTATION)):
            if (note.findtext(CREATOR) or "").strip() == AUTHOR:
                cell = note.getparent()
                cell.remove(note)
                cell.set(STYLE_NAME, self._derived(self._style_of(cell), "transparent"))

    # -- marking one cell ----------------------------------------------------------------------

    def mark(self, sheet: str, ref: CellRef, items: list[Finding]) -> None:
        table = self.tables[sheet]
        row = _single(_rows(table), ref.row, ROWS_REPEATED)
        cell = _single(_cells(row), ref.col, COLUMNS_REPEATED)
        if cell.tag == COVERED:
            raise Unsupported(f"{sheet}!{ref} lies under a merged cell")
        worst = ERROR_RGB if any(f.severity == ERROR for f in items) else WARNING_RGB
        base = self._style_of(cell, row, table, ref.col)
        cell.set(STYLE_NAME, self._derived(base, f"#{worst.lower()}"))
        note = etree.Element(ANNOTATION)
        etree.SubElement(note, CREATOR).text = AUTHOR
        for finding in items:
            etree.SubElement(note, _q("text:p")).text = f"- {finding.message}"
        source = cell.find("table:cell-range-source", NS)
        cell.insert(0 if source is None else cell.index(source) + 1, note)

    def _style_of(
        self,
        cell: etree._Element,
        row: etree._Element | None = None,
        table: etree._Element | None = None,
        column: int = 0,
    ) -> str:
        """The style the cell shows: its own, else its row's default, else its column's."""
        own = cell.get(STYLE_NAME)
        if own:
            return own
        if row is not None and row.get(DEFAULT_STYLE):
            return str(row.get(DEFAULT_STYLE))
        if table is not None:
            return _column_style(table, column) or "Default"
        return "Default"

    def _derived(self, base: str, color: str) -> str:
        """An automatic cell style like `base` (protection, number format, font, borders kept)
        with another background."""
        if (base, color) in self.derived:
            return self.derived[(base, color)]
        name = f"dhtt_{len(self.derived) + 1}"
        original = self.styles.find(f"style:style[@style:name='{_xpath_safe(base)}']", NS)
        if original is not None and original.get(_q("style:family")) == "table-cell":
            style = copy.deepcopy(original)
        else:  # a common style (styles.xml) or Default: inherit from it
            style = etree.Element(_q("style:style"))
            style.set(_q("style:family"), "table-cell")
            style.set(_q("style:parent-style-name"), base)
        style.set(_q("style:name"), name)
        props = style.find("style:table-cell-properties", NS)
        if props is None:
            props = etree.Element(_q("style:table-cell-properties"))
            style.insert(0, props)
        props.set(_q("fo:background-color"), color)
        self.styles.append(style)
        self.derived[(base, color)] = name
        return name

    # -- the fixes sheet -----------------------------------------------------------------------

    def add_fixes_sheet(self, findings: list[Finding]) -> None:
        styles = self._fixes_styles()
        table = etree.Element(TABLE)
        table.set(_q("table:name"), FIXES_SHEET)
        for n, width in enumerate(FIXES_WIDTHS, start=1):
            column = etree.SubElement(table, COLUMN)
            column.set(STYLE_NAME, self._column_width_style(n, width))
        _fixes_row(table, [_title(findings)], [styles["bold"]])
        _fixes_row(table, [], [])
        _fixes_row(table, FIXES_HEADERS, [styles["header"]] * len(FIXES_HEADERS))
        for values in fixes_rows(findings):
            sheet, ref = str(values[1]), str(values[2])
            link = f"#'{sheet}'.{ref}" if sheet in self.tables and ref else ""
            _fixes_row(table, values, ["", "", "", "", "", styles["wrap"]], link)
        first = self.spreadsheet.find(TABLE)
        if first is None:
            self.spreadsheet.append(table)
        else:
            first.addprevious(table)

    def _fixes_styles(self) -> dict[str, str]:
        made = {}
        for key, cell_props, text_props in (
            ("bold", {}, {"fo:font-weight": "bold"}),
            (
                "header",
                {
                    "fo:background-color": f"#{HEADER_RGB.lower()}",
                    "fo:border": "0.74pt solid #808080",
                    "fo:wrap-option": "wrap",
                    "style:vertical-align": "middle",
                },
                {"fo:font-weight": "bold"},
            ),
            ("wrap", {"fo:wrap-option": "wrap", "style:vertical-align": "top"}, {}),
        ):
            name = f"dhtt_fixes_{key}"
            style = etree.SubElement(self.styles, _q("style:style"))
            style.set(_q("style:name"), name)
            style.set(_q("style:family"), "table-cell")
            style.set(_q("style:parent-style-name"), "Default")
            for tag, props in (
                ("style:table-cell-properties", cell_props),
                ("style:text-properties", text_props),
            ):
                if props:
                    element = etree.SubElement(style, _q(tag))
                    for attr, value in props.items():
                        element.set(_q(attr), value)
            made[key] = name
        return made

    def _column_width_style(self, number: int, width: float) -> str:
        name = f"dhtt_fixes_co{number}"
        style = etree.SubElement(self.styles, _q("style:style"))
        style.set(_q("style:name"), name)
        style.set(_q("style:family"), "table-column")
        props = etree.SubElement(style, _q("style:table-column-properties"))
        props.set(_q("style:column-width"), f"{width * _CM_PER_CHARACTER:.2f}cm")
        return name


def _fixes_row(
    table: etree._Element, values: Sequence[object], styles: Sequence[str], link: str = ""
) -> None:
    row = etree.SubElement(table, ROW)
    if not values:
        etree.SubElement(row, CELL)
        return
    for column, (value, style) in enumerate(zip(values, styles, strict=False)):
        cell = etree.SubElement(row, CELL)
        if style:
            cell.set(STYLE_NAME, style)
        if value in (None, ""):
            continue
        text = str(value)
        if isinstance(value, int):
            cell.set(_q("office:value-type"), "float")
            cell.set(_q("office:value"), text)
        else:
            cell.set(_q("office:value-type"), "string")
        paragraph = etree.SubElement(cell, _q("text:p"))
        if link and column == 2:
            anchor = etree.SubElement(paragraph, _q("text:a"))
            anchor.set(_q("xlink:href"), link)
            anchor.set(_q("xlink:type"), "simple")
            anchor.text = text
        else:
            paragraph.text = text


# -- rows and cells, with their repeat counts ----------------------------------------------------


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    """The table's rows in order, wherever they are grouped (header rows, row groups)."""
    for element in table.iter(ROW, TABLE):
        if element.tag == ROW and _owner(element) is table:
            yield element


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    for element in row:
        if element.tag in (CELL, COVERED):
            yield element


def _owner(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != TABLE:
        parent = parent.getparent()
    return parent


def _count(element: etree._Element, attribute: str) -> int:
    try:
        return max(int(element.get(attribute, "1")), 1)
    except ValueError as exc:
        raise Unsupported(f"bad repeat count {element.get(attribute)!r}") from exc


def _single(elements: Iterator[etree._Element], position: int, attribute: str) -> etree._Element:
    """The element at 1-based `position`, split out of a repeated run if it is in one."""
    start = 1
    for element in elements:
        count = _count(element, attribute)
        if start <= position < start + count:
            before, after = position - start, start + count - 1 - position
            if before:
                head = copy.deepcopy(element)
                _set_count(head, attribute, before)
                element.addprevious(head)
            if after:
                tail = copy.deepcopy(element)
                _set_count(tail, attribute, after)
                element.addnext(tail)
            _set_count(element, attribute, 1)
            return element
        start += count
    raise Unsupported(f"position {position} lies beyond the sheet's last row or cell")


def _set_count(element: etree._Element, attribute: str, count: int) -> None:
    if count == 1:
        element.attrib.pop(attribute, None)
    else:
        element.set(attribute, str(count))


def _column_style(table: etree._Element, column: int) -> str | None:
    start = 1
    for element in table.iter(COLUMN, TABLE):
        if element.tag != COLUMN or _owner(element) is not table:
            continue
        count = _count(element, COLUMNS_REPEATED)
        if start <= column < start + count:
            return element.get(DEFAULT_STYLE)
        start += count
    return None


def _xpath_safe(name: str) -> str:
    if "'" in name:
        raise Unsupported(f"style name with a quote: {name!r}")
    return name


def _active_table(settings: bytes) -> bytes:
    """Open on the fixes sheet (LibreOffice reads the active sheet from settings.xml)."""
    try:
        text = settings.decode("utf-8")
    except UnicodeDecodeError:
        return settings
    name = FIXES_SHEET.replace("&", "&amp;").replace("<", "&lt;")
    text = re.sub(
        r'(<config:config-item config:name="ActiveTable" config:type="string">)[^<]*(<)',
        lambda m: f"{m.group(1)}{name}{m.group(2)}",
        text,
        count=1,
    )
    return text.encode("utf-8")


def _zip(infos: list[zipfile.ZipInfo], parts: dict[str, bytes]) -> bytes:
    """The package again, in its order; `mimetype` first and stored, as ODF requires."""
    out = io.BytesIO()
    names = ["mimetype"] + [i.filename for i in infos if i.filename != "mimetype"]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=4) as zf:
        for name in names:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), parts[name], method)
    return out.getvalue()
