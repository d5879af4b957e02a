"""The declared mapping of an export format: `schemas/exports/<format>.yaml` + its code lists.

Maps our spec's values (by role, never by column key) to the codes of the receiving system, and
the campaign's `[export]` table to the Lĩnh vực hoạt động codes. Everything is checked when it
is loaded — keys against the spec's choices, codes against the code lists (CSV `ten,ma`), codes
written as quoted text — so a mistake is a Vietnamese message naming the file and the key before
any row is read, never a wrong code in the province's database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..campaign import Campaign
from ..normalize import choice_key
from ..spec import Role, SpecSet

EXPORTS_DIR = "exports"
DEFAULT_KEY = "default"  # [export.activity_fields] key covering every unit or criterion
# The code lists a mapping names, and what each is called in messages.
LISTS = {
    "award_kind": "Phân loại khen thưởng",
    "award": "Danh hiệu thi đua/Hình thức khen thưởng",
    "target_category": "Phân loại đối tượng",
    "activity_field": "Lĩnh vực hoạt động",
}
# Table sections: (the role whose values are mapped, the code list the codes come from).
SECTIONS = {
    "kind": (Role.KIND, "award_kind"),
    "proposal": (Role.PROPOSAL, "award"),
    "target_category": (Role.TARGET_CATEGORY, "target_category"),
}
_TOP_KEYS = {"code_lists", "salutation", "not_awards", *SECTIONS}
SALUTATIONS = ("male", "female")


class MappingError(Exception):
    """The mapping table, a code list or the campaign's [export] is wrong (Vietnamese)."""


@dataclass(frozen=True)
class Coded:
    """A value in the receiving system: its name (columns F–I) and its code (R–U)."""

    name: str
    code: str


@dataclass(frozen=True)
class CodeList:
    title: str
    file: str
    names: dict[str, str]  # code → name

    def coded(self, code: str) -> Coded:
        return Coded(self.names[code], code)


@dataclass(frozen=True)
class ExportMapping:
    format: str
    source: Path  # the YAML file
    salutation: dict[str, str]  # male / female → column B
    sections: dict[str, dict[str, Coded]]  # section → choice_key(our value) → theirs
    not_awards: frozenset[str]  # choice keys
    activity_by: str  # "unit" or "criterion" (campaign [export])
    activity: dict[str, Coded]  # unit code / criterion key / DEFAULT_KEY → theirs
    campaign_file: str

    def lookup(self, section: str, value: str) -> Coded | None:
        return self.sections[section].get(choice_key(value))

    def activity_for(self, key: str) -> Coded | None:
        return self.activity.get(key) or self.activity.get(DEFAULT_KEY)


def load_mapping(campaign: Campaign, specs: SpecSet, fmt: str) -> ExportMapping:
    path = campaign.schemas_dir / EXPORTS_DIR / f"{fmt}.yaml"
    if not path.is_file():
        raise MappingError(
            f"Không thấy bảng đối chiếu của định dạng '{fmt}': {path}. Bộ đặc tả biểu mẫu riêng "
            f"cần có thư mục {EXPORTS_DIR}/ như bộ mặc định."
        )
    where = f"{EXPORTS_DIR}/{path.name}"
    data = _read(path, where)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise MappingError(f"{where}: khóa không hợp lệ: {', '.join(sorted(unknown))}.")
    lists = _code_lists(path, where, data.get("code_lists"))
    sections = {
        name: _section(where, name, data.get(name), lists[list_name], _choices(specs, role))
        for name, (role, list_name) in SECTIONS.items()
    }
    return ExportMapping(
        format=fmt,
        source=path,
        salutation=_salutation(where, data.get("salutation")),
        sections=sections,
        not_awards=_not_awards(where, data.get("not_awards"), sections["proposal"], specs),
        activity_by=campaign.export.activity_field_by,
        activity=_activity(campaign, specs, lists["activity_field"]),
        campaign_file=campaign.source.name,
    )


def _read(path: Path, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MappingError(f"{where}: YAML không hợp lệ: {exc}") from exc
    if not isinstance(data, dict):
        raise MappingError(f"{where}: nội dung phải là một bảng khóa: giá trị.")
    return data


def _code_lists(path: Path, where: str, raw: Any) -> dict[str, CodeList]:
    if not isinstance(raw, dict) or set(raw) != set(LISTS):
        raise MappingError(f"{where}, mục 'code_lists': cần đúng các khóa {', '.join(LISTS)}.")
    return {
        name: load_code_list(path.parent / str(raw[name]), LISTS[name], f"{where}, '{name}'")
        for name in LISTS
    }


def load_code_list(path: Path, title: str, where: str = "") -> CodeList:
    """A CSV code list (`ten,ma`); codes are text and unique."""
    here = f"{where}: {path.name}" if where else path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{here}: không đọc được danh mục mã ({exc}).") from exc
    if not rows or [h.strip() for h in rows[0]] != ["ten", "ma"]:
        raise MappingError(f"{here}: dòng đầu của danh mục mã phải là 'ten,ma'.")
    names: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise MappingError(f"{here}, dòng {number}: cần đúng hai cột tên và mã.")
        name, code = row[0].strip(), row[1].strip()
        if code in names:
            raise MappingError(f"{here}, dòng {number}: mã '{code}' bị trùng.")
        names[code] = name
    if not names:
        raise MappingError(f"{here}: danh mục mã rỗng.")
    return CodeList(title, path.name, names)


def _code(here: str, raw: Any, codes: CodeList) -> Coded:
    if not isinstance(raw, str):
        raise MappingError(
            f'{here}: mã phải viết trong dấu nháy kép (ví dụ "0013"), để giữ số 0 ở đầu.'
        )
    code = raw.strip()
    if code not in codes.names:
        raise MappingError(
            f"{here}: mã '{code}' không có trong danh mục {codes.title} ({codes.file})."
        )
    return codes.coded(code)


def _choices(specs: SpecSet, role: Role) -> set[str] | None:
    """Choice keys of the columns playing `role` (None: free text somewhere, so unchecked)."""
    keys: set[str] = set()
    for sheet in specs.criteria:
        column = sheet.by_role(role)
        if column is None:
            continue
        if not column.choices:
            return None
        keys.update(choice_key(c) for c in column.choices)
    return keys


def _section(
    where: str, name: str, raw: Any, codes: CodeList, choices: set[str] | None
) -> dict[str, Coded]:
    if not isinstance(raw, dict) or not raw:
        raise MappingError(f"{where}, mục '{name}': phải là bảng 'giá trị: \"mã\"' không rỗng.")
    table: dict[str, Coded] = {}
    for value, code in raw.items():
        here = f"{where}, mục '{name}', khóa '{value}'"
        key = choice_key(str(value))
        if choices is not None and key not in choices:
            raise MappingError(f"{here}: không phải một lựa chọn của biểu mẫu.")
        table[key] = _code(here, code, codes)
    return table


def _salutation(where: str, raw: Any) -> dict[str, str]:
    if (
        not isinstance(raw, dict)
        or set(raw) != set(SALUTATIONS)
        or not all(isinstance(v, str) and v.strip() for v in raw.values())
    ):
        raise MappingError(
            f"{where}, mục 'salutation': cần male và female, ví dụ male: Ông, female: Bà."
        )
    return {k: str(v).strip() for k, v in raw.items()}


def _not_awards(
    where: str, raw: Any, proposals: dict[str, Coded], specs: SpecSet
) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise MappingError(f"{where}, mục 'not_awards': phải là danh sách chuỗi.")
    choices = _choices(specs, Role.PROPOSAL)
    keys = frozenset(choice_key(v) for v in raw)
    for value in raw:
        here = f"{where}, mục 'not_awards', giá trị '{value}'"
        if choices is not None and choice_key(value) not in choices:
            raise MappingError(f"{here}: không phải một lựa chọn của biểu mẫu.")
        if choice_key(value) in proposals:
            raise MappingError(f"{here}: đã có mã ở mục 'proposal'.")
    return keys


def _activity(campaign: Campaign, specs: SpecSet, codes: CodeList) -> dict[str, Coded]:
    settings = campaign.export
    if settings.activity_field_by == "unit":
        allowed: Iterable[str] = (u.code for u in campaign.units)
        what = "mã đơn vị trong danh sách [[units]]"
    else:
        allowed = (s.criterion or "" for s in specs.criteria)
        what = "mã tiêu chí (" + ", ".join(s.criterion or "" for s in specs.criteria) + ")"
    known = {DEFAULT_KEY, *allowed}
    table: dict[str, Coded] = {}
    for key, code in settings.activity_fields.items():
        here = f"{campaign.source.name}, mục [export.activity_fields] khóa '{key}'"
        if key not in known:
            raise MappingError(f"{here}: phải là '{DEFAULT_KEY}' hoặc {what}.")
        table[key] = _code(here, code, codes)
    return table
