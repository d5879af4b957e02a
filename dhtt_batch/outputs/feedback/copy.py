"""Feedback workbooks: the unit's own workbook back, each bad cell marked, plus the list of fixes.

A marked cell keeps exactly the protection, validation and number format it had, so the unit
can type the correction where it is asked to. By the unit's file:

- .xlsx: patched part by part (patch.py: fast, and every part of the unit's file kept);
- .ods: its content.xml patched, and returned as .ods (ods_patch.py), so the unit's dropdowns,
  input hints, protection and widths survive;
- .xlsm, a returned feedback copy, an .xlsx in a shape the patcher does not handle: opened with
  openpyxl (after the reader has checked the container; openpyxl parses with defusedxml) and
  saved as a new .xlsx, validations and formatting kept;
- .xls (or a file openpyxl cannot open): rebuilt from the values read.

Which way each copy was made (and why the faster way was not taken) is returned, for the
manifest. The input file is never written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...atomic import atomic_write_bytes
from ...findings import Finding
from ...submission import Submission
from .parts import Unsupported
from .patch import patched_copy

PATCH, ODS, OPENPYXL, VALUES = "patch", "ods", "openpyxl", "values"


@dataclass(frozen=True)
class FeedbackCopy:
    path: Path
    via: str  # PATCH, ODS, OPENPYXL or VALUES
    reason: str = ""  # why a faster, more faithful way was not taken ("" when none applies)

    def to_dict(self, folder: str) -> dict[str, str]:
        entry = {"path": f"{folder}/{self.path.name}", "via": self.via}
        return {**entry, "reason": self.reason} if self.reason else entry


def feedback_name(sub: Submission, unit_prefix: bool = False) -> str:
    stem = sub.path.name.rsplit(".", 1)[0]
    code = sub.identity.code
    # The officer sorts feedback by unit: lead with its code unless the name already does.
    prefix = f"{code}-" if unit_prefix and code and not stem.upper().startswith(code) else ""
    suffix = ".ods" if sub.format == "ods" and sub.readable else ".xlsx"
    return f"{prefix}{stem}-phan-hoi{suffix}"


def write_feedback(sub: Submission, findings: list[Finding], target: Path) -> FeedbackCopy:
    reason = ""
    if sub.readable and sub.format == "ods":
        from .ods_patch import patched_ods

        try:
            atomic_write_bytes(target, patched_ods(sub.path, findings))
            return FeedbackCopy(target, ODS)
        except Unsupported as exc:
            reason = str(exc)
            target = target.with_suffix(".xlsx")
    elif sub.readable and sub.format == "xlsx" and sub.path.suffix.lower() == ".xlsx":
        try:
            atomic_write_bytes(target, patched_copy(sub.path, findings))
            return FeedbackCopy(target, PATCH)
        except Unsupported as exc:
            reason = str(exc)
    from .openpyxl_copy import write_with_openpyxl

    via, why = write_with_openpyxl(sub, findings, target)
    return FeedbackCopy(target, via, "; ".join(r for r in (reason, why) if r))
