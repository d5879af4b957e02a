"""Which version of a unit's submission counts: the newest by the best evidence of when each was
received or made — the sidecar's `received`, else the workbook's own saved time (document
properties), else the file time, the typed "Ngày lập" only as a last resort — shown only as
precisely as it is known, and said to be uncertain when it is."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.formats.sidecar import Sidecar, write_sidecar
from dhtt_batch.spec import SpecSet
from dhtt_batch.states import UnitStatus

from .conftest import OFFICE_TZ, VALID_INFO, campaign_of_year, type_info, type_record, valid_row
from .lo_clerk import Clerk

Make = Callable[..., Path]
KT = {**VALID_INFO, "don_vi": "Phòng Kinh tế"}  # the same Ngày lập on every version
WRONG = {"a_HCM": [valid_row(), valid_row(ho_ten="Lê Thị Cúc", gioi_tinh=None)]}
FIXED = {"a_HCM": [valid_row(), valid_row(ho_ten="Lê Thị Cúc", gioi_tinh="Nữ")]}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 12, day, hour, minute, tzinfo=OFFICE_TZ)


def touch(path: Path, when: datetime) -> None:
    """The file's modification time (as a copy into the inbox would set it)."""
    os.utime(path, (when.timestamp(), when.timestamp()))


def merge(runner: CliRunner, inbox: Path, out: Path) -> dict:
    result = runner.invoke(
        cli, ["merge", str(inbox), "-o", str(out), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def files(manifest: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in manifest["files"]}


def messages(entry: dict, code: str) -> list[str]:
    return [f["message"] for f in entry["findings"] if f["code"] == code]


def test_the_corrected_file_saved_later_the_same_day_wins(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    # Same Ngày lập; the name of the 09:00 file sorts last; its copy in the inbox is newer.
    wrong = make_workbook("inbox/KT-dang-ky.xlsx", unit="KT", info=KT, rows=WRONG, saved=at(10, 9))
    fixed = make_workbook("inbox/KT-da-sua.xlsx", unit="KT", info=KT, rows=FIXED, saved=at(10, 15))
    touch(fixed, at(11, 8))
    touch(wrong, at(11, 9))
    manifest = merge(runner, tmp_path / "inbox", tmp_path / "out")
    new, old = files(manifest)["KT-da-sua.xlsx"], files(manifest)["KT-dang-ky.xlsx"]
    assert (new["status"], new["rows_accepted"]) == ("accepted", 2)
    assert (old["status"], old["rows_superseded"]) == ("superseded", 2)
    assert (new["received_at"], new["received_from"]) == ("2025-12-10T15:00:00+07:00", "saved")
    assert messages(old, "superseded") == [
        "Tệp này đã được thay bằng bản mới hơn 'KT-da-sua.xlsx' (theo thời điểm lưu ghi trong "
        "tệp: lúc 15:00 ngày 10/12/2025, sau lúc 09:00 ngày 10/12/2025); dữ liệu của tệp này "
        "không được tổng hợp."
    ]
    assert messages(new, "version_order_uncertain") == []
    unit = next(u for u in manifest["units"] if u["code"] == "KT")
    assert unit["status"] == UnitStatus.VALID


def test_versions_saved_by_libreoffice_are_ordered_by_their_document_properties(
    clerk: Callable[[], Clerk],
    template_file: Path,
    specs: SpecSet,
    runner: CliRunner,
    tmp_path: Path,
) -> None:
    """A clerk saves a first version as .xlsx, then corrects it and saves it as .ods a little
    later: LibreOffice's own last-saved times (docProps/core.xml, meta.xml) order them."""
    spec = specs.criterion("a_HCM")
    info = {**VALID_INFO, "don_vi": "Phòng Nội chính"}
    first = type_record(type_info(clerk(), specs, info), spec, 8, WRONG["a_HCM"][1])
    first.run(template_file, save_as=tmp_path / "inbox" / "NC-z-ban-dau.xlsx")
    second = type_record(type_info(clerk(), specs, info), spec, 8, FIXED["a_HCM"][1])
    second.run(template_file, save_as=tmp_path / "inbox" / "NC-a-da-sua.ods")
    touch(tmp_path / "inbox" / "NC-a-da-sua.ods", at(11, 8))  # file times say the opposite
    touch(tmp_path / "inbox" / "NC-z-ban-dau.xlsx", at(11, 9))
    manifest = merge(runner, tmp_path / "inbox", tmp_path / "out")
    new, old = files(manifest)["NC-a-da-sua.ods"], files(manifest)["NC-z-ban-dau.xlsx"]
    assert (new["status"], new["received_from"]) == ("accepted", "saved")
    assert old["status"] == "superseded" and old["received_from"] == "saved"
    assert new["received_at"] > old["received_at"]
    assert messages(new, "version_order_uncertain") == []


def test_sidecars_decide_and_a_contradicting_saved_time_is_reported(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    older = make_workbook("inbox/kt-1.xlsx", unit="KT", info=KT, rows=WRONG, saved=at(12, 14))
    newer = make_workbook("inbox/kt-2.xlsx", unit="KT", info=KT, rows=FIXED, saved=at(12, 9))
    write_sidecar(
        older, Sidecar(sender="kinhte.vpubnd@quangbinh.gov.vn", received=at(12, 10).isoformat())
    )
    write_sidecar(
        newer, Sidecar(sender="kinhte.vpubnd@quangbinh.gov.vn", received=at(12, 15).isoformat())
    )
    manifest = merge(runner, tmp_path / "inbox", tmp_path / "out")
    new = files(manifest)["kt-2.xlsx"]
    assert (new["status"], new["received_from"]) == ("accepted", "sidecar")
    assert messages(new, "version_order_uncertain") == [
        "Đơn vị gửi nhiều bản; bản này được tính là bản mới nhất, nhưng thời điểm lưu ghi trong "
        "tệp lại cho thấy bản 'kt-1.xlsx' mới hơn. Nếu không đúng, HCTC ghi thời điểm nhận "
        'đúng vào khóa "received" (ví dụ "2025-12-18T15:00:00+07:00") trong tệp <tên '
        "tệp>.meta.json đặt cạnh mỗi bản ('kt-1.xlsx', 'kt-2.xlsx'; tạo tệp nếu chưa có) rồi "
        "chạy lại."
    ]


def test_when_only_weak_evidence_tells_the_versions_apart_it_is_said_and_no_time_invented(
    make_workbook: Make, runner: CliRunner, tmp_path: Path
) -> None:
    # The same save, sent twice (no e-mail record): only the typed Ngày lập differs.
    early = make_workbook(
        "inbox/kt-b.xlsx",
        unit="KT",
        info={**KT, "ngay_lap": datetime(2025, 12, 10).date()},
        rows=WRONG,
    )
    late = make_workbook(
        "inbox/kt-a.xlsx",
        unit="KT",
        info={**KT, "ngay_lap": datetime(2025, 12, 12).date()},
        rows=FIXED,
    )
    for path in (early, late):
        touch(path, at(13, 8))
    manifest = merge(runner, tmp_path / "inbox", tmp_path / "out")
    new, old = files(manifest)["kt-a.xlsx"], files(manifest)["kt-b.xlsx"]
    assert new["status"] == "accepted" and old["status"] == "superseded"
    assert messages(old, "superseded") == [
        "Tệp này đã được thay bằng bản mới hơn 'kt-a.xlsx' (theo ngày lập ghi trong biểu mẫu: "
        "ngày 12/12/2025, sau ngày 10/12/2025); dữ liệu của tệp này không được tổng hợp."
    ]
    (doubt,) = messages(new, "version_order_uncertain")
    assert (
        "chỉ căn cứ vào ngày lập ghi trong biểu mẫu (không phải bản nào cũng có thời điểm "
        "nhận thư; thời điểm lưu ghi trong tệp và thời điểm ghi tệp trên máy của các bản như "
        "nhau)" in doubt
    )
    assert "lúc 00:00" not in json.dumps(manifest, ensure_ascii=False)


def test_a_rejected_file_sent_after_the_deadline_makes_its_unit_late(
    make_workbook: Make,
    campaign: Campaign,
    runner: CliRunner,
    tmp_path: Path,
) -> None:
    """Last year's template, sent after the deadline: rejected (wrong period), and the unit
    is late — the report must not count it "đúng hạn"."""
    path = make_workbook(
        "inbox/qttv.xlsx",
        unit="QTTV",
        info={**VALID_INFO, "don_vi": "Phòng Quản trị - Tài vụ"},
        of_campaign=campaign_of_year(tmp_path, 2024),
        saved=at(22, 10),
    )
    assert path.exists()
    out = tmp_path / "out"
    result = runner.invoke(
        cli,
        ["merge", str(tmp_path / "inbox"), "-o", str(out), "--json", "--report"],
        catch_exceptions=False,
    )
    manifest = json.loads(result.stdout)
    unit = next(u for u in manifest["units"] if u["code"] == "QTTV")
    assert (unit["status"], unit["late"]) == ("needs_fixes", True)
    from docx import Document

    body = "\n".join(p.text for p in Document(str(out / "bao-cao-2025.docx")).paragraphs)
    assert "trong đó đúng hạn 0, gửi muộn 1" in body
