"""Printouts of the workbooks: each sheet fitted to its paper with text at 8 pt or more,
wrapped rows as high as their text, header rows repeated, the title and page numbers in the
margins, borders on the table only. Checked in the settings (read back with openpyxl) and on
the pages LibreOffice prints (font sizes and overlapping words read from the PDF)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.formats.consolidated import (
    DUPLICATES_SHEET,
    ERRORS_SHEET,
    STATUS_SHEET,
    SUMMARY_SHEET,
)
from dhtt_batch.formats.consolidated import HEADER_ROW as TOP
from dhtt_batch.formats.template_layout import HEADER_ROW, INSTRUCTIONS_SHEET, NUMBER_ROW
from dhtt_batch.outputs.feedback.parts import FIXES_SHEET
from dhtt_batch.spec import SpecSet
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template
from dhtt_batch.xlsx.printing import A3, A4, Page, fit_widths, print_widths, text_lines

from .conftest import (
    VALID_INFO,
    lo_convert,
    overlapping_words,
    pdf_page_texts,
    pdf_text_sizes,
    pdf_words,
    soffice,
    valid_row,
)

needs_libreoffice = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils (pdftotext) not installed",
)
FONT_PT = 11


def widths(ws: Worksheet) -> list[float]:
    return [ws.column_dimensions[get_column_letter(n)].width for n in range(1, ws.max_column + 1)]


def visible(wb: openpyxl.Workbook) -> list[Worksheet]:
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def assert_fitted(ws: Worksheet, paper: int, landscape: bool = True) -> None:
    """Fitted to one page wide on `paper`, at a scale that prints 11-pt text at 8.5 pt or
    more, with the title on top and page numbers below."""
    setup = ws.page_setup
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
    assert (int(setup.paperSize), setup.orientation) == (
        paper,
        "landscape" if landscape else "portrait",
    ), ws.title
    assert Page(paper, landscape).scale(widths(ws)) * FONT_PT >= 8.5, ws.title
    assert ws.oddHeader.center.text, ws.title
    assert "&P" in (ws.oddFooter.center.text or "") and "&N" in ws.oddFooter.center.text


@pytest.fixture(scope="module")
def consolidated(merged_samples: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(merged_samples / "tong-hop-2025.xlsx")


def test_consolidated_sheets_fit_their_paper_readably(
    consolidated: openpyxl.Workbook, specs: SpecSet
) -> None:
    """The criterion sheets (22-24 columns) on A3, the paper of wide lists; the rest on A4."""
    criteria = {s.name for s in specs.criteria}
    for ws in visible(consolidated):
        assert_fitted(ws, A3 if ws.title in criteria else A4)
        assert ws.print_title_rows == f"${TOP}:${TOP}"
        assert ws["A1"].value.split(" - ")[0] in ws.oddHeader.center.text
        assert not ws.print_options.gridLines


def test_consolidated_borders_are_on_the_table_only(consolidated: openpyxl.Workbook) -> None:
    summary = consolidated["Tổng hợp"]
    last_col = summary.max_column
    total_row = next(r[0].row for r in summary.iter_rows() if r[1].value == "Tổng cộng")
    for row in range(TOP, total_row + 1):
        for col in range(1, last_col + 1):
            assert summary.cell(row=row, column=col).border.left.style == "thin", (row, col)
    # not on the empty sheet around the table, nor on the title
    assert summary.cell(row=1, column=1).border.left.style is None
    assert summary.cell(row=total_row + 1, column=4).border.left.style is None
    assert summary.cell(row=TOP + 1, column=last_col + 1).border.left.style is None
    # a cell left blank inside a table still has its borders
    sheet = consolidated["a_HCM"]
    header = [c.value for c in sheet[TOP]]
    note = header.index("Ghi chú") + 1
    blank = next(r for r in range(TOP + 1, sheet.max_row + 1) if not sheet.cell(r, note).value)
    assert sheet.cell(row=blank, column=note).border.left.style == "thin"


def test_rows_of_wrapped_text_are_as_high_as_their_lines(consolidated: openpyxl.Workbook) -> None:
    checked = 0
    for ws in visible(consolidated):
        sizes = widths(ws)
        for row in ws.iter_rows(min_row=TOP + 1):
            lines = max(
                (text_lines(c.value, sizes[c.column - 1]) for c in row if type(c.value) is str),
                default=1,
            )
            if lines > 1:
                checked += 1
                assert ws.row_dimensions[row[0].row].height >= 14 * lines, (ws.title, row[0].row)
    assert checked > 20


def test_template_sheets_print_as_a_clerk_expects(template_file: Path, specs: SpecSet) -> None:
    wb = openpyxl.load_workbook(template_file)
    instructions = wb[INSTRUCTIONS_SHEET]
    assert_fitted(instructions, A4, landscape=False)
    assert Page(A4, landscape=False).scale(widths(instructions)) == 1  # full size
    form = wb[specs.info.name]
    assert_fitted(form, A4, landscape=False)
    assert Page(A4, landscape=False).scale(widths(form)) == 1  # label, value, hint on one page
    for spec in specs.criteria:
        ws = wb[spec.name]
        assert_fitted(ws, A3)
        assert ws.print_title_rows == f"${HEADER_ROW}:${NUMBER_ROW}"
        # The lines above the table span it, instead of wrapping inside the narrow STT column.
        spans = {str(r) for r in ws.merged_cells.ranges}
        last = get_column_letter(len(spec.columns))
        assert {f"A{r}:{last}{r}" for r in range(1, HEADER_ROW - 1)} <= spans


def test_fixes_sheet_fits_one_page_wide(make_workbook, runner: CliRunner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Both ways of making a feedback copy: patching the package, and openpyxl (.xlsm)."""
    source = make_workbook(rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(source, inbox / "a.xlsx")
    shutil.copy(source, inbox / "b.xlsm")
    result = runner.invoke(cli, ["validate", str(inbox), "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 1
    for name in ("a-phan-hoi.xlsx", "b-phan-hoi.xlsx"):
        wb = openpyxl.load_workbook(tmp_path / "fb" / name)
        fixes = wb[FIXES_SHEET]
        assert_fitted(fixes, A4)
        assert fixes.print_title_rows == "$3:$3", name
        assert Page(A4).scale(widths(fixes)) > 0.95, name


# --- on the printed pages ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(
    tmp_path_factory: pytest.TempPathFactory,
    merged_samples: Path,
    campaign: Campaign,
    specs: SpecSet,
) -> dict[str, Path]:
    """PDFs of the consolidated workbook, the template and a feedback copy (one LibreOffice
    run, about 5 s)."""
    root = tmp_path_factory.mktemp("printed")
    template = root / "bieu-mau.xlsx"
    build_template(campaign, specs).save(template)
    inbox = root / "inbox"
    inbox.mkdir()
    filled = build_template(campaign, specs)
    fill_template(filled, specs, VALID_INFO, {"a_HCM": [valid_row(gioi_tinh=None)] * 3})
    filled.save(inbox / "don-vi.xlsx")
    feedback = root / "feedback"
    result = CliRunner().invoke(cli, ["validate", str(inbox), "--feedback", str(feedback)])
    assert result.exit_code == 1
    sources = [merged_samples / "tong-hop-2025.xlsx", template, feedback / "don-vi-phan-hoi.xlsx"]
    pdfs = lo_convert(sources, "pdf", root / "pdf")
    return dict(zip(("consolidated", "template", "feedback"), pdfs, strict=True))


@needs_libreoffice
@pytest.mark.parametrize("kind", ["consolidated", "template", "feedback"])
def test_every_printed_page_is_readable(kind: str, printed: dict[str, Path]) -> None:
    """No text under 8 pt on any page (the criterion sheets printed at 3.5 pt before)."""
    for number, sizes in enumerate(pdf_text_sizes(printed[kind]), start=1):
        assert sizes, f"{kind}, page {number} is empty"
        assert min(sizes) >= 8, f"{kind}, page {number}: text at {min(sizes)} pt"


@needs_libreoffice
@pytest.mark.parametrize("kind", ["consolidated", "template"])
def test_nothing_prints_over_anything_else(kind: str, printed: dict[str, Path]) -> None:
    for number, words in enumerate(pdf_words(printed[kind]), start=1):
        assert overlapping_words(words) == [], f"{kind}, page {number}"


@needs_libreoffice
def test_each_sheet_prints_on_as_few_pages_as_it_needs(
    printed: dict[str, Path], specs: SpecSet
) -> None:
    # At the sample inbox's size every sheet fits one page: summary, 3 criteria, status,
    # duplicates; the template's instructions, information sheet and 3 criteria. The errors
    # sheet takes the pages its findings need (the sample's long messages wrap over two).
    consolidated = pdf_page_texts(printed["consolidated"])
    assert all(f"Trang {n}/{len(consolidated)}" in page for n, page in enumerate(consolidated, 1))
    footers = [re.findall(r"^\s*(\S.*?)\s{2,}Trang \d+/\d+\s*$", p, re.M) for p in consolidated]
    sheets = [names[-1] for names in footers]
    errors = sheets.count(ERRORS_SHEET)
    assert errors >= 1 and sheets == [
        SUMMARY_SHEET,
        *(s.name for s in specs.criteria),
        STATUS_SHEET,
        *[ERRORS_SHEET] * errors,
        DUPLICATES_SHEET,
    ]
    template = pdf_page_texts(printed["template"])
    assert len(template) == 2 + len(specs.criteria)
    form = template[1]
    for col in specs.info.columns:  # label, value and hint side by side on one page
        assert col.header in form and " ".join(col.help.split()[:3]) in form
    assert "Kỳ báo cáo: Năm 2025" in template[2]


@needs_libreoffice
def test_the_fixes_list_prints_whole_on_its_first_page(printed: dict[str, Path]) -> None:
    pages = pdf_page_texts(printed["feedback"])
    first = pages[0]
    assert "Nội dung cần sửa" in first and "STT" in first
    assert first.count("Cá nhân phải ghi Giới tính") == 3
    assert overlapping_words(pdf_words(printed["feedback"])[0]) == []
    assert all("Nội dung cần sửa" not in page for page in pages[1:])


def test_widths_shrink_in_proportion_down_to_what_their_content_needs() -> None:
    assert fit_widths([10, 20], [5, 5], budget=40) == [10, 20]  # fits: unchanged
    assert fit_widths([10, 40], [5, 5], budget=25) == [5, 20]  # halved, 5 is the floor
    assert fit_widths([10, 40], [10, 5], budget=30) == [10, 20]


def test_narrow_tables_go_to_a4_and_wide_lists_to_a3(specs: SpecSet) -> None:
    page, widths = print_widths([6, 30, 12, 60], [5, 16, 9, 20])
    assert page == Page(A4) and widths == [6, 30, 12, 60]
    criterion = specs.criteria[0].columns
    page, widths = print_widths([c.width for c in criterion], [10] * len(criterion))
    assert page == Page(A3)
    assert page.scale(widths) >= 0.78 and min(widths) >= 10
