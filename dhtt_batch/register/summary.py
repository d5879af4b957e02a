"""`register list` kept ready by the register: a summary per exemplar group and scope, for the
groups registered in at least KEPT (two) years in that scope.

A scope is '' (every criterion) or one criterion's key. A summary holds the group's number of
distinct years in that scope, its place in the list's order (`sort_text` of
query.exemplar_order, so collation.py decides it) and its entry as JSON text, exactly as
`json.dumps(Exemplar.as_json(), ensure_ascii=False)` writes it. The entries are built by
query.build_exemplars' builder from the register's rows — the one definition of an entry — in
one pass that feeds the every-criterion scope and the row's criterion's scope.

Why only from two years: nine in ten of a province's exemplars are registered in one year
only, and each year's add brings tens of thousands of them. Keeping their entries would make
every `register add` write as many summaries as rows (about 75 % more time per add, and a
register half as large again); the reviews ask for exemplars of several years. A list that
asks for fewer years (`--min-years` 0 or 1) is computed from the rows, as before.

Every write refreshes the groups it touched, in its own transaction: `register add` (the groups
of the period's rows, old and new), `link` and `unlink` (the groups before and after).
`dhtt_summary_state` holds the fingerprint (kept.fingerprint) of the issuer names and entry
format the summaries were made with: when a command's campaign names issuers otherwise, or a
release changes the format, or a register was just upgraded to have summaries, they are all
made again (a few seconds for a province's five years); an officer who may only read the
register gets such a list computed from the rows. The state row is locked while
summaries are written, so two officers' writes to a shared PostgreSQL register refresh one
after the other.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from .exemplar import Exemplar
from .kept import ALL, KEPT, STATE, fingerprint
from .query import ENTRY_COLUMNS, ExemplarBuilder, exemplar_order, list_exemplars
from .schema import entries, exemplars, summaries, summary_state

CHUNK = 5000  # groups per query (SQLite allows 32,766 parameters)
# json.dumps(…, ensure_ascii=False) without making an encoder for each call.
to_json = json.JSONEncoder(ensure_ascii=False).encode


def read_texts(
    conn: Connection, issuers: Mapping[str, str], scope: str, min_years: int, remake: bool = True
) -> list[str]:
    """The scope's entries registered in at least `min_years` years, in list order, as JSON:
    the kept ones (made again first if made for other issuer names, unless `remake` is
    False), or, below KEPT years or when they are not current and not to be remade, computed
    from the rows."""
    if min_years < KEPT or not _current(conn, issuers, remake):
        found = list_exemplars(conn, issuers, scope or None, min_years)
        return [to_json(e.as_json()) for e in found]
    rows = conn.execute(
        select(summaries.c.sort_key, summaries.c.body).where(
            summaries.c.scope == scope, summaries.c.year_count >= min_years
        )
    )
    return [body for _key, body in sorted((key, body) for key, body in rows)]


def read_exemplars(
    conn: Connection, issuers: Mapping[str, str], scope: str, min_years: int, remake: bool = True
) -> list[Exemplar]:
    """The same as Exemplars."""
    if min_years < KEPT or not _current(conn, issuers, remake):
        return list_exemplars(conn, issuers, scope or None, min_years)
    texts = read_texts(conn, issuers, scope, min_years)
    return [Exemplar.from_json(json.loads(text)) for text in texts]


def _current(conn: Connection, issuers: Mapping[str, str], remake: bool) -> bool:
    """Whether the kept list is made for these issuer names (and format), after making it
    again if `remake`."""
    wanted = fingerprint(issuers)
    if _state(conn, lock=False) == wanted:
        return True
    if remake and _state(conn, lock=True) != wanted:
        _rebuild(conn, issuers, wanted)
    return remake


def refresh(
    conn: Connection,
    issuers: Mapping[str, str],
    *,
    exemplar_ids: Iterable[int] = (),
    groups: Iterable[int] = (),
    new: Collection[int] = (),
) -> None:
    """Make again the summaries of these groups and of the groups of these exemplars (a group
    left with fewer than KEPT years loses its summaries). `new`: exemplars created in this
    transaction, alone in their group with the rows of one period, so below KEPT: skipped (in
    a province's add, four in five of the exemplars)."""
    wanted = fingerprint(issuers)
    if _state(conn, lock=True) != wanted:
        _rebuild(conn, issuers, wanted)
        return
    links = _links(conn)
    skipped = set(new) if KEPT > 1 else set()
    todo = set(groups) | {links.get(n, n) for n in exemplar_ids if n not in skipped}
    _write(conn, issuers, sorted(todo), links, replace=True)


def sort_text(key: tuple[Any, ...]) -> str:
    """A key of non-negative ints and tuples of them as text that sorts (by code point) the
    way the key sorts: a tuple is '#' … '!', an int one character from '0' up (or, when large,
    a marker and eight hex digits): '!' < '#' < any int, and no encoding is another's prefix."""
    return _OPEN + "".join([_encoded(part) for part in key]) + _CLOSE


_OPEN, _CLOSE, _ZERO, _LARGE = "#", "!", 0x30, 0xD7FF  # all below the surrogates
_SMALL = _LARGE - _ZERO


@functools.lru_cache(maxsize=1 << 16)  # the keys of given names and family names repeat
def _encoded(part: Any) -> str:
    if not isinstance(part, tuple):
        return _int_text(part)
    if all(type(n) is int for n in part) and (not part or 0 <= min(part) <= max(part) < _SMALL):
        return _OPEN + "".join([chr(_ZERO + n) for n in part]) + _CLOSE
    return _OPEN + "".join([_encoded(item) for item in part]) + _CLOSE


def _int_text(value: int) -> str:
    if 0 <= value < _SMALL:
        return chr(_ZERO + value)
    if _SMALL <= value < 1 << 32:
        return f"{chr(_LARGE)}{value:08x}"
    raise ValueError(f"cannot order {value!r}")


def _state(conn: Connection, lock: bool) -> str | None:
    query = select(summary_state.c.value).where(summary_state.c.name == STATE)
    return conn.execute(query.with_for_update() if lock else query).scalar()


def _rebuild(conn: Connection, issuers: Mapping[str, str], wanted: str) -> None:
    conn.execute(delete(summaries))
    links = _links(conn)
    roots = conn.execute(
        select(exemplars.c.id)
        .where(or_(exemplars.c.person_id.is_(None), exemplars.c.person_id == exemplars.c.id))
        .order_by(exemplars.c.id)
    ).scalars()
    _write(conn, issuers, list(roots), links, replace=False)
    done = conn.execute(
        update(summary_state).where(summary_state.c.name == STATE).values(value=wanted)
    )
    if done.rowcount == 0:
        conn.execute(insert(summary_state).values(name=STATE, value=wanted))


def _links(conn: Connection) -> dict[int, int]:
    """Linked exemplars (a few hundred at most) → their group."""
    rows = conn.execute(
        select(exemplars.c.id, exemplars.c.person_id).where(exemplars.c.person_id.is_not(None))
    )
    return {member: group for member, group in rows}


def _write(
    conn: Connection,
    issuers: Mapping[str, str],
    groups: Sequence[int],
    links: dict[int, int],
    replace: bool,
) -> None:
    members_of: dict[int, list[int]] = defaultdict(list)
    for member, group in links.items():
        members_of[group].append(member)
    for start in range(0, len(groups), CHUNK):
        chunk = groups[start : start + CHUNK]
        if replace:
            conn.execute(delete(summaries).where(summaries.c.group_id.in_(chunk)))
        # A linked exemplar that is not its group's first belongs to another group.
        members = [m for g in chunk for m in members_of.get(g, [] if g in links else [g])]
        kept = _of_several_years(conn, members, links)
        made = _summaries(conn, issuers, kept, links) if kept else []
        if made:
            conn.execute(insert(summaries), made)


def _of_several_years(conn: Connection, members: list[int], links: dict[int, int]) -> list[int]:
    """The members of the groups registered in at least KEPT years (read off the index)."""
    if not members:
        return []
    years: dict[int, set[int]] = defaultdict(set)
    pairs = conn.execute(
        select(entries.c.exemplar_id, entries.c.year)
        .where(entries.c.exemplar_id.in_(members))
        .distinct()
    )
    for member, year in pairs:
        years[links.get(member, member)].add(year)
    return [m for m in members if len(years[links.get(m, m)]) >= KEPT]


def _summaries(
    conn: Connection, issuers: Mapping[str, str], members: list[int], links: dict[int, int]
) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(*ENTRY_COLUMNS)
        .where(entries.c.exemplar_id.in_(members))
        .order_by(entries.c.year, entries.c.id)
    )
    scopes: dict[str, ExemplarBuilder] = {ALL: ExemplarBuilder(issuers)}
    for row in rows:
        values = (links.get(row[0], row[0]), *row)
        scopes[ALL].add(values)
        criterion = values[3]
        builder = scopes.get(criterion)
        if builder is None:
            builder = scopes[criterion] = ExemplarBuilder(issuers)
        builder.add(values)
    return [
        {
            "group_id": item.id,
            "scope": scope,
            "year_count": len(item.years),
            "sort_key": sort_text(exemplar_order(item)),
            "body": to_json(item.as_json()),
        }
        for scope, builder in scopes.items()
        for item in builder.exemplars()
        if len(item.years) >= KEPT
    ]
