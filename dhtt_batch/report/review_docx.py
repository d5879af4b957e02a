"""The Word template of the sơ kết / tổng kết Báo cáo, built on report/docx_frame.py.

The page, header block, title and signature block are the annual report's own
(`build_document`), so both reports keep one format; only the body and the appendix differ.
Built per run because its year columns depend on the span the review covers.
"""

from __future__ import annotations

from io import BytesIO

from docx.document import Document as DocxDocument

from .docx_blocks import CENTER, JUSTIFY, heading, loop_table, para
from .docx_frame import appendix_heading, build_document

TEXT_WIDTH = 16.2  # cm between the margins


def review_docx_template(years: int) -> BytesIO:
    return build_document(lambda doc: _body(doc, years), _appendix)


def _text(doc: DocxDocument, text: str, before: float = 0, keep_with_next: bool = False) -> None:
    """A body paragraph; `keep_with_next` for one that introduces the table after it."""
    para(
        doc, text, align=JUSTIFY, indent=True, before=before, after=6, keep_with_next=keep_with_next
    )


def _lines(doc: DocxDocument, items: str) -> None:
    para(doc, f"{{%p for line in {items} %}}")
    _text(doc, "{{ line }}")
    para(doc, "{%p endfor %}")


def _body(doc: DocxDocument, years: int) -> None:
    para(doc, "{{ intro }}", align=JUSTIFY, indent=True, before=12, after=6)
    heading(doc, "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN")
    _lines(doc, "situation")
    heading(doc, "II. KẾT QUẢ XÂY DỰNG VÀ NHÂN RỘNG ĐIỂN HÌNH TIÊN TIẾN")
    _text(doc, "1. Số điển hình đăng ký theo năm, theo tiêu chí:", keep_with_next=True)
    year_cells = [f"r.counts[{n}]" for n in range(years)]
    label_width = TEXT_WIDTH - 2.0 - 1.5 * years
    loop_table(
        doc,
        ["Tiêu chí", "Đối tượng", *(f"{{{{ years[{n}] }}}}" for n in range(years))],
        "r",
        "by_year",
        ["r.label", "r.kind", *year_cells],
        [label_width, 2.0, *([1.5] * years)],
        total=["Cộng", "", *(f"totals.y{n}" for n in range(years))],
    )
    para(doc, "{{ chart }}", align=CENTER, before=6)
    _text(doc, "2. Điển hình đăng ký nhiều năm:", before=6, keep_with_next=True)
    loop_table(
        doc,
        ["Số năm đăng ký", "Tập thể", "Cá nhân", "Tổng"],
        "m",
        "multi",
        ["m.years", "m.tap_the", "m.ca_nhan", "m.tong"],
        [6.0, 3.4, 3.4, 3.4],
    )
    _text(
        doc,
        "3. Danh hiệu thi đua, hình thức khen thưởng đạt được trong giai đoạn: "
        "{{ titles.gained }} điển hình có thêm danh hiệu, hình thức khen thưởng.",
        before=6,
        keep_with_next=True,
    )
    para(doc, "{%p if titles.rows %}")
    loop_table(
        doc,
        ["STT", "Danh hiệu / hình thức khen thưởng", "Tập thể", "Cá nhân", "Tổng"],
        "t",
        "titles.rows",
        ["t.stt", "t.label", "t.tap_the", "t.ca_nhan", "t.tong"],
        [1.2, 8.7, 2.1, 2.1, 2.1],
    )
    para(doc, "{%p endif %}")
    _text(doc, "4. Phạm vi lan tỏa, nhân rộng:", before=6)
    para(doc, "{%p for s in spread %}")
    _text(doc, "{{ s.text }}", keep_with_next=True)
    loop_table(
        doc,
        ["Phạm vi lan tỏa, nhân rộng", *(f"{{{{ years[{n}] }}}}" for n in range(years))],
        "row",
        "s.rows",
        ["row.label", *(f"row.counts[{n}]" for n in range(years))],
        [TEXT_WIDTH - 1.5 * years, *([1.5] * years)],
    )
    para(doc, "{%p endfor %}")
    _text(
        doc,
        "5. Đơn vị chưa đăng ký điển hình trong giai đoạn: "
        "{{ never | join('; ') if never else 'không có' }}.",
        before=6,
    )
    heading(doc, "III. ĐÁNH GIÁ CHUNG")
    _lines(doc, "assessment")
    heading(doc, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    para(doc, "{{ editable }}", italic=True, align=JUSTIFY, indent=True, after=6)
    # The closing paragraph stays on the page of the signature block (as the annual report's).
    para(doc, "{{ closing }}", align=JUSTIFY, indent=True, after=12, keep_with_next=True)


def _appendix(doc: DocxDocument) -> None:
    appendix_heading(doc, "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN TIÊU BIỂU GIAI ĐOẠN {{ phase }}")
    para(doc, "{{ ranking_rule }}", size=12, italic=True, align=JUSTIFY, after=6)
    para(doc, "{%p if candidates %}")
    loop_table(
        doc,
        [
            "STT",
            "Tên tập thể, cá nhân",
            "Đơn vị",
            "Số năm đăng ký",
            "Danh hiệu đã đạt",
            "Lan tỏa",
            "Điểm",
        ],
        "p",
        "candidates",
        ["p.stt", "p.name", "p.unit", "p.years", "p.achievements", "p.spread", "p.score"],
        [1.2, 3.2, 2.6, 2.2, 4.0, 1.8, 1.4],
    )
    para(doc, "{%p else %}")
    para(doc, "Chưa có điển hình đủ điều kiện.", italic=True, align=CENTER)
    para(doc, "{%p endif %}")
