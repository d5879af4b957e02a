"""Transient progress shown on stderr while a command reads files or mail."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from ..naming import shown


@contextlib.contextmanager
def progress_bar(console: Any, quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A transient progress bar on stderr while files are read; nothing when quiet."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if quiet:
        yield None
        return
    columns = (
        TextColumn("Đang đọc tệp"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=shown(name))

        yield advance


@contextlib.contextmanager
def status_line(console: Any) -> Iterator[Callable[[str], None]]:
    """A transient one-line status on stderr (for work whose total is unknown)."""
    with console.status("Đang đọc thư…") as status:
        yield lambda text: status.update(f"Đang đọc thư: {shown(text[:60])}")
