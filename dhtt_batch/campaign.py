"""`campaign.toml` → Campaign: the agency, the period, the roster and the report header.

Nothing about a province is hard-coded elsewhere: the packaged default (`defaults/campaign.toml`)
reproduces the seed office, and `-c FILE` replaces it for every command.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from .spec import SpecSet
from .spec_loader import default_spec_dir, load_specs
from .textkey import text_key

PERIOD_KINDS = {
    "annual": "Năm {year}",
    "midterm": "Sơ kết giai đoạn {phase} (năm {year})",
    "final": "Tổng kết giai đoạn {phase} (năm {year})",
}
_PERIOD_SLUG = {"annual": "{year}", "midterm": "so-ket-{year}", "final": "tong-ket-{year}"}
_UNIT_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{0,19}$")
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# Every key campaign.toml may hold, by table — the one place to extend when a key is added.
# `None`: a table of free keys (e.g. activity codes by unit code). "units" is each [[units]].
KNOWN_KEYS: dict[str, frozenset[str] | None] = {
    "agency": frozenset({"name", "short_name", "parent", "code", "place", "coordinator"}),
    "period": frozenset({"kind", "year", "phase", "deadline", "utc_offset"}),
    "report": frozenset(
        {
            "number",
            "symbol",
            "date",
            "subject",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
            "archive",
            "docx_template",
            "html_template",
            "plan_number",
            "plan_symbol",
            "plan_date",
        }
    ),
    "template": frozenset({"schemas"}),
    "export": frozenset({"activity_field_by", "activity_fields"}),
    "export.activity_fields": None,
    "units": frozenset({"code", "name", "email"}),
    "register": frozenset(
        {
            "db",
            "year_points",
            "title_points",
            "spread_points",
            "candidates",
            "candidate_min_years",
            "issuers",
        }
    ),
    "register.issuers": None,
}
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def nfc(text: str) -> str:
    """Campaign text as users read it (NFC), whatever form the file was saved in."""
    return unicodedata.normalize("NFC", text)


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


@dataclass(frozen=True)
class Campaign:
    agency: Agency
    period: Period
    units: tuple[Unit, ...]
    report: ReportSettings
    source: Path
    schemas_dir: Path
    register: RegisterSettings = field(default_factory=RegisterSettings)
    export: ExportSettings = field(default_factory=ExportSettings)

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
    """Load `campaign.toml` (the packaged default of the seed office when `path` is None).
    Raises CampaignError naming the table and key of the first mistake."""
    path = path or default_campaign_path()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError as exc:
        raise CampaignError(f"Không tìm thấy tệp cấu hình {path}.") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CampaignError(f"Tệp cấu hình {path.name} không đúng định dạng TOML: {exc}") from exc
    _check_keys(path.name, text, data)
    reader = _Reader(path.name, data)
    base = path.parent
    schemas = reader.text("template", "schemas", required=False)
    agency, units = _agency(reader), _units(reader)
    if agency.coordinator and agency.coordinator not in {u.code for u in units}:
        raise CampaignError(
            f"{reader.where('agency', 'coordinator')}: '{agency.coordinator}' không phải mã "
            "đơn vị nào trong danh sách [[units]] (đơn vị đầu mối gửi thư và nhận biểu mẫu)."
        )
    return Campaign(
        agency=agency,
        period=_period(reader),
        units=units,
        report=_report(reader, base),
        source=path,
        schemas_dir=(base / schemas) if schemas else default_spec_dir(),
        register=_register(reader),
        export=_export(reader),
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
        return nfc(value.strip())


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
    deadline = _when(r.table("period").get("deadline"))
    if isinstance(deadline, date) and not isinstance(deadline, datetime):
        deadline = datetime(deadline.year, deadline.month, deadline.day, 23, 59, 59)
    if deadline is not None and not isinstance(deadline, datetime):
        raise CampaignError(
            f"{r.where('period', 'deadline')}: phải là ngày giờ, ví dụ 2025-12-20T17:00:00 "
            '(hoặc "20/12/2025 17:00").'
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
    names: set[str] = set()  # as compared (text_key)
    for number, raw in enumerate(raw_units, start=1):
        where = f"{r.filename}, đơn vị thứ {number}"
        if not isinstance(raw, dict):
            raise CampaignError(f"{where}: phải là một bảng [[units]].")
        code, name, email = (nfc(str(raw.get(k, "")).strip()) for k in ("code", "name", "email"))
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
        if text_key(name) in names:
            raise CampaignError(f"{where}: tên đơn vị '{name}' bị trùng.")
        codes.add(code)
        names.add(text_key(name))
        units.append(Unit(code, name, email))
    return tuple(units)


def _report(r: _Reader, base: Path) -> ReportSettings:
    raw_date = _when(r.table("report").get("date", ""))
    if raw_date == "":
        report_date = None
    elif isinstance(raw_date, date):
        report_date = raw_date if not isinstance(raw_date, datetime) else raw_date.date()
    else:
        raise CampaignError(f'{r.where("report", "date")}: phải là ngày dạng 2026-01-05 hoặc "".')
    plan_date = _when(r.table("report").get("plan_date", ""))
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
        issuers=tuple((str(code), nfc(name.strip())) for code, name in issuers.items()),
    )


def _export(r: _Reader) -> ExportSettings:
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


def _when(value: Any) -> Any:
    """A date or date-time written in quotes is read too: "2025-12-20T17:00:00",
    "2025-12-20", "20/12/2025 17:00", "20/12/2025". Anything else is returned as it was."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.date() if len(text) == 10 else parsed.replace(tzinfo=None)
    except ValueError:
        pass
    for form in _DAY_FIRST:
        try:
            parsed = datetime.strptime(text, form)
            return parsed.date() if form == "%d/%m/%Y" else parsed
        except ValueError:
            continue
    return value


def _check_keys(filename: str, text: str, data: dict[str, Any]) -> None:
    """Refuse a key campaign.toml does not know (a misspelt `dealine` would otherwise be
    silently ignored), naming the file, the line and the nearest known key."""
    for table, value in data.items():
        if table not in KNOWN_KEYS or "." in table:
            _unknown(filename, text, None, table, [t for t in KNOWN_KEYS if "." not in t])
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, dict):
                _check_table(filename, text, table, entry)


def _check_table(filename: str, text: str, table: str, entry: dict[str, Any]) -> None:
    known = KNOWN_KEYS[table]
    if known is None:
        return
    for key, value in entry.items():
        if key not in known:
            _unknown(filename, text, table, key, sorted(known))
        nested = f"{table}.{key}"
        if isinstance(value, dict) and nested in KNOWN_KEYS:
            _check_table(filename, text, nested, value)


def _unknown(filename: str, text: str, table: str | None, key: str, known: list[str]) -> None:
    line = _line_of(text, table, key)
    where = f"{filename}, dòng {line}" if line else filename
    section = "[[units]]" if table == "units" else f"[{table}]"
    what = f"khóa '{key}' trong mục {section}" if table else f"mục [{key}]"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    hint = f" Có phải ý là '{close[0]}'?" if close else f" Các khóa dùng được: {', '.join(known)}."
    raise CampaignError(f"{where}: {what} không có trong cấu hình.{hint}")


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line where `key` is set under `[table]` (or where table `key` starts)."""
    current = ""
    assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if table is None and current.split(".")[0] == key:
                return number
            continue
        if table is not None and current == table and assignment.match(line):
            return number
        if table is None and current == "" and assignment.match(line):
            return number
    return None
