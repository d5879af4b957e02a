"""Feedback jobs: one annotated copy per submission that has findings, shared by `validate
--feedback` and `merge` (which runs them in the background while it writes the workbook)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ...findings import Finding
from ...parallel import map_in_order
from ...submission import Submission
from ...validate import ValidationResult
from .copy import FeedbackCopy, feedback_name, write_feedback

Job = tuple[Submission, list[Finding], Path]


def feedback_jobs(
    items: list[tuple[Submission, list[Finding]]], directory: Path, unit_prefix: bool = False
) -> list[Job]:
    # Without its located rows: a job is pickled to a worker, and the rows are not needed.
    return [
        (
            dataclasses.replace(sub, tables={}, form=None),
            findings,
            directory / feedback_name(sub, unit_prefix),
        )
        for sub, findings in items
        if findings
    ]


def run_feedback_job(job: Job) -> FeedbackCopy:
    return write_feedback(*job)


def write_all_feedback(result: ValidationResult, directory: Path) -> list[FeedbackCopy]:
    items = [(sub, result.findings_for(sub)) for sub in result.submissions]
    return list(map_in_order(run_feedback_job, feedback_jobs(items, directory)))
