"""Feedback workbooks: the unit's own workbook back, each bad cell marked, plus the list of fixes.

A plain .xlsx is patched part by part (feedback_patch: fast, and every part of the unit's file
kept). Otherwise — .xlsm, a returned feedback copy, a package in an unusual shape — the file is
opened with openpyxl (feedback_openpyxl; after the reader has checked the container, and
openpyxl parses with defusedxml) and saved as a new .xlsx, so the unit's data validations and
formatting survive. For .xls/.ods, which openpyxl cannot open, the copy is rebuilt from the
values read. The input file is never written.
"""

from __future__ import annotations

from pathlib import Path

from ...atomic import atomic_write_bytes
from ...findings import Finding
from ...formats.marks import stamped
from ...naming import derived_name
from ...submission import Submission
from .patch import patched_copy

FEEDBACK_TAIL = "-phan-hoi.xlsx"


def feedback_name(sub: Submission, unit_prefix: bool = False) -> str:
    """A safe, bounded name for the submission's copy (unique names: see feedback_jobs)."""
    stem = sub.id.name.rsplit(".", 1)[0]
    code = sub.identity.code
    # The officer sorts feedback by unit: lead with its code unless the name already does.
    prefix = f"{code}-" if unit_prefix and code and not stem.upper().startswith(code) else ""
    return derived_name(f"{prefix}{stem}", FEEDBACK_TAIL)


def write_feedback(sub: Submission, findings: list[Finding], target: Path) -> Path:
    if sub.format == "xlsx" and sub.readable and sub.path.suffix.lower() == ".xlsx":
        patched = patched_copy(sub.path, findings)
        if patched is not None:
            atomic_write_bytes(target, stamped(patched))
            return target
    from .openpyxl_copy import write_with_openpyxl

    return write_with_openpyxl(sub, findings, target)
