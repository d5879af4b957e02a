from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dhtt_batch.campaign import Campaign, load_campaign
from dhtt_batch.formats.template_layout import FORM_FIRST_ROW
from dhtt_batch.spec import SheetSpec, SpecSet, load_specs
from dhtt_batch.template import build_template
from dhtt_batch.testing import fill_template
from dhtt_batch.validate import ValidationResult, validate_paths

from . import lo_clerk

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = REPO / "samples" / "inbox"


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="session")
def specs() -> SpecSet:
    return load_specs()


@pytest.fixture(scope="session")
def template_file(
    tmp_path_factory: pytest.TempPathFactory, campaign: Campaign, specs: SpecSet
) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    build_template(campaign, specs).save(path)
    return path


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def schemas_copy(tmp_path: Path) -> Path:
    """An editable copy of the spec folder, for tests that break it on purpose."""
    target = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", target)
    return target


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# --- filled workbooks -----------------------------------------------------------------------

VALID_INFO = {
    "don_vi": "Phòng Tổng hợp",
    "nguoi_lap": "Lê Thị Hoa",
    "dien_thoai": "0232 3822 123",
    "email": "hoa.le@example.gov.vn",
    "ngay_lap": date(2025, 12, 10),
    "thu_truong": "Nguyễn Văn Nam",
}
_COMMON = {
    "doi_tuong": "Cá nhân",
    "ho_ten": "Trần Văn Bình",
    "gioi_tinh": "Nam",
    "nam_sinh": 1984,
    "chuc_vu": "Chuyên viên",
    "don_vi_cong_tac": "Phòng Tổng hợp",
    "giai_doan": "Đang bồi dưỡng",
    "tom_tat_thanh_tich": "Hoàn thành xuất sắc nhiệm vụ hai năm liền, có hai sáng kiến.",
    "danh_hieu": "Chiến sĩ thi đua cơ sở",
    "so_quyet_dinh": "45/QĐ-VPUBND",
    "ngay_quyet_dinh": date(2024, 1, 15),
    "hinh_thuc_de_nghi": "Biểu dương",
}
VALID_ROWS: dict[str, dict[str, object]] = {
    "a_HCM": {
        **_COMMON,
        "noi_dung_dot_pha": "Số hóa quy trình trình ký văn bản điện tử",
        "muc_do_hoan_thanh": "Hoàn thành xuất sắc nhiệm vụ",
        "pham_vi_lan_toa": "Toàn cơ quan",
    },
    "b_CCHC": {
        **_COMMON,
        "ten_mo_hinh": "Tiếp nhận hồ sơ trực tuyến toàn trình",
        "linh_vuc_cai_cach": "Cải cách thủ tục hành chính",
        "nam_ap_dung": 2023,
        "hieu_qua_hai_long": "Rút ngắn 30% thời gian, 97% người dân hài lòng",
    },
    "c_CDS": {
        **_COMMON,
        "ten_san_pham": "Phần mềm theo dõi nhiệm vụ",
        "phuc_vu": "Quản lý, điều hành",
        "nam_su_dung": 2022,
        "hieu_qua_nang_suat": "Giảm 40% thời gian tổng hợp báo cáo định kỳ",
        "duong_dan": "https://example.gov.vn/nhiem-vu",
    },
}


def valid_row(sheet: str = "a_HCM", **changes: object) -> dict[str, object]:
    return {**VALID_ROWS[sheet], **changes}


@pytest.fixture()
def make_workbook(campaign: Campaign, specs: SpecSet, tmp_path: Path) -> Callable[..., Path]:
    """Build a filled template in tmp_path; `edit(wb)` may change it before it is saved."""

    def make(
        name: str = "HCTC.xlsx",
        rows: dict[str, list[dict[str, object]]] | None = None,
        info: dict[str, object] | None = None,
        unit: str | None = None,
        edit: Callable[[Workbook], None] | None = None,
        of_campaign: Campaign | None = None,
    ) -> Path:
        source = of_campaign or campaign
        wb = build_template(source, specs, source.unit(unit) if unit else None)
        fill_template(
            wb,
            specs,
            VALID_INFO if info is None else info,
            {"a_HCM": [valid_row()]} if rows is None else rows,
        )
        if edit:
            edit(wb)
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return make


@pytest.fixture()
def check(campaign: Campaign, specs: SpecSet) -> Callable[..., ValidationResult]:
    def run(*paths: Path) -> ValidationResult:
        return validate_paths(list(paths), campaign, specs, today=TODAY)

    return run


TODAY = date(2026, 1, 5)


@pytest.fixture(scope="session")
def merged_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUTDIR of `dhtt-batch merge samples/inbox --report --json`, run once per session;
    the JSON printed on stdout is kept beside the outputs as stdout.json."""
    from dhtt_batch.cli import cli

    out = tmp_path_factory.mktemp("merged-samples")
    result = CliRunner().invoke(
        cli,
        ["merge", str(SAMPLE_INBOX), "-o", str(out), "--report", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    (out / "stdout.json").write_text(result.stdout, encoding="utf-8")
    return out


# --- a clerk typing in LibreOffice (tests/lo_clerk.py) ----------------------------------------


@functools.cache
def _clerk_unavailable() -> str:
    return lo_clerk.available()


@pytest.fixture(scope="session")
def clerk() -> Callable[[], lo_clerk.Clerk]:
    """A new clerk's list of steps; `.run(file, save_as=…)` does them in LibreOffice."""
    reason = _clerk_unavailable()
    if reason:
        pytest.skip(reason)
    return lo_clerk.Clerk


def typed(value: object) -> str:
    """What a clerk types for a value: dates day first, numbers as digits."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def type_record(
    clerk: lo_clerk.Clerk, spec: SheetSpec, row: int, record: dict[str, object]
) -> lo_clerk.Clerk:
    """Type one record into a criterion sheet's row, column by column as the template has
    them (blank values are skipped, as a clerk leaves the cell alone)."""
    for index, key in enumerate(spec.keys, start=1):
        value = record.get(key)
        if value not in (None, ""):
            clerk.type(spec.name, f"{get_column_letter(index)}{row}", typed(value))
    return clerk


def type_info(clerk: lo_clerk.Clerk, specs: SpecSet, info: dict[str, object]) -> lo_clerk.Clerk:
    """Fill the unit-information sheet's fields (column B, one field per row)."""
    for offset, col in enumerate(specs.info.columns):
        value = info.get(col.key)
        if value not in (None, ""):
            clerk.type(specs.info.name, f"B{FORM_FIRST_ROW + offset}", typed(value))
    return clerk
