"""Feedback copies made by patching the package: marks land, every other part is kept."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dhtt_batch.campaign import Campaign
from dhtt_batch.findings import Finding, make_finding
from dhtt_batch.formats.template_layout import FIRST_DATA_ROW
from dhtt_batch.outputs.feedback.jobs import write_all_feedback
from dhtt_batch.outputs.feedback.openpyxl_copy import write_with_openpyxl
from dhtt_batch.outputs.feedback.parts import AUTHOR, FIXES_SHEET, Unsupported
from dhtt_batch.outputs.feedback.patch import patched_copy
from dhtt_batch.outputs.feedback.sheet_xml import legacy_drawing_position
from dhtt_batch.spec import SpecSet
from dhtt_batch.submission import Submission, SubmissionId
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template
from dhtt_batch.validate import ValidationResult
from dhtt_batch.xlsx.cells import column_letters, column_number, parse_ref
from dhtt_batch.xlsx.package import sheet_parts

from .conftest import VALID_INFO, saved_by_unit, valid_row

Make = Callable[..., Path]


def _finding(cell: str, code: str = "choice", sheet: str = "a_HCM") -> Finding:
    return make_finding(
        code,
        "x.xlsx",
        sheet=sheet,
        cell=parse_ref(cell),
        column="Cột",
        value="giá trị <&>",
        expected="Nam",
    )


def _open(data: bytes, tmp_path: Path) -> openpyxl.Workbook:
    target = tmp_path / "copy.xlsx"
    target.write_bytes(data)
    return openpyxl.load_workbook(target)


def test_marks_existing_absent_and_new_row_cells(make_workbook: Make, tmp_path: Path) -> None:
    source = make_workbook(rows={"a_HCM": [valid_row(), valid_row(gioi_tinh=None)]})
    cells = [f"C{FIRST_DATA_ROW}", f"D{FIRST_DATA_ROW + 1}", "Z400", "A401"]
    findings = [_finding(c) for c in cells] + [_finding("B9", "likely_duplicate", "b_CCHC")]
    data = patched_copy(source, findings)
    assert data is not None
    wb = _open(data, tmp_path)
    assert wb.sheetnames[0] == FIXES_SHEET and wb.active.title == FIXES_SHEET
    sheet = wb["a_HCM"]
    for ref in cells:
        assert sheet[ref].fill.fgColor.rgb == "FFFFC7CE", ref
        assert sheet[ref].comment.author == AUTHOR
        assert sheet[ref].comment.text == f"- {findings[0].message}"  # type: ignore[attr-defined]
    assert sheet[f"C{FIRST_DATA_ROW}"].value == valid_row()["ho_ten"]
    assert wb["b_CCHC"]["B9"].fill.fgColor.rgb == "FFFFEB9C"  # a warning is yellow
    fixes = wb[FIXES_SHEET]
    assert [fixes.cell(row=3 + n, column=3).value for n in range(1, 6)] == [*cells, "B9"]
    assert fixes["C4"].hyperlink.location == f"'a_HCM'!C{FIRST_DATA_ROW}"


def test_unchanged_parts_are_kept_byte_for_byte(make_workbook: Make, tmp_path: Path) -> None:
    source = make_workbook()
    data = patched_copy(source, [_finding(f"D{FIRST_DATA_ROW}")])
    assert data is not None
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(data)
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(copy) as after:
        changed = {
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "[Content_Types].xml",
        }
        for info in before.infolist():
            if info.filename in changed or "sheet" in info.filename:
                continue
            assert after.read(info.filename) == before.read(info.filename), info.filename
        marked = sheet_parts(before)["a_HCM"]
        untouched = [
            n
            for n in before.namelist()
            if n.startswith("xl/worksheets/sheet")
            and n != marked
            and 'tabSelected="1"' not in before.read(n).decode()
        ]
        assert len(untouched) >= 4
        for name in untouched:
            assert after.read(name) == before.read(name), name


def test_returned_feedback_copy_is_left_to_the_openpyxl_path(
    make_workbook: Make, tmp_path: Path
) -> None:
    source = make_workbook()
    data = patched_copy(source, [_finding(f"D{FIRST_DATA_ROW}")])
    assert data is not None
    returned = tmp_path / "returned.xlsx"
    returned.write_bytes(data)
    with pytest.raises(Unsupported, match="returned feedback copy"):
        patched_copy(returned, [_finding("D9")])


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, campaign: Campaign, specs: SpecSet) -> Path:
    wb = build_template(campaign, specs)
    fill_template(wb, specs, VALID_INFO, {"a_HCM": [valid_row(), valid_row(gioi_tinh=None)]})
    path = tmp_path_factory.mktemp("filled") / "HCTC.xlsx"
    wb.save(path)
    return path


@settings(max_examples=15, deadline=None)
@given(
    st.sets(
        st.tuples(st.integers(1, 30), st.integers(FIRST_DATA_ROW, 600)), min_size=1, max_size=12
    )
)
def test_any_set_of_cells_is_marked_and_rows_stay_in_order(
    filled: Path, specs: SpecSet, places: set[tuple[int, int]]
) -> None:
    refs = [f"{column_letters(col)}{row}" for col, row in sorted(places)]
    data = patched_copy(filled, [_finding(r) for r in refs])
    assert data is not None
    sheet = openpyxl.load_workbook(io.BytesIO(data))["a_HCM"]
    for ref in refs:
        assert sheet[ref].fill.fgColor.rgb == "FFFFC7CE", ref
        assert sheet[ref].comment is not None
        # A cell created by the patch shows what the column showed: a data column unlocked.
        within = column_number(ref.rstrip("0123456789")) <= len(specs.criterion("a_HCM").columns)
        assert sheet[ref].protection.locked is not within, ref
    # Excel refuses rows, or cells within a row, out of order or repeated.
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(sheet_parts(zf)["a_HCM"]).decode()
    rows = [int(n) for n in re.findall(r'<row r="(\d+)"', xml)]
    assert rows == sorted(set(rows))
    for body in re.findall(r"<row\b[^>]*>(.*?)</row>", xml, re.S):
        columns = [column_number(c) for c in re.findall(r'<c r="([A-Z]+)\d+"', body)]
        assert columns == sorted(set(columns))


def test_comments_drawing_goes_before_the_sheets_own_extension_list() -> None:
    xml = (
        '<worksheet xmlns="m"><sheetData/><conditionalFormatting sqref="A1"><cfRule '
        'type="expression"><extLst><ext uri="x"/></extLst></cfRule></conditionalFormatting>'
        '<pageMargins/><extLst><ext uri="y"/></extLst></worksheet>'
    )
    assert xml[legacy_drawing_position(xml) :].startswith('<extLst><ext uri="y"/>')
    plain = '<worksheet xmlns="m"><sheetData/><pageMargins/><tableParts count="0"/></worksheet>'
    assert plain[legacy_drawing_position(plain) :].startswith("<tableParts")


def test_every_fallback_to_openpyxl_says_why(
    make_workbook: Make, tmp_path: Path, check: Callable[..., ValidationResult]
) -> None:
    """The fast patch refuses what it does not handle with a reason, and the copy made the
    slower way carries it (merge writes it into the manifest)."""
    source = make_workbook(rows={"a_HCM": [valid_row(gioi_tinh=None)]})
    (first,) = write_all_feedback(check(source), tmp_path / "one")
    assert (first.via, first.reason) == ("patch", "")
    # Returned: opened and saved by the unit, which drops the copy's mark (formats/marks.py).
    returned = saved_by_unit(first.path, tmp_path / "returned.xlsx")
    (second,) = write_all_feedback(check(returned), tmp_path / "two")
    assert second.via == "openpyxl"
    assert second.reason == "a returned feedback copy: its old marks must be cleared"
    assert second.to_dict("feedback") == {
        "path": f"feedback/{second.path.name}",
        "via": "openpyxl",
        "reason": "a returned feedback copy: its old marks must be cleared",
    }


def _edit_package(source: Path, target: Path, edit: Callable[[str, str], str]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".xml"):
                data = edit(info.filename, data.decode()).encode()
            zout.writestr(info.filename, data)
    return target


def _selected_tabs(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = sheet_parts(zf)
        return [
            name
            for name, part in parts.items()
            if re.search(r'tabSelected="(1|true)"', zf.read(part).decode())
        ]


def test_a_tab_libreoffice_selected_is_unselected_too(
    filled: Path, tmp_path: Path, specs: SpecSet
) -> None:
    """LibreOffice writes tabSelected="true": left as is, Excel opens two tabs grouped and
    whatever the clerk types lands on both sheets."""
    with zipfile.ZipFile(filled) as zf:
        info_part = sheet_parts(zf)[specs.info.name]
    saved_by_lo = _edit_package(
        filled,
        tmp_path / "lo.xlsx",
        lambda name, xml: (
            xml.replace("<sheetView ", '<sheetView tabSelected="true" ')
            if name == info_part
            else xml
        ),
    )
    assert len(_selected_tabs(saved_by_lo.read_bytes())) == 1
    data = patched_copy(saved_by_lo, [_finding(f"D{FIRST_DATA_ROW}")])
    assert _selected_tabs(data) == [FIXES_SHEET]


def test_a_sheet_named_like_the_fixes_sheet_in_other_case_is_not_doubled(
    make_workbook: Make, tmp_path: Path
) -> None:
    """Excel compares sheet names ignoring case: "LỖI CẦN SỬA" beside "Lỗi cần sửa" is a
    duplicate name, which Excel repairs by dropping a sheet."""

    def renamed(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("LỖI CẦN SỬA")["A1"] = "danh sách cũ"

    source = make_workbook(edit=renamed)
    with pytest.raises(Unsupported):  # openpyxl's turn
        patched_copy(source, [_finding(f"D{FIRST_DATA_ROW}")])
    target = tmp_path / "copy.xlsx"
    write_with_openpyxl(
        Submission(SubmissionId(0, source.name, source.name), source, sha256="x", format="xlsx"),
        [_finding(f"D{FIRST_DATA_ROW}")],
        target,
    )
    names = [n.casefold() for n in openpyxl.load_workbook(target).sheetnames]
    assert names.count(FIXES_SHEET.casefold()) == 1
