"""What the officer reads on the terminal: `validate`'s report (stdout), merge and collect
summaries and progress (stderr)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..findings import ERROR
from ..mail import CollectReport
from ..merge import MergeResult
from ..states import UnitStatus, label
from ..validate import ValidationResult
from .merge_outputs import MergeRun


def stderr_console() -> Console:
    """Progress, status and errors."""
    return Console(stderr=True, highlight=False)


def stdout_console() -> Console:
    """Reports (what `validate` found): stdout, so they can be redirected to a file; a file
    gets plain text wide enough for the table of findings."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=max(console.width, 140))
    return console


def print_validation(result: ValidationResult, console: Console) -> None:
    for sub in result.submissions:
        findings = result.findings_for(sub)
        errors = sum(1 for f in findings if f.severity == ERROR)
        read, accepted, rejected = result.row_counts(sub)
        unit = f" [{sub.identity.code}]" if sub.identity.code else ""
        verdict = "[green]đạt[/green]" if not errors else f"[red]{errors} lỗi[/red]"
        console.print(
            f"[bold]{sub.display}[/bold]{unit}: {verdict}, "
            f"{len(findings) - errors} cảnh báo; {read} dòng đọc, {accepted} dòng "
            f"hợp lệ, {rejected} dòng bị loại",
            soft_wrap=True,
        )
        if not findings:
            continue
        table = Table(show_header=True, header_style="bold", expand=False)
        for title in ("Sheet", "Ô", "Mức độ", "Nội dung"):
            table.add_column(title, overflow="fold")
        for f in findings:
            level = "[red]Lỗi[/red]" if f.severity == ERROR else "[yellow]Cảnh báo[/yellow]"
            table.add_row(f.sheet or "", str(f.cell or ""), level, f.message)
        console.print(table)
    total_errors = sum(1 for f in result.findings if f.severity == ERROR)
    console.print(
        f"Tổng cộng: {len(result.submissions)} tệp, {total_errors} lỗi, "
        f"{len(result.findings) - total_errors} cảnh báo.",
        soft_wrap=True,
    )


def print_merge(run: MergeRun, console: Console) -> None:
    result = run.result
    counts = {s: sum(1 for u in result.units if u.status == s) for s in UnitStatus}
    totals = result.totals()
    console.print(
        f"Đơn vị: {counts[UnitStatus.VALID]} hợp lệ, {counts[UnitStatus.NEEDS_FIXES]} cần sửa, "
        f"{counts[UnitStatus.LATE]} nộp muộn, {counts[UnitStatus.MISSING]} chưa nộp "
        f"(tổng {len(result.units)}).",
        soft_wrap=True,
    )
    for status in (UnitStatus.NEEDS_FIXES, UnitStatus.LATE, UnitStatus.MISSING):
        names = [u.unit.name for u in result.units if u.status == status]
        if names:
            console.print(f"  {label(status)}: {'; '.join(names)}", soft_wrap=True)
    console.print(
        f"Tệp: {totals['files']}; dòng đọc {totals['rows_read']} = {totals['rows_accepted']} "
        f"nhận + {totals['rows_rejected']} loại + {totals['rows_superseded']} thay thế.",
        soft_wrap=True,
    )
    for line in _files_for_no_unit(result):
        console.print(line, soft_wrap=True, markup=False)
    console.print(f"Bảng tổng hợp: {run.consolidated}", soft_wrap=True)
    if run.feedback:
        folder = next(iter(run.feedback.values())).path.parent
        console.print(
            f"Tệp phản hồi gửi đơn vị: {len(run.feedback)} tệp trong {folder}", soft_wrap=True
        )
    console.print(f"Biên bản (manifest): {run.manifest}", soft_wrap=True)
    if run.report:
        console.print(f"Báo cáo: {run.report}", soft_wrap=True)
    if run.drafts:
        console.print(
            f"Thư nháp trả lời, nhắc nộp: {len(run.drafts)} thư trong "
            f"{run.drafts[0].parent} (mở bằng Outlook/Thunderbird để xem và gửi)",
            soft_wrap=True,
        )
    print_export(run, console)


def _files_for_no_unit(result: MergeResult) -> list[str]:
    """Files that count for no unit — unreadable ones (a scanned letter, a PDF) and files whose
    unit is unknown or disputed — each with its reason: the unit tallies above omit them."""
    lines = []
    for outcome in result.files:
        if outcome.sub.readable and outcome.sub.identity.code:
            continue
        reason = next((f for f in outcome.findings if f.blocking), None)
        if reason is None:
            continue
        what = "Tệp không đọc được" if not outcome.sub.readable else "Tệp không tính cho đơn vị nào"
        lines.append(f"  {what}: {outcome.sub.path.name} — {reason.message}")
    return lines


def print_export(run: MergeRun, console: Console) -> None:
    """What `merge --export` wrote for the province, and the rows it left out."""
    if run.export is not None:
        from ..export import describe_export

        for line in describe_export(run.export):
            console.print(line, soft_wrap=True, markup=False)


def print_collect(report: CollectReport, inbox: Path, console: Console) -> None:
    console.print(
        f"Đã đọc {report.messages} thư; lưu {len(report.saved)} tệp vào {inbox}; "
        f"{len(report.duplicates)} tệp trùng nội dung đã có; bỏ qua "
        f"{len(report.skipped)} tệp đính kèm không phải bảng tính.",
        soft_wrap=True,
    )
    if not report.saved:
        console.print("Không có tệp mới.", soft_wrap=True)
    for path in report.saved:
        console.print(f"  + {path.name}", soft_wrap=True)
    for name in report.skipped:
        console.print(f"  - bỏ qua: {name}", soft_wrap=True)
