"""The default Word template of the Báo cáo, in the format of Nghị định 30/2020/NĐ-CP.

Built with python-docx and filled by docxtpl (jinja2 tags inside the .docx). `dhtt-batch init`
saves a copy an office may edit in Word and point `report.docx_template` at; the tags are the
keys of the context built in report_context.py.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..spec import SpecSet

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


def default_docx_template(specs: SpecSet) -> BytesIO:
    return build_document(lambda doc: _body(doc, specs), _appendix)


def build_document(
    body: Callable[[DocxDocument], None], appendix: Callable[[DocxDocument], None]
) -> BytesIO:
    """A Báo cáo template: this module's page, header block, title and signature block around
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


def _rule(container: DocxDocument | _Cell, width_cm: float, cell_cm: float) -> None:
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


def _borderless(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _header_block(doc: DocxDocument) -> None:
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [6.2, 10.0])
    left, right = table.rows[0].cells
    para(left, "{{ parent }}", size=13, align=CENTER)
    para(left, "{{ issuer }}", size=13, bold=True, align=CENTER)
    _rule(left, 2.2, 6.2)
    para(left, "Số: {{ number or '      ' }}/{{ symbol }}", size=13, align=CENTER, before=6)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align=CENTER)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=13.5, bold=True, align=CENTER)
    _rule(right, 5.5, 10.0)
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
    _rule(doc, 3, 16.3)


def _heading(doc: DocxDocument, text: str) -> None:
    para(doc, text, bold=True, align=JUSTIFY, indent=True, before=6, after=6, keep_with_next=True)


def _body_text(doc: DocxDocument, text: str, keep_with_next: bool = False) -> None:
    para(doc, text, align=JUSTIFY, indent=True, after=6, keep_with_next=keep_with_next)


def _if(doc: DocxDocument, condition: str, text: str) -> None:
    para(doc, f"{{%p if {condition} %}}")
    _body_text(doc, text)
    para(doc, "{%p endif %}")


def _body(doc: DocxDocument, specs: SpecSet) -> None:
    para(
        doc,
        "Thực hiện {{ plan }}, {{ agency }} báo cáo kết quả {{ period | lower }} như sau:",
        align=JUSTIFY,
        indent=True,
        before=12,
        after=6,
    )
    _heading(doc, "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN")
    _body_text(
        doc,
        "Tổng số đơn vị phải báo cáo: {{ roster.total }}; đã gửi đăng ký: "
        "{{ roster.reported }}, trong đó đúng hạn {{ roster.on_time }}, gửi muộn "
        "{{ roster.late | length }}; chưa gửi: {{ roster.missing | length }}.",
    )
    _if(doc, "roster.late", "Đơn vị gửi muộn: {{ roster.late | join('; ') }}.")
    _if(doc, "roster.missing", "Đơn vị chưa gửi đăng ký: {{ roster.missing | join('; ') }}.")
    _if(
        doc,
        "roster.needs_fixes",
        "Đơn vị có biểu mẫu cần sửa, bổ sung: {{ roster.needs_fixes | join('; ') }}.",
    )
    _body_text(doc, "Tình hình nộp biểu mẫu của từng đơn vị:", keep_with_next=True)
    _loop_table(
        doc,
        ["STT", "Đơn vị", "Tình hình nộp", "Người lập biểu", "Điện thoại"],
        "s",
        "submissions",
        ["s.stt", "s.name", "s.status", "s.contact", "s.phone"],
        [1.2, 5.5, 2.5, 3.8, 3.2],
    )
    _heading(doc, "II. KẾT QUẢ PHÁT HIỆN, XÂY DỰNG VÀ NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN")
    _body_text(
        doc,
        "Tổng số điển hình tiên tiến đăng ký: {{ totals.tong }} ({{ totals.tap_the }} "
        "tập thể, {{ totals.ca_nhan }} cá nhân), cụ thể theo từng tiêu chí:",
        keep_with_next=True,
    )
    _loop_table(
        doc,
        ["STT", "Tiêu chí", "Tập thể", "Cá nhân", "Tổng"],
        "c",
        "criteria",
        ["c.stt", "c.label", "c.text.tap_the", "c.text.ca_nhan", "c.text.tong"],
        [1.2, 8.7, 2.1, 2.1, 2.1],
        total=["", "Tổng cộng", "totals.tap_the", "totals.ca_nhan", "totals.tong"],
    )
    para(doc, "{{ chart }}", align=CENTER, before=6)
    para(
        doc,
        "Số điển hình theo đơn vị:",
        align=JUSTIFY,
        indent=True,
        before=6,
        after=6,
        keep_with_next=True,
    )
    count = len(specs.criteria)
    # The criteria by name (the spec's label), in columns wide enough for a few lines each.
    criterion_width = min(3.2, (16.2 - 1.2 - 1.6 - 4.4) / count)
    _loop_table(
        doc,
        ["STT", "Đơn vị", *(s.label for s in specs.criteria), "Tổng"],
        "u",
        "units",
        ["u.stt", "u.name", *(f"u.counts[{i}]" for i in range(count)), "u.tong"],
        [1.2, 16.2 - 1.2 - 1.6 - criterion_width * count, *([criterion_width] * count), 1.6],
        total=[
            "",
            "Tổng cộng",
            *(f"unit_totals.counts[{i}]" for i in range(count)),
            "unit_totals.tong",
        ],
        header_size=11,
    )
    _heading(doc, "III. ĐÁNH GIÁ CHUNG")
    para(doc, "{%p for line in assessment %}")
    _body_text(doc, "{{ line }}")
    para(doc, "{%p endfor %}")
    _heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    para(doc, "{{ editable }}", italic=True, align=JUSTIFY, indent=True, after=6)
    # The closing paragraph stays on the page of the signature block (see _signature_block).
    para(doc, "{{ closing }}", align=JUSTIFY, indent=True, after=12, keep_with_next=True)


def _loop_table(
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
    _fill(table.rows[0].cells, headers, bold=True, size=header_size)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {var} in {items} %}}")
    _fill(table.rows[2].cells, [f"{{{{ {c} }}}}" for c in cells])
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if total:
        _fill(table.rows[4].cells, [f"{{{{ {c} }}}}" if "." in c else c for c in total], bold=True)
    _widths(table, widths)
    _rows_whole(table, header_rows=1)


def _rows_whole(table: Table, header_rows: int) -> None:
    """Rows never split across pages; the first `header_rows` repeat on each page."""
    for number, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        flags = ["w:cantSplit", *(["w:tblHeader"] if number < header_rows else [])]
        for flag in flags:
            properties.append(OxmlElement(flag))


def _widths(table: Table, widths: list[float]) -> None:
    """Fixed column widths; Word reads the cells', LibreOffice the grid's, so set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _fill(cells: list[_Cell], texts: list[str], bold: bool = False, size: float = 12) -> None:
    for cell, text in zip(cells, texts, strict=True):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        wide = any(
            word in text for word in ("label", "name", "achievement", "unit", "position", "contact")
        )
        paragraph.alignment = LEFT if wide and not bold else CENTER


def _signature_block(doc: DocxDocument) -> None:
    """Nơi nhận and the signature in one row that cannot split: with the closing paragraph
    kept with it, the signer's name never lands alone on a page."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [8.0, 8.2])
    _rows_whole(table, header_rows=0)
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


APPENDIX_HEADERS = [
    "STT",
    "Tên tập thể, cá nhân",
    "Chức vụ",
    "Đơn vị",
    "Thành tích",
    "Hình thức đề nghị",
]


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


def _appendix(doc: DocxDocument) -> None:
    appendix_heading(
        doc, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐIỂN HÌNH TIÊN TIẾN ĐỀ NGHỊ BIỂU DƯƠNG, KHEN THƯỞNG"
    )
    para(doc, "{%p if proposals %}")
    _grouped_table(doc)
    para(doc, "{%p else %}")
    para(doc, "Chưa có tập thể, cá nhân được đề nghị.", italic=True, align=CENTER)
    para(doc, "{%p endif %}")


def _grouped_table(doc: DocxDocument) -> None:
    """The proposals under a row per criterion, and within it a row per kind (tập thể, cá
    nhân): nested `{%tr for %}` loops over context['appendix']."""
    rows = [
        None,
        "{%tr for g in appendix %}",
        ("{{ g.title }}", True, False),
        "{%tr for k in g.kinds %}",
        ("{{ k.title }}", True, True),
        "{%tr for p in k.rows %}",
        None,
        "{%tr endfor %}",
        "{%tr endfor %}",
        "{%tr endfor %}",
    ]
    table = doc.add_table(rows=len(rows), cols=len(APPENDIX_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fill(table.rows[0].cells, APPENDIX_HEADERS, bold=True)
    _fill(
        table.rows[6].cells,
        [
            f"{{{{ p.{key} }}}}"
            for key in ("stt", "name", "position", "unit", "achievement", "form")
        ],
    )
    _widths(table, [1.2, 3.4, 2.4, 3.0, 3.8, 2.4])
    for row, content in zip(table.rows, rows, strict=True):
        if isinstance(content, str):
            row.cells[0].paragraphs[0].add_run(content)
        elif content is not None:
            text, bold, italic = content
            cell = row.cells[0].merge(row.cells[-1])
            run = cell.paragraphs[0].add_run(text)
            run.font.size, run.bold, run.italic = Pt(12), bold, italic
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    _rows_whole(table, header_rows=1)


# The blocks other report templates are built from (report/review_docx.py), under public names.
heading = _heading
loop_table = _loop_table
