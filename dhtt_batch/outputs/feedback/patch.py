"""Feedback copies by patching the unit's .xlsx package instead of an openpyxl round trip.

An openpyxl load + save of a filled template costs ~0.2 s (every cell becomes an object, twice);
a province merge writes hundreds of copies. Here the package is copied part by part and only
what feedback needs is edited as text: marked cells get a cloned cell format with a red or
yellow fill, each marked sheet gets a comments part (+ the legacy VML drawing Excel shows them
with), and the fixes sheet is added first with links to the cells. Everything else — the
unit's validations, protection, formatting, even parts openpyxl would drop — is kept byte for
byte. Anything unusual (prefixed main namespace, cells without addresses, existing comments, a
returned feedback copy) returns None, and the caller falls back to the openpyxl path.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path

from ...findings import ERROR, Finding
from ...xlsx.cells import CellRef, column_letters, column_number
from ...xlsx.package import PackageError, sheet_parts
from ...xlsx.parts import (
    BORDER_RGB,
    ERROR_RGB,
    HEADER_RGB,
    MAIN_NS,
    REL_NS,
    WARNING_RGB,
    XML_HEAD,
)
from ...xlsx.stream import escape_text
from .parts import (
    FIXES_HEADER_ROW,
    FIXES_SHEET,
    Unsupported,
    comments_xml,
    fixes_sheet_xml,
    is_fixes_sheet,
    vml_xml,
)

_CT = "application/vnd.openxmlformats-officedocument"
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
# xsd:boolean: Excel writes "1", LibreOffice "true". The word boundary is checked behind the
# literal, not before it: a pattern opening with \b is tried at every position of the sheet
# (2.6 ms on a 78 kB sheet, against 0.06 ms), which was half of each feedback copy's time.
_TAB_SELECTED = re.compile(r"""tabSelected(?<=\btabSelected)=(["'])\s*(?:1|true)\s*\1""")


def patched_copy(path: Path, findings: list[Finding]) -> bytes:
    """The feedback copy's bytes. Raises Unsupported (saying why) when the package is not in
    the shape this patcher handles: the caller then takes the openpyxl path and records it."""
    return _Package(path).patch(findings)


class _Package:
    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            self.order = [i.filename for i in zf.infolist()]
            self.parts = {name: zf.read(name) for name in self.order}
            try:
                self.sheet_parts = sheet_parts(zf)
            except PackageError as exc:
                raise Unsupported(str(exc)) from exc
        self.text: dict[str, str] = {}

    def read(self, name: str) -> str:
        if name not in self.text:
            if name not in self.parts:
                raise Unsupported(f"no {name} in the package")
            try:
                self.text[name] = self.parts[name].decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Unsupported(f"{name} is not UTF-8") from exc
        return self.text[name]

    def write(self, name: str, text: str) -> None:
        self.text[name] = text
        if name not in self.order:
            self.order.append(name)

    def patch(self, findings: list[Finding]) -> bytes:
        if is_fixes_sheet(*self.sheet_parts):
            raise Unsupported("a returned feedback copy: its old marks must be cleared")
        for name in ("xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"):
            _require_default_namespace(self.read(name))
        styles = _Styles(self.read("xl/styles.xml"))
        marks = _marks(findings, self.sheet_parts)
        for number, (sheet, cells) in enumerate(sorted(marks.items()), start=1):
            self._mark_sheet(self.sheet_parts[sheet], cells, styles, number)
        fixes = fixes_sheet_xml(findings, set(self.sheet_parts), styles.fixes_xfs())
        self._add_fixes_sheet(fixes)
        self.write("xl/styles.xml", styles.xml())
        return self._zip()

    def _mark_sheet(
        self, part: str, cells: dict[CellRef, list[Finding]], styles: _Styles, number: int
    ) -> None:
        xml = self.read(part)
        _require_default_namespace(xml)
        rels_name = _rels_name(part)
        if "<legacyDrawing" in xml or "comments" in self.parts.get(rels_name, b"").decode():
            raise Unsupported("the sheet already has comments or controls")
        fills = {
            ref: ERROR_RGB if any(f.severity == ERROR for f in items) else WARNING_RGB
            for ref, items in cells.items()
        }
        xml = _set_cell_styles(xml, fills, styles)
        comments, vml = f"xl/comments_dhtt{number}.xml", f"xl/drawings/vml_dhtt{number}.vml"
        rels = (
            self.read(rels_name)
            if rels_name in self.parts
            else (
                f'{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"></Relationships>'
            )
        )
        vml_id = _free_id(rels, "rId_dhtt_vml")
        rels = rels.replace(
            "</Relationships>",
            (
                f'<Relationship Id="{_free_id(rels, "rId_dhtt_c")}" Type="{REL_NS}/comments" '
                f'Target="../comments_dhtt{number}.xml"/><Relationship Id="{vml_id}" '
                f'Type="{REL_NS}/vmlDrawing" Target="../drawings/vml_dhtt{number}.vml"/>'
                "</Relationships>"
            ),
        )
        self.write(rels_name, rels)
        at = _legacy_drawing_position(xml)
        # A local namespace declaration: the prefix is right whatever the root declares.
        xml = f'{xml[:at]}<legacyDrawing xmlns:r="{REL_NS}" r:id="{vml_id}"/>{xml[at:]}'
        self.write(part, xml)
        messages = {ref: "\n".join(f"- {f.message}" for f in items) for ref, items in cells.items()}
        self.write(comments, comments_xml(messages))
        self.write(vml, vml_xml(messages, 1000 + number))
        self._content_type(f"/{comments}", f"{_CT}.spreadsheetml.comments+xml")
        types = self.read("[Content_Types].xml")
        if "<Default " not in types:
            raise Unsupported("[Content_Types].xml without defaults")
        if 'Extension="vml"' not in types:
            self.write(
                "[Content_Types].xml",
                types.replace(
                    "<Default ",
                    f'<Default Extension="vml" ContentType="{_CT}.vmlDrawing"/><Default ',
                    1,
                ),
            )

    def _add_fixes_sheet(self, sheet_xml: str) -> None:
        part = "xl/worksheets/sheet_dhtt_fixes.xml"
        self.write(part, sheet_xml)
        self._content_type(f"/{part}", f"{_CT}.spreadsheetml.worksheet+xml")
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = self.read(rels_name)
        rel_id = _free_id(rels, "rId_dhtt_fixes")
        self.write(
            rels_name,
            rels.replace(
                "</Relationships>",
                (
                    f'<Relationship Id="{rel_id}" Type="{REL_NS}/worksheet" '
                    'Target="worksheets/sheet_dhtt_fixes.xml"/></Relationships>'
                ),
            ),
        )
        book = self.read("xl/workbook.xml")
        sheet_id = 1 + max((int(x) for x in re.findall(r'\bsheetId="(\d+)"', book)), default=0)
        # First tab, shown on opening: indices of sheet-scoped names shift by one.
        book = re.sub(r'\blocalSheetId="(\d+)"', lambda m: f'localSheetId="{int(m[1]) + 1}"', book)
        book = re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", book)
        if "<workbookView" in book:
            book = book.replace("<workbookView", '<workbookView activeTab="0"', 1)
        else:
            book = book.replace(
                "<sheets>", '<bookViews><workbookView activeTab="0"/></bookViews><sheets>', 1
            )
        entry = (
            f'<sheet xmlns:r="{REL_NS}" name="{escape_text(FIXES_SHEET)}" '
            f'sheetId="{sheet_id}" r:id="{rel_id}"/>'
        )
        if "<sheets>" not in book:
            raise Unsupported("unexpected <sheets> element")
        book = book.replace("<sheets>", f"<sheets>{entry}", 1)
        self.write("xl/workbook.xml", _with_print_titles(book))
        for sheet in self.sheet_parts.values():  # one selected tab, or Excel groups them
            if sheet in self.parts and _TAB_SELECTED.search(self.read(sheet)):
                self.write(sheet, _TAB_SELECTED.sub('tabSelected="0"', self.read(sheet)))

    def _content_type(self, part: str, kind: str) -> None:
        types = self.read("[Content_Types].xml")
        self.write(
            "[Content_Types].xml",
            types.replace(
                "</Types>", f'<Override PartName="{part}" ContentType="{kind}"/></Types>'
            ),
        )

    def _zip(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=4) as zf:
            for name in self.order:
                data = self.text[name].encode("utf-8") if name in self.text else self.parts[name]
                zf.writestr(name, data)
        return out.getvalue()


# CT_Workbook children that follow <definedNames>.
_AFTER_NAMES = (
    "<calcPr",
    "<oleSize",
    "<customWorkbookViews",
    "<pivotCaches",
    "<smartTagPr",
    "<smartTagTypes",
    "<webPublishing",
    "<fileRecoveryPr",
    "<webPublishObjects",
    "<extLst",
    "</workbook>",
)


def _with_print_titles(book: str) -> str:
    """The fixes sheet (the first tab) repeats its header row on every printed page."""
    ref = f"'{FIXES_SHEET}'!${FIXES_HEADER_ROW}:${FIXES_HEADER_ROW}"
    name = (
        f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{escape_text(ref)}</definedName>'
    )
    if "<definedNames/>" in book:
        return book.replace("<definedNames/>", f"<definedNames>{name}</definedNames>", 1)
    if "<definedNames>" in book:
        return book.replace("<definedNames>", f"<definedNames>{name}", 1)
    at = min(i for i in (book.find(tag) for tag in _AFTER_NAMES) if i >= 0)
    return f"{book[:at]}<definedNames>{name}</definedNames>{book[at:]}"


def _marks(
    findings: list[Finding], sheet_parts: dict[str, str]
) -> dict[str, dict[CellRef, list[Finding]]]:
    marks: dict[str, dict[CellRef, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in sheet_parts:
            marks[finding.sheet][finding.cell].append(finding)
    return marks


def _require_default_namespace(xml: str) -> None:
    head = xml[: xml.find(">", xml.find("<", xml.find("?>") + 2)) + 1]
    if f'xmlns="{MAIN_NS}"' not in head and "content-types" not in head:
        raise Unsupported("main namespace is prefixed")


def _legacy_drawing_position(xml: str) -> int:
    """Where <legacyDrawing> goes: before the first worksheet child that must follow it."""
    if "AlternateContent" in xml:
        raise Unsupported("alternate content: child order cannot be read from text")
    found = [i for i in (xml.find(tag) for tag in _AFTER_LEGACY) if i >= 0]
    last_ext = _LAST_EXT.search(xml)
    if last_ext:
        found.append(last_ext.start())
    return min(found)


def _rels_name(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _free_id(rels: str, base: str) -> str:
    candidate, n = base, 1
    while f'Id="{candidate}"' in rels:
        n += 1
        candidate = f"{base}{n}"
    return candidate


class _Styles:
    """styles.xml with fills, fonts, borders and cell formats appended (never renumbered)."""

    def __init__(self, xml: str) -> None:
        self.xml_text = xml
        self.lists = {
            tag: _items(xml, tag, child)
            for tag, child in (
                ("fills", "fill"),
                ("fonts", "font"),
                ("borders", "border"),
                ("cellXfs", "xf"),
            )
        }
        self.clones: dict[tuple[int, str], int] = {}

    def add(self, tag: str, item: str) -> int:
        self.lists[tag].append(item)
        return len(self.lists[tag]) - 1

    def filled(self, xf: int, rgb: str) -> int:
        """A copy of cell format `xf` with a solid fill."""
        if (xf, rgb) not in self.clones:
            xfs = self.lists["cellXfs"]
            base = xfs[xf] if xf < len(xfs) else xfs[0]
            fill = self.add("fills", _solid(rgb))
            clone = re.sub(r'\s(?:fillId|applyFill)="\w+"', "", base)
            clone = re.sub(r"^<xf\b", f'<xf fillId="{fill}" applyFill="1"', clone)
            self.clones[(xf, rgb)] = self.add("cellXfs", clone)
        return self.clones[(xf, rgb)]

    def fixes_xfs(self) -> dict[str, int]:
        bold = self.add("fonts", '<font><b/><sz val="11"/><name val="Calibri"/></font>')
        link = self.add(
            "fonts", '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/></font>'
        )
        fill = self.add("fills", _solid(HEADER_RGB))
        side = f'style="thin"><color rgb="FF{BORDER_RGB}"/>'
        border = self.add(
            "borders",
            f"<border><left {side}</left><right {side}</right>"
            f"<top {side}</top><bottom {side}</bottom><diagonal/>"
            "</border>",
        )
        return {
            "bold": self.add(
                "cellXfs",
                f'<xf numFmtId="0" fontId="{bold}" fillId="0" '
                'borderId="0" xfId="0" applyFont="1"/>',
            ),
            "header": self.add(
                "cellXfs",
                (
                    f'<xf numFmtId="0" fontId="{bold}" fillId="{fill}" borderId="{border}" '
                    'xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
                    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
                ),
            ),
            "link": self.add(
                "cellXfs",
                f'<xf numFmtId="0" fontId="{link}" fillId="0" '
                'borderId="0" xfId="0" applyFont="1"/>',
            ),
            "wrap": self.add(
                "cellXfs",
                '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
                'xfId="0" applyAlignment="1"><alignment '
                'vertical="top" wrapText="1"/></xf>',
            ),
        }

    def xml(self) -> str:
        xml = self.xml_text
        for tag, items in self.lists.items():
            xml = _replace_list(xml, tag, items)
        return xml


def _solid(rgb: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
    )


def _list_span(xml: str, tag: str) -> re.Match[str]:
    found = re.search(rf"<{tag}\b[^>]*?(?:/>|>(.*?)</{tag}>)", xml, re.S)
    if found is None:
        raise Unsupported(f"styles.xml without <{tag}>")
    return found


def _items(xml: str, tag: str, child: str) -> list[str]:
    body = _list_span(xml, tag).group(1) or ""
    items = re.findall(rf"<{child}\b[^>]*?/>|<{child}\b[^>]*?>.*?</{child}>", body, re.S)
    if not items and tag in ("cellXfs", "fonts"):
        raise Unsupported(f"empty <{tag}>")
    return items


def _replace_list(xml: str, tag: str, items: list[str]) -> str:
    span = _list_span(xml, tag)
    new = f'<{tag} count="{len(items)}">{"".join(items)}</{tag}>'
    return xml[: span.start()] + new + xml[span.end() :]


def _set_cell_styles(xml: str, fills: dict[CellRef, str], styles: _Styles) -> str:
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
    ref: str, rgb: str, styles: _Styles, row_style: int | None, columns: dict[int, int]
) -> str:
    col = column_number(ref.rstrip("0123456789"))
    base = row_style if row_style is not None else columns.get(col, 0)
    return f'<c r="{ref}" s="{styles.filled(base, rgb)}"/>'


def _new_row(number: int, cells: dict[int, str], styles: _Styles, columns: dict[int, int]) -> str:
    body = "".join(
        _absent_cell(f"{column_letters(col)}{number}", rgb, styles, None, columns)
        for col, rgb in sorted(cells.items())
    )
    return f'<row r="{number}">{body}</row>'


def _patch_row(
    row: re.Match[str],
    number: int,
    cells: dict[int, str],
    styles: _Styles,
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
