"""Reply drafts (.eml) for the officer to review and send: an answer to every unit that sent
something, with its feedback workbook attached when there are findings, and a reminder, with
the unit's own template attached, to every roster unit that sent nothing. Drafts, never sent."""

from __future__ import annotations

import io
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from ..atomic import atomic_write_bytes
from ..campaign import Campaign
from ..findings import ERROR
from ..formats.sidecar import Sidecar
from ..merge import FileOutcome, MergeResult, UnitOutcome
from ..template import build_template, template_filename
from .feedback.copy import FeedbackCopy

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def write_reply_drafts(
    result: MergeResult, feedback: dict[str, FeedbackCopy], directory: Path
) -> list[Path]:
    campaign = result.campaign
    written = []
    for unit in result.units:
        if unit.files:
            outcome = unit.counted or max(unit.files, key=lambda o: o.received)
            copy = feedback.get(outcome.sub.display)
            message = _reply(campaign, unit, outcome, copy.path if copy else None)
            target = directory / f"{unit.unit.code}-tra-loi.eml"
        elif unit.unit.email:
            message = _reminder(result, unit)
            target = directory / f"{unit.unit.code}-nhac-nop.eml"
        else:
            continue
        atomic_write_bytes(target, message.as_bytes())
        written.append(target)
    return written


def _envelope(campaign: Campaign, to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    coordinator = campaign.unit(campaign.agency.coordinator)
    if coordinator and coordinator.email:
        message["From"] = formataddr((coordinator.name, coordinator.email))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(_now(campaign))
    message["Message-ID"] = make_msgid(domain="dhtt-batch.local")
    message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to edit and send
    return message


def _now(campaign: Campaign) -> datetime:
    return datetime.now(campaign.period.tz)


def _reply(
    campaign: Campaign, unit: UnitOutcome, outcome: FileOutcome, feedback: Path | None
) -> EmailMessage:
    sidecar = outcome.sub.sidecar or Sidecar()
    to = sidecar.sender or formataddr((unit.unit.name, unit.unit.email))
    original = sidecar.subject
    subject = (
        f"Re: {original}"
        if original
        else f"Kết quả kiểm tra biểu mẫu điển hình tiên tiến - {campaign.period.label}"
    )
    message = _envelope(campaign, to, subject)
    if sidecar.message_id:
        message["In-Reply-To"] = sidecar.message_id
        message["References"] = sidecar.message_id
    errors = sum(1 for f in outcome.findings if f.severity == ERROR)
    warnings = len(outcome.findings) - errors
    lines = [f"Kính gửi {unit.unit.name},", ""]
    if errors:
        lines += [
            f"Phòng Hành chính - Tổ chức đã nhận tệp {outcome.sub.path.name}. Tệp còn "
            f"{errors} lỗi cần sửa ({outcome.rows_accepted} dòng đã được tổng hợp, "
            f"{outcome.rows_rejected} dòng chưa được nhận).",
            "Các ô cần sửa được tô đỏ và ghi chú trong tệp đính kèm (xem sheet "
            '"Lỗi cần sửa"). Đề nghị đơn vị sửa và gửi lại tệp đã sửa.',
        ]
    else:
        lines += [
            f"Phòng Hành chính - Tổ chức đã nhận tệp {outcome.sub.path.name}: hợp lệ, "
            f"{outcome.rows_accepted} dòng đã được tổng hợp."
        ]
        if warnings:
            lines.append(f"Có {warnings} điểm cần lưu ý, chi tiết trong tệp đính kèm.")
    if outcome.late:
        lines.append("Tệp được gửi sau hạn; đề nghị đơn vị lưu ý thời hạn ở các kỳ sau.")
    lines += ["", "Trân trọng,", "Phòng Hành chính - Tổ chức"]
    message.set_content("\n".join(lines))
    if feedback is not None and feedback.is_file():
        message.add_attachment(
            feedback.read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=feedback.name
        )
    return message


def _reminder(result: MergeResult, unit: UnitOutcome) -> EmailMessage:
    campaign = result.campaign
    message = _envelope(
        campaign,
        formataddr((unit.unit.name, unit.unit.email)),
        f"Đề nghị gửi đăng ký điển hình tiên tiến - {campaign.period.label}",
    )
    deadline = campaign.period.deadline
    due = f" (hạn gửi {deadline:%H:%M} ngày {deadline:%d/%m/%Y})" if deadline else ""
    message.set_content(
        "\n".join(
            [
                f"Kính gửi {unit.unit.name},",
                "",
                f"Đến nay Phòng Hành chính - Tổ chức chưa nhận được biểu mẫu đăng ký điển hình "
                f"tiên tiến {campaign.period.label.lower()} của đơn vị{due}.",
                "Đề nghị đơn vị điền biểu mẫu đính kèm và gửi lại sớm.",
                "",
                "Trân trọng,",
                "Phòng Hành chính - Tổ chức",
            ]
        )
    )
    buffer = io.BytesIO()
    build_template(campaign, result.specs, unit.unit).save(buffer)
    message.add_attachment(
        buffer.getvalue(),
        maintype=XLSX[0],
        subtype=XLSX[1],
        filename=template_filename(campaign, unit.unit),
    )
    return message
