"""The leadership report: Nghị định 30/2020 format, figures from the workbook, three formats."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import unescape
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.campaign import default_campaign_path
from dhtt_batch.cli import cli
from dhtt_batch.formats.consolidated import HEADER_ROW as CONSOLIDATED_HEADER_ROW
from dhtt_batch.formats.consolidated import read_consolidated
from dhtt_batch.report.context import vn_date, vn_number
from dhtt_batch.spec import Role, SpecSet

from .conftest import VALID_INFO, soffice, valid_row

Make = Callable[..., Path]


@pytest.fixture(scope="module")
def merged(merged_samples: Path) -> Path:
    return merged_samples


@pytest.fixture(scope="module")
def report_docx(merged: Path) -> docx.document.Document:
    return docx.Document(str(merged / "bao-cao-2025.docx"))


@pytest.fixture(scope="module")
def report_html(merged: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    target = tmp_path_factory.mktemp("html") / "bc.html"
    args = ["report", str(merged / "tong-hop-2025.xlsx"), "-o", str(target)]
    assert CliRunner().invoke(cli, args, catch_exceptions=False).exit_code == 0
    return target.read_text(encoding="utf-8")


def html_text(html: str) -> str:
    """The text a reader sees: markup, styles and the embedded chart dropped."""
    body = html.split("<body>", 1)[1]
    return unescape(re.sub(r"<[^>]+>", " ", body))


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
    assert re.fullmatch(r"Quảng Bình, ngày \d{2} tháng (0[12]|[3-9]|1[0-2]) năm \d{4}", date_line)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 3, 5), ("05", "3", "2027")),
        (date(2027, 2, 15), ("15", "02", "2027")),
        (date(2027, 1, 9), ("09", "01", "2027")),
        (date(2027, 10, 1), ("01", "10", "2027")),
        (date(2027, 12, 25), ("25", "12", "2027")),
    ],
)
def test_date_has_a_leading_zero_only_before_days_under_10_and_months_1_2(
    day: date, expected: tuple[str, str, str]
) -> None:
    numbers = vn_date(day)
    assert (numbers["day"], numbers["month"], numbers["year"]) == expected


def table_with(document: docx.document.Document, *header: str) -> list[list[str]]:
    """The rows (cell texts) of the table whose first row starts with `header`."""
    for table in document.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows and rows[0][: len(header)] == list(header):
            return rows
    raise AssertionError(f"no table headed {header}")


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
    rows = table_with(report_docx, "STT", "Tiêu chí")
    assert rows[0] == ["STT", "Tiêu chí", "Tập thể", "Cá nhân", "Tổng"]
    assert [[int(x) for x in r[2:]] for r in rows[1:4]] == counts
    assert rows[4][2:] == [vn_number(sum(c[i] for c in counts)) for i in range(3)]
    body = "\n".join(texts(report_docx))
    assert "Đơn vị chưa gửi đăng ký: Trung tâm Tin học - Công báo." in body
    assert "Đơn vị gửi muộn: Trung tâm Phục vụ hành chính công." in body
    assert len(report_docx.inline_shapes) == 1  # the chart


def test_criteria_are_named_not_coded(
    report_docx: docx.document.Document, report_html: str, specs: SpecSet
) -> None:
    labels = [s.label for s in specs.criteria]
    assert table_with(report_docx, "STT", "Đơn vị", labels[0])[0] == [
        "STT",
        "Đơn vị",
        *labels,
        "Tổng",
    ]
    for text in ("\n".join(texts(report_docx)), html_text(report_html)):
        for spec in specs.criteria:
            assert spec.name not in text


def test_per_unit_table_ends_with_its_totals(
    merged: Path, report_docx: docx.document.Document, specs: SpecSet
) -> None:
    rows = table_with(report_docx, "STT", "Đơn vị", specs.criteria[0].label)
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 10 and total[:2] == ["", "Tổng cộng"]
    sums = [sum(int(r[col]) for r in body) for col in range(2, len(total))]
    assert [int(x) for x in total[2:]] == sums
    data = read_consolidated(merged / "tong-hop-2025.xlsx", specs)
    assert sums[-1] == sum(len(records) for records in data.rows.values())
    criteria = table_with(report_docx, "STT", "Tiêu chí")
    assert total[2:] == [r[4] for r in criteria[1:-1]] + [criteria[-1][4]]


def _proposed(merged: Path, specs: SpecSet) -> dict[str, list[tuple[str, str]]]:
    """(name, kind) of every proposed exemplar in the workbook, by criterion label."""
    data = read_consolidated(merged / "tong-hop-2025.xlsx", specs)
    found = {}
    for spec in specs.criteria:
        proposal = spec.role(Role.PROPOSAL)
        found[spec.label] = [
            (str(r[spec.key(Role.NAME)]), str(r[spec.key(Role.KIND)]))
            for r in data.rows[spec.name]
            if r.get(proposal.key) not in (None, proposal.value("none"))
        ]
    return found


def test_appendix_is_grouped_by_criterion_then_collectives_before_individuals(
    merged: Path, report_docx: docx.document.Document, specs: SpecSet
) -> None:
    rows = table_with(report_docx, "STT", "Tên tập thể, cá nhân")
    assert rows[0] == [
        "STT",
        "Tên tập thể, cá nhân",
        "Chức vụ",
        "Đơn vị",
        "Thành tích",
        "Hình thức đề nghị",
    ]
    kind = specs.criteria[0].role(Role.KIND)
    collective, individual = kind.value("collective"), kind.value("individual")
    groups: list[tuple[str, list[tuple[str, list[list[str]]]]]] = []
    for row in rows[1:]:
        if len(set(row)) == 1:  # a merged row: a criterion or a kind
            if row[0] in (collective, individual):
                groups[-1][1].append((row[0], []))
            else:
                groups.append((row[0], []))
        else:
            groups[-1][1][-1][1].append(row)
    proposed = _proposed(merged, specs)
    labels = [s.label for s in specs.criteria if proposed[s.label]]
    assert [title for title, _ in groups] == [
        f"{s.criterion}) {s.label}" for s in specs.criteria if proposed[s.label]
    ]
    numbers = []
    for (_, kinds), label in zip(groups, labels, strict=True):
        titles = [title for title, _ in kinds]
        assert titles in ([collective, individual], [collective], [individual])
        listed = [(r[1], title) for title, members in kinds for r in members]
        assert sorted(listed) == sorted(proposed[label])
        numbers += [int(r[0]) for _, members in kinds for r in members]
    assert numbers == list(range(1, sum(len(v) for v in proposed.values()) + 1))


def test_opening_names_the_plan_from_the_campaign(report_docx: docx.document.Document) -> None:
    opening = next(line for line in texts(report_docx) if line.startswith("Thực hiện"))
    assert opening == (
        "Thực hiện Kế hoạch số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-VPUBND năm 2022 về xây "
        "dựng và nhân rộng điển hình tiên tiến giai đoạn 2021 - 2025, Văn phòng UBND tỉnh "
        "Quảng Bình báo cáo kết quả năm 2025 như sau:"
    )


def test_generated_text_uses_vietnamese_quotes(
    report_docx: docx.document.Document, report_html: str
) -> None:
    body = "\n".join(texts(report_docx))
    assert "Tiêu chí có nhiều điển hình nhất là “Học tập và làm theo" in body
    for text in (body, html_text(report_html)):
        assert '"' not in text


def test_submissions_table_names_each_units_contact(
    report_docx: docx.document.Document, report_html: str
) -> None:
    rows = table_with(report_docx, "STT", "Đơn vị", "Tình hình nộp")
    assert rows[0] == ["STT", "Đơn vị", "Tình hình nộp", "Người lập biểu", "Điện thoại"]
    by_unit = {r[1]: r[2:] for r in rows[1:]}
    assert len(by_unit) == 10
    # As the units wrote them on their information sheets (samples/make_samples.py).
    assert by_unit["Phòng Kinh tế"] == ["Cần sửa", "Trương Văn Lộc", "0232 3822 303"]
    assert by_unit["Trung tâm Phục vụ hành chính công"] == [
        "Nộp muộn",
        "Ngô Thị Diệu",
        "0232 3822 909",
    ]
    assert by_unit["Trung tâm Tin học - Công báo"] == ["Chưa nộp", "", ""]
    assert "Trương Văn Lộc" in html_text(report_html)


def test_dates_and_plan_reference_follow_the_campaign(
    merged: Path, runner: CliRunner, tmp_path: Path
) -> None:
    text = default_campaign_path().read_text(encoding="utf-8")
    for old, new in (
        ('date = ""', "date = 2027-03-05"),
        ('plan_number = ""', 'plan_number = "125"'),
        ("plan_date = 2022", "plan_date = 2022-02-07"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(text, encoding="utf-8")
    target = tmp_path / "bc.docx"
    args = ["report", "-c", str(campaign), str(merged / "tong-hop-2025.xlsx"), "-o", str(target)]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    body = "\n".join(texts(docx.Document(str(target))))
    assert "Quảng Bình, ngày 05 tháng 3 năm 2027" in body
    assert "ngày 05/3/2027 của Văn phòng UBND tỉnh Quảng Bình" in body  # the appendix
    assert "Thực hiện Kế hoạch số 125/KH-VPUBND ngày 07/02/2022 về xây dựng" in body
    without = text.replace('plan_symbol = "KH-VPUBND"', 'plan_symbol = ""')
    campaign.write_text(without, encoding="utf-8")
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    body = "\n".join(texts(docx.Document(str(target))))
    assert (
        "Thực hiện Kế hoạch xây dựng và nhân rộng điển hình tiên tiến giai đoạn 2021 - 2025, Văn"
        in body
    )


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


def test_office_can_edit_its_html_report_and_its_frame(
    runner: CliRunner, tmp_path: Path, merged: Path
) -> None:
    """`init` gives both the HTML report and the frame it extends (letterhead, closing,
    signature); an edit in either, in the work folder, shows in the report."""
    work = tmp_path / "work"
    assert runner.invoke(cli, ["init", str(work)]).exit_code == 0
    html, frame = work / "mau-bao-cao.html", work / "khung-bao-cao.html"
    html.write_text(
        html.read_text(encoding="utf-8").replace(
            "<h2>II.", "<p>Ghi chú riêng: {{ roster.total }} đơn vị.</p>\n<h2>II.", 1
        ),
        encoding="utf-8",
    )
    frame.write_text(
        frame.read_text(encoding="utf-8").replace("<h1>BÁO CÁO</h1>", "<h1>BÁO CÁO NHANH</h1>"),
        encoding="utf-8",
    )
    campaign = work / "campaign.toml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace(
            'html_template = ""', 'html_template = "mau-bao-cao.html"'
        ),
        encoding="utf-8",
    )
    target = tmp_path / "bc.html"
    args = ["report", "-c", str(campaign), str(merged / "tong-hop-2025.xlsx"), "-o", str(target)]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert "<p>Ghi chú riêng: 10 đơn vị.</p>" in page and "<h1>BÁO CÁO NHANH</h1>" in page
    assert "PHỤ LỤC<br>DANH SÁCH TẬP THỂ, CÁ NHÂN ĐIỂN HÌNH TIÊN TIẾN" in page
