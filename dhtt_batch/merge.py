"""Submissions → consolidated rows and a full account of every file, row and roster unit.

Every non-blank data row read ends as exactly one of accepted, rejected or superseded; the
identity is checked before anything is written, and a failure is a bug reported as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .campaign import Campaign, Unit
from .collation import exemplar_key
from .duplicates import Duplicate, find_duplicates
from .finding_codes import OFFICE_NOTICES
from .findings import ERROR, Finding, make_finding, sort_findings
from .identify import identity_findings
from .received import Evidence, best, gather, newest
from .spec import Role, SpecSet
from .states import (
    FILE,
    NAME_CELL,
    ROW,
    SHEET,
    SRC,
    STATUS,
    UNIT,
    UNIT_NAME,
    FileStatus,
    RowStatus,
    UnitStatus,
)
from .submission import Submission
from .validate import Progress, ValidationResult, validate_paths


class AccountingError(Exception):
    """rows_read != accepted + rejected + superseded somewhere: a bug, never a user error."""


@dataclass
class FileOutcome:
    sub: Submission
    status: FileStatus | None
    evidence: dict[str, Evidence]  # when it was received or made, by source (received.py)
    late: bool
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    findings: list[Finding] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # its information sheet, by spec key

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)

    @property
    def needs_feedback_copy(self) -> bool:
        """A copy of the unit's own workbook helps when it could be read, still counts (or was
        rejected), and something in it is for the unit to see — not only notices for HCTC
        (late, superseded, …), which the summary and the reply draft carry."""
        return (
            self.sub.readable
            and self.status != FileStatus.SUPERSEDED
            and any(f.code not in OFFICE_NOTICES for f in self.findings)
        )

    @property
    def received(self) -> Evidence | None:
        """The best evidence of when this file was received or made."""
        return best(self.evidence)


@dataclass
class UnitOutcome:
    unit: Unit
    status: UnitStatus
    files: list[FileOutcome]
    counted: FileOutcome | None
    late: bool


@dataclass
class MergeResult:
    campaign: Campaign
    specs: SpecSet
    files: list[FileOutcome]
    units: list[UnitOutcome]
    rows: dict[str, pd.DataFrame]  # sheet → accepted rows, ordered, with provenance columns
    duplicates: list[Duplicate]
    generated_at: datetime
    strict: bool

    @property
    def findings(self) -> list[Finding]:
        return [f for outcome in self.files for f in outcome.findings]

    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            **{
                key: sum(getattr(f, key) for f in self.files)
                for key in ("rows_read", "rows_accepted", "rows_rejected", "rows_superseded")
            },
        }


def merge_inbox(
    inbox: Path,
    campaign: Campaign,
    specs: SpecSet,
    strict: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    outdir: Path | None = None,
) -> MergeResult:
    """Validate every file under `inbox` (except merge's own output folder) and merge them."""
    now = now or datetime.now(campaign.period.tz)
    validation = validate_paths(
        [inbox], campaign, specs, today or now.date(), progress, exclude=outdir
    )
    return merge_validated(validation, campaign, specs, strict, now)


def merge_validated(
    validation: ValidationResult, campaign: Campaign, specs: SpecSet, strict: bool, now: datetime
) -> MergeResult:
    """Decide, from validated submissions, which file counts for each unit (newest by the best
    evidence), each row's final status (accepted, rejected or superseded), the accepted rows in
    roster then name order, likely duplicates and every roster unit's status. Row accounting is
    checked before anything is returned (AccountingError is a bug, never a user error)."""
    info = validation.info
    made = specs.info.by_role(Role.DATE_MADE)
    dates = info[made.key] if made else [None] * len(info)
    info_dates = dict(zip(info[SRC].astype(int), dates, strict=True))
    outcomes = [
        _outcome(sub, campaign, info_dates, validation.findings_for(sub))
        for sub in validation.submissions
    ]
    forms = _info_values(info, specs)
    for outcome in outcomes:
        outcome.info = forms.get(outcome.sub.index, {})
    counted = _choose_submissions(outcomes)
    deadline = campaign.period.deadline_at
    for winner in counted.values():
        if winner.late and deadline:
            winner.findings.append(_late_finding(winner, deadline))
    statuses = _row_statuses(validation, outcomes, counted, strict)
    _count_rows(outcomes, statuses, counted)
    check_accounting(outcomes)
    rows = _accepted_rows(validation, statuses, campaign, specs)
    duplicates = find_duplicates(rows, specs)
    _attach_duplicate_findings(outcomes, duplicates)
    units = _unit_outcomes(campaign, outcomes, counted)
    return MergeResult(campaign, specs, outcomes, units, rows, duplicates, now, strict)


def _info_values(info: pd.DataFrame, specs: SpecSet) -> dict[int, dict[str, Any]]:
    """Each file's normalised information-sheet values (blanks dropped), by submission."""
    keys = [key for key in specs.info.keys if key in info.columns]
    return {
        int(src): {k: v for k, v in zip(keys, values, strict=True) if not _blank(v)}
        for src, *values in zip(info[SRC], *(info[k] for k in keys), strict=True)
    }


def _blank(value: Any) -> bool:
    return value is None or value == "" or bool(pd.isna(value))


def _outcome(
    sub: Submission, campaign: Campaign, info_dates: dict[int, object], findings: list[Finding]
) -> FileOutcome:
    tz = campaign.period.tz
    evidence = gather(sub.sidecar, sub.saved, sub.path, info_dates.get(sub.index), tz)
    received, deadline = best(evidence), campaign.period.deadline_at
    # Any readable file can be late (a rejected one too: the unit still sent it late).
    late = bool(sub.readable and deadline and received and received.after(deadline))
    outcome = FileOutcome(sub, None, evidence, late, findings=list(findings))
    if sub.readable and not sub.blocked:
        outcome.findings.extend(
            identity_findings(campaign, Path(sub.id.name), sub.display, sub.identity)
        )
    return outcome


def _usable(outcome: FileOutcome) -> bool:
    return outcome.sub.readable and not any(f.blocking for f in outcome.findings)


def _choose_submissions(outcomes: list[FileOutcome]) -> dict[str, FileOutcome]:
    """Per unit, the newest usable file counts (received.py says how versions are ordered);
    the others are superseded by it, and a choice made on weak or contradictory evidence is
    said so on the file that counts."""
    groups: dict[str, list[FileOutcome]] = {}
    for outcome in outcomes:
        code = outcome.sub.identity.code
        if code and _usable(outcome):
            groups.setdefault(code, []).append(outcome)
    counted: dict[str, FileOutcome] = {}
    for code, group in groups.items():
        if len(group) == 1:
            counted[code] = group[0]
            continue
        index, verdict = newest([(o.sub.id.relative, o.evidence) for o in group])
        winner = counted[code] = group[index]
        for other in group:
            if other is not winner:
                other.findings.append(_superseded(other, winner, verdict.basis))
        if verdict.uncertain:
            winner.findings.append(
                make_finding(
                    "version_order_uncertain",
                    winner.sub.display,
                    unit=code,
                    value=", ".join(f"'{o.sub.id.relative}'" for o in group),
                    detail=verdict.doubt,
                )
            )
    return counted


def _superseded(outcome: FileOutcome, winner: FileOutcome, basis: str) -> Finding:
    if basis in winner.evidence and basis in outcome.evidence:
        newer, older = winner.evidence[basis], outcome.evidence[basis]
        how, when = newer.label, f"{newer.shown()}, sau {older.shown()}"
    else:
        how, when = "tên tệp", "không phân biệt được thời điểm của hai bản"
    return make_finding(
        "superseded",
        outcome.sub.display,
        unit=outcome.sub.identity.code,
        detail=winner.sub.id.relative,
        expected=how,
        value=when,
    )


def _late_finding(outcome: FileOutcome, deadline: datetime) -> Finding:
    received = outcome.received
    assert received is not None  # only a file with evidence after the deadline is late
    return make_finding(
        "late",
        outcome.sub.display,
        unit=outcome.sub.identity.code,
        value=received.shown(),
        detail=received.label,
        expected=f"{deadline:%H:%M} ngày {deadline:%d/%m/%Y}",
    )


def _row_statuses(
    validation: ValidationResult,
    outcomes: list[FileOutcome],
    counted: dict[str, FileOutcome],
    strict: bool,
) -> dict[str, pd.DataFrame]:
    """Per criterion, each row's source and final status (validation's verdict, overridden
    for files that are rejected whole or superseded)."""
    winners = {o.sub.index for o in counted.values()}
    blocked = {o.sub.index for o in outcomes if not _usable(o) or (strict and o.has_errors)}
    statuses = {}
    for sheet, frame in validation.criteria.items():
        src = frame[SRC].astype(int)
        status = frame[STATUS].copy()
        status[src.isin(blocked)] = RowStatus.REJECTED
        status[~src.isin(winners) & ~src.isin(blocked)] = RowStatus.SUPERSEDED
        statuses[sheet] = pd.DataFrame({SRC: src, "status": status})
    return statuses


def _count_rows(
    outcomes: list[FileOutcome], statuses: dict[str, pd.DataFrame], counted: dict[str, FileOutcome]
) -> None:
    tallies: dict[tuple[int, str], int] = {}
    for table in statuses.values():
        sizes = table.groupby([SRC, "status"]).size()
        for key, size in sizes.items():
            pair = (int(key[0]), str(key[1]))  # type: ignore[index]
            tallies[pair] = tallies.get(pair, 0) + int(size)
    for outcome in outcomes:
        index = outcome.sub.index
        outcome.rows_accepted = tallies.get((index, RowStatus.ACCEPTED), 0)
        outcome.rows_rejected = tallies.get((index, RowStatus.REJECTED), 0)
        outcome.rows_superseded = tallies.get((index, RowStatus.SUPERSEDED), 0)
        outcome.rows_read = outcome.sub.rows_read
        outcome.status = _file_status(outcome, counted)


def _file_status(outcome: FileOutcome, counted: dict[str, FileOutcome]) -> FileStatus:
    if not outcome.sub.readable:
        return FileStatus.UNREADABLE
    if not _usable(outcome) or (
        outcome.rows_read and not outcome.rows_accepted and not outcome.rows_superseded
    ):
        return FileStatus.REJECTED
    code = outcome.sub.identity.code
    if code and counted.get(code) is not outcome:
        return FileStatus.SUPERSEDED
    return FileStatus.PARTIALLY_ACCEPTED if outcome.rows_rejected else FileStatus.ACCEPTED


def check_accounting(outcomes: Iterable[FileOutcome]) -> None:
    for o in outcomes:
        if o.rows_read != o.rows_accepted + o.rows_rejected + o.rows_superseded:
            raise AccountingError(
                f"{o.sub.display}: {o.rows_read} dòng đọc nhưng {o.rows_accepted} nhận + "
                f"{o.rows_rejected} loại + {o.rows_superseded} thay thế"
            )


def _accepted_rows(
    validation: ValidationResult,
    statuses: dict[str, pd.DataFrame],
    campaign: Campaign,
    specs: SpecSet,
) -> dict[str, pd.DataFrame]:
    by_src = {s.index: s for s in validation.submissions}
    order = {u.code: i for i, u in enumerate(campaign.units)}
    rows = {}
    for spec in specs.criteria:
        frame = validation.criteria[spec.name]
        accepted = frame[statuses[spec.name]["status"] == RowStatus.ACCEPTED].copy()
        subs = [by_src[int(i)] for i in accepted[SRC].tolist()]
        accepted[UNIT] = [s.identity.code for s in subs]
        names = {u.code: u.name for u in campaign.units}
        accepted[UNIT_NAME] = [names.get(s.identity.code or "", "") for s in subs]
        accepted[FILE] = [s.id.relative for s in subs]
        accepted[SHEET] = [s.tables[spec.name].sheet for s in subs]
        # Roles asked once per sheet, not once per row.
        kind, name = spec.key(Role.KIND), spec.key(Role.NAME)
        collective = spec.role(Role.KIND).value("collective")
        name_cells = [
            s.tables[spec.name].cell(name, int(r))
            for s, r in zip(subs, accepted[ROW].tolist(), strict=True)
        ]
        accepted[NAME_CELL] = pd.Series(name_cells, index=accepted.index, dtype=object)
        columns = [accepted[c].tolist() for c in (UNIT, kind, name, FILE, ROW)]
        keys = [
            (order.get(u, len(order)), exemplar_key(d == collective, n), f, r)
            for u, d, n, f, r in zip(*columns, strict=True)
        ]
        positions = sorted(range(len(keys)), key=keys.__getitem__)
        rows[spec.name] = accepted.iloc[positions].reset_index(drop=True)
    return rows


def _attach_duplicate_findings(outcomes: list[FileOutcome], duplicates: list[Duplicate]) -> None:
    by_source = {o.sub.index: o for o in outcomes}
    for dup in duplicates:
        outcome = by_source.get(dup.second.source)
        if outcome is None:
            continue
        outcome.findings.append(
            make_finding(
                "likely_duplicate",
                outcome.sub.display,
                unit=dup.second.unit,
                sheet=dup.sheet_name,
                cell=dup.second.cell,
                row=dup.second.row,
                value=dup.name,
                detail=dup.first.describe(),
            )
        )
    for outcome in outcomes:
        outcome.findings = sort_findings(outcome.findings)


def _unit_outcomes(
    campaign: Campaign, outcomes: list[FileOutcome], counted: dict[str, FileOutcome]
) -> list[UnitOutcome]:
    by_code: dict[str | None, list[FileOutcome]] = {}
    for outcome in outcomes:
        by_code.setdefault(outcome.sub.identity.code, []).append(outcome)
    units = []
    for unit in campaign.units:
        files = by_code.get(unit.code, [])
        chosen = counted.get(unit.code)
        if not files:
            status = UnitStatus.MISSING
        elif chosen is None or chosen.has_errors:
            status = UnitStatus.NEEDS_FIXES
        elif chosen.late:
            status = UnitStatus.LATE
        else:
            status = UnitStatus.VALID
        # Late or on time by the file that counts, else by the latest one the unit sent.
        reference = chosen or latest(files)
        units.append(UnitOutcome(unit, status, files, chosen, bool(reference and reference.late)))
    return units


def latest(files: list[FileOutcome]) -> FileOutcome | None:
    """The file with the latest best evidence (for a unit none of whose files counts)."""
    dated = [f for f in files if f.received is not None]
    return max(dated, key=lambda f: (f.received, f.sub.display)) if dated else None
