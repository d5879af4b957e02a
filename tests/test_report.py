"""The leadership report: Nghị định 30/2020 format, figures from the workbook, three formats."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.cli import cli
from dhtt_batch.formats.consolidated import HEADER_ROW as CONSOLIDATED_HEADER_ROW
from dhtt_batch.report.context import vn_number

from .conftest import VALID_INFO, soffice, valid_row

Make = Callable[..., Path]


@pytest.fixture(scope="module")
def merged(merged_samples: Path) -> Path:
    return merged_samples


@pytest.fixture(scope="module")
def report_docx(merged: Path) -> docx.document.Document:
    return docx.Document(str(merged / "bao-cao-2025.docx"))


def texts(document: docx.document.Document) -> list[str]:
    """Paragraph texts in reading order, tables included, blanks dropped."""
    body = document.element.body
    lines = []
    for element in body.iter():
        if element.tag.endswith("}p"):
            text = "".join(t.text or "" for t in element.iter() if t.tag.endswith("}t"))
            if text.strip():
                lines.append(text.strip())
    return lines


def test_blocks_of_the_administrative_format_in_order(report_docx: docx.document.Document) -> None:
    lines = texts(report_docx)
    expected = [
        "UBND TỈNH QUẢNG BÌNH",
        "VĂN PHÒNG",
        "/BC-VPUBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Bình, ngày",
        "BÁO CÁO",
        "Kết quả phát hiện, xây dựng và nhân rộng điển hình tiên tiến năm 2025",
        "I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN",
        "II. KẾT QUẢ PHÁT HIỆN",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "- Sở Nội vụ;",
        "- Lưu: VT, HCTC.",
        "KT. CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Phạm Thị Hồng Lê",
        "PHỤ LỤC",
    ]
    position = 0
    for wanted in expected:
        found = next((i for i in range(position, len(lines)) if wanted in lines[i]), None)
        assert found is not None, f"{wanted!r} missing or out of order"
        position = found
    date_line = next(line for line in lines if line.startswith("Quảng Bình, ngày"))
    assert re.fullmatch(r"Quảng Bình, ngày \d{2} tháng \d{2} năm \d{4}", date_line)


def test_page_size_margins_fonts_and_page_numbers(report_docx: docx.document.Document) -> None:
    section = report_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= section.top_margin.mm <= 25 and 20 <= section.bottom_margin.mm <= 25
    assert 30 <= section.left_margin.mm <= 35 and 15 <= section.right_margin.mm <= 20
    assert report_docx.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= report_docx.styles["Normal"].font.size.pt <= 14
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    header_cells = report_docx.tables[0].rows[0].cells
    date_para = next(p for p in header_cells[1].paragraphs if "ngày" in p.text)
    assert all(run.italic for run in date_para.runs if run.text.strip())
    issuer = next(p for p in header_cells[0].paragraphs if p.text == "VĂN PHÒNG")
    assert issuer.runs[0].bold
    recipients_label = next(
        p for p in report_docx.tables[-2].rows[0].cells[0].paragraphs if p.text == "Nơi nhận:"
    )
    run = recipients_label.runs[0]
    assert run.bold and run.italic and run.font.size.pt == 12


def test_figures_equal_the_workbook(merged: Path, report_docx: docx.document.Document) -> None:
    wb = openpyxl.load_workbook(merged / "tong-hop-2025.xlsx")
    counts = []
    for sheet in ("a_HCM", "b_CCHC", "c_CDS"):
        ws = wb[sheet]
        kinds = [
            ws.cell(row=r, column=2).value
            for r in range(CONSOLIDATED_HEADER_ROW + 1, ws.max_row + 1)
        ]
        counts.append([kinds.count("Tập thể"), kinds.count("Cá nhân"), len(kinds)])
    table = report_docx.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Tiêu chí", "Tập thể", "Cá nhân", "Tổng"]
    assert [[int(x) for x in r[2:]] for r in rows[1:4]] == counts
    assert rows[4][2:] == [vn_number(sum(c[i] for c in counts)) for i in range(3)]
    body = "\n".join(texts(report_docx))
    assert "Đơn vị chưa gửi đăng ký: Trung tâm Tin học - Công báo." in body
    assert "Đơn vị gửi muộn: Trung tâm Phục vụ hành chính công." in body
    assert len(report_docx.inline_shapes) == 1  # the chart


def test_appendix_lists_every_proposed_exemplar(
    merged: Path, report_docx: docx.document.Document
) -> None:
    wb = openpyxl.load_workbook(merged / "tong-hop-2025.xlsx")
    proposed = 0
    for sheet in ("a_HCM", "b_CCHC", "c_CDS"):
        ws = wb[sheet]
        header = [c.value for c in ws[CONSOLIDATED_HEADER_ROW]]
        column = header.index("Hình thức đề nghị") + 1
        proposed += sum(
            1
            for r in range(CONSOLIDATED_HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(row=r, column=column).value not in (None, "Chưa đề nghị")
        )
    appendix = report_docx.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == [
        "STT",
        "Tên tập thể, cá nhân",
        "Chức vụ",
        "Đơn vị",
        "Thành tích",
        "Hình thức đề nghị",
    ]
    assert len(appendix.rows) - 1 == proposed


def test_html_escapes_markup_from_inputs(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    make_workbook(
        name="inbox/a.xlsx",
        info={**VALID_INFO},
        rows={"a_HCM": [valid_row(ho_ten="<script>alert('x')</script>")]},
    )
    out = tmp_path / "out"
    assert runner.invoke(cli, ["merge", str(tmp_path / "inbox"), "-o", str(out)]).exit_code == 0
    html_path = tmp_path / "bc.html"
    result = runner.invoke(
        cli,
        ["report", str(out / "tong-hop-2025.xlsx"), "-o", str(html_path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    html = html_path.read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert 'src="data:image/png;base64,' in html


def test_report_of_a_workbook_with_no_submissions(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    out = tmp_path / "out"
    assert runner.invoke(cli, ["merge", str(tmp_path / "inbox"), "-o", str(out)]).exit_code == 0
    target = tmp_path / "bc.docx"
    result = runner.invoke(
        cli, ["report", str(out / "tong-hop-2025.xlsx"), "-o", str(target)], catch_exceptions=False
    )
    assert result.exit_code == 0
    body = "\n".join(texts(docx.Document(str(target))))
    assert "chưa có đơn vị nào gửi đăng ký điển hình tiên tiến hợp lệ" in body
    assert "Chưa có tập thể, cá nhân được đề nghị." in body


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
def test_pdf_has_a_sensible_page_count(merged: Path, runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bc.pdf"
    result = runner.invoke(
        cli,
        ["report", str(merged / "tong-hop-2025.xlsx"), "-o", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    pages = len(re.findall(rb"/Type\s*/Page[^s]", target.read_bytes()))
    assert 2 <= pages <= 8


def test_pdf_without_libreoffice_says_how_to_install(
    merged: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dhtt_batch.report.render.soffice_path", lambda: None)
    result = runner.invoke(
        cli, ["report", str(merged / "tong-hop-2025.xlsx"), "-o", str(tmp_path / "bc.pdf")]
    )
    assert result.exit_code == 2
    assert "Cần LibreOffice để xuất PDF" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bc.txt", None, "Chỉ xuất được .docx, .html hoặc .pdf"),
        ("bc.docx", b"not a workbook", "Không đọc được"),
    ],
)
def test_report_usage_errors(
    runner: CliRunner, tmp_path: Path, merged: Path, name: str, content: bytes | None, message: str
) -> None:
    source = merged / "tong-hop-2025.xlsx"
    if content is not None:
        source = tmp_path / "fake.xlsx"
        source.write_bytes(content)
    result = runner.invoke(cli, ["report", str(source), "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert message in result.output


def test_a_unit_template_is_not_a_consolidated_workbook(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["report", str(make_workbook()), "-o", str(tmp_path / "b.docx")])
    assert result.exit_code == 2
    assert "không phải bảng tổng hợp do dhtt-batch merge tạo ra" in result.output


def test_office_can_use_its_own_edited_template(
    runner: CliRunner, tmp_path: Path, merged: Path
) -> None:
    work = tmp_path / "work"
    assert runner.invoke(cli, ["init", str(work)]).exit_code == 0
    template = docx.Document(str(work / "mau-bao-cao.docx"))
    template.add_paragraph("Ghi chú riêng của Văn phòng: {{ roster.total }} đơn vị.")
    template.save(str(work / "mau-bao-cao.docx"))
    campaign = work / "campaign.toml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace(
            'docx_template = ""', 'docx_template = "mau-bao-cao.docx"'
        ),
        encoding="utf-8",
    )
    target = tmp_path / "bc.docx"
    result = runner.invoke(
        cli,
        ["report", "-c", str(campaign), str(merged / "tong-hop-2025.xlsx"), "-o", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert "Ghi chú riêng của Văn phòng: 10 đơn vị." in texts(docx.Document(str(target)))
