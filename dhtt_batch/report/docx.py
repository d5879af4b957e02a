"""The default Word template of the annual Báo cáo: its body and appendix, inside the frame
of docx_frame.py (Nghị định 30/2020/NĐ-CP), built from docx_blocks.py.

Built with python-docx and filled by docxtpl (jinja2 tags inside the .docx). `dhtt-batch init`
saves a copy an office may edit in Word and point `report.docx_template` at; the tags are the
keys of the context built in context.py.
"""

from __future__ import annotations

from io import BytesIO

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt

from ..spec import SpecSet
from .docx_blocks import (
    CENTER,
    JUSTIFY,
    column_widths,
    fill_row,
    heading,
    keep_rows_whole,
    loop_table,
    para,
)
from .docx_frame import appendix_heading, build_document


def default_docx_template(specs: SpecSet) -> BytesIO:
    return build_document(lambda doc: _body(doc, specs), _appendix)


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
    heading(doc, "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN")
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
    loop_table(
        doc,
        ["STT", "Đơn vị", "Tình hình nộp", "Người lập biểu", "Điện thoại"],
        "s",
        "submissions",
        ["s.stt", "s.name", "s.status", "s.contact", "s.phone"],
        [1.2, 5.5, 2.5, 3.8, 3.2],
    )
    heading(doc, "II. KẾT QUẢ PHÁT HIỆN, XÂY DỰNG VÀ NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN")
    _body_text(
        doc,
        "Tổng số điển hình tiên tiến đăng ký: {{ totals.tong }} ({{ totals.tap_the }} "
        "tập thể, {{ totals.ca_nhan }} cá nhân), cụ thể theo từng tiêu chí:",
        keep_with_next=True,
    )
    loop_table(
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
    loop_table(
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
    heading(doc, "III. ĐÁNH GIÁ CHUNG")
    para(doc, "{%p for line in assessment %}")
    _body_text(doc, "{{ line }}")
    para(doc, "{%p endfor %}")
    heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    para(doc, "{{ editable }}", italic=True, align=JUSTIFY, indent=True, after=6)
    # The closing paragraph stays on the page of the signature block (docx_frame.py).
    para(doc, "{{ closing }}", align=JUSTIFY, indent=True, after=12, keep_with_next=True)


APPENDIX_HEADERS = [
    "STT",
    "Tên tập thể, cá nhân",
    "Chức vụ",
    "Đơn vị",
    "Thành tích",
    "Hình thức đề nghị",
]


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
    fill_row(table.rows[0].cells, APPENDIX_HEADERS, bold=True)
    fill_row(
        table.rows[6].cells,
        [
            f"{{{{ p.{key} }}}}"
            for key in ("stt", "name", "position", "unit", "achievement", "form")
        ],
    )
    column_widths(table, [1.2, 3.4, 2.4, 3.0, 3.8, 2.4])
    for row, content in zip(table.rows, rows, strict=True):
        if isinstance(content, str):
            row.cells[0].paragraphs[0].add_run(content)
        elif content is not None:
            text, bold, italic = content
            cell = row.cells[0].merge(row.cells[-1])
            run = cell.paragraphs[0].add_run(text)
            run.font.size, run.bold, run.italic = Pt(12), bold, italic
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    keep_rows_whole(table, header_rows=1)
