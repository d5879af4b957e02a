"""One submitted file: read it safely, check it is this template and period, locate its sheets.

Nothing here validates values; that happens for all files of a criterion at once (validate.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .campaign import Campaign
from .findings import Finding, make_finding
from .formats.sidecar import SIDECAR_SUFFIX, Sidecar, read_sidecar
from .formats.template_layout import TemplateMeta
from .identify import Identity, identify
from .locate import LocatedForm, LocatedTable, find_sheet, locate_form, locate_table
from .reader import RawWorkbook, ReadFailure, read_workbook
from .spec import Role, SpecSet


@dataclass
class Submission:
    index: int
    path: Path
    display: str
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
}


def discover(paths: Iterable[Path], exclude: Path | None = None) -> list[Path]:
    """Files as given, and the spreadsheets (and look-alikes) inside given folders, sorted.

    `exclude` is merge's output folder: placed inside the inbox, its consolidated workbook
    and feedback copies must not come back as submissions on the next run.
    """
    skip = exclude.resolve() if exclude else None
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and _candidate(p)
                    and not (skip and p.resolve().is_relative_to(skip))
                )
            )
        else:
            found.append(path)
    return found


def _candidate(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~$")) or name.endswith(SIDECAR_SUFFIX):
        return False
    return not name.endswith((".json", ".txt", ".md", ".eml", ".lock", ".tmp"))


def load_submission(
    index: int, path: Path, display: str, campaign: Campaign, specs: SpecSet
) -> Submission:
    sub = Submission(index, path, display, sidecar=read_sidecar(path))
    workbook, failures = read_workbook(path, display)
    sub.findings.extend(failures)
    if workbook is None:
        sub.identity = identify(campaign, path, TemplateMeta(), None, sub.sidecar)
        return sub
    sub.sha256, sub.format, sub.meta = workbook.sha256, workbook.format, workbook.meta
    sub.saved = workbook.saved
    for code, value, detail in workbook.warnings:
        sub.findings.append(make_finding(code, display, value=value, detail=detail))
    try:
        _locate(sub, workbook, campaign, specs)
    except ReadFailure as failure:
        sub.findings.append(make_finding(failure.code, display, detail=failure.detail))
        sub.tables.clear()
    info_unit = sub.form.values.get(specs.info.key(Role.UNIT)) if sub.form else None
    sub.identity = identify(campaign, path, sub.meta, info_unit, sub.sidecar)
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
