"""`campaign.toml` → Campaign: the agency, the period, the roster and the report header.

Nothing about a province is hard-coded elsewhere: the packaged default (`defaults/campaign.toml`)
reproduces the seed office, and `-c FILE` replaces it for every command.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from .spec import SpecSet, default_spec_dir, load_specs

PERIOD_KINDS = {
    "annual": "Năm {year}",
    "midterm": "Sơ kết giai đoạn {phase} (năm {year})",
    "final": "Tổng kết giai đoạn {phase} (năm {year})",
}
_PERIOD_SLUG = {"annual": "{year}", "midterm": "so-ket-{year}", "final": "tong-ket-{year}"}
_UNIT_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{0,19}$")
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def period_from_id(period_id: str) -> tuple[str, int] | None:
    """(kind, year) back from a period id such as "so-ket-2023" (None if it is not one)."""
    for kind, slug in _PERIOD_SLUG.items():
        match = re.fullmatch(re.escape(slug).replace(r"\{year\}", r"(\d{4})"), period_id)
        if match:
            return kind, int(match.group(1))
    return None


class CampaignError(Exception):
    """The campaign file is missing or malformed; the message is Vietnamese and names the key."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    phase: str
    deadline: datetime | None  # the office's wall-clock time
    tz: timezone = timezone(timedelta(hours=7))

    @property
    def deadline_at(self) -> datetime | None:
        """The deadline as an aware time, comparable with e-mail timestamps."""
        return self.deadline.replace(tzinfo=self.tz) if self.deadline else None

    @property
    def id(self) -> str:
        return _PERIOD_SLUG[self.kind].format(year=self.year)

    @property
    def label(self) -> str:
        return PERIOD_KINDS[self.kind].format(year=self.year, phase=self.phase)


@dataclass(frozen=True)
class Agency:
    name: str
    short_name: str
    parent: str
    code: str
    place: str
    coordinator: str


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


@dataclass(frozen=True)
class Campaign:
    agency: Agency
    period: Period
    units: tuple[Unit, ...]
    report: ReportSettings
    source: Path
    schemas_dir: Path
    register: RegisterSettings = field(default_factory=RegisterSettings)

    @property
    def id(self) -> str:
        return f"{self.agency.code}-{self.period.id}"

    def unit(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    @cached_property
    def _by_code(self) -> dict[str, Unit]:
        return {unit.code: unit for unit in self.units}

    def index(self, name: str, keys: Callable[[Unit], Iterable[str]]) -> dict[str, Unit]:
        """Units by each of keys(unit) (first unit wins), built once per campaign and name:
        a province identifies thousands of files against a roster of thousands."""
        indexes: dict[str, dict[str, Unit]] = self.__dict__.setdefault("_indexes", {})
        if name not in indexes:
            lookup: dict[str, Unit] = {}
            for unit in self.units:
                for key in keys(unit):
                    lookup.setdefault(key, unit)
            indexes[name] = lookup
        return indexes[name]

    def load_specs(self) -> SpecSet:
        return load_specs(self.schemas_dir)


def default_campaign_path() -> Path:
    return Path(__file__).resolve().parent / "defaults" / "campaign.toml"


def load_campaign(path: Path | None = None) -> Campaign:
    path = path or default_campaign_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CampaignError(f"Không tìm thấy tệp cấu hình {path}.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CampaignError(f"Tệp cấu hình {path.name} không đúng định dạng TOML: {exc}") from exc
    reader = _Reader(path.name, data)
    base = path.parent
    schemas = reader.text("template", "schemas", required=False)
    return Campaign(
        agency=_agency(reader),
        period=_period(reader),
        units=_units(reader),
        report=_report(reader, base),
        source=path,
        schemas_dir=(base / schemas) if schemas else default_spec_dir(),
        register=_register(reader),
    )


class _Reader:
    """Typed access to the TOML tables, with Vietnamese errors naming `[table] key`."""

    def __init__(self, filename: str, data: dict[str, Any]) -> None:
        self.filename = filename
        self.data = data

    def where(self, table: str, key: str) -> str:
        return f"{self.filename}, mục [{table}] khóa '{key}'"

    def table(self, table: str) -> dict[str, Any]:
        value = self.data.get(table, {})
        if not isinstance(value, dict):
            raise CampaignError(f"{self.filename}: [{table}] phải là một bảng.")
        return value

    def text(self, table: str, key: str, required: bool = True, default: str = "") -> str:
        value = self.table(table).get(key, default)
        if not isinstance(value, str):
            raise CampaignError(f"{self.where(table, key)}: phải là chuỗi trong dấu nháy kép.")
        if required and not value.strip():
            raise CampaignError(f"{self.where(table, key)}: không được để trống.")
        return value.strip()


def _agency(r: _Reader) -> Agency:
    return Agency(
        name=r.text("agency", "name"),
        short_name=r.text("agency", "short_name"),
        parent=r.text("agency", "parent"),
        code=r.text("agency", "code"),
        place=r.text("agency", "place"),
        coordinator=r.text("agency", "coordinator", False),
    )


def _period(r: _Reader) -> Period:
    kind = r.text("period", "kind")
    if kind not in PERIOD_KINDS:
        raise CampaignError(
            f"{r.where('period', 'kind')}: phải là một trong {', '.join(PERIOD_KINDS)}."
        )
    year = r.table("period").get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise CampaignError(f"{r.where('period', 'year')}: phải là năm, ví dụ 2025.")
    deadline = r.table("period").get("deadline")
    if isinstance(deadline, date) and not isinstance(deadline, datetime):
        deadline = datetime(deadline.year, deadline.month, deadline.day, 23, 59, 59)
    if deadline is not None and not isinstance(deadline, datetime):
        raise CampaignError(
            f"{r.where('period', 'deadline')}: phải là ngày giờ, ví dụ 2025-12-20T17:00:00."
        )
    offset = r.text("period", "utc_offset", False, "+07:00")
    match = _OFFSET.match(offset)
    if not match:
        raise CampaignError(f"{r.where('period', 'utc_offset')}: phải có dạng +07:00.")
    sign = -1 if match.group(1) == "-" else 1
    tz = timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    return Period(kind, year, r.text("period", "phase", False), deadline, tz)


def _units(r: _Reader) -> tuple[Unit, ...]:
    raw_units = r.data.get("units")
    if not isinstance(raw_units, list) or not raw_units:
        raise CampaignError(f"{r.filename}: cần ít nhất một mục [[units]] (đơn vị báo cáo).")
    units: list[Unit] = []
    codes: set[str] = set()
    names: set[str] = set()  # case-folded
    for number, raw in enumerate(raw_units, start=1):
        where = f"{r.filename}, đơn vị thứ {number}"
        if not isinstance(raw, dict):
            raise CampaignError(f"{where}: phải là một bảng [[units]].")
        code, name, email = (str(raw.get(k, "")).strip() for k in ("code", "name", "email"))
        if not _UNIT_CODE.match(code):
            raise CampaignError(
                f"{where}: mã '{code}' không hợp lệ (chữ in hoa không dấu, số, '-' hoặc '_')."
            )
        if not name:
            raise CampaignError(f"{where} ({code}): thiếu tên đơn vị.")
        if email and not _EMAIL.match(email):
            raise CampaignError(f"{where} ({code}): địa chỉ thư '{email}' không hợp lệ.")
        if code in codes:
            raise CampaignError(f"{where}: mã đơn vị '{code}' bị trùng.")
        if name.casefold() in names:
            raise CampaignError(f"{where}: tên đơn vị '{name}' bị trùng.")
        codes.add(code)
        names.add(name.casefold())
        units.append(Unit(code, name, email))
    return tuple(units)


def _report(r: _Reader, base: Path) -> ReportSettings:
    raw_date = r.table("report").get("date", "")
    if raw_date == "":
        report_date = None
    elif isinstance(raw_date, date):
        report_date = raw_date if not isinstance(raw_date, datetime) else raw_date.date()
    else:
        raise CampaignError(f'{r.where("report", "date")}: phải là ngày dạng 2026-01-05 hoặc "".')
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
        recipients=tuple(recipients),
        archive=r.text("report", "archive", False, "Lưu: VT."),
        docx_template=template("docx_template"),
        html_template=template("html_template"),
    )


def _register(r: _Reader) -> RegisterSettings:
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
        issuers=tuple((str(code), name.strip()) for code, name in issuers.items()),
    )
