"""export: the proposals in the import layout of the province's reward system (MauTDKT).

Every export is read back with openpyxl and checked against what the province's template and
code lists say (../shared/reference/tdkt-quang-binh), not against the module's own constants.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.campaign import Campaign, default_campaign_path, load_campaign
from dhtt_batch.cli import cli
from dhtt_batch.formats.template_layout import FIRST_DATA_ROW
from dhtt_batch.spec import SpecSet
from dhtt_batch.spec_loader import load_specs
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template

from .conftest import REPO, SAMPLE_INBOX, VALID_INFO, soffice, valid_row
from .test_libreoffice import convert

Make = Callable[..., Path]
REFERENCE = REPO.parent / "shared" / "reference" / "tdkt-quang-binh"
# Row 1 of the province's template "MauTDKT", character for character; J–Q are empty.
HEADERS = {
    "A": "STT",
    "B": "Tên gọi\n(Ông/Bà/Chức danh)",
    "C": "Tên tập thể/cá nhân/hộ gia đình",
    "D": "Chức vụ",
    "E": "Đơn vị công tác",
    "F": "Phân loại khen thưởng",
    "G": "Danh hiệu thi đua/Hình thức khen thưởng",
    "H": "Phân loại đối tượng",
    "I": "Lĩnh vực hoạt động",
    "R": "Mã Phân loại khen thưởng",
    "S": "Mã Danh hiệu thi đua",
    "T": "Mã phân loại loại tượng",
    "U": "Mã Lĩnh vực hoạt động",
}
# Name column → (code column, the province's code list).
CODED = {
    "F": ("R", "phan-loai-khen-thuong-ma.csv"),
    "G": ("S", "danh-hieu-hinh-thuc-ma.csv"),
    "H": ("T", "phan-loai-doi-tuong-ma.csv"),
    "I": ("U", "linh-vuc-hoat-dong-ma.csv"),
}
LETTERS = [openpyxl.utils.get_column_letter(n) for n in range(1, 22)]  # A … U
GIAY_KHEN = "Giấy khen của Chánh Văn phòng"
BANG_KHEN = "Bằng khen của Chủ tịch UBND tỉnh"
REWARDS = {GIAY_KHEN, BANG_KHEN}  # the seed's proposed forms that are a reward
WORKER = "Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu"
UNMAPPED_TAIL = (
    "Bổ sung mã (hoặc sửa dữ liệu) rồi chạy lại, hoặc chạy lại với --skip-unmapped để xuất các "
    "dòng còn lại.\n"
)


def code_list(name: str) -> dict[str, str]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["ten", "ma"]
    return {code: text for text, code in rows[1:]}


def read_export(path: Path) -> list[dict[str, Any]]:
    """The data rows of an export, after checking everything the import relies on: the one
    sheet's name, the header texts and positions, no formula anywhere, every code a text cell
    found in the province's list under the name written beside it."""
    with zipfile.ZipFile(path) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in package.read(n) and b"<f " not in package.read(n) for n in sheets)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["file nhận"]
    ws = wb["file nhận"]
    assert ws.max_column == 21
    assert {x: ws[f"{x}1"].value for x in LETTERS} == {x: HEADERS.get(x) for x in LETTERS}
    lists = {name: code_list(file) for name, (_, file) in CODED.items()}
    rows = []
    for number in range(2, ws.max_row + 1):
        cells = {x: ws[f"{x}{number}"] for x in LETTERS}
        assert all(c.data_type != "f" for c in cells.values())
        assert all(cells[x].value is None for x in LETTERS[9:17])  # J–Q
        for name, (code, _) in CODED.items():
            assert cells[code].data_type == "s", f"{code}{number} is not text"
            assert lists[name][cells[code].value] == cells[name].value
        rows.append({x: c.value for x, c in cells.items()})
    return rows


def proposals_in(consolidated: Path, forms: set[str] = REWARDS) -> list[str]:
    """Names of the rows proposed for one of `forms`, read from the consolidated workbook
    with openpyxl (header on row 2 of each criterion sheet), in workbook order."""
    wb = openpyxl.load_workbook(consolidated, read_only=True)
    names = []
    for sheet in ("a_HCM", "b_CCHC", "c_CDS"):
        rows = list(wb[sheet].iter_rows(min_row=2, values_only=True))
        header = list(rows[0])
        name, form = header.index("Họ và tên / Tên tập thể"), header.index("Hình thức đề nghị")
        names += [row[name] for row in rows[1:] if row[form] in forms]
    return names


def campaign_file(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = default_campaign_path().read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def merge(runner: CliRunner, inbox: Path, out: Path, *extra: str) -> str:
    result = runner.invoke(
        cli, ["merge", str(inbox), "-o", str(out), *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def info(campaign: Campaign, code: str) -> dict[str, object]:
    unit = campaign.unit(code)
    assert unit is not None
    return {**VALID_INFO, "don_vi": unit.name}


def person(sheet: str, name: str, gender: str, form: str, **changes: object) -> dict[str, object]:
    values = {"ho_ten": name, "gioi_tinh": gender, "phan_loai": WORKER, "hinh_thuc_de_nghi": form}
    return valid_row(sheet, **{**values, **changes})


def collective(sheet: str, name: str, form: str) -> dict[str, object]:
    return valid_row(
        sheet,
        doi_tuong="Tập thể",
        ho_ten=name,
        gioi_tinh=None,
        nam_sinh=None,
        chuc_vu=None,
        phan_loai="Cơ quan Hành chính",
        hinh_thuc_de_nghi=form,
    )


# --- the layout, by construction -----------------------------------------------------------


def test_export_fills_the_province_layout_from_roles_roster_and_code_lists(
    make_workbook: Make,
    runner: CliRunner,
    tmp_path: Path,
    specs: SpecSet,
    office_check: Callable[..., None],
) -> None:
    # A roster name typed with an en dash, and Lĩnh vực hoạt động chosen by criterion.
    path = campaign_file(
        tmp_path,
        ('name = "Phòng Hành chính - Tổ chức"', 'name = "Phòng Hành chính – Tổ chức"'),
        ('activity_field_by = "unit"', 'activity_field_by = "criterion"'),
        ('default = "0013"', 'default = "0013"\na = "0001"'),
    )
    custom = load_campaign(path)
    position = specs.criterion("a_HCM").keys.index("chuc_vu") + 1

    def formula_looking_position(wb: Any) -> None:
        cell = wb["a_HCM"].cell(row=FIRST_DATA_ROW, column=position)
        cell.value, cell.data_type = "=1+1", "s"

    make_workbook(
        name="inbox/hctc.xlsx",
        unit="HCTC",
        info=info(custom, "HCTC"),
        of_campaign=custom,
        edit=formula_looking_position,
        rows={
            "a_HCM": [
                person("a_HCM", "Nguyễn Văn An", "Nam", GIAY_KHEN),
                collective("a_HCM", "Tổ Văn thư – Lưu trữ", BANG_KHEN),
                person("a_HCM", "Trần Thị Bích", "Nữ", "Biểu dương"),
                person("a_HCM", "Lê Thị Cúc", "Nữ", "Chưa đề nghị"),
            ],
            "b_CCHC": [
                person(
                    "b_CCHC",
                    "Phạm Thị Dung",
                    "Nữ",
                    BANG_KHEN,
                    chuc_vu="Phó Trưởng phòng",
                    phan_loai="Các cấp lãnh đạo từ phó phòng trở lên",
                )
            ],
        },
    )
    make_workbook(
        name="inbox/th.xlsx",
        unit="TH",
        info=info(custom, "TH"),
        of_campaign=custom,
        rows={"c_CDS": [person("c_CDS", "Hoàng Văn Em", "Nam", GIAY_KHEN)]},
    )
    out = tmp_path / "out"
    merge(runner, tmp_path / "inbox", out, "-c", str(path))
    target = tmp_path / "de-nghi.xlsx"
    result = runner.invoke(
        cli,
        ["export", "-c", str(path), str(out / "tong-hop-2025.xlsx"), "-o", str(target)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Đã ghi {target}: 4 dòng đề nghị khen thưởng (tdkt-quang-binh).\n"

    rows = read_export(target)
    proposed = proposals_in(out / "tong-hop-2025.xlsx")
    assert len(proposed) == 4
    assert [r["C"] for r in rows] == [n.replace("–", "-") for n in proposed]
    assert [r["A"] for r in rows] == [1, 2, 3, 4]
    giay_khen = (
        "Giấy khen của Thủ trưởng cơ quan chuyên môn và tương đương thuộc Ủy ban nhân dân cấp tỉnh"
    )
    bang_khen = "Bằng khen cấp bộ, ban, ngành, tỉnh, đoàn thể trung ương"
    hctc = "Phòng Hành chính - Tổ chức"
    expected = {
        "Nguyễn Văn An": ("Ông", "=1+1", hctc, "CANHAN", giay_khen, WORKER, "0001"),
        "Tổ Văn thư - Lưu trữ": (
            "Tập thể",
            None,
            hctc,
            "TAPTHE",
            bang_khen,
            "Cơ quan Hành chính",
            "0001",
        ),
        "Phạm Thị Dung": (
            "Bà",
            "Phó Trưởng phòng",
            hctc,
            "CANHAN",
            bang_khen,
            "Các cấp lãnh đạo từ phó phòng trở lên",
            "0013",
        ),
        "Hoàng Văn Em": (
            "Ông",
            "Chuyên viên",
            "Phòng Tổng hợp",
            "CANHAN",
            giay_khen,
            WORKER,
            "0013",
        ),
    }
    assert {r["C"]: (r["B"], r["D"], r["E"], r["R"], r["G"], r["H"], r["U"]) for r in rows} == (
        expected
    )
    # The formula-looking position is text with the quote prefix, not a formula.
    ws = openpyxl.load_workbook(target)["file nhận"]
    cell = next(ws[f"D{n}"] for n in range(2, 6) if ws[f"D{n}"].value == "=1+1")
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    assert {ws[f"U{n}"].number_format for n in range(2, 6)} == {"@"}
    office_check(target)


def test_packaged_code_lists_are_the_provinces_own() -> None:
    packaged = REPO / "schemas" / "exports" / "tdkt-quang-binh"
    for _, name in CODED.values():
        assert (packaged / name).read_bytes() == (REFERENCE / name).read_bytes(), name


def test_merge_export_of_the_samples_needs_no_configuration(
    runner: CliRunner, tmp_path: Path, office_check: Callable[..., None]
) -> None:
    out = tmp_path / "out"
    output = merge(runner, SAMPLE_INBOX, out, "--export")
    target = out / "de-nghi-khen-thuong-2025.xlsx"
    assert f"Đã ghi {target}: 9 dòng đề nghị khen thưởng (tdkt-quang-binh)." in output
    rows = read_export(target)
    assert [r["C"] for r in rows] == proposals_in(out / "tong-hop-2025.xlsx")
    assert len(rows) == 9
    assert {r["U"] for r in rows} == {"0013"}  # the seed office: Quản lý Nhà nước
    office_check(target)


def test_only_narrows_the_export_to_the_named_proposals(
    merged_samples: Path, runner: CliRunner, tmp_path: Path
) -> None:
    consolidated = merged_samples / "tong-hop-2025.xlsx"
    target = tmp_path / "bang-khen.xlsx"
    args = ["export", str(consolidated), "-o", str(target)]
    result = runner.invoke(
        cli, [*args, "--only", "bằng khen của chủ tịch  UBND tỉnh"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert [r["C"] for r in read_export(target)] == proposals_in(consolidated, {BANG_KHEN})
    assert len(read_export(target)) == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Khen",
            "Lỗi: 'Khen' không phải một hình thức đề nghị của biểu mẫu. Các hình thức: Biểu "
            "dương; Giấy khen của Chánh Văn phòng; Bằng khen của Chủ tịch UBND tỉnh; Giới thiệu "
            "cấp trên xem xét, tôn vinh.\n",
        ),
        (
            "Chưa đề nghị",
            "Lỗi: 'Chưa đề nghị' nghĩa là chưa có đề nghị; không có gì để xuất.\n",
        ),
    ],
)
def test_only_refuses_what_is_not_a_proposal(
    merged_samples: Path, runner: CliRunner, tmp_path: Path, value: str, message: str
) -> None:
    target = tmp_path / "x.xlsx"
    result = runner.invoke(
        cli,
        ["export", str(merged_samples / "tong-hop-2025.xlsx"), "-o", str(target), "--only", value],
    )
    assert (result.exit_code, result.output) == (2, message)
    assert not target.exists()


def test_only_a_form_that_is_not_a_reward_is_reported_as_unmapped(
    merged_samples: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "x.xlsx"
    result = runner.invoke(
        cli,
        ["export", str(merged_samples / "tong-hop-2025.xlsx"), "-o", str(target)]
        + ["--only", "Giới thiệu cấp trên xem xét, tôn vinh"],
    )
    assert result.exit_code == 2
    assert result.output == (
        "Lỗi: 2 dòng đề nghị có giá trị chưa có mã trong hệ thống của tỉnh; chưa ghi tệp nào.\n"
        '- Hình thức đề nghị "Giới thiệu cấp trên xem xét, tôn vinh" — chưa có mã trong bảng '
        "đối chiếu exports/tdkt-quang-binh.yaml (mục not_awards: không phải khen thưởng hay danh "
        "hiệu): sheet c_CDS dòng 8 (TH, Phong Tong hop - DHTT 2025.xlsx); sheet c_CDS dòng 8 "
        "(PVHCC, PVHCC.xlsx)\n" + UNMAPPED_TAIL
    )


# --- values without a code --------------------------------------------------------------------


@pytest.fixture()
def unmapped_inbox(make_workbook: Make, runner: CliRunner, tmp_path: Path) -> tuple[Path, Path]:
    """A campaign whose Lĩnh vực covers HCTC only, and a blank Phân loại đối tượng:
    one row exports, three have a value without a code. Returns (campaign.toml, out dir)."""
    path = campaign_file(tmp_path, ('default = "0013"', 'HCTC = "0013"'))
    custom = load_campaign(path)
    make_workbook(
        name="inbox/hctc.xlsx",
        unit="HCTC",
        info=info(custom, "HCTC"),
        rows={
            "a_HCM": [
                person("a_HCM", "Nguyễn Văn An", "Nam", GIAY_KHEN),
                person("a_HCM", "Trần Văn Bảo", "Nam", BANG_KHEN, phan_loai=None),
            ]
        },
    )
    make_workbook(
        name="inbox/th.xlsx",
        unit="TH",
        info=info(custom, "TH"),
        rows={
            "a_HCM": [
                person("a_HCM", "Lê Văn An", "Nam", GIAY_KHEN),
                person("a_HCM", "Lê Văn Bình", "Nam", GIAY_KHEN),
            ]
        },
    )
    return path, tmp_path / "out"


def unmapped_lines(first: int = FIRST_DATA_ROW) -> str:
    second = first + 1
    return (
        "- Phân loại đối tượng (để trống) — chưa có mã trong bảng đối chiếu "
        f"exports/tdkt-quang-binh.yaml: sheet a_HCM dòng {second} (HCTC, hctc.xlsx)\n"
        '- Lĩnh vực hoạt động "đơn vị TH" — chưa có mã trong campaign.toml, mục '
        f"[export.activity_fields]: sheet a_HCM dòng {first} (TH, th.xlsx); sheet a_HCM dòng "
        f"{second} (TH, th.xlsx)\n"
    )


def test_unmapped_values_stop_the_export_and_are_listed_where_they_occur(
    unmapped_inbox: tuple[Path, Path], runner: CliRunner
) -> None:
    path, out = unmapped_inbox
    merge(runner, out.parent / "inbox", out, "-c", str(path))
    target = out.parent / "de-nghi.xlsx"
    args = ["export", "-c", str(path), str(out / "tong-hop-2025.xlsx"), "-o", str(target)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output == (
        "Lỗi: 3 dòng đề nghị có giá trị chưa có mã trong hệ thống của tỉnh; chưa ghi tệp nào.\n"
        + unmapped_lines()
        + UNMAPPED_TAIL
    )
    assert not target.exists()

    result = runner.invoke(cli, [*args, "--skip-unmapped"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == (
        f"Đã ghi {target}: 1 dòng đề nghị khen thưởng (tdkt-quang-binh).\n"
        "Đã bỏ ra 3 dòng có giá trị chưa có mã:\n" + unmapped_lines()
    )
    assert [r["C"] for r in read_export(target)] == ["Nguyễn Văn An"]


def test_merge_export_writes_the_mapped_rows_and_reports_the_rest(
    unmapped_inbox: tuple[Path, Path], runner: CliRunner
) -> None:
    path, out = unmapped_inbox
    output = merge(runner, out.parent / "inbox", out, "-c", str(path), "--export")
    target = out / "de-nghi-khen-thuong-2025.xlsx"
    assert (
        f"Đã ghi {target}: 1 dòng đề nghị khen thưởng (tdkt-quang-binh).\n"
        "Đã bỏ ra 3 dòng có giá trị chưa có mã:\n" + unmapped_lines()
    ) in output
    assert [r["C"] for r in read_export(target)] == ["Nguyễn Văn An"]
    # With --json the manifest alone is on stdout; the rows left out are still told (stderr).
    result = runner.invoke(
        cli,
        ["merge", str(out.parent / "inbox"), "-o", str(out), "-c", str(path), "--export", "--json"],
        catch_exceptions=False,
    )
    assert result.stdout.startswith("{") and result.stdout.rstrip().endswith("}")
    assert "Đã bỏ ra 3 dòng có giá trị chưa có mã:\n" + unmapped_lines() in result.stderr


def test_a_proposal_in_neither_list_is_unmapped_not_dropped(
    schemas_copy: Path, runner: CliRunner, tmp_path: Path
) -> None:
    # A new proposed form in the spec, not yet in the mapping table.
    lists = schemas_copy / "lists.yaml"
    text = lists.read_text(encoding="utf-8")
    new = "Bằng khen của Thủ tướng Chính phủ"
    lists.write_text(text.replace("  - Chưa đề nghị\n", f"  - {new}\n  - Chưa đề nghị\n"), "utf-8")
    path = campaign_file(tmp_path, ("# [template]\n# schemas", "[template]\nschemas"))
    custom, specs = load_campaign(path), load_specs(schemas_copy)
    wb = build_template(custom, specs, custom.unit("TH"))
    fill_template(
        wb, specs, info(custom, "TH"), {"a_HCM": [person("a_HCM", "Lê Văn An", "Nam", new)]}
    )
    (tmp_path / "inbox").mkdir()
    wb.save(tmp_path / "inbox" / "th.xlsx")
    out = tmp_path / "out"
    merge(runner, tmp_path / "inbox", out, "-c", str(path))
    result = runner.invoke(
        cli,
        [
            "export",
            "-c",
            str(path),
            str(out / "tong-hop-2025.xlsx"),
            "-o",
            str(tmp_path / "x.xlsx"),
        ],
    )
    assert result.exit_code == 2
    assert result.output == (
        "Lỗi: 1 dòng đề nghị có giá trị chưa có mã trong hệ thống của tỉnh; chưa ghi tệp nào.\n"
        f'- Hình thức đề nghị "{new}" — chưa có mã trong bảng đối chiếu '
        f"exports/tdkt-quang-binh.yaml: sheet a_HCM dòng {FIRST_DATA_ROW} (TH, th.xlsx)\n"
        + UNMAPPED_TAIL
    )


# --- the import's row limit -------------------------------------------------------------------


def test_more_rows_than_the_import_reads_are_split_only_when_asked(
    make_workbook: Make,
    campaign: Campaign,
    runner: CliRunner,
    tmp_path: Path,
    office_check: Callable[..., None],
) -> None:
    names = [f"Người Thứ {n:03d}" for n in range(1, 206)]
    make_workbook(
        name="inbox/th.xlsx",
        unit="TH",
        info=info(campaign, "TH"),
        rows={"a_HCM": [person("a_HCM", name, "Nữ", GIAY_KHEN) for name in names]},
    )
    out = tmp_path / "out"
    output = merge(runner, tmp_path / "inbox", out, "--export")
    merged = [out / f"de-nghi-khen-thuong-2025-{n}.xlsx" for n in (1, 2)]
    assert "Đã ghi 2 tệp, 205 dòng đề nghị khen thưởng (tdkt-quang-binh), mỗi tệp tối đa 199 " in (
        output
    )
    assert [len(read_export(p)) for p in merged] == [199, 6]

    consolidated = out / "tong-hop-2025.xlsx"
    target = tmp_path / "de-nghi.xlsx"
    args = ["export", str(consolidated), "-o", str(target)]
    result = runner.invoke(cli, args)
    assert (result.exit_code, result.output) == (
        2,
        "Lỗi: Có 205 dòng đề nghị, nhiều hơn 199 dòng mà hệ thống của tỉnh đọc khi nhập "
        "(dòng 2–200, nếu không sửa phạm vi); chưa ghi tệp nào. Chạy lại với --split 199 để "
        "chia thành 2 tệp.\n",
    )
    assert not list(tmp_path.glob("de-nghi*.xlsx"))

    runner.invoke(cli, [*args, "--split", "100"], catch_exceptions=False)  # an earlier run
    result = runner.invoke(cli, [*args, "--split", "199"], catch_exceptions=False)
    assert result.exit_code == 0
    parts = [tmp_path / f"de-nghi-{n}.xlsx" for n in (1, 2)]
    assert result.output == (
        "Đã ghi 2 tệp, 205 dòng đề nghị khen thưởng (tdkt-quang-binh), mỗi tệp tối đa 199 dòng "
        "vì hệ thống của tỉnh chỉ đọc dòng 2–200 khi nhập: de-nghi-1.xlsx (199 dòng), "
        f"de-nghi-2.xlsx (6 dòng) (trong {tmp_path}).\n"
        "Lưu ý: de-nghi-3.xlsx là của một lần xuất trước; đừng gửi kèm.\n"
    )
    first, second = (read_export(p) for p in parts)
    assert openpyxl.load_workbook(parts[0])["file nhận"].max_row == 200
    assert [r["A"] for r in first] == list(range(1, 200))
    assert [r["A"] for r in second] == list(range(1, 7))
    assert [r["C"] for r in first + second] == proposals_in(consolidated) == names
    office_check(*parts, *merged)

    # One file beyond the import's default range, when the officer will widen the range.
    result = runner.invoke(cli, [*args, "--split", "300"], catch_exceptions=False)
    assert result.output == (
        f"Đã ghi {target}: 205 dòng đề nghị khen thưởng (tdkt-quang-binh).\n"
        "Lưu ý: khi nhập vào hệ thống của tỉnh, sửa dòng cuối cần đọc thành 206 (mặc định chỉ "
        "đọc tới dòng 200).\n"
        "Lưu ý: de-nghi-1.xlsx, de-nghi-2.xlsx, de-nghi-3.xlsx là của một lần xuất trước; đừng "
        "gửi kèm.\n"
    )
    assert len(read_export(target)) == 205


# --- mistakes in the declared mapping ---------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "old", "new", "message"),
    [
        (
            "mapping",
            'Cá nhân: "CANHAN"',
            'Cá nhân: "CANHAN1"',
            "exports/tdkt-quang-binh.yaml, mục 'kind', khóa 'Cá nhân': mã 'CANHAN1' không có "
            "trong danh mục Phân loại khen thưởng (phan-loai-khen-thuong-ma.csv).",
        ),
        (
            "mapping",
            'Bằng khen của Chủ tịch UBND tỉnh: "1650360491"',
            "Bằng khen của Chủ tịch UBND tỉnh: 1650360491",
            "exports/tdkt-quang-binh.yaml, mục 'proposal', khóa 'Bằng khen của Chủ tịch UBND "
            'tỉnh\': mã phải viết trong dấu nháy kép (ví dụ "0013"), để giữ số 0 ở đầu.',
        ),
        (
            "mapping",
            "Giấy khen của Chánh Văn phòng:",
            "Giấy khen của Chánh VP:",
            "exports/tdkt-quang-binh.yaml, mục 'proposal', khóa 'Giấy khen của Chánh VP': không "
            "phải một lựa chọn của biểu mẫu.",
        ),
        (
            "mapping",
            "  female: Bà\n",
            "",
            "exports/tdkt-quang-binh.yaml, mục 'salutation': cần male và female, ví dụ male: Ông, "
            "female: Bà.",
        ),
        (
            "code list",
            "Y tế,0012\r\n",
            "Y tế,0012\r\nDược,0012\r\n",
            "exports/tdkt-quang-binh.yaml, 'activity_field': linh-vuc-hoat-dong-ma.csv, dòng 26: "
            "mã '0012' bị trùng.",
        ),
        (
            "campaign",
            'default = "0013"',
            'default = "13"',
            "campaign.toml, mục [export.activity_fields] khóa 'default': mã '13' không có trong "
            "danh mục Lĩnh vực hoạt động (linh-vuc-hoat-dong-ma.csv).",
        ),
        (
            "campaign",
            'default = "0013"',
            "default = 13",
            "campaign.toml, mục [export] khóa 'activity_fields': phải là bảng mã lĩnh vực trong "
            'dấu nháy kép, ví dụ default = "0013".',
        ),
        (
            "campaign",
            '# THCB = "0009"',
            'XYZ = "0009"',
            "campaign.toml, mục [export.activity_fields] khóa 'XYZ': phải là 'default' hoặc mã "
            "đơn vị trong danh sách [[units]].",
        ),
        (
            "campaign",
            'activity_field_by = "unit"',
            'activity_field_by = "don_vi"',
            "campaign.toml, mục [export] khóa 'activity_field_by': phải là \"unit\" (theo đơn vị) "
            'hoặc "criterion" (theo tiêu chí).',
        ),
    ],
)
def test_a_mistake_in_the_mapping_is_named_before_anything_is_written(
    schemas_copy: Path,
    merged_samples: Path,
    runner: CliRunner,
    tmp_path: Path,
    where: str,
    old: str,
    new: str,
    message: str,
) -> None:
    edited = {
        "mapping": schemas_copy / "exports" / "tdkt-quang-binh.yaml",
        "code list": schemas_copy / "exports" / "tdkt-quang-binh" / "linh-vuc-hoat-dong-ma.csv",
    }.get(where)
    if edited is None:
        path = campaign_file(tmp_path, (old, new))
    else:
        text = edited.read_bytes().decode("utf-8")
        assert old in text
        edited.write_bytes(text.replace(old, new, 1).encode("utf-8"))
        path = campaign_file(tmp_path, ("# [template]\n# schemas", "[template]\nschemas"))
    target = tmp_path / "x.xlsx"
    consolidated = merged_samples / "tong-hop-2025.xlsx"
    result = runner.invoke(cli, ["export", "-c", str(path), str(consolidated), "-o", str(target)])
    assert (result.exit_code, result.output) == (2, f"Lỗi: {message}\n")
    # merge --export stops on it before merging: nothing is written.
    result = runner.invoke(
        cli, ["merge", "-c", str(path), str(SAMPLE_INBOX), "-o", str(tmp_path / "out"), "--export"]
    )
    assert (result.exit_code, result.output.lstrip("\n")) == (2, f"Lỗi: {message}\n")
    assert not target.exists() and not (tmp_path / "out").exists()


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
def test_an_office_suite_reads_the_codes_as_text_with_their_leading_zeros(
    merged_samples: Path, runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "de-nghi.xlsx"
    args = ["export", str(merged_samples / "tong-hop-2025.xlsx"), "-o", str(target)]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    # UTF-8 CSV with every text cell quoted: a code LibreOffice took for a number is unquoted.
    saved = convert(target, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true", tmp_path / "lo")
    text = saved.read_text(encoding="utf-8")
    lines = list(csv.reader(text.splitlines(keepends=True)))
    assert lines[0] == [HEADERS.get(x, "") for x in LETTERS]
    rows = read_export(target)
    assert [line[17:] for line in lines[1:]] == [[r[x] for x in "RSTU"] for r in rows]
    assert text.count(',"0013"\n') == len(rows)


@pytest.mark.parametrize(
    ("source", "output", "message"),
    [
        (
            SAMPLE_INBOX / "HCTC_dang-ky-DHTT-2025.xlsx",
            "x.xlsx",
            "HCTC_dang-ky-DHTT-2025.xlsx không phải bảng tổng hợp do dhtt-batch merge tạo ra.",
        ),
        (
            SAMPLE_INBOX / "khong-co.xlsx",
            "x.xlsx",
            f"Không tìm thấy tệp {SAMPLE_INBOX}/khong-co.xlsx.",
        ),
        (None, "x.xls", "Tệp xuất phải có đuôi .xlsx (không phải 'x.xls')."),
    ],
)
def test_export_usage_errors(
    merged_samples: Path,
    runner: CliRunner,
    tmp_path: Path,
    source: Path | None,
    output: str,
    message: str,
) -> None:
    consolidated = source or merged_samples / "tong-hop-2025.xlsx"
    result = runner.invoke(cli, ["export", str(consolidated), "-o", str(tmp_path / output)])
    assert (result.exit_code, result.output) == (2, f"Lỗi: {message}\n")
    assert not list(tmp_path.iterdir())


def test_own_schemas_without_a_mapping_table_say_what_is_missing(
    schemas_copy: Path, merged_samples: Path, runner: CliRunner, tmp_path: Path
) -> None:
    shutil.rmtree(schemas_copy / "exports")
    path = campaign_file(tmp_path, ("# [template]\n# schemas", "[template]\nschemas"))
    args = ["export", "-c", str(path), str(merged_samples / "tong-hop-2025.xlsx")]
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "x.xlsx")])
    assert (result.exit_code, result.output) == (
        2,
        "Lỗi: Không thấy bảng đối chiếu của định dạng 'tdkt-quang-binh': "
        f"{schemas_copy}/exports/tdkt-quang-binh.yaml. Bộ đặc tả biểu mẫu riêng cần có thư mục "
        "exports/ như bộ mặc định.\n",
    )
