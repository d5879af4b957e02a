"""`dhtt-batch export` and `merge --export`: consolidated workbook → the province's import file.

Reads the consolidated workbook only through `read_consolidated`, maps every value through the
declared table, and writes nothing while a value has no code (unless the unmapped rows are to
be left out, and then they are listed). More rows than the import reads by default are split
into several files only when asked (`--split`); `merge --export` always splits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..campaign import Campaign
from ..formats.consolidated import ConsolidatedData, ConsolidatedError, read_consolidated
from ..spec import SpecSet
from .mapping import ExportMapping, MappingError, load_mapping
from .proposals import Proposal, Unmapped, describe_unmapped, proposal_filter, select_proposals
from .tdkt import FORMAT, IMPORT_LAST_ROW, ROWS_PER_FILE, write_tdkt

DEFAULT_FORMAT = FORMAT
WRITERS = {FORMAT: write_tdkt}


class ExportError(Exception):
    """Nothing was written: configuration, input or rows not fit to hand over (Vietnamese)."""


@dataclass
class ExportResult:
    format: str
    parts: list[tuple[Path, int]]  # file written, rows in it
    per_file: int  # the split size
    left_out: list[Unmapped] = field(default_factory=list)
    rows_left_out: int = 0
    stale: list[Path] = field(default_factory=list)  # earlier parts now out of date
    removed: bool = False  # stale parts were deleted (merge's own folder)

    @property
    def rows(self) -> int:
        return sum(count for _, count in self.parts)


def load_export_mapping(campaign: Campaign, specs: SpecSet, fmt: str) -> ExportMapping:
    if fmt not in WRITERS:
        raise ExportError(f"Không có định dạng xuất '{fmt}' (có: {', '.join(WRITERS)}).")
    try:
        return load_mapping(campaign, specs, fmt)
    except MappingError as exc:
        raise ExportError(str(exc)) from exc


def export_proposals(
    consolidated: Path,
    target: Path,
    campaign: Campaign,
    specs: SpecSet,
    fmt: str = DEFAULT_FORMAT,
    only: Sequence[str] = (),
    skip_unmapped: bool = False,
    split: int | None = None,
) -> ExportResult:
    if target.suffix.lower() != ".xlsx":
        raise ExportError(f"Tệp xuất phải có đuôi .xlsx (không phải '{target.name}').")
    mapping = load_export_mapping(campaign, specs, fmt)
    try:
        wanted = proposal_filter(specs, only) if only else None
    except MappingError as exc:
        raise ExportError(str(exc)) from exc
    selection = select_proposals(_read(consolidated, specs), specs, campaign, mapping, wanted)
    if selection.unmapped and not skip_unmapped:
        raise ExportError(
            "\n".join(
                [
                    f"{selection.rows_left_out} dòng đề nghị có giá trị chưa có mã trong hệ "
                    "thống của tỉnh; chưa ghi tệp nào.",
                    *describe_unmapped(selection.unmapped),
                    "Bổ sung mã (hoặc sửa dữ liệu) rồi chạy lại, hoặc chạy lại với "
                    "--skip-unmapped để xuất các dòng còn lại.",
                ]
            )
        )
    if not selection.proposals:
        raise ExportError(_nothing(only, selection.rows_left_out))
    count = len(selection.proposals)
    if split is None and count > ROWS_PER_FILE:
        parts = -(-count // ROWS_PER_FILE)
        raise ExportError(
            f"Có {count} dòng đề nghị, nhiều hơn {ROWS_PER_FILE} dòng mà hệ thống của tỉnh "
            f"đọc khi nhập (dòng 2–{IMPORT_LAST_ROW}, nếu không sửa phạm vi); chưa ghi tệp "
            f"nào. Chạy lại với --split {ROWS_PER_FILE} để chia thành {parts} tệp."
        )
    result = _write(fmt, selection.proposals, target, split or ROWS_PER_FILE)
    result.left_out, result.rows_left_out = selection.unmapped, selection.rows_left_out
    return result


def export_beside(
    consolidated: Path, target: Path, campaign: Campaign, specs: SpecSet, mapping: ExportMapping
) -> ExportResult:
    """For `merge --export`: mapped rows only (the rest listed), split by the import's limit,
    earlier parts that are now out of date removed. Nothing to export writes nothing."""
    selection = select_proposals(_read(consolidated, specs), specs, campaign, mapping)
    if selection.proposals:
        result = _write(mapping.format, selection.proposals, target, ROWS_PER_FILE)
    else:
        result = ExportResult(mapping.format, [], ROWS_PER_FILE, stale=_stale(target, []))
    for path in result.stale:
        path.unlink(missing_ok=True)
    result.removed = bool(result.stale)
    result.left_out, result.rows_left_out = selection.unmapped, selection.rows_left_out
    return result


def _read(consolidated: Path, specs: SpecSet) -> ConsolidatedData:
    try:
        return read_consolidated(consolidated, specs)
    except ConsolidatedError as exc:
        raise ExportError(str(exc)) from exc


def _write(fmt: str, proposals: list[Proposal], target: Path, per_file: int) -> ExportResult:
    chunks = [proposals[i : i + per_file] for i in range(0, len(proposals), per_file)]
    paths = _part_paths(target, len(chunks))
    for path, chunk in zip(paths, chunks, strict=True):
        WRITERS[fmt](chunk, path)
    parts = [(p, len(c)) for p, c in zip(paths, chunks, strict=True)]
    return ExportResult(fmt, parts, per_file, stale=_stale(target, paths))


def _part_paths(target: Path, count: int) -> list[Path]:
    if count == 1:
        return [target]
    return [target.with_name(f"{target.stem}-{n}{target.suffix}") for n in range(1, count + 1)]


def _stale(target: Path, written: list[Path]) -> list[Path]:
    """Files an earlier export wrote under the same name that this one did not replace:
    handed over together with the new ones, their rows would be proposed twice."""
    part = re.compile(rf"^{re.escape(target.stem)}-(\d{{1,2}}){re.escape(target.suffix)}$")
    names = {path.name for path in written}
    found = [target] if target.is_file() and target.name not in names else []
    if target.parent.is_dir():
        found += sorted(
            p
            for p in target.parent.iterdir()
            if part.match(p.name) and p.name not in names and p.is_file()
        )
    return found


def _nothing(only: Sequence[str], left_out: int) -> str:
    if left_out:
        return f"Không còn dòng nào để xuất: cả {left_out} dòng đề nghị đều chưa có mã."
    if only:
        return f"Không có dòng nào có hình thức đề nghị: {'; '.join(only)}."
    return "Không có dòng nào đề nghị khen thưởng (hình thức đề nghị có mã) để xuất."


def describe_export(result: ExportResult) -> list[str]:
    """What was written, left out and left over, for the officer (Vietnamese)."""
    lines = []
    if not result.parts:
        lines.append("Không có dòng đề nghị khen thưởng nào để xuất cho hệ thống của tỉnh.")
    elif len(result.parts) == 1:
        path, count = result.parts[0]
        lines.append(f"Đã ghi {path}: {count} dòng đề nghị khen thưởng ({result.format}).")
    else:
        listed = ", ".join(f"{p.name} ({n} dòng)" for p, n in result.parts)
        why = (
            f" vì hệ thống của tỉnh chỉ đọc dòng 2–{IMPORT_LAST_ROW} khi nhập"
            if result.per_file == ROWS_PER_FILE
            else ""
        )
        lines.append(
            f"Đã ghi {len(result.parts)} tệp, {result.rows} dòng đề nghị khen thưởng "
            f"({result.format}), mỗi tệp tối đa {result.per_file} dòng{why}: {listed} (trong "
            f"{result.parts[0][0].parent})."
        )
    if result.parts and max(n for _, n in result.parts) > ROWS_PER_FILE:
        last = max(n for _, n in result.parts) + 1
        lines.append(
            f"Lưu ý: khi nhập vào hệ thống của tỉnh, sửa dòng cuối cần đọc thành {last} "
            f"(mặc định chỉ đọc tới dòng {IMPORT_LAST_ROW})."
        )
    if result.left_out:
        lines.append(f"Đã bỏ ra {result.rows_left_out} dòng có giá trị chưa có mã:")
        lines.extend(describe_unmapped(result.left_out))
    if result.stale:
        names = ", ".join(p.name for p in result.stale)
        if result.removed:
            lines.append(f"Đã xóa tệp của lần xuất trước: {names}.")
        else:
            lines.append(f"Lưu ý: {names} là của một lần xuất trước; đừng gửi kèm.")
    return lines
