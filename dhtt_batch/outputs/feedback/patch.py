"""Feedback copies by patching the unit's .xlsx package instead of an openpyxl round trip.

An openpyxl load + save of a filled template costs ~0.2 s (every cell becomes an object, twice);
a province merge writes hundreds of copies. Here the package is copied part by part and only
what feedback needs is edited as text: marked cells get a cloned cell format with a red or
yellow fill, each marked sheet gets a comments part (+ the legacy VML drawing Excel shows them
with), and the fixes sheet is added first with links to the cells. Everything else — the
unit's validations, protection, formatting, even parts openpyxl would drop — is kept byte for
byte. Anything unusual (prefixed main namespace, cells without addresses, existing comments, a
returned feedback copy) raises Unsupported with the reason, and the caller falls back to the
openpyxl path (the reason goes into the manifest).

This module is the package's side: its parts, relationships, content types and the workbook's
sheet list; a worksheet's own edits are in sheet_xml.py, the appended styles in styles_xml.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path

from ...findings import ERROR, Finding
from ...xlsx.cell_xml import escape_text
from ...xlsx.cells import CellRef
from ...xlsx.package import PackageError, sheet_parts
from ...xlsx.parts import ERROR_RGB, MAIN_NS, REL_NS, WARNING_RGB, XML_HEAD
from .parts import (
    FIXES_HEADER_ROW,
    FIXES_SHEET,
    Unsupported,
    comments_xml,
    fixes_sheet_xml,
    is_fixes_sheet,
    vml_xml,
)
from .sheet_xml import legacy_drawing_position, set_cell_styles
from .styles_xml import Styles

_CT = "application/vnd.openxmlformats-officedocument"
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
        styles = Styles(self.read("xl/styles.xml"))
        marks = _marks(findings, self.sheet_parts)
        for number, (sheet, cells) in enumerate(sorted(marks.items()), start=1):
            self._mark_sheet(self.sheet_parts[sheet], cells, styles, number)
        fixes = fixes_sheet_xml(findings, set(self.sheet_parts), styles.fixes_xfs())
        self._add_fixes_sheet(fixes)
        self.write("xl/styles.xml", styles.xml())
        return self._zip()

    def _mark_sheet(
        self, part: str, cells: dict[CellRef, list[Finding]], styles: Styles, number: int
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
        xml = set_cell_styles(xml, fills, styles)
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
        at = legacy_drawing_position(xml)
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


def _rels_name(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def _free_id(rels: str, base: str) -> str:
    candidate, n = base, 1
    while f'Id="{candidate}"' in rels:
        n += 1
        candidate = f"{base}{n}"
    return candidate
