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

from .campaign_keys import check_keys
from .campaign_settings import (
    ExportSettings,
    RegisterSettings,
    ReportSettings,
    read_export,
    read_register,
    read_report,
)
from .campaign_toml import CampaignError, TableReader, date_or_time, nfc
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


def period_from_id(period_id: str) -> tuple[str, int] | None:
    """(kind, year) back from a period id such as "so-ket-2023" (None if it is not one)."""
    for kind, slug in _PERIOD_SLUG.items():
        match = re.fullmatch(re.escape(slug).replace(r"\{year\}", r"(\d{4})"), period_id)
        if match:
            return kind, int(match.group(1))
    return None


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

    def lookup_unit(self, typed: str) -> Unit:
        """The unit whose code a person typed (any case, spaces around it); CampaignError
        lists the codes there are."""
        unit = self.unit(typed.strip().upper())
        if unit is None:
            codes = ", ".join(u.code for u in self.units)
            raise CampaignError(f"Không có đơn vị mã '{typed}' trong danh sách ({codes}).")
        return unit

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
    check_keys(path.name, text, data)
    reader = TableReader(path.name, data)
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
        report=read_report(reader, base),
        source=path,
        schemas_dir=(base / schemas) if schemas else default_spec_dir(),
        register=read_register(reader),
        export=read_export(reader),
    )


def _agency(r: TableReader) -> Agency:
    return Agency(
        name=r.text("agency", "name"),
        short_name=r.text("agency", "short_name"),
        parent=r.text("agency", "parent"),
        code=r.text("agency", "code"),
        place=r.text("agency", "place"),
        coordinator=r.text("agency", "coordinator", False),
    )


def _period(r: TableReader) -> Period:
    kind = r.text("period", "kind")
    if kind not in PERIOD_KINDS:
        raise CampaignError(
            f"{r.where('period', 'kind')}: phải là một trong {', '.join(PERIOD_KINDS)}."
        )
    year = r.table("period").get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise CampaignError(f"{r.where('period', 'year')}: phải là năm, ví dụ 2025.")
    deadline = date_or_time(r.table("period").get("deadline"))
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


def _units(r: TableReader) -> tuple[Unit, ...]:
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
