"""Sheet specs as the code sees them: SpecSet / SheetSpec / ColumnSpec, and column roles.

Every sheet is declared once, as data (`schemas/*.yaml`, loaded and checked by
`spec_loader.py`). The template, the pandera schema, the consolidated layout and the report's
labels are all derived from these objects; code asks a sheet for a column by its role
(`sheet.role(Role.NAME)`), never by its key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

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
DECISION_NUMBER_PATTERN = r"^\d{1,6}[a-zA-Z]?/(\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(-[A-ZĐ0-9]+)*$"


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
