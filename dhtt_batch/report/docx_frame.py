"""The frame of every Báo cáo template, in the format of Nghị định 30/2020/NĐ-CP: the A4 page
and its margins, the header block (issuer, number, motto, place and date), the title, the
Nơi nhận and signature block and the appendix heading, around a report's own body.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from .docx_blocks import (
    BODY_PT,
    CENTER,
    FONT,
    borderless,
    centred_rule,
    column_widths,
    keep_rows_whole,
    para,
)


def build_document(
    body: Callable[[DocxDocument], None], appendix: Callable[[DocxDocument], None]
) -> BytesIO:
    """A Báo cáo template: the frame's page, header block, title and signature block around
    a body and an appendix (the annual report's, or another report's such as the review's)."""
    doc = Document()
    _zoom(doc)
    _page_setup(doc)
    _header_block(doc)
    _title(doc)
    body(doc)
    _signature_block(doc)
    appendix(doc)
    buffer = BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    return buffer


def _zoom(doc: DocxDocument) -> None:
    """python-docx's default settings.xml has <w:zoom> without the required w:percent."""
    for zoom in doc.settings.element.findall(qn("w:zoom")):
        zoom.set(qn("w:percent"), "100")


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Inside Phụ lục I's ranges (top/bottom 20-25, left 30-35, right 15-20 mm), clear of the
    # edges so EMU rounding never lands outside them.
    section.top_margin, section.bottom_margin = Mm(21), Mm(21)
    section.left_margin, section.right_margin = Mm(31), Mm(16)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    # Page numbers from page 2: a different (empty) first-page header.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    _page_field(number)


def _page_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header_block(doc: DocxDocument) -> None:
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    column_widths(table, [6.2, 10.0])
    left, right = table.rows[0].cells
    para(left, "{{ parent }}", size=13, align=CENTER)
    para(left, "{{ issuer }}", size=13, bold=True, align=CENTER)
    centred_rule(left, 2.2, 6.2)
    para(left, "Số: {{ number or '      ' }}/{{ symbol }}", size=13, align=CENTER, before=6)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align=CENTER)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=13.5, bold=True, align=CENTER)
    centred_rule(right, 5.5, 10.0)
    para(
        right,
        "{{ place }}, ngày {{ date.day }} tháng {{ date.month }} năm {{ date.year }}",
        italic=True,
        align=CENTER,
        before=6,
    )
    for cell in (left, right):
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)


def _title(doc: DocxDocument) -> None:
    para(doc, "BÁO CÁO", bold=True, align=CENTER, before=18)
    para(doc, "{{ subject }}", bold=True, align=CENTER)
    centred_rule(doc, 3, 16.3)


def _signature_block(doc: DocxDocument) -> None:
    """Nơi nhận and the signature in one row that cannot split: with the closing paragraph
    kept with it, the signer's name never lands alone on a page."""
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    column_widths(table, [8.0, 8.2])
    keep_rows_whole(table, header_rows=0)
    left, right = table.rows[0].cells
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, keep_with_next=True)
    para(left, "{%p for line in recipients %}")
    para(left, "{{ line }}", size=11, keep_with_next=True)
    para(left, "{%p endfor %}")
    para(right, "{{ signer.authority }}", bold=True, align=CENTER, keep_with_next=True)
    para(right, "{{ signer.title }}", bold=True, align=CENTER, keep_with_next=True)
    for _ in range(4):
        para(right, "", align=CENTER, keep_with_next=True)
    para(right, "{{ signer.name }}", bold=True, align=CENTER)
    for cell in (left, right):
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)


def appendix_heading(doc: DocxDocument, title: str) -> None:
    """A new page headed "PHỤ LỤC", the list's title and the report it goes with."""
    para(doc).add_run().add_break(WD_BREAK.PAGE)
    para(doc, "PHỤ LỤC", bold=True, align=CENTER)
    para(doc, title, bold=True, align=CENTER)
    para(
        doc,
        "(Kèm theo Báo cáo số {{ number or '      ' }}/{{ symbol }} ngày {{ date.day }}/"
        "{{ date.month }}/{{ date.year }} của {{ agency }})",
        italic=True,
        align=CENTER,
        after=6,
    )
