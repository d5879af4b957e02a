"""One test per finding code about cells and sheets, each on a workbook filled from the template."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dhtt_batch import validate as validate_module
from dhtt_batch.campaign import Campaign
from dhtt_batch.finding_codes import KINDS
from dhtt_batch.formats.template_layout import FIRST_DATA_ROW, HEADER_ROW
from dhtt_batch.parallel import map_shards
from dhtt_batch.spec import SpecSet
from dhtt_batch.states import RowStatus
from dhtt_batch.validate import ValidationResult, validate_paths

from .conftest import SAMPLE_INBOX, TODAY, flatten, valid_row

Make = Callable[..., Path]
Check = Callable[..., ValidationResult]
ROW = FIRST_DATA_ROW


@pytest.fixture(scope="module")
def letters(specs: SpecSet) -> Callable[[str, str], str]:
    def letter(sheet: str, key: str) -> str:
        return get_column_letter(specs.criterion(sheet).keys.index(key) + 1)

    return letter


def codes_at(result: ValidationResult) -> list[list[object]]:
    return flatten(result.findings, ["cell", "code"])


def test_a_clean_workbook_has_no_findings_and_all_rows_accepted(
    make_workbook: Make, check: Check
) -> None:
    rows = {
        sheet: [
            valid_row(sheet),
            valid_row(
                sheet,
                ho_ten="Phòng Tổng hợp",
                doi_tuong="Tập thể",
                gioi_tinh=None,
                nam_sinh=None,
                chuc_vu=None,
            ),
        ]
        for sheet in ("a_HCM", "b_CCHC", "c_CDS")
    }
    result = check(make_workbook(rows=rows))
    assert result.findings == []
    assert result.row_counts(result.submissions[0]) == (6, 6, 0)
    assert result.submissions[0].identity.code == "TH"


@pytest.mark.parametrize(
    ("changes", "key", "code"),
    [
        ({"ho_ten": None}, "ho_ten", "required"),
        ({"gioi_tinh": None}, "gioi_tinh", "required_when"),
        ({"doi_tuong": "Tập thể", "nam_sinh": None}, "gioi_tinh", "blank_when"),
        ({"stt": "một"}, "stt", "type_integer"),
        ({"nam_sinh": "một chín tám lăm"}, "nam_sinh", "type_year"),
        ({"ngay_quyet_dinh": "ngày 5 tháng 1"}, "ngay_quyet_dinh", "type_date"),
        ({"nam_sinh": 1900}, "nam_sinh", "out_of_range"),
        ({"ngay_quyet_dinh": date(2030, 1, 5)}, "ngay_quyet_dinh", "future_date"),
        ({"tom_tat_thanh_tich": "Tốt"}, "tom_tat_thanh_tich", "too_short"),
        ({"tom_tat_thanh_tich": "Rất tốt. " * 600}, "tom_tat_thanh_tich", "too_long"),
        ({"so_quyet_dinh": "quyết định 45"}, "so_quyet_dinh", "pattern"),
        ({"gioi_tinh": "nam giới"}, "gioi_tinh", "choice"),
        ({"danh_hieu": "Cán bộ trẻ tiêu biểu"}, "danh_hieu", "not_in_catalogue"),
        ({"ho_ten": "#N/A"}, "ho_ten", "error_value"),
        ({"ho_ten": '=CONCAT("Trần ","Bình")'}, "ho_ten", "formula_no_value"),
        # TCVN3 of the example name; another position keeps it from being the same row twice.
        ({"ho_ten": "NguyÔn V¨n An", "chuc_vu": "Phó Trưởng phòng"}, "ho_ten", "legacy_encoding"),
        ({"ngay_quyet_dinh": "15.01.2024"}, "ngay_quyet_dinh", "date_as_text"),
        ({"giai_doan": "đang  BỒI dưỡng"}, "giai_doan", "choice_normalized"),
        # OOXML carries a control character as an _xHHHH_ escape; the reader decodes it.
        ({"ho_ten": "Lê_x0007_ Thị Dung"}, "ho_ten", "control_characters"),
    ],
)
def test_cell_finding_on_the_exact_cell(
    make_workbook: Make,
    check: Check,
    letters: Callable,
    changes: dict[str, object],
    key: str,
    code: str,
) -> None:
    second = valid_row(**{"ho_ten": "Lê Thị Dung", **changes})
    result = check(make_workbook(rows={"a_HCM": [valid_row(), second]}))
    assert codes_at(result) == [[f"{letters('a_HCM', key)}{ROW + 1}", code]]
    finding = result.findings[0]
    assert (finding.sheet, finding.row, finding.severity) == (
        "a_HCM",
        ROW + 1,
        KINDS[code].severity,
    )
    assert finding.unit == "TH"
    status = list(result.criteria["a_HCM"]["_status"])
    accepted, rejected = RowStatus.ACCEPTED, RowStatus.REJECTED
    assert status == [accepted, rejected if finding.severity == "error" else accepted]


def test_messages_say_what_is_wrong_and_what_to_type(make_workbook: Make, check: Check) -> None:
    result = check(
        make_workbook(rows={"a_HCM": [valid_row(gioi_tinh="nam giới"), valid_row(gioi_tinh=None)]})
    )
    assert [f.message for f in result.findings] == [
        "Giới tính phải là một trong: Nam, Nữ; ô này đang ghi 'nam giới'. Hãy chọn trong danh "
        "sách thả xuống.",
        "Cá nhân phải ghi Giới tính (Nam hoặc Nữ).",
    ]


def test_normalisations_are_applied_to_the_values(make_workbook: Make, check: Check) -> None:
    result = check(
        make_workbook(
            rows={
                "a_HCM": [
                    valid_row(
                        ho_ten="  Nguye\u0302\u0303n   Văn  An ",
                        nam_sinh="1985",
                        ngay_quyet_dinh="5-1-2024",
                        gioi_tinh="nữ",
                    )
                ]
            }
        )
    )
    row = result.criteria["a_HCM"].iloc[0]
    assert row["ho_ten"] == "Nguyễn Văn An"
    assert row["nam_sinh"] == 1985
    assert str(row["ngay_quyet_dinh"]) == "2024-01-05"
    assert row["gioi_tinh"] == "Nữ"
    assert [f.code for f in result.findings] == ["choice_normalized", "date_as_text"]


def test_a_cell_that_is_still_wrong_gets_the_error_only(
    make_workbook: Make, check: Check, letters: Callable
) -> None:
    """A future date typed as text is one mistake, told once: 'future date', not also
    'date typed as text, understood as …'; a hand-typed choice that is still not in the list
    likewise. A date typed as text that is fine keeps its notice."""
    rows = [
        valid_row(ngay_quyet_dinh="05/01/2027"),
        valid_row(ho_ten="Lê Văn Hai", ngay_quyet_dinh="05/01/2024", gioi_tinh="nam giới"),
    ]
    result = check(make_workbook(rows={"a_HCM": rows}))
    date_col = letters("a_HCM", "ngay_quyet_dinh")
    assert codes_at(result) == [
        [f"{date_col}{ROW}", "future_date"],
        [f"{letters('a_HCM', 'gioi_tinh')}{ROW + 1}", "choice"],
        [f"{date_col}{ROW + 1}", "date_as_text"],
    ]
    assert "'05/01/2027'" in result.findings[0].message


def test_decision_date_needs_a_decision_number(
    make_workbook: Make, check: Check, letters: Callable
) -> None:
    result = check(make_workbook(rows={"a_HCM": [valid_row(so_quyet_dinh=None)]}))
    assert codes_at(result) == [[f"{letters('a_HCM', 'so_quyet_dinh')}{ROW}", "required_when"]]
    assert result.findings[0].message == "Đã ghi Ngày quyết định thì phải ghi Số quyết định."


def test_url_must_be_http(make_workbook: Make, check: Check, letters: Callable) -> None:
    result = check(make_workbook(rows={"c_CDS": [valid_row("c_CDS", duong_dan="ftp://x.vn")]}))
    assert codes_at(result) == [[f"{letters('c_CDS', 'duong_dan')}{ROW}", "type_url"]]


@pytest.mark.parametrize(
    ("key", "value", "code", "cell"),
    [
        ("email", "hoa.le@", "type_email", "B7"),
        ("dien_thoai", "gọi tôi", "type_phone", "B6"),
        ("don_vi", "Phòng Không Có", "unknown_unit", "B3"),
        ("nguoi_lap", None, "required", "B5"),
    ],
)
def test_info_sheet_findings(
    make_workbook: Make, check: Check, key: str, value: object, code: str, cell: str
) -> None:
    from .conftest import VALID_INFO

    result = check(make_workbook(info={**VALID_INFO, key: value}))
    assert flatten(result.findings, ["sheet", "cell", "code"]) == [["Thông tin đơn vị", cell, code]]
    assert result.row_counts(result.submissions[0]) == (1, 1, 0)


def test_duplicate_row_points_at_the_first(
    make_workbook: Make, check: Check, letters: Callable
) -> None:
    result = check(
        make_workbook(rows={"a_HCM": [valid_row(), valid_row(ho_ten="Lê Văn C"), valid_row()]})
    )
    assert codes_at(result) == [[f"{letters('a_HCM', 'ho_ten')}{ROW + 2}", "duplicate_row"]]
    assert f"trùng hoàn toàn với dòng {ROW}" in result.findings[0].message


def test_example_row_is_skipped_but_edited_example_is_data(
    make_workbook: Make, check: Check
) -> None:
    def overwrite_example(wb: Workbook) -> None:
        wb["a_HCM"].cell(row=FIRST_DATA_ROW - 1, column=3).value = "Phạm Thị Dung"

    untouched = check(make_workbook(name="a.xlsx"))
    assert untouched.row_counts(untouched.submissions[0]) == (1, 1, 0)
    edited = check(make_workbook(name="b.xlsx", edit=overwrite_example))
    assert codes_at(edited) == [[f"A{ROW - 1}", "example_row_data"]]
    assert edited.row_counts(edited.submissions[0]) == (2, 2, 0)


def test_rows_inserted_above_header_and_blank_rows_keep_sheet_rows(
    make_workbook: Make, check: Check, letters: Callable
) -> None:
    def insert(wb: Workbook) -> None:
        wb["a_HCM"].insert_rows(2, amount=3)

    rows = {"a_HCM": [valid_row(), {}, {}, valid_row(ho_ten="Lê C", gioi_tinh=None)]}
    result = check(make_workbook(rows=rows, edit=insert))
    assert codes_at(result) == [[f"{letters('a_HCM', 'gioi_tinh')}{ROW + 6}", "required_when"]]
    assert list(result.criteria["a_HCM"]["_row"]) == [ROW + 3, ROW + 6]


def test_reordered_and_renamed_columns(make_workbook: Make, check: Check) -> None:
    def shuffle(wb: Workbook) -> None:
        ws = wb["a_HCM"]
        ws.move_range(f"C{HEADER_ROW}:C{ROW + 5}", cols=30)  # ho_ten moves far right
        ws.cell(row=HEADER_ROW, column=4).value = "giới  TÍNH"
        ws.cell(row=HEADER_ROW, column=13).value = "Tóm tắt thành tich"
        ws.cell(row=HEADER_ROW, column=40).value = "Ghi chú riêng của phòng"

    result = check(
        make_workbook(rows={"a_HCM": [valid_row(ho_ten="Lê C", gioi_tinh=None)]}, edit=shuffle)
    )
    assert codes_at(result) == [
        [f"M{HEADER_ROW}", "renamed_column"],
        [f"AN{HEADER_ROW}", "extra_column"],
        [f"D{ROW}", "required_when"],
    ]
    assert result.criteria["a_HCM"].iloc[0]["ho_ten"] == "Lê C"


def test_missing_required_column_rejects_the_sheet_rows(make_workbook: Make, check: Check) -> None:
    def drop(wb: Workbook) -> None:
        wb["a_HCM"].delete_cols(3)

    result = check(make_workbook(edit=drop))
    assert flatten(result.findings, ["sheet", "code", "column"]) == [
        ["a_HCM", "missing_column", "Họ và tên / Tên tập thể"]
    ]
    assert result.row_counts(result.submissions[0]) == (1, 0, 1)


def test_header_not_found(make_workbook: Make, check: Check) -> None:
    def wipe(wb: Workbook) -> None:
        for cell in wb["b_CCHC"][HEADER_ROW]:
            cell.value = None

    result = check(make_workbook(edit=wipe))
    assert flatten(result.findings, ["sheet", "code"]) == [["b_CCHC", "header_not_found"]]


def test_missing_sheet_is_a_warning(make_workbook: Make, check: Check) -> None:
    result = check(make_workbook(edit=lambda wb: wb.remove(wb["c_CDS"])))
    assert flatten(result.findings, ["sheet", "code", "severity"]) == [
        ["c_CDS", "missing_sheet", "warning"]
    ]


def test_validating_in_shards_gives_the_same_result_as_one_pass(
    campaign: Campaign, specs: SpecSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large batches are validated in two forked shards; nothing may differ from one pass."""
    whole = validate_paths([SAMPLE_INBOX], campaign, specs, TODAY)
    counts: list[int] = []

    def recording(function: Any, shared: Any, count: int) -> Any:
        counts.append(count)
        return map_shards(function, shared, count)

    monkeypatch.setattr(validate_module, "SHARD_FROM_ROWS", 0)
    monkeypatch.setattr(validate_module, "map_shards", recording)
    sharded = validate_paths([SAMPLE_INBOX], campaign, specs, TODAY)
    assert counts == [2]
    assert sharded.findings == whole.findings
    for name, frame in whole.criteria.items():
        pd.testing.assert_frame_equal(sharded.criteria[name], frame)
    pd.testing.assert_frame_equal(sharded.info, whole.info)
    assert [sharded.row_counts(s) for s in sharded.submissions] == [
        whole.row_counts(s) for s in whole.submissions
    ]
