"""Write one feedback workbook per submission that has findings."""

from __future__ import annotations

from pathlib import Path

from ..validate import ValidationResult
from .feedback import feedback_name, write_feedback


def write_all_feedback(result: ValidationResult, directory: Path,
                       unit_prefix: bool = False) -> list[Path]:
    written = []
    for sub in result.submissions:
        findings = result.findings_for(sub)
        if findings:
            target = directory / feedback_name(sub, unit_prefix)
            written.append(write_feedback(sub, findings, target))
    return written
