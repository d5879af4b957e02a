"""Decomposed Unicode (NFD, as some Mac and web tools write): every comparison with fixed text
— sheet names, headers, the example row's marker, choices, unit names, labels — goes through
one normalisation, so a workbook or a campaign file saved in NFD reads exactly like NFC."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from dhtt_batch.campaign import Campaign, default_campaign_path, load_campaign
from dhtt_batch.cli import cli
from dhtt_batch.formats.consolidated import read_consolidated
from dhtt_batch.spec import Role, SpecSet
from dhtt_batch.states import UnitStatus, label, unit_status_from_label
from dhtt_batch.validate import ValidationResult

from .conftest import VALID_INFO, valid_row


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def to_nfd(wb: Workbook) -> None:
    """Every text cell and every sheet name of the workbook, decomposed."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = nfd(cell.value)
        ws.title = nfd(ws.title)


ROWS = {
    "a_HCM": [
        valid_row(),
        valid_row(doi_tuong="Tập thể", ho_ten="Tổ Văn thư", gioi_tinh=None, nam_sinh=None),
    ],
    "b_CCHC": [valid_row("b_CCHC", ho_ten="Đặng Thị Ánh", gioi_tinh="Nữ")],
}


def test_a_whole_workbook_in_nfd_reads_like_nfc(
    make_workbook: Callable[..., Path],
    check: Callable[..., ValidationResult],
    specs: SpecSet,
) -> None:
    plain = check(make_workbook("nfc/TH.xlsx", rows=ROWS))
    decomposed = check(make_workbook("nfd/TH.xlsx", rows=ROWS, edit=to_nfd))
    assert decomposed.findings == [] and plain.findings == []
    sub, twin = decomposed.submissions[0], plain.submissions[0]
    assert sub.identity.code == twin.identity.code == "TH"  # the unit chosen, in NFD
    assert sub.meta == twin.meta
    for spec in specs.criteria:
        # The example row is recognised (and skipped); every choice is the spec's own.
        assert sub.tables[spec.name].rows == twin.tables[spec.name].rows
        frame = decomposed.criteria[spec.name]
        kinds = frame[spec.key(Role.KIND)].tolist()
        assert all(k in spec.role(Role.KIND).choices for k in kinds)
        names = frame[spec.key(Role.NAME)].tolist()
        assert names == plain.criteria[spec.name][spec.key(Role.NAME)].tolist()
        assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_merge_of_an_nfd_workbook_credits_the_unit_and_writes_nfc(
    make_workbook: Callable[..., Path], runner: CliRunner, tmp_path: Path, specs: SpecSet
) -> None:
    make_workbook("inbox/th.xlsx", rows=ROWS, edit=to_nfd)
    result = runner.invoke(
        cli, ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = read_consolidated(tmp_path / "out" / "tong-hop-2025.xlsx", specs)
    assert {u.code: u.status for u in data.units}["TH"] == UnitStatus.VALID
    names = [r[specs.criterion("a_HCM").key(Role.NAME)] for r in data.rows["a_HCM"]]
    assert names == ["Tổ Văn thư", valid_row()["ho_ten"]]  # NFC, the collective first


def test_a_campaign_file_saved_in_nfd_gives_nfc_names(
    tmp_path: Path, make_workbook: Callable[..., Path], runner: CliRunner
) -> None:
    path = tmp_path / "campaign.toml"
    path.write_text(nfd(default_campaign_path().read_text(encoding="utf-8")), encoding="utf-8")
    campaign: Campaign = load_campaign(path)
    unit = campaign.unit("TH")
    assert unit is not None and unit.name == "Phòng Tổng hợp"
    assert campaign.agency.name == "Văn phòng UBND tỉnh Quảng Bình"
    make_workbook("inbox/th.xlsx", info={**VALID_INFO, "don_vi": "Phòng Tổng hợp"})
    result = runner.invoke(
        cli,
        ["merge", "-c", str(path), str(tmp_path / "inbox"), "-o", str(tmp_path / "out"), "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert '"unit": "TH"' in result.stdout


def test_labels_read_back_in_any_form() -> None:
    for status in UnitStatus:
        assert unit_status_from_label(nfd(label(status).upper())) == status
