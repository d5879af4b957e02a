"""The streaming .xlsx writer: what it writes reads back the same in openpyxl and calamine."""

from __future__ import annotations

import math
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine as calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from dhtt_batch.reader import read_workbook
from dhtt_batch.xlsx.parts import BarChart, Style
from dhtt_batch.xlsx.printing import A3, Page
from dhtt_batch.xlsx.stream import Cell, Layout, Workbook

STYLES = {
    "header": Style(
        bold=True, fill="DDEBF7", border="808080", wrap=True, horizontal="center", vertical="center"
    ),
    "date": Style(number_format="DD/MM/YYYY"),
    "bold": Style(bold=True, size=13),
}


def save(tmp_path: Path, **sheets: list[list[object]]) -> Path:
    wb = Workbook(STYLES, date_style="date")
    for name, rows in sheets.items():
        wb.add_sheet(name, rows)
    target = tmp_path / "out.xlsx"
    wb.save(str(target))
    return target


def test_values_read_back_in_openpyxl_and_calamine(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Nguyễn Thị Ánh", 1984, 2.5, True, date(2025, 12, 10), None, "", math.nan, "end"],
        [" khoảng trắng ", "a & b < c > d", Decimal("7.25"), -3],
    ]
    target = save(tmp_path, Sheet1=rows)
    ws = openpyxl.load_workbook(target)["Sheet1"]
    assert [c.value for c in ws[1]] == [
        "Nguyễn Thị Ánh",
        1984,
        2.5,
        True,
        datetime(2025, 12, 10),
        None,
        None,
        None,
        "end",
    ]
    assert ws["E1"].number_format == "DD/MM/YYYY"
    assert [ws.cell(row=2, column=n).value for n in range(1, 5)] == [
        " khoảng trắng ",
        "a & b < c > d",
        7.25,
        -3,
    ]
    book = calamine.CalamineWorkbook.from_path(str(target))
    values = book.get_sheet_by_name("Sheet1").to_python()
    assert values[0][:5] == ["Nguyễn Thị Ánh", 1984, 2.5, True, date(2025, 12, 10)]


def test_characters_xml_forbids_are_escaped_the_way_excel_reads_them(tmp_path: Path) -> None:
    target = save(tmp_path, S=[["x\x01y", "_x0041_", "tab\there"]])
    book = calamine.CalamineWorkbook.from_path(str(target))
    assert book.get_sheet_by_name("S").to_python() == [["x\x01y", "_x0041_", "tab\there"]]


def test_formula_looking_text_is_stored_as_text_with_quote_prefix(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://evil.example","bấm")'
    target = save(tmp_path, S=[[hostile, Cell("+1985", "bold"), "-"]])
    ws = openpyxl.load_workbook(target)["S"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in ws[1]] == [
        (hostile, "s", True),
        ("+1985", "s", True),
        ("-", "s", True),
    ]
    assert ws["B1"].font.b
    with zipfile.ZipFile(target) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")


def test_named_styles_reach_the_cells(tmp_path: Path) -> None:
    target = save(tmp_path, S=[[Cell("Tiêu đề", "bold")], [Cell("STT", "header"), "x"]])
    ws = openpyxl.load_workbook(target)["S"]
    assert ws["A1"].font.b and ws["A1"].font.sz == 13
    header = ws["A2"]
    assert header.fill.fgColor.rgb == "FFDDEBF7" and header.border.left.style == "thin"
    assert header.alignment.wrap_text and header.alignment.horizontal == "center"
    assert not ws["B2"].font.b


def test_an_empty_cell_given_a_style_is_written_with_it(tmp_path: Path) -> None:
    """Outside a table body too: a small table's empty cells keep their borders."""
    target = save(tmp_path, S=[[Cell("", "header"), Cell(None, "header"), "", None, "x"]])
    ws = openpyxl.load_workbook(target)["S"]
    assert ws["A1"].border.left.style == "thin" and ws["B1"].border.left.style == "thin"
    assert ws["A1"].value is None and ws["C1"].border.left.style is None


def test_layout_frozen_header_filter_print_setup_hidden_sheet(tmp_path: Path) -> None:
    wb = Workbook(STYLES)
    wb.add_sheet(
        "Bảng 'A' 2025",
        [["Tiêu đề"], ["STT", "Tên"], [1, "An"], [2, "Bình"]],
        Layout(
            [6, 30],
            header_row=2,
            last_row=4,
            columns=2,
            gridlines=True,
            landscape_a4=True,
            heights={2: 45},
        ),
    )
    wb.add_sheet("_meta", [["kind", "x"]], Layout(hidden=True))
    target = tmp_path / "out.xlsx"
    wb.save(str(target))
    book = openpyxl.load_workbook(target)
    ws = book["Bảng 'A' 2025"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:B4"
    assert ws.column_dimensions["B"].width == 30 and ws.row_dimensions[2].height == 45
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_options.gridLines and ws.print_title_rows == "$2:$2"
    assert book["_meta"].sheet_state == "hidden" and ws.sheet_state == "visible"


def test_bar_chart_refers_to_the_given_rows(tmp_path: Path) -> None:
    chart = BarChart(
        "Số lượng theo tiêu chí",
        "Số lượng",
        value_row=3,
        label_row=2,
        first_col=2,
        last_col=3,
        anchor_col=5,
        anchor_row=6,
    )
    wb = Workbook()
    wb.add_sheet("Tổng hợp", [["Tiêu đề"], ["", "A", "B"], ["Tổng", 4, 7]], Layout(chart=chart))
    target = tmp_path / "out.xlsx"
    wb.save(str(target))
    ws = openpyxl.load_workbook(target)["Tổng hợp"]
    assert len(ws._charts) == 1
    series = ws._charts[0].series[0]
    assert series.val.numRef.f == "'Tổng hợp'!$B$3:$C$3"
    assert series.cat.strRef.f == "'Tổng hợp'!$B$2:$C$2"


def test_output_passes_the_safe_reader(tmp_path: Path) -> None:
    target = save(tmp_path, S=[["a", 1]] * 10)
    workbook, failures = read_workbook(target, "out.xlsx")
    assert failures == [] and workbook is not None and workbook.warnings == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.none(), st.text(max_size=40), st.integers(-(10**9), 10**9)),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_text_and_numbers_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[object]]
) -> None:
    """Read back with calamine, as dhtt-batch itself reads workbooks (empty cells are "")."""
    target = save(tmp_path_factory.mktemp("any"), S=rows)
    sheet = calamine.CalamineWorkbook.from_path(str(target)).get_sheet_by_name("S")
    values = sheet.to_python(skip_empty_area=False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            got = values[r][c] if r < len(values) and c < len(values[r]) else ""
            assert got == ("" if value is None else value)


def test_sheet_names_are_made_valid_and_unique_ignoring_case(tmp_path: Path) -> None:
    wb = Workbook()
    long = "Tiêu chí: cải cách hành chính [2025]"
    names = [
        wb.add_sheet(name, [["x"]])
        for name in (long, long, "a/b\\c?*", "'Ghi chú'", "history", "TỔNG HỢP", "tổng hợp")
    ]
    assert names == [
        "Tiêu chí- cải cách hành chính -",
        "Tiêu chí- cải cách hành chí (2)",
        "a-b-c--",
        "Ghi chú",
        "history-",
        "TỔNG HỢP",
        "tổng hợp (2)",
    ]
    target = tmp_path / "out.xlsx"
    wb.save(str(target))
    assert openpyxl.load_workbook(target).sheetnames == names


def test_chart_titles_lose_characters_xml_forbids(tmp_path: Path) -> None:
    chart = BarChart("Số\x01 lượng\x0b", "Đơn\x1f vị", 3, 2, 2, 3, 5, 6)
    wb = Workbook()
    wb.add_sheet("S", [["T"], ["", "A", "B"], ["Tổng", 4, 7]], Layout(chart=chart))
    target = tmp_path / "out.xlsx"
    wb.save(str(target))
    with zipfile.ZipFile(target) as zf:
        xml = zf.read("xl/charts/chart1.xml").decode()
    assert "<a:t>Số lượng</a:t>" in xml and "<a:t>Đơn vị</a:t>" in xml
    openpyxl.load_workbook(target)  # parses


def test_cell_text_is_cut_at_32767_utf16_units(tmp_path: Path) -> None:
    """Excel counts UTF-16 code units: an emoji is two, so 20,000 of them are too many."""
    emoji, plain = "😀" * 20_000, "a" * 40_000
    target = save(tmp_path, S=[[emoji, plain, "b" * 32_767]])
    values = calamine.CalamineWorkbook.from_path(str(target)).get_sheet_by_name("S").to_python()
    assert [len(v.encode("utf-16-le")) // 2 for v in values[0]] == [32_766, 32_767, 32_767]
    assert values[0][0] == "😀" * 16_383


def test_escaped_characters_count_as_stored(tmp_path: Path) -> None:
    text = "\x01" * 5_000  # each stored as _x0001_: 35,000 units as written
    target = save(tmp_path, S=[[text]])
    value = calamine.CalamineWorkbook.from_path(str(target)).get_sheet_by_name("S").to_python()
    assert value[0][0] == "\x01" * (32_767 // 7)


def test_table_body_styles_every_cell_and_fits_row_heights(tmp_path: Path) -> None:
    wb = Workbook({**STYLES, "cell": Style(border="808080", wrap=True)})
    long = "Hoàn thành xuất sắc nhiệm vụ hai năm liền, có hai sáng kiến cấp tỉnh."
    wb.add_sheet(
        "S",
        [["Tiêu đề"], ["STT", "Tên", "Ghi chú"], [1, long], [2, "Ngắn", None], ["ngoài bảng"]],
        Layout(
            [6, 12, 10],
            header_row=2,
            last_row=4,
            columns=3,
            page=Page(A3),
            title="Danh sách & ghi chú",
            body_styles=["cell", "cell", "cell"],
            fit_rows=True,
        ),
    )
    target = tmp_path / "out.xlsx"
    wb.save(str(target))
    ws = openpyxl.load_workbook(target)["S"]
    assert all(
        ws.cell(row=r, column=c).border.left.style == "thin" for r in (3, 4) for c in (1, 2, 3)
    )
    assert ws["A5"].border.left.style is None and ws["B3"].alignment.wrap_text
    assert ws.row_dimensions[3].height >= 15 * 6 and ws.row_dimensions[4].height is None
    assert int(ws.page_setup.paperSize) == A3 and ws.page_setup.fitToWidth == 1
    assert ws.oddHeader.center.text == "Danh sách && ghi chú"  # "&" escaped as a code
    assert ws.print_title_rows == "$2:$2"
