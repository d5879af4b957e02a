from __future__ import annotations

from pathlib import Path

import pytest

from dhtt_batch.spec import RelativeYear, Role, SpecError, SpecSet
from dhtt_batch.spec_loader import load_specs


def test_default_specs_declare_the_info_sheet_and_three_criteria(specs: SpecSet) -> None:
    assert specs.info.name == "Thông tin đơn vị"
    assert [s.name for s in specs.criteria] == ["a_HCM", "b_CCHC", "c_CDS"]
    assert [s.criterion for s in specs.criteria] == ["a", "b", "c"]


def test_common_columns_are_shared_and_specific_columns_differ(specs: SpecSet) -> None:
    common = [
        "stt",
        "doi_tuong",
        "ho_ten",
        "gioi_tinh",
        "nam_sinh",
        "tom_tat_thanh_tich",
        "danh_hieu",
        "so_quyet_dinh",
        "ngay_quyet_dinh",
        "hinh_thuc_de_nghi",
        "ghi_chu",
    ]
    for sheet in specs.criteria:
        assert set(common) <= set(sheet.keys)
    assert "linh_vuc_cai_cach" in specs.criterion("b").keys
    assert "duong_dan" in specs.criterion("c").keys
    assert "noi_dung_dot_pha" in specs.criterion("a").keys


def test_conditional_rules_and_bounds_are_loaded(specs: SpecSet) -> None:
    gioi_tinh = specs.criterion("a").column("gioi_tinh")
    assert gioi_tinh.required_when is not None and gioi_tinh.required_when.equals == "Cá nhân"
    assert gioi_tinh.blank_when is not None and gioi_tinh.blank_when.equals == "Tập thể"
    assert specs.criterion("a").column("nam_sinh").max == RelativeYear(16)
    assert specs.criterion("b").column("linh_vuc_cai_cach").choices[0] == "Cải cách thể chế"


def test_hash_ignores_comments_but_follows_content(schemas_copy: Path) -> None:
    before = load_specs(schemas_copy).hash
    path = schemas_copy / "a_HCM.yaml"
    path.write_text("# a new comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_specs(schemas_copy).hash == before
    path.write_text(
        path.read_text(encoding="utf-8").replace("width: 40", "width: 41", 1), encoding="utf-8"
    )
    assert load_specs(schemas_copy).hash != before


def _break(directory: Path, filename: str, old: str, new: str) -> None:
    path = directory / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("filename", "old", "new", "message"),
    [
        (
            "b_CCHC.yaml",
            "type: year",
            "type: yeer",
            "schemas/b_CCHC.yaml, cột 'nam_ap_dung': kiểu 'yeer' không hợp lệ",
        ),
        (
            "a_HCM.yaml",
            "- use: ghi_chu",
            "- use: ghi_chu_x",
            "schemas/a_HCM.yaml: 'use: ghi_chu_x' không có trong _common.yaml.",
        ),
        (
            "c_CDS.yaml",
            "choices_from: phuc_vu_chuyen_doi_so",
            "choices_from: khong_co",
            "schemas/c_CDS.yaml, cột 'phuc_vu': danh sách 'khong_co' không có trong lists.yaml.",
        ),
        (
            "_common.yaml",
            "blank_when: {column: doi_tuong, equals: Tập thể}",
            "blank_when: {column: loai, equals: Tập thể}",
            "cột 'gioi_tinh': điều kiện nhắc tới cột 'loai' không có.",
        ),
        (
            "c_CDS.yaml",
            "key: duong_dan",
            "key: Duong-dan",
            "schemas/c_CDS.yaml, cột 'Duong-dan': 'key' phải gồm chữ thường",
        ),
        (
            "a_HCM.yaml",
            "    required: true\n    min_length: 10",
            "    required: yes please\n    min_length: 10",
            "cột 'noi_dung_dot_pha': 'required' phải là true hoặc false.",
        ),
        (
            "b_CCHC.yaml",
            "max: current",
            "max: tomorrow",
            "cột 'nam_ap_dung': 'max' phải là số, ngày (YYYY-MM-DD) hoặc 'current-N'.",
        ),
        (
            "lists.yaml",
            "  - Nữ",
            "  - Nam",
            "schemas/lists.yaml, danh sách 'gioi_tinh': lựa chọn 'Nam' bị trùng.",
        ),
        ("a_HCM.yaml", "kind: table", "kind: tabel", "schemas/a_HCM.yaml: 'kind' phải là"),
        ("c_CDS.yaml", "columns:", "columns: [\n", "schemas/c_CDS.yaml: YAML không hợp lệ"),
        ("a_HCM.yaml", "sheet: a_HCM", "sheet: b_CCHC", "sheet 'b_CCHC' bị trùng."),
        (
            "a_HCM.yaml",
            "sheet: a_HCM",
            "sheet: a/HCM",
            "schemas/a_HCM.yaml: tên sheet 'a/HCM' không dùng được trong Excel",
        ),
        (
            "c_CDS.yaml",
            "sheet: c_CDS",
            "sheet: Công nghệ thông tin và chuyển đổi số",
            "tên sheet 'Công nghệ thông tin và chuyển đổi số' không dùng được trong Excel",
        ),
        (
            "a_HCM.yaml",
            "    width: 22\n    help: Mức",
            "    widht: 22\n    help: Mức",
            "cột 'muc_do_hoan_thanh': khóa không hợp lệ: widht.",
        ),
        (
            "_common.yaml",
            "    role: name\n",
            "",
            "schemas/a_HCM.yaml: thiếu cột có vai trò 'name' (role: name).",
        ),
        (
            "a_HCM.yaml",
            "    role: spread\n",
            "    role: note\n",
            "schemas/a_HCM.yaml: vai trò 'note' được gán cho hai cột ('pham_vi_lan_toa' và "
            "'ghi_chu').",
        ),
        (
            "_common.yaml",
            "    role: gender\n",
            "    role: sex\n",
            "cột 'gioi_tinh': vai trò 'sex' không hợp lệ",
        ),
        (
            "_common.yaml",
            "role_values: {collective: Tập thể, individual: Cá nhân}",
            "role_values: {collective: Tập thể, individual: Cá-nhân}",
            "cột 'doi_tuong': role_values 'individual: Cá-nhân' không có trong lựa chọn.",
        ),
        (
            "_common.yaml",
            "role_values: {none: Chưa đề nghị}",
            "role_values: {nothing: Chưa đề nghị}",
            "cột 'hinh_thuc_de_nghi': vai trò 'proposal' cần 'role_values' với none.",
        ),
        (
            "info.yaml",
            "    role: unit\n",
            "",
            "schemas/info.yaml: thiếu cột có vai trò 'unit' (role: unit).",
        ),
    ],
)
def test_broken_spec_names_file_and_key(
    schemas_copy: Path, filename: str, old: str, new: str, message: str
) -> None:
    _break(schemas_copy, filename, old, new)
    with pytest.raises(SpecError) as info:
        load_specs(schemas_copy)
    assert message in str(info.value)


def test_missing_sheet_file_is_named(schemas_copy: Path) -> None:
    (schemas_copy / "c_CDS.yaml").unlink()
    with pytest.raises(SpecError, match="schemas/c_CDS.yaml: không tìm thấy tệp."):
        load_specs(schemas_copy)


def test_roles_name_the_columns_code_relies_on(specs: SpecSet) -> None:
    for sheet in specs.criteria:
        assert sheet.key(Role.NAME) == "ho_ten"
        kind = sheet.role(Role.KIND)
        assert (kind.value("collective"), kind.value("individual")) == ("Tập thể", "Cá nhân")
        assert sheet.is_collective("Tập thể") and sheet.is_individual("Cá nhân")
        assert sheet.role(Role.PROPOSAL).value("none") == "Chưa đề nghị"
        assert Role.ROW_NUMBER not in {c.role for c in sheet.data_columns}
    assert specs.criterion("a").by_role(Role.SPREAD) is not None
    assert specs.criterion("b").by_role(Role.SPREAD) is None
    assert specs.info.key(Role.DATE_MADE) == "ngay_lap"
