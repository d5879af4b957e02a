"""One submitted file: read it safely, check it is this template and period, locate its sheets.

Nothing here validates values; that happens for all files of a criterion at once (validate.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .campaign import Campaign
from .discovery import Found, SubmissionId, discover
from .findings import Finding, make_finding
from .formats.sidecar import Sidecar, read_sidecar
from .formats.template_layout import TemplateMeta
from .identify import Identity, identify
from .locate import LocatedForm, LocatedTable, find_sheet, locate_form, locate_table
from .reader import RawWorkbook, ReadFailure, read_workbook
from .spec import Role, SpecSet

__all__ = ["Found", "Submission", "SubmissionId", "discover", "load_submission", "not_read"]


@dataclass
class Submission:
    id: SubmissionId
    path: Path  # where to open it; never shown (it may hold undecodable bytes)
    sha256: str = ""
    format: str = ""
    meta: TemplateMeta = field(default_factory=TemplateMeta)
    sidecar: Sidecar | None = None
    saved: datetime | None = None  # the workbook's own last-saved time (naive: wall clock)
    form: LocatedForm | None = None
    tables: dict[str, LocatedTable] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    identity: Identity = field(default_factory=lambda: Identity(None, ""))

    @property
    def index(self) -> int:
        return self.id.index

    @property
    def display(self) -> str:
        return self.id.display

    @property
    def is_submission(self) -> bool:
        """False for what was found in the inbox but is no unit's workbook (a FIFO, a link out
        of the inbox, an Office lock file, the project's own output)."""
        return not any(f.code in NOT_SUBMISSIONS for f in self.findings)

    @property
    def readable(self) -> bool:
        return bool(self.sha256) and not any(f.code in _UNREADABLE for f in self.findings)

    @property
    def blocked(self) -> bool:
        return any(f.blocking for f in self.findings)

    @property
    def rows_read(self) -> int:
        return sum(len(t.records) for t in self.tables.values())


_UNREADABLE = {
    "empty_file",
    "not_spreadsheet",
    "encrypted",
    "corrupt",
    "unsafe_file",
    "sheet_too_large",
    "read_aborted",
}
# Found in the inbox, reported, and never read as a unit's submission.
NOT_SUBMISSIONS = {
    "special_file",
    "outside_inbox",
    "folder_unreadable",
    "office_lock_file",
    "own_output",
}


def not_read(found: Found, code: str, detail: str = "") -> Submission:
    """An entry reported with `code` instead of being read (or whose reading was aborted)."""
    sub = Submission(found.id, found.path)
    sub.findings.append(make_finding(code, found.id.display, detail=detail))
    return sub


def load_submission(found: Found, campaign: Campaign, specs: SpecSet) -> Submission:
    if found.problem:
        return not_read(found, found.problem, found.detail)
    path, display = found.path, found.id.display
    sidecar, problem = read_sidecar(path)
    sub = Submission(found.id, path, sidecar=sidecar)
    if problem:
        sub.findings.append(make_finding("sidecar_unreadable", display, detail=problem))
    try:
        workbook, failures = read_workbook(path, display)
    except MemoryError:
        workbook, failures = None, [make_finding("read_aborted", display, detail="hết bộ nhớ")]
    sub.findings.extend(failures)
    if workbook is None:
        sub.identity = identify(campaign, Path(sub.id.name), TemplateMeta(), None, sub.sidecar)
        return sub
    sub.sha256, sub.format, sub.meta = workbook.sha256, workbook.format, workbook.meta
    if workbook.own_output:
        sub.findings.append(make_finding("own_output", display, detail=workbook.own_output))
        return sub
    sub.saved = workbook.saved
    for code, value, detail in workbook.warnings:
        sub.findings.append(make_finding(code, display, value=value, detail=detail))
    try:
        _locate(sub, workbook, campaign, specs)
    except ReadFailure as failure:
        sub.findings.append(make_finding(failure.code, display, detail=failure.detail))
        sub.tables.clear()
    except MemoryError:
        sub.findings.append(make_finding("read_aborted", display, detail="hết bộ nhớ"))
        sub.tables.clear()
        sub.form = None
    info_unit = sub.form.values.get(specs.info.key(Role.UNIT)) if sub.form else None
    sub.identity = identify(campaign, Path(sub.id.name), sub.meta, info_unit, sub.sidecar)
    return sub


def _locate(sub: Submission, workbook: RawWorkbook, campaign: Campaign, specs: SpecSet) -> None:
    names = workbook.sheet_names
    found = {s.name: find_sheet(names, s.name) for s in specs.criteria}
    if not _template_ok(sub, specs, campaign, found):
        return
    info_name = find_sheet(names, specs.info.name)
    if info_name:
        sub.form = locate_form(workbook.sheet(info_name), specs.info, sub.display)
        sub.findings.extend(sub.form.findings)
    else:
        sub.findings.append(make_finding("missing_sheet", sub.display, sheet=specs.info.name))
    for spec in specs.criteria:
        actual = found[spec.name]
        if actual is None:
            sub.findings.append(make_finding("missing_sheet", sub.display, sheet=spec.name))
            continue
        table = locate_table(workbook.sheet(actual), spec, sub.display)
        sub.tables[spec.name] = table
        sub.findings.extend(table.findings)


def _template_ok(
    sub: Submission, specs: SpecSet, campaign: Campaign, found: dict[str, str | None]
) -> bool:
    """False when the file is not this template at all (nothing worth locating)."""
    meta = sub.meta
    if not meta.is_template:
        if not any(found.values()):
            sub.findings.append(
                make_finding(
                    "not_template", sub.display, detail=", ".join(s.name for s in specs.criteria)
                )
            )
            return False
        sub.findings.append(make_finding("no_metadata", sub.display))
        return True
    version = meta.spec_version
    if not version.isdigit() or int(version) not in specs.compatible_versions:
        sub.findings.append(
            make_finding("unknown_version", sub.display, value=version, expected=specs.version)
        )
    period = meta.period_id
    if period != campaign.period.id:
        sub.findings.append(
            make_finding(
                "wrong_period",
                sub.display,
                value=meta.period_label or period,
                expected=campaign.period.label,
            )
        )
    return True
