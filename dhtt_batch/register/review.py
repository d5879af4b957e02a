"""`register review`: probable matches the identity rule does not join, for an officer to settle.

Three kinds, each looked for inside small blocks (never all pairs of a province's register):
- a similar name (a typo, a tone mark, a name typed without diacritics) in the same unit with the
  same birth year — or, for collectives, registered by the same unit;
- the same person (name and birth year) registered by another unit: moved to another unit, or —
  when the first unit stops appearing on the rosters just as the second one starts — the unit
  was renamed or merged (then its collective under the old and the new name is suggested too).
Names are similar when they are equal without diacritics, or equal in letters with only the
tone marks differing (collation's primary key), or when difflib's ratio is at least SIMILAR.
Pairs already in one group, and pairs an officer has ruled on, are not suggested again.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from ..collation import text_key
from ..identify import slug
from ..normalize import choice_key
from .identity import COLLECTIVE, INDIVIDUAL, latest_verdicts
from .schema import entries, exemplars, periods, roster

SIMILAR = 0.85
SIMILAR_NAME, MOVED, UNIT_RENAMED = "similar_name", "moved", "unit_renamed"


@dataclass
class Candidate:
    id: int
    group: int
    kind: str
    kind_label: str
    name: str
    name_key: str
    birth_year: int | None
    unit_code: str
    unit: str
    years: list[int] = field(default_factory=list)
    unit_codes: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "birth_year": self.birth_year,
            "unit": self.unit,
            "unit_code": self.unit_code,
            "years": self.years,
        }


@dataclass(frozen=True)
class Match:
    first: Candidate
    second: Candidate
    reason: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "first": self.first.as_json(),
            "second": self.second.as_json(),
            "reason": self.reason,
            "message": self.message,
        }


def probable_matches(conn: Connection) -> list[Match]:
    people = _candidates(conn)
    decided = set(latest_verdicts(conn))
    renamed = _renamed_units(conn, people)
    found: dict[tuple[int, int], Match] = {}

    def offer(a: Candidate, b: Candidate, reason: str, message: str) -> None:
        pair = (min(a.id, b.id), max(a.id, b.id))
        if a.group == b.group or pair in decided or pair in found:
            return
        first, second = (a, b) if a.id < b.id else (b, a)
        found[pair] = Match(first, second, reason, message)

    for block in _blocks(people, lambda c: (c.kind, c.birth_year, c.unit_code)):
        for a, b in _pairs(block):
            if _similar(a.name_key, b.name_key):
                offer(a, b, SIMILAR_NAME, "Tên gần giống (có thể gõ sai)")
    individuals = [c for c in people if c.kind == INDIVIDUAL]
    for block in _blocks(individuals, lambda c: (c.birth_year, slug(c.name_key))):
        for a, b in _pairs(block):
            if a.unit_code == b.unit_code:
                continue
            old, new = (a, b) if min(a.years) <= min(b.years) else (b, a)
            names = renamed.get((old.unit_code, new.unit_code))
            if names:
                offer(a, b, UNIT_RENAMED, _renamed_message(names))
            else:
                offer(a, b, MOVED, "Cùng họ tên, năm sinh, khác đơn vị (có thể đã chuyển công tác)")
    _renamed_collectives(people, renamed, offer)
    return sorted(found.values(), key=lambda m: (m.reason, text_key(m.first.name), m.first.id))


def _candidates(conn: Connection) -> list[Candidate]:
    rows = conn.execute(
        select(
            exemplars.c.id,
            func.coalesce(exemplars.c.person_id, exemplars.c.id),
            exemplars.c.kind,
            exemplars.c.name_key,
            exemplars.c.birth_year,
            entries.c.kind_label,
            entries.c.name,
            entries.c.unit_code,
            entries.c.unit_name,
            entries.c.year,
        )
        .select_from(entries.join(exemplars, entries.c.exemplar_id == exemplars.c.id))
        .order_by(entries.c.year, entries.c.id)
    )
    found: dict[int, Candidate] = {}
    for ident, group, kind, key, born, label, name, code, unit, year in rows:
        item = found.get(ident)
        if item is None:
            item = found[ident] = Candidate(ident, group, kind, label, name, key, born, code, unit)
        item.name, item.unit, item.unit_code = name, unit, code  # the latest registration's
        if year not in item.years:
            item.years.append(year)
        item.unit_codes.add(code)
    return list(found.values())


def _blocks(people: Iterable[Candidate], key: Any) -> list[list[Candidate]]:
    blocks: dict[Any, list[Candidate]] = defaultdict(list)
    for person in people:
        blocks[key(person)].append(person)
    return [block for block in blocks.values() if len(block) > 1]


def _pairs(block: list[Candidate]) -> Iterable[tuple[Candidate, Candidate]]:
    for i, a in enumerate(block):
        for b in block[i + 1 :]:
            yield a, b


def _similar(a: str, b: str) -> bool:
    if a == b:
        return False
    if slug(a) == slug(b) or text_key(a)[0] == text_key(b)[0]:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR


def _renamed_message(names: tuple[str, str]) -> str:
    return f"Đơn vị có thể đã đổi tên hoặc sáp nhập: {names[0]} → {names[1]}"


def _renamed_units(
    conn: Connection, people: list[Candidate]
) -> dict[tuple[str, str], tuple[str, str]]:
    """Unit pairs (old, new) where the old code leaves the rosters before the new one appears
    and at least one person of the old unit turns up, same name and birth year, in the new."""
    spans: dict[str, tuple[int, int, str]] = {}
    rows = conn.execute(
        select(roster.c.code, roster.c.name, periods.c.year)
        .select_from(roster.join(periods, roster.c.period_id == periods.c.id))
        .order_by(periods.c.year)
    )
    for code, name, year in rows:
        first = spans.get(code, (year, year, name))[0]
        spans[code] = (first, year, name)
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    people_by_key: dict[tuple[Any, str], list[Candidate]] = defaultdict(list)
    for person in people:
        if person.kind == INDIVIDUAL:
            people_by_key[(person.birth_year, person.name_key)].append(person)
    for same in people_by_key.values():
        for a, b in _pairs(same):
            for old, new in ((a.unit_code, b.unit_code), (b.unit_code, a.unit_code)):
                if old in spans and new in spans and spans[old][1] < spans[new][0]:
                    pairs[(old, new)] = (spans[old][2], spans[new][2])
    return pairs


def _renamed_collectives(
    people: list[Candidate], renamed: dict[tuple[str, str], tuple[str, str]], offer: Any
) -> None:
    """A collective named after its unit, under the old name and under the new one."""
    collectives = [c for c in people if c.kind == COLLECTIVE]
    for (old, new), names in renamed.items():
        old_name, new_name = (choice_key(n) for n in names)
        before = [c for c in collectives if old in c.unit_codes and c.name_key == old_name]
        after = [c for c in collectives if new in c.unit_codes and c.name_key == new_name]
        for a in before:
            for b in after:
                offer(a, b, UNIT_RENAMED, _renamed_message(names))
