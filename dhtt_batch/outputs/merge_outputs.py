"""`merge`: validate and merge an inbox, then write every output atomically under a lock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from ..atomic import OutputError, atomic_write_text
from ..campaign import Campaign
from ..formats.consolidated import consolidated_name, write_consolidated
from ..formats.manifest import manifest
from ..merge import MergeResult, merge_inbox
from ..parallel import in_background
from ..spec import SpecSet
from ..validate import Progress
from .feedback.copy import FeedbackCopy
from .feedback.jobs import feedback_jobs, run_feedback_job

if TYPE_CHECKING:
    from ..export import ExportResult

LOCK_NAME = ".dhtt-batch.lock"
LOCK_WAIT_SECONDS = 5.0
FEEDBACK_DIR = "feedback"
DRAFTS_DIR = "thu-tra-loi"


@dataclass
class MergeRun:
    result: MergeResult
    consolidated: Path
    manifest: Path
    feedback: dict[str, FeedbackCopy] = field(default_factory=dict)  # input display → copy
    report: Path | None = None
    drafts: list[Path] = field(default_factory=list)
    export: ExportResult | None = None


def run_merge(
    inbox: Path,
    outdir: Path,
    campaign: Campaign,
    specs: SpecSet,
    strict: bool = False,
    progress: Progress | None = None,
    with_report: bool = False,
    reply_drafts: bool = False,
    export: bool = False,
) -> MergeRun:
    """The `merge` command: under the output folder's lock, merge the inbox and write every
    output (consolidated workbook, feedback copies, manifest, and on request the report and
    reply drafts). Raises OutputError when outputs cannot be written."""
    if export:  # a mistake in the mapping table stops the merge before it starts
        from ..export import DEFAULT_FORMAT, export_beside, load_export_mapping

        mapping = load_export_mapping(campaign, specs, DEFAULT_FORMAT)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(outdir / LOCK_NAME), timeout=LOCK_WAIT_SECONDS)
        with lock:
            _remove_stale_temporaries(outdir)
            result = merge_inbox(
                inbox, campaign, specs, strict=strict, progress=progress, outdir=outdir
            )
            run = _write_outputs(result, outdir)
            # Imported here: they pull in openpyxl, python-docx and matplotlib, which a plain
            # merge never needs (startup time counts on every run).
            if with_report:
                from ..report.render import render_report

                # From the workbook just written, exactly as `dhtt-batch report` would.
                run.report = render_report(
                    run.consolidated,
                    outdir / report_name(result),
                    campaign,
                    specs,
                    result.generated_at.date(),
                )
            if reply_drafts:
                from .replies import write_reply_drafts

                run.drafts = write_reply_drafts(result, run.feedback, outdir / DRAFTS_DIR)
            if export:
                run.export = export_beside(
                    run.consolidated, outdir / export_name(result), campaign, specs, mapping
                )
            return run
    except Timeout as exc:
        raise OutputError(
            f"Một lần tổng hợp khác đang ghi vào {outdir}; hãy chờ xong rồi chạy lại."
        ) from exc
    except OSError as exc:
        raise OutputError(f"Không ghi được vào {outdir}: {exc.strerror or exc}.") from exc


def report_name(result: MergeResult) -> str:
    return f"bao-cao-{result.campaign.period.id}.docx"


def export_name(result: MergeResult) -> str:
    return f"de-nghi-khen-thuong-{result.campaign.period.id}.xlsx"


def _remove_stale_temporaries(outdir: Path) -> None:
    """Temporary files of a merge that was killed mid-write; safe to remove under the lock."""
    for folder in (outdir, outdir / FEEDBACK_DIR):
        for stale in folder.glob(".*.tmp") if folder.is_dir() else ():
            stale.unlink(missing_ok=True)


def _write_outputs(result: MergeResult, outdir: Path) -> MergeRun:
    directory = outdir / FEEDBACK_DIR
    jobs = feedback_jobs(
        [(o.sub, o.findings) for o in result.files if o.needs_feedback_copy],
        directory,
        unit_prefix=True,
    )
    # Worker processes write the feedback copies while this one writes the consolidated
    # workbook: the two largest pieces of output work overlap.
    with in_background(run_feedback_job, jobs) as feedback_copies:
        consolidated = write_consolidated(result, outdir / consolidated_name(result))
        feedback = dict(zip((job[0].display for job in jobs), feedback_copies(), strict=True))
    _remove_stale_feedback(directory, {copy.path for copy in feedback.values()})
    manifest_path = outdir / "manifest.json"
    outputs = {
        "consolidated": consolidated.name,
        "feedback": [f"{FEEDBACK_DIR}/{c.path.name}" for c in feedback.values()],
    }
    per_file = {display: c.to_dict(FEEDBACK_DIR) for display, c in feedback.items()}
    document = manifest(result, outputs, per_file)
    atomic_write_text(manifest_path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return MergeRun(result, consolidated, manifest_path, feedback)


def _remove_stale_feedback(directory: Path, written: set[Path]) -> None:
    """Feedback left from an earlier run on files that are now clean would mislead."""
    if directory.is_dir():
        for stale in directory.glob("*-phan-hoi.*"):
            if stale not in written:
                stale.unlink()
