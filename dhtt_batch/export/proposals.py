"""Accepted rows of a consolidated workbook → the proposals to export, each value mapped.

Columns are found by role, values compared as the spec's choices are (`choice_key`). A row
whose proposal is neither mapped nor declared "not a reward" is a proposal without a code:
it is never dropped silently but reported as unmapped, with where it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..campaign import Campaign
from ..formats.consolidated import ConsolidatedData
from ..normalize import choice_key
from ..spec import Role, SheetSpec, SpecSet
from ..states import FILE, ROW, UNIT, UNIT_NAME
from .mapping import LISTS, SECTIONS, Coded, ExportMapping, MappingError

# Every dash a keyboard or a word processor produces, unified to the hyphen-minus.
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
ACTIVITY_FIELD = LISTS["activity_field"]
GENDER = "Giới tính"  # named when a sheet has no gender column at all


@dataclass(frozen=True)
class Place:
    """Where a row came from: criterion sheet, the unit's file and its row there."""

    sheet: str
    row: int
    unit: str
    file: str


@dataclass(frozen=True)
class Proposal:
    salutation: str  # B
    name: str  # C
    position: str  # D
    workplace: str  # E
    award_kind: Coded  # F / R
    award: Coded  # G / S
    target_category: Coded  # H / T
    activity_field: Coded  # I / U
    place: Place


@dataclass
class Unmapped:
    """One value with no code, and every row it occurs on."""

    column: str  # as the user knows it (our header, or the province's)
    value: str  # "" for a blank cell
    fix: str  # where a mapping for it belongs
    places: list[Place] = field(default_factory=list)


@dataclass
class Selection:
    proposals: list[Proposal]
    unmapped: list[Unmapped]  # in order of first occurrence
    rows_left_out: int  # rows with at least one unmapped value


def clean_name(value: Any) -> str:
    """NFC, one kind of dash, single spaces, no leading or trailing space."""
    text = unicodedata.normalize("NFC", _text(value))
    return " ".join(_DASHES.sub("-", text).split())


def proposal_filter(specs: SpecSet, only: Sequence[str]) -> set[str]:
    """`--only` values as choice keys, each checked against the proposal column's choices."""
    choices: dict[str, str] = {}
    nones: set[str] = set()
    for sheet in specs.criteria:
        column = sheet.by_role(Role.PROPOSAL)
        if column is not None:
            choices.update((choice_key(c), c) for c in column.choices)
            nones.add(choice_key(column.value("none")))
    wanted = set()
    for value in only:
        key = choice_key(value)
        if key in nones:
            raise MappingError(f"'{value}' nghĩa là chưa có đề nghị; không có gì để xuất.")
        if choices and key not in choices:
            listed = "; ".join(c for k, c in choices.items() if k not in nones)
            raise MappingError(
                f"'{value}' không phải một hình thức đề nghị của biểu mẫu. Các hình thức: {listed}."
            )
        wanted.add(key)
    return wanted


def select_proposals(
    data: ConsolidatedData,
    specs: SpecSet,
    campaign: Campaign,
    mapping: ExportMapping,
    only: set[str] | None = None,
) -> Selection:
    """The rows to export in workbook order (criteria in spec order), mapped or reported."""
    mapper = _Mapper(mapping, campaign)
    for sheet in specs.criteria:
        column = sheet.by_role(Role.PROPOSAL)
        if column is None:
            continue
        none = choice_key(column.value("none"))
        for record in data.rows.get(sheet.name, ()):
            key = choice_key(_text(record.get(column.key)))
            if only:
                chosen = key in only  # asked for by name: exported, or reported as unmapped
            else:
                chosen = bool(key) and key != none and key not in mapping.not_awards
            if chosen:
                mapper.add(sheet, record)
    return Selection(mapper.proposals, list(mapper.unmapped.values()), mapper.left_out)


class _Mapper:
    def __init__(self, mapping: ExportMapping, campaign: Campaign) -> None:
        self.mapping, self.campaign = mapping, campaign
        self.proposals: list[Proposal] = []
        self.unmapped: dict[tuple[str, str], Unmapped] = {}
        self.left_out = 0
        self.table_fix = f"bảng đối chiếu {mapping.source.parent.name}/{mapping.source.name}"
        self.campaign_fix = f"{mapping.campaign_file}, mục [export.activity_fields]"

    def add(self, sheet: SheetSpec, record: dict[str, Any]) -> None:
        place = Place(
            sheet.name,
            int(_number(record.get(ROW))),
            _text(record.get(UNIT)),
            _text(record.get(FILE)),
        )
        missing: list[tuple[str, str, str]] = []  # (column, value, fix)

        def coded(section: str) -> Coded:
            role, code_list = SECTIONS[section]
            column = sheet.by_role(role)
            value = clean_name(record.get(column.key)) if column else ""
            found = self.mapping.lookup(section, value)
            if found is None:
                fix = self.table_fix
                if section == "proposal" and choice_key(value) in self.mapping.not_awards:
                    fix += " (mục not_awards: không phải khen thưởng hay danh hiệu)"
                missing.append((column.header if column else LISTS[code_list], value, fix))
                return Coded("", "")
            return found

        kind = clean_name(record.get(sheet.key(Role.KIND)))
        proposal = Proposal(
            salutation=self._salutation(sheet, record, kind, missing),
            name=clean_name(record.get(sheet.key(Role.NAME))),
            position=_optional(sheet, record, Role.POSITION),
            workplace=self._workplace(record),
            award_kind=coded("kind"),
            award=coded("proposal"),
            target_category=coded("target_category"),
            activity_field=self._activity(sheet, place, missing),
            place=place,
        )
        if not missing:
            self.proposals.append(proposal)
            return
        self.left_out += 1
        for column, value, fix in missing:
            entry = self.unmapped.setdefault((column, value), Unmapped(column, value, fix))
            entry.places.append(place)

    def _salutation(
        self, sheet: SheetSpec, record: dict[str, Any], kind: str, missing: list[Any]
    ) -> str:
        if not sheet.is_individual(kind):
            return kind  # a collective: its kind, as the receiving system expects
        column = sheet.by_role(Role.GENDER)
        gender = clean_name(record.get(column.key)) if column else ""
        for name in ("male", "female"):
            if column and choice_key(gender) == choice_key(column.value(name)):
                return self.mapping.salutation[name]
        header = column.header if column else GENDER
        missing.append((header, gender, "biểu mẫu (cá nhân phải có giới tính)"))
        return ""

    def _workplace(self, record: dict[str, Any]) -> str:
        unit = self.campaign.unit(_text(record.get(UNIT)))
        return clean_name(unit.name if unit else record.get(UNIT_NAME))

    def _activity(self, sheet: SheetSpec, place: Place, missing: list[Any]) -> Coded:
        by_unit = self.mapping.activity_by == "unit"
        key = place.unit if by_unit else (sheet.criterion or "")
        found = self.mapping.activity_for(key)
        if found is None:
            value = f"đơn vị {key}" if by_unit else f"tiêu chí {key}"
            missing.append((ACTIVITY_FIELD, value, self.campaign_fix))
            return Coded("", "")
        return found


def _optional(sheet: SheetSpec, record: dict[str, Any], role: Role) -> str:
    column = sheet.by_role(role)
    return clean_name(record.get(column.key)) if column else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0


def describe_unmapped(items: Iterable[Unmapped], limit: int = 10) -> list[str]:
    """One line per unmapped value: the column, the value and where it occurs."""
    lines = []
    for item in items:
        shown = f'"{item.value}"' if item.value else "(để trống)"
        places = "; ".join(
            f"sheet {p.sheet} dòng {p.row} ({p.unit}, {p.file})" for p in item.places[:limit]
        )
        more = len(item.places) - limit
        if more > 0:
            places += f"; và {more} dòng khác"
        lines.append(f"- {item.column} {shown} — chưa có mã trong {item.fix}: {places}")
    return lines
