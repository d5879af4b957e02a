from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from dhtt_batch.campaign import CampaignError, default_campaign_path, load_campaign
from dhtt_batch.campaign_keys import KNOWN_KEYS
from dhtt_batch.cli import cli


def test_default_campaign_reproduces_the_seed_office() -> None:
    campaign = load_campaign()
    assert campaign.agency.name == "Văn phòng UBND tỉnh Quảng Bình"
    assert campaign.agency.parent == "UBND TỈNH QUẢNG BÌNH"
    assert campaign.report.signer_authority == "KT. CHÁNH VĂN PHÒNG"
    assert campaign.report.signer_name == "Phạm Thị Hồng Lê"
    assert campaign.report.recipients[0] == "Sở Nội vụ"
    assert campaign.unit("HCTC") is not None
    assert campaign.unit("HCTC").name == "Phòng Hành chính - Tổ chức"  # type: ignore[union-attr]
    assert len(campaign.units) >= 8
    assert campaign.period.id == "2025"
    assert campaign.period.label == "Năm 2025"
    assert campaign.period.deadline == datetime(2025, 12, 20, 17, 0)
    # The seed plan: "Số: /KH-VPUBND", dated only "năm 2022" in the copy on file.
    report = campaign.report
    assert (report.plan_number, report.plan_symbol, report.plan_date) == ("", "KH-VPUBND", 2022)


def test_a_typed_unit_code_is_found_in_any_case_and_an_unknown_one_lists_the_codes() -> None:
    campaign = load_campaign()
    assert campaign.lookup_unit(" kt ") is campaign.unit("KT")
    with pytest.raises(CampaignError) as raised:
        campaign.lookup_unit("XYZ")
    codes = ", ".join(unit.code for unit in campaign.units)
    assert str(raised.value) == f"Không có đơn vị mã 'XYZ' trong danh sách ({codes})."


def test_plan_date_may_be_a_full_date(tmp_path: Path) -> None:
    path = _campaign_with(tmp_path, "plan_date = 2022", "plan_date = 2022-11-15")
    assert load_campaign(path).report.plan_date == date(2022, 11, 15)


def _campaign_with(tmp_path: Path, old: str, new: str) -> Path:
    text = default_campaign_path().read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "campaign.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_period_kinds_give_ids_and_labels(tmp_path: Path) -> None:
    campaign = load_campaign(_campaign_with(tmp_path, 'kind = "annual"', 'kind = "final"'))
    assert campaign.period.id == "tong-ket-2025"
    assert campaign.period.label == "Tổng kết giai đoạn 2021 - 2025 (năm 2025)"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'kind = "annual"',
            'kind = "yearly"',
            "campaign.toml, mục [period] khóa 'kind': phải là một trong annual, midterm, final.",
        ),
        ("year = 2025", 'year = "2025"', "campaign.toml, mục [period] khóa 'year': phải là năm"),
        ('code = "TH"', 'code = "Tổng hợp"', "campaign.toml, đơn vị thứ 2: mã 'Tổng hợp' không"),
        ('code = "TH"', 'code = "HCTC"', "campaign.toml, đơn vị thứ 2: mã đơn vị 'HCTC' bị trùng."),
        (
            'email = "kinhte.vpubnd@quangbinh.gov.vn"',
            'email = "kinhte"',
            "campaign.toml, đơn vị thứ 3 (KT): địa chỉ thư 'kinhte' không hợp lệ.",
        ),
        (
            "deadline = 2025-12-20T17:00:00",
            'deadline = "chiều thứ Sáu"',
            "campaign.toml, mục [period] khóa 'deadline': phải là ngày giờ",
        ),
        (
            'coordinator = "HCTC"',
            'coordinator = "VP"',
            "campaign.toml, mục [agency] khóa 'coordinator': 'VP' không phải mã đơn vị nào",
        ),
        (
            'signer_name = "Phạm Thị Hồng Lê"',
            'signer_name = ""',
            "campaign.toml, mục [report] khóa 'signer_name': không được để trống.",
        ),
        (
            "plan_date = 2022",
            'plan_date = "tháng 11/2022"',
            "campaign.toml, mục [report] khóa 'plan_date': phải là ngày dạng 2022-11-15, năm",
        ),
        (
            'name = "Văn phòng UBND tỉnh Quảng Bình"',
            "name = Văn phòng",
            "campaign.toml không đúng định dạng TOML",
        ),
    ],
)
def test_broken_campaign_names_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(CampaignError) as info:
        load_campaign(_campaign_with(tmp_path, old, new))
    assert message in str(info.value)


def test_missing_campaign_file(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match="Không tìm thấy tệp cấu hình"):
        load_campaign(tmp_path / "nope.toml")


def test_campaign_may_point_at_its_own_schemas(tmp_path: Path, schemas_copy: Path) -> None:
    text = default_campaign_path().read_text(encoding="utf-8")
    path = tmp_path / "campaign.toml"
    path.write_text(text + '\n[template]\nschemas = "schemas"\n', encoding="utf-8")
    campaign = load_campaign(path)
    assert campaign.schemas_dir == schemas_copy
    assert campaign.load_specs().info.name == "Thông tin đơn vị"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "deadline = 2025-12-20T17:00:00",
            "dealine = 2025-12-20T17:00:00",
            "campaign.toml, dòng {line}: khóa 'dealine' trong mục [period] không có trong "
            "cấu hình. Có phải ý là 'deadline'?",
        ),
        (
            "recipients = [",
            "recipient = [",
            "campaign.toml, dòng {line}: khóa 'recipient' trong mục [report] không có trong "
            "cấu hình. Có phải ý là 'recipients'?",
        ),
        (
            'email = "tonghop.vpubnd@quangbinh.gov.vn"',
            'emial = "tonghop.vpubnd@quangbinh.gov.vn"',
            "campaign.toml, dòng {line}: khóa 'emial' trong mục [[units]] không có trong cấu hình. "
            "Có phải ý là 'email'?",
        ),
        (
            "[agency]",
            "[agensy]",
            "campaign.toml, dòng {line}: mục [agensy] không có trong cấu hình. Có phải ý là "
            "'agency'?",
        ),
    ],
)
def test_unknown_key_is_refused_with_its_line_and_the_nearest_known_key(
    tmp_path: Path, runner: CliRunner, old: str, new: str, message: str
) -> None:
    path = _campaign_with(tmp_path, old, new)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith(new))
    result = runner.invoke(cli, ["template", "-c", str(path), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 2
    assert result.stderr == f"Lỗi: {message.format(line=line)}\n"


@pytest.mark.parametrize(
    ("written", "deadline"),
    [
        ('"2025-12-20T17:00:00"', datetime(2025, 12, 20, 17, 0)),
        ('"20/12/2025 17:00"', datetime(2025, 12, 20, 17, 0)),
        ('"2025-12-20"', datetime(2025, 12, 20, 23, 59, 59)),
    ],
)
def test_a_deadline_in_quotes_is_read(tmp_path: Path, written: str, deadline: datetime) -> None:
    path = _campaign_with(tmp_path, "deadline = 2025-12-20T17:00:00", f"deadline = {written}")
    assert load_campaign(path).period.deadline == deadline


def test_a_plan_date_in_quotes_is_read(tmp_path: Path) -> None:
    path = _campaign_with(tmp_path, "plan_date = 2022", 'plan_date = "15/11/2022"')
    assert load_campaign(path).report.plan_date == date(2022, 11, 15)


def test_every_key_of_the_packaged_campaign_is_known() -> None:
    """The default file (the one `init` copies for editing) uses only declared keys, and each
    declared table is used there or documented in its comments."""
    text = default_campaign_path().read_text(encoding="utf-8")
    load_campaign()  # would raise on an unknown key
    for table in KNOWN_KEYS:
        name = "[[units]]" if table == "units" else f"[{table}]"
        assert name in text, name
