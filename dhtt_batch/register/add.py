"""`register add`: record every accepted row of a consolidated workbook, once per period.

The workbook is read by the same reader as `report` (formats/consolidated/). Its period is
the campaign id written by `merge` (e.g. VPUBND-2023). Adding the same content again changes
nothing (the digest of what would be recorded is kept); a workbook of a period already recorded
but made later replaces that period's rows, in one transaction; an older one is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..formats.consolidated import ConsolidatedData, ConsolidatedError, read_consolidated
from ..normalize import choice_key
from ..spec import Role, SheetSpec, SpecSet
from ..states import FILE, ROW, UNIT, UNIT_NAME
from . import RegisterError
from .identity import COLLECTIVE, INDIVIDUAL, identity_key
from .schema import entries, entry_data, exemplars, periods, roster
from .summary import refresh

ADDED, UNCHANGED, REPLACED = "added", "unchanged", "replaced"
_CHUNK = 5000  # identities looked up per query (SQLite allows 32,766 parameters)


@dataclass
class AddOutcome:
    path: Path
    label: str
    state: str  # added, unchanged, replaced
    rows: int
    by_sheet: dict[str, int] = field(default_factory=dict)
    replaced_rows: int = 0
    generated_at: str = ""
    previous_generated_at: str = ""


def add_workbook(
    engine: Engine, path: Path, specs: SpecSet, by: str, issuers: Mapping[str, str]
) -> AddOutcome:
    try:
        data = read_consolidated(path, specs)
    except ConsolidatedError as exc:
        raise RegisterError(str(exc)) from exc
    period = data.period()
    campaign_id = data.meta.get("campaign_id", "")
    generated_at = data.meta.get("generated_at", "")
    if period is None or not campaign_id or _when(generated_at) is None:
        raise RegisterError(
            f"{path.name}: sheet thông tin ẩn không cho biết đợt, kỳ báo cáo hoặc thời điểm lập; "
            "hãy dùng bảng tổng hợp gốc do dhtt-batch merge tạo ra."
        )
    rows = list(_entry_rows(data, specs, period[1]))
    digest = _digest(data, rows)
    label = data.meta.get("period_label") or campaign_id
    outcome = AddOutcome(path, label, ADDED, len(rows), generated_at=generated_at)
    for spec in specs.criteria:
        outcome.by_sheet[spec.name] = len(data.rows.get(spec.name, []))
    with engine.begin() as conn:
        existing = conn.execute(
            select(periods).where(periods.c.campaign_id == campaign_id).with_for_update()
        ).first()
        values = {
            "campaign_id": campaign_id,
            "period_id": data.meta.get("period_id", ""),
            "kind": period[0],
            "year": period[1],
            "label": label,
            "agency": data.meta.get("agency", ""),
            "generated_at": generated_at,
            "digest": digest,
            "source": path.name,
            "rows": len(rows),
            "added_at": datetime.now(UTC),
            "added_by": by[:120],
        }
        touched: set[int] = set()  # exemplars whose rows come or go
        if existing is not None:
            if existing.digest == digest:
                outcome.state = UNCHANGED
                outcome.previous_generated_at = existing.generated_at
                return outcome
            _refuse_older(path, label, generated_at, existing.generated_at)
            outcome.state, outcome.replaced_rows = REPLACED, existing.rows
            outcome.previous_generated_at = existing.generated_at
            touched.update(
                conn.execute(
                    select(entries.c.exemplar_id).where(entries.c.period_id == existing.id)
                ).scalars()
            )
            conn.execute(delete(entries).where(entries.c.period_id == existing.id))
            conn.execute(delete(roster).where(roster.c.period_id == existing.id))
            conn.execute(update(periods).where(periods.c.id == existing.id).values(values))
            period_key = existing.id
        else:
            period_key = conn.execute(
                insert(periods).values(values).returning(periods.c.id)
            ).scalar_one()
        added, created = _record(conn, period_key, data, rows)
        # The list's summaries of the groups whose rows came or went.
        refresh(conn, issuers, exemplar_ids=touched | added, new=created)
    return outcome


def _refuse_older(path: Path, label: str, generated_at: str, recorded: str) -> None:
    new, old = _when(generated_at), _when(recorded)
    if new is not None and old is not None and new < old:
        raise RegisterError(
            f"{path.name} (lập lúc {_shown(generated_at)}) cũ hơn bảng tổng hợp {label} đã ghi "
            f"trong sổ (lập lúc {_shown(recorded)}): không ghi đè."
        )


def _when(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shown(text: str) -> str:
    moment = _when(text)
    return moment.strftime("%H:%M ngày %d/%m/%Y") if moment else text


def _record(
    conn: Connection, period_key: int, data: ConsolidatedData, rows: list[dict]
) -> tuple[set[int], set[int]]:
    """Insert the period's roster and rows; the exemplars of its rows, and those of them the
    rows created."""
    if data.units:
        conn.execute(
            insert(roster),
            [
                {
                    "period_id": period_key,
                    "code": u.code,
                    "name": u.name,
                    "status": str(u.status),
                    "late": u.late,
                    "accepted": u.accepted,
                }
                for u in data.units
            ],
        )
    if not rows:
        return set(), set()
    ids, created = _exemplar_ids(conn, rows)
    stored = []
    for row in rows:
        row["period_id"] = period_key
        row["exemplar_id"] = ids[row.pop("_identity")]
        del row["_name_key"]
        stored.append(row.pop("data"))
    added = _insert_entries(conn, rows)
    conn.execute(
        insert(entry_data),
        [{"entry_id": entry, "data": data} for entry, data in zip(added, stored, strict=True)],
    )
    return set(ids.values()), created


def _insert_entries(conn: Connection, rows: list[dict]) -> Iterable[int]:
    """Insert the rows; their ids, in order. SQLite cannot match the ids RETURNING gives to the
    rows of a batch, so SQLAlchemy would insert them one statement each (a third of an add's
    database time); but this transaction has written already, so it holds SQLite's write lock
    and can number the rows itself, as SQLite would (after the largest id), in one executemany."""
    if conn.dialect.name != "sqlite":
        statement = insert(entries).returning(entries.c.id, sort_by_parameter_order=True)
        return conn.execute(statement, rows).scalars()
    first = (conn.execute(select(func.max(entries.c.id))).scalar() or 0) + 1
    numbers = range(first, first + len(rows))
    for row, number in zip(rows, numbers, strict=True):
        row["id"] = number
    conn.execute(insert(entries), rows)
    return numbers


def _exemplar_ids(conn: Connection, rows: list[dict]) -> tuple[dict[str, int], set[int]]:
    """Each row's identity → its exemplar's id, creating the exemplars not yet known; and the
    ids of those created here."""
    created: set[int] = set()
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        wanted.setdefault(
            row["_identity"],
            {
                "identity": row["_identity"],
                "kind": row["kind"],
                "name_key": row["_name_key"],
                "birth_year": row["birth_year"] if row["kind"] == INDIVIDUAL else None,
                "unit_code": row["unit_code"] if row["kind"] == INDIVIDUAL else None,
            },
        )
    known = _lookup(conn, list(wanted))
    missing = [wanted[key] for key in wanted if key not in known]
    if missing:
        # Another officer's add may create the same exemplar meanwhile: ignore the clash.
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(exemplars)
            .on_conflict_do_nothing(index_elements=["identity"])
            .returning(exemplars.c.identity, exemplars.c.id)
        )
        made = {identity: number for identity, number in conn.execute(statement, missing)}
        known.update(made)
        created.update(made.values())
        raced = [m["identity"] for m in missing if m["identity"] not in known]
        known.update(_lookup(conn, raced))
    return known, created


def _lookup(conn: Connection, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), _CHUNK):
        query = select(exemplars.c.identity, exemplars.c.id).where(
            exemplars.c.identity.in_(keys[start : start + _CHUNK])
        )
        found.update((identity, number) for identity, number in conn.execute(query))
    return found


def _entry_rows(data: ConsolidatedData, specs: SpecSet, year: int) -> Iterator[dict[str, Any]]:
    for spec in specs.criteria:
        columns = _Columns(spec)
        criterion = spec.criterion or spec.name
        collective = spec.role(Role.KIND).value("collective")
        for record in data.rows.get(spec.name, []):
            values, stored = columns.values(record)
            name = str(values[columns.name] or "").strip()
            kind = COLLECTIVE if values[columns.kind] == collective else INDIVIDUAL
            birth = values.get(columns.birth_year) if columns.birth_year else None
            birth_year = birth if type(birth) is int else None
            unit_code = str(record.get(UNIT) or "")
            name_key = choice_key(name)
            decision_date = values.get(columns.decision_date) if columns.decision_date else None
            yield {
                "_identity": identity_key(kind, name_key, birth_year, unit_code),
                "_name_key": name_key,
                "year": year,
                "sheet": spec.name,
                "criterion": criterion,
                "kind": kind,
                "kind_label": str(values[columns.kind] or ""),
                "name": name,
                "birth_year": birth_year,
                "unit_code": unit_code,
                "unit_name": str(record.get(UNIT_NAME) or unit_code),
                "title": _text(values, columns.title),
                "decision_number": _text(values, columns.decision_number),
                "decision_date": decision_date,
                "spread": _text(values, columns.spread),
                "proposal": _text(values, columns.proposal),
                "source_file": str(record.get(FILE) or "") or None,
                "source_row": _whole(record.get(ROW)),
                "data": stored,
            }


class _Columns:
    """A sheet's columns as the register reads them: the keys its roles name (None where the
    sheet has no such column), and which columns hold whole numbers or dates."""

    def __init__(self, spec: SheetSpec) -> None:
        self.keys = spec.keys
        self.name = spec.key(Role.NAME)
        self.kind = spec.key(Role.KIND)
        found = {role: spec.by_role(role) for role in Role}
        keys = {role: column.key if column else None for role, column in found.items()}
        self.birth_year = keys[Role.BIRTH_YEAR]
        self.title = keys[Role.TITLE]
        self.decision_number = keys[Role.DECISION_NUMBER]
        self.decision_date = keys[Role.DECISION_DATE]
        self.spread = keys[Role.SPREAD]
        self.proposal = keys[Role.PROPOSAL]
        self.whole = [c.key for c in spec.columns if c.type in ("integer", "year")]
        self.dates = [c.key for c in spec.columns if c.type == "date"]

    def values(self, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Every spec column of a record as typed (whole numbers as int, dates as date), and
        the same as stored in JSON (dates as ISO text)."""
        values = {key: record.get(key) for key in self.keys}
        for key in self.whole:
            values[key] = _whole(values[key])
        stored = dict(values)
        for key in self.dates:
            value = values[key]
            if isinstance(value, datetime):
                value = values[key] = value.date()
            if isinstance(value, date):
                stored[key] = value.isoformat()
            else:
                values[key] = None  # never a date: kept as read in `data` only
        return values, stored


def _whole(value: Any) -> Any:
    return int(value) if type(value) is float and value.is_integer() else value


def _text(values: dict[str, Any], key: str | None) -> str | None:
    value = values.get(key) if key else None
    return None if value is None else str(value)


def _digest(data: ConsolidatedData, rows: list[dict[str, Any]]) -> str:
    """What would be recorded, hashed: the same content gives the same digest."""
    digest = hashlib.sha256()
    head: list[Any] = [data.meta.get(k, "") for k in ("campaign_id", "period_id", "period_label")]
    head += [[u.code, u.name, str(u.status), u.late, u.accepted] for u in data.units]
    digest.update(repr(head).encode("utf-8"))
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        text = repr(
            [
                (r["sheet"], r["unit_code"], r["source_file"], tuple(r["data"].values()))
                for r in chunk
            ]
        )
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()
