"""`merge`: validate and merge an inbox, then write its outputs as one set (outset.py), under
a lock on OUTDIR, after any `collect` writing into the inbox has finished."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from ..atomic import OutputError, atomic_write_text, reason
from ..campaign import Campaign
from ..formats.consolidated import consolidated_name, write_consolidated
from ..formats.manifest import manifest
from ..locks import MERGE_WAIT_SECONDS, inbox_lock
from ..merge import MergeResult, merge_inbox
from ..naming import readable
from ..parallel import in_background
from ..spec import SpecSet
from ..validate import Progress
from .feedback.copy import FeedbackCopy
from .feedback.jobs import feedback_jobs, run_feedback_job
from .outset import (
    DRAFTS_DIR,
    FEEDBACK_DIR,
    MANIFEST,
    describe,
    previous_entries,
    recover,
    staging,
    switch,
)

if TYPE_CHECKING:
    from ..export import ExportResult
    from ..export.mapping import ExportMapping

LOCK_NAME = ".dhtt-batch.lock"
LOCK_WAIT_SECONDS = 5.0
__all__ = [
    "DRAFTS_DIR",
    "FEEDBACK_DIR",
    "MergeRun",
    "OutdirError",
    "check_folders",
    "export_name",
    "report_name",
    "run_merge",
]


class OutdirError(Exception):
    """OUTDIR cannot be used with this inbox (exit 2); the message is Vietnamese."""


@dataclass
class MergeRun:
    result: MergeResult
    consolidated: Path
    manifest: Path
    feedback: dict[str, FeedbackCopy] = field(default_factory=dict)  # input display → copy
    report: Path | None = None
    drafts: list[Path] = field(default_factory=list)
    export: ExportResult | None = None

    def moved(self, stage: Path, outdir: Path) -> MergeRun:
        """The same run with every path in `stage` told as its place in `outdir`."""

        def there(path: Path) -> Path:
            return outdir / path.relative_to(stage)

        self.consolidated, self.manifest = there(self.consolidated), there(self.manifest)
        self.feedback = {
            key: dataclasses.replace(copy, path=there(copy.path))
            for key, copy in self.feedback.items()
        }
        self.report = there(self.report) if self.report else None
        self.drafts = [there(path) for path in self.drafts]
        if self.export is not None:
            self.export.parts = [(there(path), rows) for path, rows in self.export.parts]
        return self


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
    output (consolidated workbook, feedback copies, manifest, and on request the report, reply
    drafts and export) as one set. Raises OutputError when outputs cannot be written; the
    previous set is then left as it was."""
    check_folders(inbox, outdir)
    mapping = None
    if export:  # a mistake in the mapping table stops the merge before it starts
        from ..export import DEFAULT_FORMAT, load_export_mapping

        mapping = load_export_mapping(campaign, specs, DEFAULT_FORMAT)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(outdir / LOCK_NAME), timeout=LOCK_WAIT_SECONDS)
        with lock:
            recover(outdir)
            busy = "Đang có lần lấy thư (collect) ghi vào {inbox}; hãy chờ xong rồi chạy lại."
            with inbox_lock(inbox, MERGE_WAIT_SECONDS, busy):
                result = merge_inbox(
                    inbox, campaign, specs, strict=strict, progress=progress, outdir=outdir
                )
            previous = previous_entries(outdir)
            with staging(outdir) as stage:
                run = _write_set(result, stage, campaign, specs, with_report, reply_drafts, mapping)
                switch(outdir, stage, previous)
                return run.moved(stage, outdir)
    except OutputError as exc:
        raise OutputError(f"{exc} Bộ kết quả trước (nếu có) vẫn giữ nguyên.") from exc
    except Timeout as exc:
        raise OutputError(
            f"Một lần tổng hợp khác đang ghi vào {readable(str(outdir))}; hãy chờ xong rồi "
            "chạy lại."
        ) from exc
    except OSError as exc:
        raise OutputError(
            f"Không ghi được vào {readable(str(outdir))}: {reason(exc)}. Bộ kết quả trước "
            "(nếu có) vẫn giữ nguyên."
        ) from exc


def check_folders(inbox: Path, outdir: Path) -> None:
    """OUTDIR may lie inside the inbox (it is skipped when reading), never be the inbox, and
    the inbox may not lie inside a folder OUTDIR's outputs replace."""
    source, target = inbox.resolve(), outdir.resolve()
    if source == target:
        raise OutdirError(
            f"Thư mục kết quả (-o) không được trùng thư mục nhận {readable(str(inbox))}: "
            "kết quả sẽ lẫn với tệp của đơn vị. Hãy chọn thư mục khác, ví dụ -o ket-qua."
        )
    for folder in (FEEDBACK_DIR, DRAFTS_DIR):
        if source.is_relative_to(target / folder):
            raise OutdirError(
                f"Thư mục nhận {readable(str(inbox))} nằm trong {folder}/ của thư mục kết quả, "
                "nơi mỗi lần tổng hợp ghi lại toàn bộ. Hãy chọn thư mục kết quả khác."
            )


def report_name(result: MergeResult) -> str:
    return f"bao-cao-{result.campaign.period.id}.docx"


def export_name(result: MergeResult) -> str:
    return f"de-nghi-khen-thuong-{result.campaign.period.id}.xlsx"


def _write_set(
    result: MergeResult,
    stage: Path,
    campaign: Campaign,
    specs: SpecSet,
    with_report: bool,
    reply_drafts: bool,
    mapping: ExportMapping | None,
) -> MergeRun:
    """Every output into the staging folder, the manifest (which lists them all) last."""
    run = _write_outputs(result, stage)
    # Imported here: they pull in openpyxl, python-docx and matplotlib, which a plain merge
    # never needs (startup time counts on every run).
    if with_report:
        from ..report.render import render_report

        # From the workbook just written, exactly as `dhtt-batch report` would.
        run.report = render_report(
            run.consolidated,
            stage / report_name(result),
            campaign,
            specs,
            result.generated_at.date(),
        )
    if reply_drafts:
        from .replies import write_reply_drafts

        run.drafts = write_reply_drafts(result, run.feedback, stage / DRAFTS_DIR)
    if mapping is not None:
        from ..export import export_beside

        run.export = export_beside(
            run.consolidated, stage / export_name(result), campaign, specs, mapping
        )
    outputs = {
        "consolidated": run.consolidated.name,
        "feedback": [f"{FEEDBACK_DIR}/{c.path.name}" for c in run.feedback.values()],
        "report": run.report.name if run.report else None,
        "drafts": [f"{DRAFTS_DIR}/{p.name}" for p in run.drafts],
        "export": [path.name for path, _ in run.export.parts] if run.export else [],
        "files": describe(stage),
    }
    per_file = {display: c.to_dict(FEEDBACK_DIR) for display, c in run.feedback.items()}
    document = manifest(result, outputs, per_file)
    atomic_write_text(run.manifest, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return run


def _write_outputs(result: MergeResult, stage: Path) -> MergeRun:
    directory = stage / FEEDBACK_DIR
    directory.mkdir()
    jobs = feedback_jobs(
        [(o.sub, o.findings) for o in result.files if o.needs_feedback_copy],
        directory,
        unit_prefix=True,
    )
    # Worker processes write the feedback copies while this one writes the consolidated
    # workbook: the two largest pieces of output work overlap. A copy whose worker dies is
    # left out (the file's findings are in the workbook and the manifest all the same).
    with in_background(run_feedback_job, jobs, on_crash=_no_copy) as feedback_copies:
        consolidated = write_consolidated(result, stage / consolidated_name(result))
        written = zip((job[0].display for job in jobs), feedback_copies(), strict=True)
        feedback = {display: copy for display, copy in written if copy is not None}
    return MergeRun(result, consolidated, stage / MANIFEST, feedback)


def _no_copy(job: object) -> None:
    return None
