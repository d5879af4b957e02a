"""What the officer reads on the terminal (stderr) from the register commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from .exemplar import Exemplar

if TYPE_CHECKING:
    from .add import AddOutcome
    from .api import AddFailure
    from .review import Candidate, Match


def stderr_console() -> Console:
    """Like outputs.console's, without importing the validation stack it sits beside."""
    return Console(stderr=True, highlight=False)


def print_added(results: Sequence[AddOutcome | AddFailure], where: str, console: Console) -> None:
    from .api import AddFailure  # here: `register list` prints with this module, without api

    for result in results:
        if isinstance(result, AddFailure):
            console.print(f"[red]Lỗi:[/red] {result.message}", soft_wrap=True, markup=True)
            continue
        name, label = result.path.name, result.label
        if result.state == "unchanged":
            console.print(
                f"{name}: {label} đã có trong sổ với đúng nội dung này; không thay đổi gì.",
                soft_wrap=True,
                markup=False,
            )
            continue
        counts = ", ".join(f"{sheet} {n}" for sheet, n in result.by_sheet.items())
        if result.state == "replaced":
            console.print(
                f"{name}: thay thế bảng tổng hợp {label} đã ghi trước đó "
                f"({result.replaced_rows} dòng) bằng bảng mới hơn: {result.rows} dòng ({counts}).",
                soft_wrap=True,
                markup=False,
            )
        else:
            console.print(
                f"{name}: đã ghi {label} vào sổ: {result.rows} dòng ({counts}).",
                soft_wrap=True,
                markup=False,
            )
    console.print(f"Sổ điển hình: {where}", soft_wrap=True, markup=False)


def print_list(found: Sequence[Exemplar], console: Console) -> None:
    table = Table(show_header=True, header_style="bold", expand=False)
    for title in ("Mã", "Họ và tên / Tên tập thể", "Đối tượng", "Đơn vị", "Các năm", "Danh hiệu"):
        table.add_column(title, overflow="fold")
    for item in found:
        table.add_row(
            f"#{item.id}",
            item.name + (f" ({item.birth_year})" if item.birth_year else ""),
            item.kind_label,
            item.unit,
            ", ".join(str(y) for y in item.years),
            "; ".join(f"{t.year}: {t.title}" for t in item.titles),
        )
    if found:
        console.print(table)
    console.print(f"{len(found)} điển hình.", markup=False)


def print_review(matches: Sequence[Match], console: Console) -> None:
    if not matches:
        console.print("Không có cặp điển hình nào cần xem xét.", markup=False)
        return
    table = Table(show_header=True, header_style="bold", expand=False)
    for title in ("Điển hình thứ nhất", "Điển hình thứ hai", "Lý do"):
        table.add_column(title, overflow="fold")
    for match in matches:
        table.add_row(_describe(match.first), _describe(match.second), match.message)
    console.print(table)
    console.print(
        f"{len(matches)} cặp có thể là cùng một điển hình. Nếu đúng là một: dhtt-batch register "
        "link MÃ1 MÃ2; nếu là hai điển hình khác nhau: dhtt-batch register unlink MÃ1 MÃ2.",
        soft_wrap=True,
        markup=False,
    )


def _describe(item: Candidate) -> str:
    born = f", {item.birth_year}" if item.birth_year else ""
    years = ", ".join(str(y) for y in item.years)
    return f"#{item.id} {item.name}{born} - {item.unit} ({years})"
