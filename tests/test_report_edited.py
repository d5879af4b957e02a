"""`report` on a consolidated workbook a person has edited: it reads what is there, or stops
(exit 2) with a Vietnamese message naming the sheet and cell that no longer match; never a
traceback, never a report of silent zeros. A custom Word template that cannot be used is
exit 2 with a clear message too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook

from dhtt_batch.campaign import Campaign, default_campaign_path
from dhtt_batch.cli import cli
from dhtt_batch.formats.consolidated import STATUS_SHEET, StatusColumn
from dhtt_batch.spec import Role, SpecSet

from .conftest import VALID_INFO, valid_row

Make = Callable[..., Path]
Edit = Callable[[Workbook], None]


@pytest.fixture()
def consolidated(
    make_workbook: Make, campaign: Campaign, runner: CliRunner, tmp_path: Path
) -> Path:
    unit = campaign.unit("KT")
    assert unit is not None
    make_workbook(name="inbox/th.xlsx")
    make_workbook(
        name="inbox/kt.xlsx",
        unit="KT",
        info={**VALID_INFO, "don_vi": unit.name},
        rows={"a_HCM": [valid_row(ho_ten="Lê Văn Kinh")]},
    )
    result = runner.invoke(
        cli, ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "out" / "tong-hop-2025.xlsx"


def edited(path: Path, edit: Edit) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def report(runner: CliRunner, workbook: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        cli, ["report", *extra, str(workbook), "-o", str(tmp_path / "bao-cao.html")]
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def status_cell(wb: Workbook, header: str, unit_row: int = 0) -> openpyxl.cell.Cell:
    ws = wb[STATUS_SHEET]
    column = [c.value for c in ws[2]].index(header) + 1
    return ws.cell(row=3 + unit_row, column=column)


def test_a_count_typed_as_text_is_read(
    consolidated: Path, runner: CliRunner, tmp_path: Path
) -> None:
    def typed(wb: Workbook) -> None:
        status_cell(wb, StatusColumn.ACCEPTED).value = "3 dòng"
        status_cell(wb, StatusColumn.LATE).value = " có "

    code, output = report(runner, edited(consolidated, typed), tmp_path)
    assert code == 0, output
    assert "Phòng Hành chính - Tổ chức" in (tmp_path / "bao-cao.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            StatusColumn.ACCEPTED,
            "ba dòng",
            "sheet 'Tình hình nộp', ô J3: số dòng nhận 'ba dòng' không phải số.",
        ),
        (
            StatusColumn.LATE,
            "muộn 2 ngày",
            "sheet 'Tình hình nộp', ô I3: cột 'Nộp muộn' ghi 'muộn 2 ngày'; chỉ được ghi 'Có' "
            "hoặc để trống.",
        ),
        (
            StatusColumn.STATUS,
            "Xong",
            "sheet 'Tình hình nộp', ô D3: tình trạng 'Xong' không phải một trong",
        ),
    ],
)
def test_a_status_cell_that_cannot_be_read_is_named(
    consolidated: Path, runner: CliRunner, tmp_path: Path, header: str, value: str, message: str
) -> None:
    def typed(wb: Workbook) -> None:
        status_cell(wb, header).value = value

    code, output = report(runner, edited(consolidated, typed), tmp_path)
    assert code == 2
    assert output.startswith(f"Lỗi: tong-hop-2025.xlsx, {message}")
    assert not (tmp_path / "bao-cao.html").exists()


def test_renamed_and_deleted_sheets_and_edited_headers_are_named(
    consolidated: Path, runner: CliRunner, tmp_path: Path, specs: SpecSet
) -> None:
    original = consolidated.read_bytes()
    name_header = specs.criteria[0].role(Role.NAME).header
    cases: list[tuple[Edit, str]] = [
        (
            lambda wb: setattr(wb["a_HCM"], "title", "Tiêu chí a"),
            "tong-hop-2025.xlsx: không thấy sheet 'a_HCM' (sheet đã bị đổi tên hoặc xóa).",
        ),
        (
            lambda wb: wb.remove(wb[STATUS_SHEET]),
            f"tong-hop-2025.xlsx: không thấy sheet '{STATUS_SHEET}' (sheet đã bị đổi tên",
        ),
        (
            lambda wb: setattr(wb["b_CCHC"].cell(row=2, column=3), "value", "Tên"),
            f"tong-hop-2025.xlsx, sheet 'b_CCHC': không thấy cột '{name_header}' ở dòng 2 "
            "(tiêu đề cột đã bị sửa).",
        ),
    ]
    for edit, message in cases:
        consolidated.write_bytes(original)
        code, output = report(runner, edited(consolidated, edit), tmp_path)
        assert code == 2, output
        assert output.startswith(f"Lỗi: {message}")


def test_a_kind_typed_differently_is_read_or_named(
    consolidated: Path, runner: CliRunner, tmp_path: Path, specs: SpecSet
) -> None:
    spec = specs.criteria[0]
    original = consolidated.read_bytes()
    column = [c.key for c in spec.data_columns].index(spec.key(Role.KIND)) + 2

    def kind(value: str) -> Edit:
        return lambda wb: setattr(wb[spec.name].cell(row=3, column=column), "value", value)

    code, output = report(runner, edited(consolidated, kind("  cá   NHÂN ")), tmp_path)
    assert code == 0, output
    consolidated.write_bytes(original)
    code, output = report(runner, edited(consolidated, kind("Người")), tmp_path)
    assert code == 2
    letter = openpyxl.utils.get_column_letter(column)
    assert output.startswith(
        f"Lỗi: tong-hop-2025.xlsx, sheet 'a_HCM', ô {letter}3: 'Người' không phải Tập thể hay "
        "Cá nhân."
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (b"day khong phai docx", "Mẫu báo cáo Word mau.docx không phải tệp .docx mở được"),
        ("{{ so_lieu ", "Mẫu báo cáo Word mau.docx có lỗi cú pháp ở chỗ {{ }} hoặc {% %}"),
        ("{% for x in y %} thiếu endfor", "Mẫu báo cáo Word mau.docx có lỗi cú pháp"),
    ],
)
def test_an_unusable_word_template_is_exit_2(
    consolidated: Path, runner: CliRunner, tmp_path: Path, template: bytes | str, message: str
) -> None:
    path = tmp_path / "mau.docx"
    if isinstance(template, bytes):
        path.write_bytes(template)
    else:
        document = Document()
        document.add_paragraph(template)
        document.save(path)
    text = default_campaign_path().read_text(encoding="utf-8")
    (tmp_path / "campaign.toml").write_text(
        text.replace('docx_template = ""', 'docx_template = "mau.docx"'), encoding="utf-8"
    )
    result = runner.invoke(
        cli,
        [
            "report",
            "-c",
            str(tmp_path / "campaign.toml"),
            str(consolidated),
            "-o",
            str(tmp_path / "bao-cao.docx"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Lỗi: {message}")
    assert "Traceback" not in result.output
