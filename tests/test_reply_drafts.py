"""`merge --reply-drafts`: one draft per roster unit, written for its actual outcome, with the
attachment that outcome calls for — read back from the .eml files as a mail program would."""

from __future__ import annotations

import email
import email.policy
import io
import json
import shutil
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from dhtt_batch.campaign import Campaign
from dhtt_batch.cli import cli
from dhtt_batch.formats.sidecar import Sidecar, write_sidecar
from dhtt_batch.outputs.feedback.parts import FIXES_SHEET
from dhtt_batch.spec import SpecSet

from .conftest import VALID_INFO, campaign_of_year, soffice, valid_row, write_filled
from .test_libreoffice import convert

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def info(name: str) -> dict[str, object]:
    return {**VALID_INFO, "don_vi": name}


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory, campaign: Campaign, specs: SpecSet) -> Path:
    """An inbox with one unit per outcome, merged with --reply-drafts."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    tmp_path = tmp_path_factory.mktemp("drafts")
    inbox = tmp_path / "inbox"

    def make(name: str, **options: Any) -> Path:
        # A different person in each file: no likely duplicates across units.
        options.setdefault("rows", {"a_HCM": [valid_row(ho_ten=f"Người Của {name}")]})
        return write_filled(campaign, specs, inbox / name, **options)

    make("TH.xlsx", info=info("Phòng Tổng hợp"))  # valid
    make(  # valid, with a note (a date typed as text)
        "TCD.xlsx",
        unit="TCD",
        info=info("Ban Tiếp công dân tỉnh"),
        rows={"a_HCM": [valid_row(ho_ten="Lê Văn Tư", ngay_quyet_dinh="05/01/2024")]},
    )
    late = make("NC.xlsx", unit="NC", info=info("Phòng Nội chính"))  # valid, but late
    write_sidecar(
        late,
        Sidecar(
            sender="Cao Thị Yến <noichinh.vpubnd@quangbinh.gov.vn>",
            received="2025-12-21T09:00:00+07:00",
            subject="Đăng ký ĐHTT năm 2025",
            message_id="<nc-1@quangbinh.gov.vn>",
        ),
    )
    make(  # needs fixes
        "KT.xlsx",
        unit="KT",
        info=info("Phòng Kinh tế"),
        rows={"a_HCM": [valid_row(gioi_tinh=None)]},
    )
    make(  # last year's template
        "QTTV.xlsx",
        unit="QTTV",
        info=info("Phòng Quản trị - Tài vụ"),
        of_campaign=campaign_of_year(tmp_path, 2024),
    )
    (inbox / "KSTT-cong-van.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")  # unreadable
    errors = write_filled(  # an .ods with an error
        campaign,
        specs,
        tmp_path / "src" / "PVHCC.xlsx",
        unit="PVHCC",
        info=info("Trung tâm Phục vụ hành chính công"),
        rows={"a_HCM": [valid_row(ho_ten="Lê Văn Sáu", gioi_tinh=None)]},
    )
    shutil.move(convert(errors, "ods", tmp_path / "ods"), inbox / "PVHCC.ods")
    result = CliRunner().invoke(
        cli,
        ["merge", str(inbox), "-o", str(tmp_path / "out"), "--json", "--reply-drafts"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (tmp_path / "out" / "stdout.json").write_text(result.stdout, encoding="utf-8")
    return tmp_path / "out" / "thu-tra-loi"


def read(drafts: Path, name: str) -> EmailMessage:
    message = email.message_from_bytes((drafts / name).read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["X-Unsent"] == "1"
    assert message["From"] == "Phòng Hành chính - Tổ chức <hctc.vpubnd@quangbinh.gov.vn>"
    return message


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def attached(message: EmailMessage) -> list[tuple[str | None, str]]:
    return [(p.get_filename(), p.get_content_type()) for p in message.iter_attachments()]


def test_every_roster_unit_but_the_coordinator_gets_one_draft(drafts: Path) -> None:
    assert sorted(p.name for p in drafts.iterdir()) == [
        "KGVX-nhac-nop.eml",
        "KSTT-tra-loi.eml",
        "KT-tra-loi.eml",
        "NC-tra-loi.eml",
        "PVHCC-tra-loi.eml",
        "QTTV-tra-loi.eml",
        "TCD-tra-loi.eml",
        "TH-tra-loi.eml",
        "THCB-nhac-nop.eml",
    ]  # HCTC runs the campaign and sends these drafts: none to itself


def test_valid_gets_a_plain_acknowledgement(drafts: Path) -> None:
    message = read(drafts, "TH-tra-loi.eml")
    assert message["To"] == "Phòng Tổng hợp <tonghop.vpubnd@quangbinh.gov.vn>"
    assert "TH.xlsx: hợp lệ, 1 dòng đã được tổng hợp." in body(message)
    assert attached(message) == []


def test_valid_with_notes_gets_the_copy_marked_no_need_to_resend(drafts: Path) -> None:
    message = read(drafts, "TCD-tra-loi.eml")
    text = body(message)
    assert "hợp lệ" in text and "đơn vị không cần gửi lại" in text
    assert "sửa" not in text
    (part,) = list(message.iter_attachments())
    assert (part.get_filename(), part.get_content_type()) == ("TCD-phan-hoi.xlsx", XLSX)
    title = openpyxl.load_workbook(io.BytesIO(part.get_content()))[FIXES_SHEET]["A1"].value
    assert title.startswith("DANH SÁCH CẦN LƯU Ý") and "không cần gửi lại" in title


def test_valid_but_late_says_when_and_attaches_nothing(drafts: Path) -> None:
    message = read(drafts, "NC-tra-loi.eml")
    assert message["To"] == "Cao Thị Yến <noichinh.vpubnd@quangbinh.gov.vn>"
    assert message["Subject"] == "Re: Đăng ký ĐHTT năm 2025"
    assert message["In-Reply-To"] == "<nc-1@quangbinh.gov.vn>"
    text = body(message)
    assert "hợp lệ, 1 dòng đã được tổng hợp" in text
    assert (
        "Tệp được tính là gửi lúc 09:00 ngày 21/12/2025, sau hạn gửi 17:00 ngày 20/12/2025" in text
    )
    assert "cần sửa" not in text.casefold() and attached(message) == []


def test_needs_fixes_gets_the_feedback_copy(drafts: Path) -> None:
    message = read(drafts, "KT-tra-loi.eml")
    text = body(message)
    assert "Tệp còn 1 lỗi cần sửa (0 dòng đã được tổng hợp, 1 dòng chưa được nhận)." in text
    assert "tô đỏ" in text and "gửi lại" in text
    assert attached(message) == [("KT-phan-hoi.xlsx", XLSX)]


def test_an_ods_submission_gets_its_ods_copy(drafts: Path) -> None:
    message = read(drafts, "PVHCC-tra-loi.eml")
    assert attached(message) == [("PVHCC-phan-hoi.ods", ODS)]


def test_wrong_period_gets_the_current_template_not_a_marked_copy(drafts: Path) -> None:
    message = read(drafts, "QTTV-tra-loi.eml")
    text = body(message)
    assert (
        "chưa tổng hợp được: Đây là biểu mẫu của kỳ 'Năm 2024', không phải kỳ 'Năm 2025'." in text
    )
    assert "biểu mẫu năm 2025 đính kèm" in text and "tô đỏ" not in text
    assert attached(message) == [("bieu-mau-2025-QTTV.xlsx", XLSX)]


def test_unreadable_gets_the_reason_and_the_template(drafts: Path) -> None:
    message = read(drafts, "KSTT-tra-loi.eml")
    text = body(message)
    assert "KSTT-cong-van.pdf nhưng không đọc được: Tệp không phải bảng tính" in text
    assert attached(message) == [("bieu-mau-2025-KSTT.xlsx", XLSX)]


def test_missing_gets_a_reminder_with_the_template(drafts: Path) -> None:
    message = read(drafts, "THCB-nhac-nop.eml")
    assert "thcb.vpubnd@quangbinh.gov.vn" in message["To"]
    assert "(hạn gửi 17:00 ngày 20/12/2025)" in body(message)
    assert attached(message) == [("bieu-mau-2025-THCB.xlsx", XLSX)]


def test_the_summary_and_manifest_agree_with_the_drafts(drafts: Path) -> None:
    manifest = json.loads((drafts.parent / "stdout.json").read_text(encoding="utf-8"))
    copies = {
        Path(f["feedback"]["path"]).name: f["feedback"]["via"]
        for f in manifest["files"]
        if f["feedback"]
    }
    # Each copy says how it was made; no copy for the unreadable PDF (nothing of the unit's
    # to mark) nor for a file whose only notice is for HCTC (late).
    assert copies == {
        "KT-phan-hoi.xlsx": "patch",
        "PVHCC-phan-hoi.ods": "ods",
        "QTTV-phan-hoi.xlsx": "patch",
        "TCD-phan-hoi.xlsx": "patch",
    }
