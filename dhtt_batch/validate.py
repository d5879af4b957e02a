"""Files → findings + clean rows.

All files are read and located first; then every criterion is normalised and validated in one
pandera pass over the rows of all files, and each failure is mapped back to (file, sheet, cell).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from .campaign import Campaign
from .findings import ERROR, Finding, make_finding, sort_findings
from .normalize import Change, normalize_column
from .pandera_schema import SEP, build_schema, condition_text, expected_text
from .parallel import WORKERS, map_in_order, map_shards
from .spec import Role, SheetSpec, SpecSet
from .states import ROW, SRC, STATUS, RowStatus
from .submission import Submission, discover, load_submission
from .xlsx.cells import CellRef

Progress = Callable[[str, int, int], None]  # (file name, files done, files in all)
_CELL_PROBLEMS = {"error_value", "formula_no_value"}
_READ_AS = {"date_as_text", "choice_normalized"}  # "understood as …": moot when still wrong
SHARD_FROM_ROWS = 20_000  # below this, one process validates sooner than two can start


@dataclass
class ValidationResult:
    submissions: list[Submission]
    criteria: dict[str, pd.DataFrame]  # sheet name → rows of all files, normalised, with status
    info: pd.DataFrame  # one row per readable submission (by SRC), normalised
    findings: list[Finding]

    def findings_for(self, sub: Submission) -> list[Finding]:
        return self._by_file.get(sub.display, [])

    def row_counts(self, sub: Submission) -> tuple[int, int, int]:
        """(read, accepted, rejected) rows of one submission."""
        read, accepted = self._row_counts.get(sub.index, (0, 0))
        return read, accepted, read - accepted

    @functools.cached_property
    def _by_file(self) -> dict[str, list[Finding]]:
        by_file: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_file.setdefault(finding.file, []).append(finding)
        return by_file

    @functools.cached_property
    def _row_counts(self) -> dict[int, tuple[int, int]]:
        """Submission index → (rows read, rows accepted), tallied once for all files."""
        counts: dict[int, tuple[int, int]] = {}
        for frame in self.criteria.values():
            accepted = (
                (frame[STATUS] == RowStatus.ACCEPTED).groupby(frame[SRC]).agg(["size", "sum"])
            )
            for src, (size, good) in zip(accepted.index, accepted.to_numpy(), strict=True):
                read, ok = counts.get(int(src), (0, 0))
                counts[int(src)] = (read + int(size), ok + int(good))
        return counts

    @property
    def has_errors(self) -> bool:
        return any(f.severity == ERROR for f in self.findings)


def _int(value: Any) -> int:
    return int(value)


def display_name(path: Path) -> str:
    return path.as_posix()


def validate_paths(
    paths: Iterable[Path],
    campaign: Campaign,
    specs: SpecSet,
    today: date | None = None,
    progress: Progress | None = None,
    exclude: Path | None = None,
) -> ValidationResult:
    """Read and locate every file given (folders are searched), then validate all rows of each
    criterion in one pass. Files are read in worker processes; `progress` is told per file."""
    files = discover(paths, exclude)
    jobs = [(index, path, display_name(path)) for index, path in enumerate(files)]
    # Bound once per batch of jobs sent to a worker, not pickled with every file.
    load = functools.partial(_load, campaign, specs)
    subs = []
    for sub in map_in_order(load, jobs):
        subs.append(sub)
        if progress:
            progress(sub.path.name, len(subs), len(jobs))
    return validate_submissions(subs, campaign, specs, today or date.today())


def _load(campaign: Campaign, specs: SpecSet, job: tuple[int, Path, str]) -> Submission:
    return load_submission(*job, campaign, specs)


def validate_submissions(
    subs: list[Submission], campaign: Campaign, specs: SpecSet, today: date
) -> ValidationResult:
    """Validate every file's rows; the files are split into shards validated side by side
    (rows are checked file by file, so shards give the same findings as one pass)."""
    count = WORKERS if sum(s.rows_read for s in subs) >= SHARD_FROM_ROWS else 1
    parts = map_shards(_validate_shard, (subs, campaign, specs, today), count)
    info = _concat([part[0] for part in parts])
    criteria = {
        spec.name: _concat([part[1][spec.name] for part in parts]) for spec in specs.criteria
    }
    findings = [f for s in subs for f in s.findings] + [f for part in parts for f in part[2]]
    units = {s.display: s.identity.code for s in subs}
    findings = [dataclasses.replace(f, unit=units.get(f.file)) for f in _drop_shadowed(findings)]
    return ValidationResult(subs, criteria, info, sort_findings(findings))


Shared = tuple[list[Submission], Campaign, SpecSet, date]
Shard = tuple[pd.DataFrame, dict[str, pd.DataFrame], list[Finding]]


def _validate_shard(shared: Shared, part: int, count: int) -> Shard:
    subs, campaign, specs, today = shared
    mine = _shard(subs, part, count)
    info, findings = _validate_info(mine, specs, campaign, today)
    criteria: dict[str, pd.DataFrame] = {}
    for spec in specs.criteria:
        criteria[spec.name], sheet_findings = _validate_criterion(mine, spec, today)
        findings.extend(sheet_findings)
    return info, criteria, findings


def _shard(subs: list[Submission], part: int, count: int) -> list[Submission]:
    """Consecutive files holding about 1/count of the rows each."""
    total = max(sum(s.rows_read for s in subs), 1)
    mine, before = [], 0
    for sub in subs:
        if min(before * count // total, count - 1) == part:
            mine.append(sub)
        before += sub.rows_read
    return mine


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [f for f in frames if len(f)] or frames[:1]
    return filled[0] if len(filled) == 1 else pd.concat(filled, ignore_index=True)


def _validate_info(
    subs: list[Submission], specs: SpecSet, campaign: Campaign, today: date
) -> tuple[pd.DataFrame, list[Finding]]:
    spec = specs.info
    forms = [(s, s.form) for s in subs if s.form is not None and not s.blocked]
    frame = pd.DataFrame(
        [{**{k: f.values.get(k) for k in spec.keys}, SRC: s.index} for s, f in forms],
        columns=[*spec.keys, SRC],
        dtype=object,
    )
    by_src = {s.index: s for s in subs}

    def locate(index: Any, key: str) -> Where:
        sub = by_src[_int(frame.at[index, SRC])]
        assert sub.form is not None
        cell = sub.form.cells.get(key)
        return sub, sub.form.sheet, cell, cell.row if cell else None

    units = tuple(u.name for u in campaign.units)
    frame, findings = _check_frame(
        frame, spec, today, locate, choices={spec.key(Role.UNIT): units}, units=units
    )
    return frame, findings


def _validate_criterion(
    subs: list[Submission], spec: SheetSpec, today: date
) -> tuple[pd.DataFrame, list[Finding]]:
    records: list[list[Any]] = []
    for sub in subs:
        table = sub.tables.get(spec.name)
        if table is not None:
            records.extend(
                [*values, row, sub.index]
                for values, row in zip(table.records, table.rows, strict=True)
            )
    # One frame for the criterion, all files at once: the vectorised passes run on it.
    frame = pd.DataFrame(records, columns=[*spec.keys, ROW, SRC], dtype=object)
    frame = frame.astype({ROW: "int64", SRC: "int64"})
    by_src = {s.index: s for s in subs}

    def locate(index: Any, key: str) -> Where:
        sub = by_src[_int(frame.at[index, SRC])]
        row = _int(frame.at[index, ROW])
        table = sub.tables[spec.name]
        return sub, table.sheet, table.cell(key, row), row

    frame, findings = _check_frame(frame, spec, today, locate)
    # A column missing from a sheet is reported once (missing_column), not on every row.
    missing = {
        (s.display, spec.column(k).header)
        for s in subs
        if spec.name in s.tables
        for k in s.tables[spec.name].missing_required
    }
    findings = [f for f in findings if (f.file, f.column) not in missing]
    findings.extend(_duplicate_rows(frame, spec, locate))
    located = [f for s in subs if spec.name in s.tables for f in s.tables[spec.name].findings]
    frame[STATUS] = _statuses(frame, [*findings, *located], spec, by_src)
    return frame, findings


Where = tuple[Submission, str, CellRef | None, int | None]  # file, actual sheet name, cell, row
Locate = Callable[[Any, str], Where]


def _check_frame(
    frame: pd.DataFrame,
    spec: SheetSpec,
    today: date,
    locate: Locate,
    choices: dict[str, tuple[str, ...]] | None = None,
    units: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, list[Finding]]:
    """Normalise every column, then one lazy pandera pass; both yield findings."""
    findings: list[Finding] = []
    for col in spec.columns:
        extra = (choices or {}).get(col.key, col.choices)
        frame[col.key], changes = normalize_column(frame[col.key], col, extra)
        findings.extend(_change_finding(c, spec, locate) for c in changes)
    if len(frame):
        findings.extend(_schema_findings(frame, spec, today, locate, units))
    return frame, findings


def _change_finding(change: Change, spec: SheetSpec, locate: Locate) -> Finding:
    sub, sheet, cell, row = locate(change.index, change.key)
    return make_finding(
        change.code,
        sub.display,
        sheet=sheet,
        cell=cell,
        row=row,
        column=spec.column(change.key).header,
        value=change.value,
        expected=change.expected,
        detail=change.detail,
    )


def _schema_findings(
    frame: pd.DataFrame, spec: SheetSpec, today: date, locate: Locate, units: tuple[str, ...]
) -> list[Finding]:
    schema = build_schema(spec, today, units)
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    failures = failures[failures["index"].notna()]
    failures = failures.drop_duplicates(subset=["check", "index"])
    findings = []
    for check, index, value in zip(
        failures["check"], failures["index"], failures["failure_case"], strict=True
    ):
        code, _, key = str(check).partition(SEP)
        if not key:
            continue
        col = spec.column(key)
        sub, sheet, cell, row = locate(index, key)
        detail: object = None
        if code in ("required_when", "blank_when"):
            detail = condition_text(code, col, spec)
            value = frame.at[index, key]
        elif code == "too_long":
            detail = len(str(value))
        findings.append(
            make_finding(
                code,
                sub.display,
                sheet=sheet,
                cell=cell,
                row=row,
                column=col.header,
                value=value,
                expected=expected_text(code, col, spec, today),
                detail=detail,
                hint=col.help,
            )
        )
    return findings


def _drop_shadowed(findings: list[Finding]) -> list[Finding]:
    """One say per cell: a cell showing #N/A also fails 'required', and the error-value
    finding says it better; a date typed as text that is also in the future (or a choice
    typed by hand that is still wrong) gets the error only, which quotes the value read."""
    flagged = {(f.file, f.sheet, f.cell) for f in findings if f.code in _CELL_PROBLEMS}
    wrong = {(f.file, f.sheet, f.cell) for f in findings if f.severity == ERROR and f.cell}
    return [
        f
        for f in findings
        if (f.code in _CELL_PROBLEMS or (f.file, f.sheet, f.cell) not in flagged)
        and not (f.code in _READ_AS and (f.file, f.sheet, f.cell) in wrong)
    ]


def _duplicate_rows(frame: pd.DataFrame, spec: SheetSpec, locate: Locate) -> list[Finding]:
    """The same row twice in one file (every column but STT equal)."""
    keys = [c.key for c in spec.data_columns]
    columns = [frame[k].tolist() for k in [*keys, SRC]]
    first_row: dict[tuple[Any, ...], int] = {}
    findings = []
    rows = zip(*columns, strict=True)
    for index, row, key in zip(frame.index, frame[ROW].tolist(), rows, strict=True):
        if key not in first_row:
            first_row[key] = row
            continue
        sub, sheet, cell, row = locate(index, spec.key(Role.NAME))
        findings.append(
            make_finding(
                "duplicate_row", sub.display, sheet=sheet, cell=cell, row=row, detail=first_row[key]
            )
        )
    return findings


def _statuses(
    frame: pd.DataFrame, findings: list[Finding], spec: SheetSpec, by_src: dict[int, Submission]
) -> pd.Series:
    # Only this criterion's findings arrive here, so (file, row) names one row.
    bad_rows = {(f.file, f.row) for f in findings if f.severity == ERROR and f.row is not None}
    bad_subs = {
        i
        for i, s in by_src.items()
        if s.blocked or (spec.name in s.tables and s.tables[spec.name].missing_required)
    }
    displays = frame[SRC].map(lambda i: by_src[int(i)].display)
    rejected = [
        (d, int(r)) in bad_rows or int(s) in bad_subs
        for d, r, s in zip(displays, frame[ROW], frame[SRC], strict=True)
    ]
    return pd.Series(
        [RowStatus.REJECTED if r else RowStatus.ACCEPTED for r in rejected],
        index=frame.index,
        dtype=object,
    )
