"""`validate`: check the files and folders given, then (on request) write a feedback copy of
each file with findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..campaign import Campaign
from ..naming import readable
from ..spec import SpecSet
from ..validate import ValidationResult, validate_paths
from .feedback.copy import FeedbackCopy
from .feedback.jobs import write_all_feedback


class NothingToValidate(Exception):
    """A path given does not exist, or no file was found in them (exit 2); Vietnamese."""


@dataclass
class ValidateRun:
    result: ValidationResult
    feedback: list[FeedbackCopy] = field(default_factory=list)


def run_validate(
    paths: Sequence[Path], campaign: Campaign, specs: SpecSet, feedback_dir: Path | None = None
) -> ValidateRun:
    """Validate every file in `paths` (folders are searched); with `feedback_dir`, write the
    feedback copies there. Raises NothingToValidate before reading anything if a path is
    missing, and after reading if there was no file; OutputError if a copy cannot be written."""
    missing = [readable(str(p)) for p in paths if not p.exists()]
    if missing:
        raise NothingToValidate(f"Không tìm thấy: {', '.join(missing)}.")
    result = validate_paths(paths, campaign, specs)
    if not result.submissions:
        raise NothingToValidate("Không có tệp nào để kiểm tra.")
    written = write_all_feedback(result, feedback_dir) if feedback_dir else []
    return ValidateRun(result, written)
