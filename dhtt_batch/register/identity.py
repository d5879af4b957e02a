"""Who is the same exemplar across years, and the officer's links that say so.

By rule: an individual is the same exemplar when unit code, normalised name and birth year
agree; a collective when its normalised name agrees (`identity_key`). Anything looser — a typo,
a unit renamed, a person who moved — is only suggested (review.py) and joined by an officer's
`link`, recorded with who and when; `unlink` records the opposite. Linked exemplars form a
group whose `person_id` is the smallest exemplar id in it; nothing is ever merged silently.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Connection, func, insert, or_, select, update

from . import RegisterError
from .schema import decisions, exemplars

SAME, DIFFERENT = "same", "different"
INDIVIDUAL, COLLECTIVE = "individual", "collective"


def identity_key(kind: str, name_key: str, birth_year: int | None, unit_code: str) -> str:
    if kind == INDIVIDUAL:
        return f"{INDIVIDUAL}|{unit_code}|{birth_year or ''}|{name_key}"
    return f"{COLLECTIVE}|{name_key}"


def who(by: str | None) -> str:
    """The officer recorded with a decision: `--by`, else the operating-system user."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment (a service account)
        return "không rõ"


@dataclass(frozen=True)
class LinkOutcome:
    changed: bool
    message: str
    groups: frozenset[int] = field(default_factory=frozenset)  # groups made or unmade


def link(conn: Connection, first: int, second: int, by: str, note: str | None) -> LinkOutcome:
    """Record that two exemplars are one (and join their groups)."""
    _check_pair(conn, first, second)
    groups = group_of(conn, [first, second])
    if groups[first] == groups[second]:
        return LinkOutcome(False, f"#{first} và #{second} đã được coi là một điển hình.")
    _decide(conn, first, second, SAME, by, note)
    changed = regroup(conn)
    return LinkOutcome(
        True, f"Đã liên kết #{first} với #{second}: từ nay là một điển hình.", changed
    )


def unlink(conn: Connection, first: int, second: int, by: str, note: str | None) -> LinkOutcome:
    """Record that two exemplars are different (and undo a link between them, if any)."""
    _check_pair(conn, first, second)
    if latest_verdicts(conn).get(_pair(first, second)) == DIFFERENT:
        return LinkOutcome(False, f"#{first} và #{second} đã được ghi là hai điển hình khác nhau.")
    _decide(conn, first, second, DIFFERENT, by, note)
    changed = regroup(conn)
    groups = group_of(conn, [first, second])
    if groups[first] == groups[second]:
        chain = ", ".join(f"#{a}–#{b}" for a, b in _links_within(conn, groups[first]))
        return LinkOutcome(
            True,
            f"Đã ghi #{first} và #{second} là hai điển hình khác nhau, nhưng chúng vẫn cùng "
            f"một nhóm qua các liên kết {chain}; hãy bỏ liên kết tương ứng.",
            changed,
        )
    return LinkOutcome(True, f"Đã ghi #{first} và #{second} là hai điển hình khác nhau.", changed)


def _pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def _check_pair(conn: Connection, first: int, second: int) -> None:
    if first == second:
        raise RegisterError("Cần hai mã điển hình khác nhau.")
    found = set(
        conn.execute(select(exemplars.c.id).where(exemplars.c.id.in_([first, second]))).scalars()
    )
    missing = [f"#{n}" for n in (first, second) if n not in found]
    if missing:
        raise RegisterError(
            f"Không có điển hình {', '.join(missing)} trong sổ (xem mã bằng dhtt-batch "
            "register list hoặc register review)."
        )


def _decide(
    conn: Connection, first: int, second: int, verdict: str, by: str, note: str | None
) -> None:
    low, high = _pair(first, second)
    conn.execute(
        insert(decisions).values(
            first_id=low,
            second_id=high,
            verdict=verdict,
            decided_by=by[:120],
            decided_at=datetime.now(UTC),
            note=note,
        )
    )


def latest_verdicts(conn: Connection) -> dict[tuple[int, int], str]:
    """Each decided pair's latest verdict (decisions are append-only; the last one counts)."""
    rows = conn.execute(
        select(decisions.c.first_id, decisions.c.second_id, decisions.c.verdict).order_by(
            decisions.c.id
        )
    )
    return {(a, b): verdict for a, b, verdict in rows}


def regroup(conn: Connection) -> frozenset[int]:
    """Recompute every `person_id` from the links in force (a few hundred at most); the groups
    of the exemplars whose group changed, before and after."""
    before = _linked(conn)
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for (a, b), verdict in latest_verdicts(conn).items():
        if verdict == SAME:
            ra, rb = root(a), root(b)
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    conn.execute(update(exemplars).where(exemplars.c.person_id.is_not(None)).values(person_id=None))
    for top, group in members.items():  # the root is the group's smallest id
        if len(group) > 1:
            conn.execute(update(exemplars).where(exemplars.c.id.in_(group)).values(person_id=top))
    after = _linked(conn)
    moved = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
    return frozenset({before.get(n, n) for n in moved} | {after.get(n, n) for n in moved})


def _linked(conn: Connection) -> dict[int, int]:
    rows = conn.execute(
        select(exemplars.c.id, exemplars.c.person_id).where(exemplars.c.person_id.is_not(None))
    )
    return {n: person for n, person in rows}


def group_column() -> ColumnElement[int]:
    """SQL expression of an exemplar's group: its person_id, or its own id."""
    return func.coalesce(exemplars.c.person_id, exemplars.c.id)


def group_of(conn: Connection, ids: Iterable[int]) -> dict[int, int]:
    rows = conn.execute(
        select(exemplars.c.id, exemplars.c.person_id).where(exemplars.c.id.in_(list(ids)))
    )
    return {n: person or n for n, person in rows}


def _links_within(conn: Connection, group: int) -> list[tuple[int, int]]:
    ids = set(
        conn.execute(
            select(exemplars.c.id).where(
                or_(exemplars.c.person_id == group, exemplars.c.id == group)
            )
        ).scalars()
    )
    return sorted(
        pair
        for pair, verdict in latest_verdicts(conn).items()
        if verdict == SAME and pair[0] in ids and pair[1] in ids
    )
