"""Sheet specs: `schemas/*.yaml` → SpecSet / SheetSpec / ColumnSpec.

Every sheet is declared once, as data. The template, the pandera schema, the consolidated layout
and the report's labels are all derived from what this module loads, so it checks the YAML
thoroughly and names the file and the column key in every complaint.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

COLUMN_TYPES = (
    "text",
    "integer",
    "year",
    "date",
    "choice",
    "url",
    "email",
    "phone",
    "decision_number",
    "unit",
    "period",
)
SHEET_KINDS = ("table", "form")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
DECISION_NUMBER_PATTERN = r"^\d{1,6}[a-zA-Z]?/(\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(-[A-ZĐ0-9]+)*$"
_RELATIVE_YEAR = re.compile(r"^current(?:\s*-\s*(\d+))?$")
_COLUMN_FIELDS = {
    "key",
    "header",
    "aliases",
    "type",
    "required",
    "required_when",
    "blank_when",
    "choices",
    "choices_from",
    "strict",
    "min",
    "max",
    "min_length",
    "max_length",
    "pattern",
    "pattern_example",
    "not_future",
    "help",
    "width",
    "example",
    "use",
    "role",
    "role_values",
}
_SHEET_FIELDS = {"sheet", "kind", "criterion", "order", "label", "title", "columns"}


class Role(StrEnum):
    """What a column means to the code. Code asks a sheet for a role, never for a column key,
    so renaming keys (or headers) in YAML changes nothing else."""

    ROW_NUMBER = "row_number"  # STT: not data, ignored when comparing rows
    KIND = "kind"  # tập thể or cá nhân (values: collective, individual)
    NAME = "name"  # the person's or the collective's name
    GENDER = "gender"  # values: male, female
    BIRTH_YEAR = "birth_year"
    POSITION = "position"
    WORKPLACE = "workplace"  # phòng / ban / trung tâm the exemplar belongs to
    TARGET_CATEGORY = "target_category"  # phân loại đối tượng
    STAGE = "stage"
    ACHIEVEMENTS = "achievements"  # tóm tắt thành tích
    TITLE = "title"  # danh hiệu / hình thức khen thưởng đã đạt
    DECISION_NUMBER = "decision_number"
    DECISION_DATE = "decision_date"
    SPREAD = "spread"  # phạm vi lan tỏa, nhân rộng
    PROPOSAL = "proposal"  # hình thức đề nghị (values: none)
    NOTE = "note"
    # the unit-information sheet
    UNIT = "unit"
    PERIOD = "period"
    CONTACT_NAME = "contact_name"
    CONTACT_PHONE = "contact_phone"
    CONTACT_EMAIL = "contact_email"
    DATE_MADE = "date_made"
    HEAD = "head"


# Roles whose column must also name some of its choices (`role_values: {name: choice}`).
ROLE_VALUES: dict[Role, tuple[str, ...]] = {
    Role.KIND: ("collective", "individual"),
    Role.GENDER: ("male", "female"),
    Role.PROPOSAL: ("none",),
}
REQUIRED_ROLES = {"table": (Role.NAME, Role.KIND), "form": (Role.UNIT,)}


class SpecError(Exception):
    """A sheet spec or spec index is malformed; the message names the file and key."""


@dataclass(frozen=True)
class RelativeYear:
    """A year bound relative to today, written `current` or `current-16` in YAML."""

    offset: int

    def resolve(self, today: date) -> int:
        return today.year - self.offset


Bound = int | date | RelativeYear


@dataclass(frozen=True)
class Condition:
    """`{column: X, equals: V}` or `{column: X, filled: true}`."""

    column: str
    equals: str | None = None


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    header: str
    type: str
    required: bool = False
    required_when: Condition | None = None
    blank_when: Condition | None = None
    choices: tuple[str, ...] = ()
    choices_from: str | None = None
    strict: bool = True
    min: Bound | None = None
    max: Bound | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_example: str | None = None
    not_future: bool = False
    help: str = ""
    width: float = 15
    example: Any = None
    aliases: tuple[str, ...] = ()
    role: Role | None = None
    role_values: tuple[tuple[str, str], ...] = ()  # (name, choice) pairs, see ROLE_VALUES

    def value(self, name: str) -> str:
        """The choice this column's role calls `name` (e.g. kind → collective → "Tập thể")."""
        return dict(self.role_values)[name]

    def bound(self, which: str, today: date) -> int | date | None:
        value = self.min if which == "min" else self.max
        return value.resolve(today) if isinstance(value, RelativeYear) else value

    @property
    def effective_pattern(self) -> str | None:
        if self.pattern:
            return self.pattern
        return DECISION_NUMBER_PATTERN if self.type == "decision_number" else None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    kind: str
    title: str
    columns: tuple[ColumnSpec, ...]
    source: str
    criterion: str | None = None
    order: int = 0
    label: str = ""

    def column(self, key: str) -> ColumnSpec:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def data_columns(self) -> tuple[ColumnSpec, ...]:
        """Every column but the row number (STT), which is not data."""
        return tuple(c for c in self.columns if c.role != Role.ROW_NUMBER)

    def by_role(self, role: Role) -> ColumnSpec | None:
        """The column that plays `role`, if this sheet has one."""
        return self._roles.get(role)

    def role(self, role: Role) -> ColumnSpec:
        """The column that plays `role`; the loader guarantees the required roles exist."""
        column = self._roles.get(role)
        if column is None:
            raise KeyError(f"{self.source}: no column has role '{role}'")
        return column

    def key(self, role: Role) -> str:
        return self.role(role).key

    @functools.cached_property
    def _roles(self) -> dict[Role, ColumnSpec]:
        # Built once per sheet (the columns never change): roles are asked for inside loops.
        return {c.role: c for c in self.columns if c.role is not None}

    def is_collective(self, kind: object) -> bool:
        return kind == self.role(Role.KIND).value("collective")

    def is_individual(self, kind: object) -> bool:
        return kind == self.role(Role.KIND).value("individual")


@dataclass(frozen=True)
class SpecSet:
    version: int
    compatible_versions: tuple[int, ...]
    info: SheetSpec
    criteria: tuple[SheetSpec, ...]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hash: str = ""

    @property
    def sheets(self) -> tuple[SheetSpec, ...]:
        return (self.info, *self.criteria)

    def criterion(self, name: str) -> SheetSpec:
        for sheet in self.criteria:
            if sheet.name == name or sheet.criterion == name:
                return sheet
        raise KeyError(name)


def default_spec_dir() -> Path:
    """The installed copy (package data) or, in a source checkout, the top-level `schemas/`."""
    here = Path(__file__).resolve().parent
    installed = here / "schemas"
    return installed if (installed / "index.yaml").is_file() else here.parent / "schemas"


def load_specs(directory: Path | None = None) -> SpecSet:
    """Load and check every sheet spec listed in `index.yaml` (the packaged `schemas/` by
    default). Raises SpecError naming the file and column key of the first mistake."""
    directory = directory or default_spec_dir()
    index_path = directory / "index.yaml"
    index = _read_yaml(index_path)
    where = _display(index_path)
    version = index.get("spec_version")
    if not isinstance(version, int):
        raise SpecError(f"{where}: 'spec_version' phải là số nguyên.")
    compatible = tuple(index.get("compatible_versions") or [version])
    lists = _load_lists(directory / str(index.get("lists", "lists.yaml")))
    common = _load_common(directory / str(index.get("common", "_common.yaml")))
    sheet_files = index.get("sheets")
    if not isinstance(sheet_files, list) or not sheet_files:
        raise SpecError(f"{where}: 'sheets' phải là danh sách tên tệp YAML.")
    sheets = [_load_sheet(directory / str(name), common, lists) for name in sheet_files]
    forms = [s for s in sheets if s.kind == "form"]
    tables = sorted((s for s in sheets if s.kind == "table"), key=lambda s: s.order)
    if len(forms) != 1:
        raise SpecError(f"{where}: cần đúng một sheet 'kind: form' (thông tin đơn vị).")
    if not tables:
        raise SpecError(f"{where}: cần ít nhất một sheet tiêu chí 'kind: table'.")
    _check_unique(where, "sheet", [s.name for s in sheets])
    _check_unique(where, "criterion", [s.criterion or "" for s in tables])
    spec_set = SpecSet(version, compatible, forms[0], tuple(tables), lists)
    return SpecSet(version, compatible, forms[0], tuple(tables), lists, _hash(spec_set))


def _hash(spec_set: SpecSet) -> str:
    """A hash of the loaded content (not the bytes), so comments and layout don't change it."""
    text = json.dumps(
        [[c.__dict__ for c in s.columns] + [s.name] for s in spec_set.sheets],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _read_yaml(path: Path) -> dict[str, Any]:
    where = _display(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SpecError(f"{where}: không tìm thấy tệp.") from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"{where}: YAML không hợp lệ: {exc}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{where}: nội dung phải là một bảng khóa: giá trị.")
    return data


def _load_lists(path: Path) -> dict[str, tuple[str, ...]]:
    where = _display(path)
    lists: dict[str, tuple[str, ...]] = {}
    for name, items in _read_yaml(path).items():
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise SpecError(f"{where}, danh sách '{name}': phải là danh sách chuỗi không rỗng.")
        _check_unique(f"{where}, danh sách '{name}'", "lựa chọn", items)
        lists[str(name)] = tuple(items)
    return lists


def _load_common(path: Path) -> dict[str, dict[str, Any]]:
    where = _display(path)
    columns = _read_yaml(path).get("columns")
    if not isinstance(columns, list):
        raise SpecError(f"{where}: 'columns' phải là danh sách.")
    common: dict[str, dict[str, Any]] = {}
    for raw in columns:
        if not isinstance(raw, dict) or "key" not in raw:
            raise SpecError(f"{where}: mỗi cột phải có 'key'.")
        common[str(raw["key"])] = raw
    return common


def _load_sheet(
    path: Path, common: dict[str, dict[str, Any]], lists: dict[str, tuple[str, ...]]
) -> SheetSpec:
    where = _display(path)
    data = _read_yaml(path)
    unknown = set(data) - _SHEET_FIELDS
    if unknown:
        raise SpecError(f"{where}: khóa không hợp lệ: {', '.join(sorted(unknown))}.")
    for required in ("sheet", "kind", "title", "columns"):
        if not data.get(required):
            raise SpecError(f"{where}: thiếu '{required}'.")
    if data["kind"] not in SHEET_KINDS:
        raise SpecError(f"{where}: 'kind' phải là một trong {', '.join(SHEET_KINDS)}.")
    name = str(data["sheet"])
    if len(name) > 31 or re.search(r"[\[\]:*?/\\]", name) or name.strip("'") != name:
        raise SpecError(
            f"{where}: tên sheet '{name}' không dùng được trong Excel (tối đa 31 ký tự, không "
            "chứa [ ] : * ? / \\, không bắt đầu hay kết thúc bằng dấu ')."
        )
    if data["kind"] == "table" and not data.get("criterion"):
        raise SpecError(f"{where}: sheet tiêu chí cần 'criterion'.")
    raw_columns = data["columns"]
    if not isinstance(raw_columns, list):
        raise SpecError(f"{where}: 'columns' phải là danh sách.")
    columns = tuple(_column(where, raw, common, lists) for raw in raw_columns)
    _check_unique(where, "key", [c.key for c in columns])
    _check_roles(where, str(data["kind"]), columns)
    keys = {c.key for c in columns}
    for col in columns:
        for cond in (col.required_when, col.blank_when):
            if cond and cond.column not in keys:
                raise SpecError(
                    f"{where}, cột '{col.key}': điều kiện nhắc tới cột '{cond.column}' không có."
                )
    return SheetSpec(
        name=name,
        kind=str(data["kind"]),
        title=str(data["title"]),
        columns=columns,
        source=path.name,
        criterion=data.get("criterion"),
        order=int(data.get("order", 0)),
        label=str(data.get("label", data["sheet"])),
    )


def _column(
    where: str, raw: Any, common: dict[str, dict[str, Any]], lists: dict[str, tuple[str, ...]]
) -> ColumnSpec:
    if not isinstance(raw, dict):
        raise SpecError(f"{where}: mỗi cột phải là một bảng khóa: giá trị.")
    if "use" in raw:
        name = str(raw["use"])
        if name not in common:
            raise SpecError(f"{where}: 'use: {name}' không có trong _common.yaml.")
        raw = {**common[name], **{k: v for k, v in raw.items() if k != "use"}}
    key = str(raw.get("key", ""))
    here = f"{where}, cột '{key}'"
    if not KEY_PATTERN.match(key):
        raise SpecError(f"{here}: 'key' phải gồm chữ thường không dấu, số và '_'.")
    unknown = set(raw) - _COLUMN_FIELDS
    if unknown:
        raise SpecError(f"{here}: khóa không hợp lệ: {', '.join(sorted(unknown))}.")
    if not raw.get("header"):
        raise SpecError(f"{here}: thiếu 'header'.")
    col_type = raw.get("type")
    if col_type not in COLUMN_TYPES:
        allowed = ", ".join(COLUMN_TYPES)
        raise SpecError(f"{here}: kiểu '{col_type}' không hợp lệ (dùng: {allowed}).")
    choices = _choices(here, raw, lists)
    if col_type == "choice" and not choices:
        raise SpecError(f"{here}: cột kiểu 'choice' cần 'choices' hoặc 'choices_from'.")
    pattern = raw.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise SpecError(f"{here}: 'pattern' không hợp lệ: {exc}") from exc
    return ColumnSpec(
        key=key,
        header=str(raw["header"]),
        type=str(col_type),
        required=_bool(here, raw, "required"),
        required_when=_condition(here, raw.get("required_when")),
        blank_when=_condition(here, raw.get("blank_when")),
        choices=choices,
        choices_from=raw.get("choices_from"),
        strict=_bool(here, raw, "strict", default=True),
        min=_bound(here, "min", raw.get("min")),
        max=_bound(here, "max", raw.get("max")),
        min_length=_optional_int(here, raw, "min_length"),
        max_length=_optional_int(here, raw, "max_length"),
        pattern=str(pattern) if pattern is not None else None,
        pattern_example=raw.get("pattern_example"),
        not_future=_bool(here, raw, "not_future"),
        help=str(raw.get("help", "")),
        width=float(raw.get("width", 15)),
        example=raw.get("example"),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        role=_role(here, raw.get("role")),
        role_values=_role_values(here, raw, choices),
    )


def _role(here: str, raw: Any) -> Role | None:
    if raw is None:
        return None
    try:
        return Role(str(raw))
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise SpecError(f"{here}: vai trò '{raw}' không hợp lệ (dùng: {allowed}).") from None


def _role_values(
    here: str, raw: dict[str, Any], choices: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    role = _role(here, raw.get("role"))
    wanted = ROLE_VALUES.get(role) if role else None
    given = raw.get("role_values")
    if wanted is None:
        if given is not None:
            raise SpecError(f"{here}: 'role_values' chỉ dùng cho vai trò {', '.join(ROLE_VALUES)}.")
        return ()
    if not isinstance(given, dict) or set(given) != set(wanted):
        raise SpecError(f"{here}: vai trò '{role}' cần 'role_values' với {', '.join(wanted)}.")
    for name, value in given.items():
        if str(value) not in choices:
            raise SpecError(f"{here}: role_values '{name}: {value}' không có trong lựa chọn.")
    return tuple((name, str(given[name])) for name in wanted)


def _check_roles(where: str, kind: str, columns: tuple[ColumnSpec, ...]) -> None:
    seen: dict[Role, str] = {}
    for col in columns:
        if col.role is None:
            continue
        if col.role in seen:
            raise SpecError(
                f"{where}: vai trò '{col.role}' được gán cho hai cột ('{seen[col.role]}' và "
                f"'{col.key}')."
            )
        seen[col.role] = col.key
    for role in REQUIRED_ROLES.get(kind, ()):
        if role not in seen:
            raise SpecError(f"{where}: thiếu cột có vai trò '{role}' (role: {role}).")


def _choices(here: str, raw: dict[str, Any], lists: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if "choices_from" in raw:
        name = str(raw["choices_from"])
        if name not in lists:
            raise SpecError(f"{here}: danh sách '{name}' không có trong lists.yaml.")
        return lists[name]
    inline = raw.get("choices")
    if inline is None:
        return ()
    if not isinstance(inline, list) or not all(isinstance(i, str) for i in inline):
        raise SpecError(f"{here}: 'choices' phải là danh sách chuỗi.")
    return tuple(inline)


def _condition(here: str, raw: Any) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or "column" not in raw:
        raise SpecError(f"{here}: điều kiện phải có dạng {{column: ..., equals: ...}}.")
    if "equals" in raw:
        return Condition(str(raw["column"]), str(raw["equals"]))
    if raw.get("filled") is True:
        return Condition(str(raw["column"]))
    raise SpecError(f"{here}: điều kiện cần 'equals: ...' hoặc 'filled: true'.")


def _bound(here: str, name: str, raw: Any) -> Bound | None:
    if raw is None or isinstance(raw, int | date) and not isinstance(raw, bool):
        return raw
    match = _RELATIVE_YEAR.match(str(raw).strip())
    if match:
        return RelativeYear(int(match.group(1) or 0))
    raise SpecError(f"{here}: '{name}' phải là số, ngày (YYYY-MM-DD) hoặc 'current-N'.")


def _bool(here: str, raw: dict[str, Any], name: str, default: bool = False) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise SpecError(f"{here}: '{name}' phải là true hoặc false.")
    return value


def _optional_int(here: str, raw: dict[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is not None and (not isinstance(value, int) or value < 0):
        raise SpecError(f"{here}: '{name}' phải là số nguyên không âm.")
    return value


def _check_unique(where: str, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise SpecError(f"{where}: {what} '{value}' bị trùng.")
        seen.add(value)
