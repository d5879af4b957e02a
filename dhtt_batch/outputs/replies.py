"""Reply drafts (.eml) for the officer to review and send, one per roster unit, written for the
unit's actual outcome, each with the attachment that outcome calls for:

- valid: received, N rows counted; the feedback copy attached only when it notes warnings
  (marked "no need to send back");
- valid but late: the same, plus when it counted as sent and the deadline;
- needs fixes: how many errors and rows; fix the marked cells and send back; the copy attached;
- wrong period, not the template, an old version: why it was not counted; copy the data into
  the unit's current template, attached;
- unreadable: why it could not be read; the unit's current template attached;
- missing: a reminder with the deadline; the unit's current template attached.

The campaign's coordinating unit (`[agency] coordinator` in campaign.toml) sends the drafts and
signs them; it is never sent a reply or a reminder by itself. Drafts, never sent.
"""

from __future__ import annotations

import io
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from ..atomic import atomic_write_bytes
from ..campaign import Unit
from ..findings import ERROR
from ..formats.sidecar import Sidecar
from ..merge import FileOutcome, MergeResult, UnitOutcome, latest
from ..template import build_template, template_filename
from .feedback.copy import FeedbackCopy

MIME = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
}
TEMPLATE_PROBLEMS = ("wrong_period", "not_template", "unknown_version")
VALID, LATE, NEEDS_FIXES, WRONG_TEMPLATE, UNREADABLE, MISSING = (
    "valid",
    "late",
    "needs_fixes",
    "wrong_template",
    "unreadable",
    "missing",
)


def write_reply_drafts(
    result: MergeResult, feedback: dict[str, FeedbackCopy], directory: Path
) -> list[Path]:
    campaign = result.campaign
    writer = _Drafts(result, feedback)
    written = []
    for unit in result.units:
        if unit.unit.code == campaign.agency.coordinator:
            continue  # the coordinator writes these drafts: nothing to tell itself
        if unit.files:
            outcome = unit.counted or latest(unit.files) or unit.files[-1]
            message = writer.reply(unit, outcome)
            target = directory / f"{unit.unit.code}-tra-loi.eml"
        elif unit.unit.email:
            message = writer.reminder(unit)
            target = directory / f"{unit.unit.code}-nhac-nop.eml"
        else:
            continue
        atomic_write_bytes(target, message.as_bytes())
        written.append(target)
    return written


def outcome_kind(unit: UnitOutcome, outcome: FileOutcome) -> str:
    """Which of the drafts above the unit gets."""
    if not outcome.sub.readable:
        return UNREADABLE
    if any(f.code in TEMPLATE_PROBLEMS for f in outcome.findings):
        return WRONG_TEMPLATE
    if outcome is not unit.counted or outcome.has_errors:
        return NEEDS_FIXES
    return LATE if outcome.late else VALID


class _Drafts:
    def __init__(self, result: MergeResult, feedback: dict[str, FeedbackCopy]) -> None:
        self.result, self.campaign, self.feedback = result, result.campaign, feedback
        self.sender = self.campaign.unit(self.campaign.agency.coordinator)
        self.signature = self.sender.name if self.sender else self.campaign.agency.name

    def reply(self, unit: UnitOutcome, outcome: FileOutcome) -> EmailMessage:
        sidecar = outcome.sub.sidecar or Sidecar()
        period = self.campaign.period.label
        original = sidecar.subject
        subject = (
            (original if original[:3].casefold() == "re:" else f"Re: {original}")
            if original
            else f"Kết quả kiểm tra biểu mẫu điển hình tiên tiến - {period}"
        )
        message = self._envelope(
            sidecar.sender or formataddr((unit.unit.name, unit.unit.email)), subject
        )
        if sidecar.message_id:
            message["In-Reply-To"] = sidecar.message_id
            message["References"] = sidecar.message_id
        kind = outcome_kind(unit, outcome)
        name = outcome.sub.path.name
        lines = [f"Kính gửi {unit.unit.name},", ""]
        copy = self.feedback.get(outcome.sub.display)
        if kind in (VALID, LATE):
            lines.append(
                f"{self.signature} đã nhận tệp {name}: hợp lệ, {outcome.rows_accepted} dòng "
                "đã được tổng hợp."
            )
            if kind == LATE:
                lines.append(self._late_line(outcome))
            if copy is not None:
                notes = sum(1 for f in outcome.findings if f.severity != ERROR)
                lines.append(
                    f"Có {notes} điểm cần lưu ý (không phải lỗi), ghi trong tệp đính kèm để "
                    "đơn vị kiểm tra; đơn vị không cần gửi lại."
                )
        elif kind == NEEDS_FIXES:
            errors = sum(1 for f in outcome.findings if f.severity == ERROR)
            lines += [
                f"{self.signature} đã nhận tệp {name}. Tệp còn {errors} lỗi cần sửa "
                f"({outcome.rows_accepted} dòng đã được tổng hợp, {outcome.rows_rejected} "
                "dòng chưa được nhận).",
                'Các ô cần sửa được tô đỏ và ghi chú trong tệp đính kèm (xem sheet "Lỗi cần '
                'sửa"). Đề nghị đơn vị sửa ngay trên tệp đính kèm và gửi lại.',
            ]
        else:
            reason = next((f.message for f in outcome.findings if f.blocking), "tệp không đọc được")
            problem = "không đọc được" if kind == UNREADABLE else "chưa tổng hợp được"
            lines += [
                f"{self.signature} đã nhận tệp {name} nhưng {problem}: {reason}",
                f"Đề nghị đơn vị điền (hoặc chép dữ liệu sang) biểu mẫu {period.lower()} "
                "đính kèm và gửi lại.",
            ]
            copy = None
        lines += ["", "Trân trọng,", self.signature]
        message.set_content("\n".join(lines))
        if kind in (WRONG_TEMPLATE, UNREADABLE):
            self._attach_template(message, unit.unit)
        elif copy is not None and copy.path.is_file():
            kind_of = MIME.get(copy.path.suffix.lower(), MIME[".xlsx"])
            message.add_attachment(
                copy.path.read_bytes(),
                maintype=kind_of[0],
                subtype=kind_of[1],
                filename=copy.path.name,
            )
        return message

    def reminder(self, unit: UnitOutcome) -> EmailMessage:
        period = self.campaign.period.label
        message = self._envelope(
            formataddr((unit.unit.name, unit.unit.email)),
            f"Đề nghị gửi đăng ký điển hình tiên tiến - {period}",
        )
        deadline = self.campaign.period.deadline
        due = f" (hạn gửi {deadline:%H:%M} ngày {deadline:%d/%m/%Y})" if deadline else ""
        message.set_content(
            "\n".join(
                [
                    f"Kính gửi {unit.unit.name},",
                    "",
                    f"Đến nay {self.signature} chưa nhận được biểu mẫu đăng ký điển hình "
                    f"tiên tiến {period.lower()} của đơn vị{due}.",
                    "Đề nghị đơn vị điền biểu mẫu đính kèm và gửi lại sớm.",
                    "",
                    "Trân trọng,",
                    self.signature,
                ]
            )
        )
        self._attach_template(message, unit.unit)
        return message

    def _late_line(self, outcome: FileOutcome) -> str:
        deadline = self.campaign.period.deadline
        received = outcome.received
        when = f"được tính là gửi {received.shown()}" if received else "được gửi"
        due = f" {deadline:%H:%M} ngày {deadline:%d/%m/%Y}" if deadline else ""
        return f"Tệp {when}, sau hạn gửi{due}; đề nghị đơn vị lưu ý thời hạn ở các kỳ sau."

    def _attach_template(self, message: EmailMessage, unit: Unit) -> None:
        buffer = io.BytesIO()
        build_template(self.campaign, self.result.specs, unit).save(buffer)
        message.add_attachment(
            buffer.getvalue(),
            maintype=MIME[".xlsx"][0],
            subtype=MIME[".xlsx"][1],
            filename=template_filename(self.campaign, unit),
        )

    def _envelope(self, to: str, subject: str) -> EmailMessage:
        message = EmailMessage()
        if self.sender and self.sender.email:
            message["From"] = formataddr((self.sender.name, self.sender.email))
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now(self.campaign.period.tz))
        message["Message-ID"] = make_msgid(domain="dhtt-batch.local")
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to edit and send
        return message
