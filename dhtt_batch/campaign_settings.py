"""The optional tables of campaign.toml — [report], [register], [export] — as settings, each
beside the code that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .campaign_toml import CampaignError, TableReader, date_or_time, nfc

PlanDate = date | int | None  # a full date, or only the year


@dataclass(frozen=True)
class ReportSettings:
    number: str
    symbol: str
    date: date | None
    subject: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    archive: str
    docx_template: Path | None
    html_template: Path | None
    # The plan the report answers ("Thực hiện Kế hoạch số 125/KH-VPUBND ngày 15/11/2022 …"):
    # its number (blank: left for hand), its symbol (blank: no reference) and its date
    # (a date, a year alone, or None).
    plan_number: str = ""
    plan_symbol: str = ""
    plan_date: PlanDate = None


ACTIVITY_FIELD_BY = ("unit", "criterion")


@dataclass(frozen=True)
class ExportSettings:
    """`[export]`: how `dhtt-batch export` fills the province's Lĩnh vực hoạt động column —
    by the unit (key: roster code) or by the criterion (key: criterion key such as `a`);
    `default` covers every unit or criterion not named. Codes are checked by the export."""

    activity_field_by: str = "unit"
    activity_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RegisterSettings:
    """`[register]`: where the exemplar register lives and how review candidates are ranked."""

    db: str = ""  # "" = dhtt-register.sqlite beside the campaign file (see register/db.py)
    year_points: float = 3  # per year registered
    title_points: float = 2  # per title or award achieved (distinct decision)
    spread_points: float = 1  # per level of the widest spread reached (1 = narrowest choice)
    candidates: int = 30  # at most this many in the review report's appendix (0: no limit)
    candidate_min_years: int = 2  # registered in at least this many years
    issuers: tuple[tuple[str, str], ...] = ()  # decision-number code → issuing body's name


def read_report(r: TableReader, base: Path) -> ReportSettings:
    raw_date = date_or_time(r.table("report").get("date", ""))
    if raw_date == "":
        report_date = None
    elif isinstance(raw_date, date):
        report_date = raw_date if not isinstance(raw_date, datetime) else raw_date.date()
    else:
        raise CampaignError(f'{r.where("report", "date")}: phải là ngày dạng 2026-01-05 hoặc "".')
    plan_date = date_or_time(r.table("report").get("plan_date", ""))
    if plan_date == "":
        plan_date = None
    elif isinstance(plan_date, datetime):
        plan_date = plan_date.date()
    elif isinstance(plan_date, bool) or not isinstance(plan_date, date | int):
        raise CampaignError(
            f'{r.where("report", "plan_date")}: phải là ngày dạng 2022-11-15, năm (2022) hoặc "".'
        )
    recipients = r.table("report").get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(x, str) for x in recipients):
        raise CampaignError(f"{r.where('report', 'recipients')}: phải là danh sách chuỗi.")

    def template(key: str) -> Path | None:
        value = r.text("report", key, required=False)
        return base / value if value else None

    return ReportSettings(
        number=r.text("report", "number", False),
        symbol=r.text("report", "symbol"),
        date=report_date,
        subject=r.text("report", "subject", False),
        signer_authority=r.text("report", "signer_authority", False),
        signer_title=r.text("report", "signer_title"),
        signer_name=r.text("report", "signer_name"),
        recipients=tuple(nfc(x) for x in recipients),
        archive=r.text("report", "archive", False, "Lưu: VT."),
        docx_template=template("docx_template"),
        html_template=template("html_template"),
        plan_number=r.text("report", "plan_number", False),
        plan_symbol=r.text("report", "plan_symbol", False),
        plan_date=plan_date,
    )


def read_register(r: TableReader) -> RegisterSettings:
    table = r.table("register")
    defaults = RegisterSettings()

    def number(key: str, integer: bool = False) -> Any:
        value = table.get(key, getattr(defaults, key))
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
            what = "số nguyên" if integer else "số"
            raise CampaignError(f"{r.where('register', key)}: phải là {what} không âm.")
        return value

    issuers = table.get("issuers", {})
    if not isinstance(issuers, dict) or not all(isinstance(v, str) for v in issuers.values()):
        raise CampaignError(
            f'{r.filename}: [register.issuers] phải ghi dạng KÝ_HIỆU = "Tên cơ quan ban hành".'
        )
    return RegisterSettings(
        db=r.text("register", "db", required=False),
        year_points=number("year_points"),
        title_points=number("title_points"),
        spread_points=number("spread_points"),
        candidates=number("candidates", integer=True),
        candidate_min_years=number("candidate_min_years", integer=True),
        issuers=tuple((str(code), nfc(name.strip())) for code, name in issuers.items()),
    )


def read_export(r: TableReader) -> ExportSettings:
    by = r.text("export", "activity_field_by", False, "unit")
    if by not in ACTIVITY_FIELD_BY:
        raise CampaignError(
            f'{r.where("export", "activity_field_by")}: phải là "unit" (theo đơn vị) hoặc '
            '"criterion" (theo tiêu chí).'
        )
    fields = r.table("export").get("activity_fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise CampaignError(
            f"{r.where('export', 'activity_fields')}: phải là bảng mã lĩnh vực trong dấu nháy "
            'kép, ví dụ default = "0013".'
        )
    return ExportSettings(by, {str(k): v.strip() for k, v in fields.items()})
