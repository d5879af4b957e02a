"""Whose file is it: the unit chosen on the information sheet and the sender outrank the
template's metadata (whose blank it was); agreeing signals win with a warning naming both;
when no two agree the file is rejected until HCTC writes `unit` in the sidecar. Rows are never
credited to another unit silently."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from dhtt_batch.cli import cli
from dhtt_batch.formats.sidecar import Sidecar, read_sidecar, sidecar_path, write_sidecar

from .conftest import VALID_INFO, valid_row

Make = Callable[..., Path]
KT_MAIL, TH_MAIL, NC_MAIL = (
    "Phòng Kinh tế <kinhte.vpubnd@quangbinh.gov.vn>",
    "Phạm Minh Tuấn <tonghop.vpubnd@quangbinh.gov.vn>",
    "noichinh.vpubnd@quangbinh.gov.vn",
)


def merge(runner: CliRunner, tmp_path: Path) -> dict:
    result = runner.invoke(
        cli,
        ["merge", str(tmp_path / "inbox"), "-o", str(tmp_path / "out"), "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def entry(manifest: dict, name: str) -> dict:
    return next(f for f in manifest["files"] if Path(f["path"]).name == name)


def statuses(manifest: dict) -> dict[str, str]:
    return {u["code"]: u["status"] for u in manifest["units"]}


def sent(path: Path, sender: str, **extra: str) -> Path:
    write_sidecar(path, Sidecar(sender=sender, received="2025-12-10T10:00:00+07:00", **extra))
    return path


def test_a_forwarded_template_counts_for_the_unit_that_filled_and_sent_it(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    """Phòng Kinh tế's own template, forwarded to Phòng Tổng hợp, which chose itself on the
    information sheet and sent it: Tổng hợp's rows, with a warning naming both; Kinh tế's
    own file is untouched."""
    sent(
        make_workbook(
            "inbox/tong-hop.xlsx",
            unit="KT",
            info={**VALID_INFO, "don_vi": "Phòng Tổng hợp"},
            rows={"a_HCM": [valid_row(ho_ten="Người Của Tổng Hợp")]},
        ),
        TH_MAIL,
    )
    sent(
        make_workbook(
            "inbox/kinh-te.xlsx", unit="KT", info={**VALID_INFO, "don_vi": "Phòng Kinh tế"}
        ),
        KT_MAIL,
    )
    manifest = merge(runner, tmp_path)
    forwarded, own = entry(manifest, "tong-hop.xlsx"), entry(manifest, "kinh-te.xlsx")
    assert (forwarded["unit"], forwarded["unit_from"], forwarded["status"]) == (
        "TH",
        "info_sheet+sender",
        "accepted",
    )
    assert (own["unit"], own["status"]) == ("KT", "accepted")
    assert [f["message"] for f in forwarded["findings"]] == [
        "Tệp được tính cho 'Phòng Tổng hợp' vì sheet thông tin đơn vị chọn 'Phòng Tổng hợp' và "
        "người gửi thư (tonghop.vpubnd@quangbinh.gov.vn) là 'Phòng Tổng hợp'; nhưng biểu mẫu "
        "được cấp cho 'Phòng Kinh tế'. Nếu không đúng, HCTC ghi mã đơn vị đúng vào khóa "
        "\"unit\" trong tệp 'tong-hop.xlsx.meta.json' rồi chạy lại."
    ]
    assert statuses(manifest)["TH"] == "valid" and statuses(manifest)["KT"] == "valid"


def test_when_no_two_signals_agree_the_file_waits_for_hctc_and_the_sidecar_settles_it(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    path = sent(
        make_workbook(
            "inbox/dang-ky.xlsx", unit="KT", info={**VALID_INFO, "don_vi": "Phòng Tổng hợp"}
        ),
        NC_MAIL,
    )
    manifest = merge(runner, tmp_path)
    rejected = entry(manifest, "dang-ky.xlsx")
    assert (rejected["unit"], rejected["status"], rejected["rows_rejected"]) == (
        None,
        "rejected",
        1,
    )
    assert [f["message"] for f in rejected["findings"]] == [
        "Không xác định được tệp của đơn vị nào: sheet thông tin đơn vị chọn 'Phòng Tổng hợp'; "
        "người gửi thư (noichinh.vpubnd@quangbinh.gov.vn) là 'Phòng Nội chính'; biểu mẫu được "
        "cấp cho 'Phòng Kinh tế'. Dữ liệu chưa được tính cho đơn vị nào. HCTC ghi mã đơn vị "
        "đúng vào khóa \"unit\" trong tệp 'dang-ky.xlsx.meta.json' (tạo tệp nếu chưa có) rồi "
        "chạy lại."
    ]
    assert {statuses(manifest)[c] for c in ("KT", "TH", "NC")} == {"missing"}
    # HCTC settles it: the sidecar's `unit` (a code or a name).
    old = read_sidecar(path)
    assert old is not None
    sidecar_path(path).write_text(
        json.dumps({"sender": old.sender, "received": old.received, "unit": "th"}), "utf-8"
    )
    settled = entry(merge(runner, tmp_path), "dang-ky.xlsx")
    assert (settled["unit"], settled["unit_from"], settled["status"]) == (
        "TH",
        "override",
        "accepted",
    )


def test_the_name_a_per_unit_template_came_with_is_not_a_second_vote(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    """Kinh tế's template, its unit left as it came, sent by Tổng hợp: whose is it? Only
    HCTC can tell — the file is not credited to Kinh tế on the strength of a pre-filled name."""
    sent(
        make_workbook("inbox/x.xlsx", unit="KT", info={**VALID_INFO, "don_vi": "Phòng Kinh tế"}),
        TH_MAIL,
    )
    rejected = entry(merge(runner, tmp_path), "x.xlsx")
    assert (rejected["unit"], rejected["status"]) == (None, "rejected")
    assert [f["code"] for f in rejected["findings"]] == ["unit_conflict"]


def test_hctc_forwarding_a_units_mail_is_not_a_vote(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    sent(
        make_workbook("inbox/kt.xlsx", info={**VALID_INFO, "don_vi": "Phòng Kinh tế"}),
        "hctc.vpubnd@quangbinh.gov.vn",
    )
    kt = entry(merge(runner, tmp_path), "kt.xlsx")
    assert (kt["unit"], kt["unit_from"], kt["findings"]) == ("KT", "info_sheet", [])


def test_an_override_naming_no_roster_unit_is_refused_by_name(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    sent(make_workbook("inbox/a.xlsx"), TH_MAIL, unit="Sở Nội vụ")
    refused = entry(merge(runner, tmp_path), "a.xlsx")
    assert (refused["unit"], refused["unit_from"], refused["status"]) == (
        None,
        "override",
        "rejected",
    )
    assert refused["findings"][0]["code"] == "unit_not_in_roster"
    assert "'Sở Nội vụ' không có trong danh sách" in refused["findings"][0]["message"]
