"""Building blocks of the Báo cáo's Word templates (python-docx): paragraphs in the report's
font, headings, rules, borderless and looping tables — with the XML python-docx has no API for
(borders, row flags) inserted in the schema's order.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT
# Children that follow w:pBdr in w:pPr and w:tblBorders in w:tblPr (ISO/IEC 29500-1 §17.3.1.26,
# §17.4.60): Word on the web refuses, and desktop Word silently repairs, elements out of order.
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_TBLBORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)


def para(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: int | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
        run.font.name = FONT
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    if keep_with_next:
        fmt.keep_with_next = True
    return paragraph


def centred_rule(container: DocxDocument | _Cell, width_cm: float, cell_cm: float) -> None:
    """A short centred horizontal rule: a bottom border on a narrow, empty paragraph."""
    paragraph = para(container, size=4, align=CENTER)
    margin = Cm(max((cell_cm - width_cm) / 2, 0))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = margin
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def heading(doc: DocxDocument, text: str) -> None:
    para(doc, text, bold=True, align=JUSTIFY, indent=True, before=6, after=6, keep_with_next=True)


def loop_table(
    doc: DocxDocument,
    headers: list[str],
    var: str,
    items: str,
    cells: list[str],
    widths: list[float],
    total: list[str] | None = None,
    header_size: float = 12,
) -> None:
    """Header row (repeated on each page), `{%tr for %}` row, the repeated row, `{%tr endfor %}`
    row, optional total; no row splits across pages."""
    table = doc.add_table(rows=4 + (1 if total else 0), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    fill_row(table.rows[0].cells, headers, bold=True, size=header_size)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {var} in {items} %}}")
    fill_row(table.rows[2].cells, [f"{{{{ {c} }}}}" for c in cells])
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if total:
        fill_row(
            table.rows[4].cells, [f"{{{{ {c} }}}}" if "." in c else c for c in total], bold=True
        )
    column_widths(table, widths)
    keep_rows_whole(table, header_rows=1)


def keep_rows_whole(table: Table, header_rows: int) -> None:
    """Rows never split across pages; the first `header_rows` repeat on each page."""
    for number, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        flags = ["w:cantSplit", *(["w:tblHeader"] if number < header_rows else [])]
        for flag in flags:
            properties.append(OxmlElement(flag))


def column_widths(table: Table, widths: list[float]) -> None:
    """Fixed column widths; Word reads the cells', LibreOffice the grid's, so set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def fill_row(cells: list[_Cell], texts: list[str], bold: bool = False, size: float = 12) -> None:
    for cell, text in zip(cells, texts, strict=True):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        wide = any(
            word in text for word in ("label", "name", "achievement", "unit", "position", "contact")
        )
        paragraph.alignment = LEFT if wide and not bold else CENTER
