"""Which files a run looks at, and the one identity each keeps from discovery to every output.

The inbox is walked without following links out of it: a link whose target lies outside the
inbox, a FIFO, socket or device, a folder that cannot be listed and an Office lock file
(`~$name.xlsx`) are each reported, never opened. Hidden entries (a leading dot: `collect`'s
temporaries and locks, merge's staging folders, `.git`) and the project's own text outputs
(manifest, drafts, sidecars) are not inputs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .formats.sidecar import SIDECAR_SUFFIX
from .naming import readable

NOT_INPUTS = (".json", ".txt", ".md", ".eml", ".lock", ".tmp")
LOCK_FILE_PREFIX = "~$"


@dataclass(frozen=True, order=True)
class SubmissionId:
    """One input of a run. `index` orders and keys it; `relative` (its path below the inbox,
    "/"-separated, readable) is what outputs show; `display` (the path as given on the
    command line) is what findings and the manifest carry. All three are unique in a run."""

    index: int
    relative: str
    display: str

    @property
    def name(self) -> str:
        return self.relative.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class Found:
    """A discovered entry: `problem` is the finding code when it must not be opened."""

    id: SubmissionId
    path: Path
    problem: str | None = None
    detail: str = ""


def discover(paths: Iterable[Path], exclude: Path | None = None) -> list[Found]:
    """Files as given, and the candidate files inside given folders, in a stable order.

    `exclude` is merge's own output folder: placed inside the inbox, it is not an input.
    """
    skip = exclude.resolve() if exclude else None
    entries: list[tuple[Path, str, str | None, str]] = []
    seen: set[Path] = set()
    for root in paths:
        if root.is_dir():
            base = root.resolve()
            for path, problem, detail in _walk(root, base, skip):
                _add(entries, seen, path, path.relative_to(root).as_posix(), problem, detail)
        else:
            problem, detail = _special(root)
            _add(entries, seen, root, root.name, problem, detail)
    return _identify(entries)


def _add(
    entries: list[tuple[Path, str, str | None, str]],
    seen: set[Path],
    path: Path,
    relative: str,
    problem: str | None,
    detail: str,
) -> None:
    """The same path reached twice (given twice, or a folder and a file in it) counts once."""
    key = Path(os.path.normpath(path.absolute()))
    if key not in seen:
        seen.add(key)
        entries.append((path, relative, problem, detail))


def _identify(entries: list[tuple[Path, str, str | None, str]]) -> list[Found]:
    found: list[Found] = []
    displays: set[str] = set()
    for index, (path, relative, problem, detail) in enumerate(entries):
        display, shown_relative = readable(path.as_posix()), readable(relative)
        if display in displays:
            # Two names that read the same (legacy bytes, NFD beside NFC): told apart.
            display, shown_relative = f"{display} [{index + 1}]", f"{shown_relative} [{index + 1}]"
        displays.add(display)
        found.append(Found(SubmissionId(index, shown_relative, display), path, problem, detail))
    return found


def _walk(folder: Path, base: Path, skip: Path | None) -> Iterator[tuple[Path, str | None, str]]:
    try:
        with os.scandir(folder) as listing:
            children = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield folder, "folder_unreadable", exc.strerror or type(exc).__name__
        return
    for entry in children:
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            yield from _link(path, base, skip)
        elif entry.is_dir(follow_symlinks=False):
            if skip is None or path.resolve() != skip:
                yield from _walk(path, base, skip)
        elif _candidate(entry.name):
            problem, detail = _special(path)
            if problem is None and entry.name.startswith(LOCK_FILE_PREFIX):
                problem = "office_lock_file"
            yield path, problem, detail


def _link(path: Path, base: Path, skip: Path | None) -> Iterator[tuple[Path, str | None, str]]:
    """A link is read only when its target lies inside the inbox (folders linked from inside
    are found through their own path, so a link never makes a loop)."""
    if not _candidate(path.name):
        return
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        yield path, "special_file", "liên kết hỏng"
        return
    if not target.is_relative_to(base) or (skip is not None and target.is_relative_to(skip)):
        yield path, "outside_inbox", readable(str(target))
    elif target.is_file():
        problem, detail = _special(target)
        yield path, problem, detail


def _candidate(name: str) -> bool:
    return not name.endswith(SIDECAR_SUFFIX) and not name.endswith(NOT_INPUTS)


def _special(path: Path) -> tuple[str | None, str]:
    """("special_file", what it is) for anything that is not a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None, ""  # the reader reports what it cannot open
    if stat.S_ISREG(mode):
        return None, ""
    if stat.S_ISFIFO(mode):
        return "special_file", "ống dẫn (FIFO)"
    if stat.S_ISSOCK(mode):
        return "special_file", "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "special_file", "thiết bị"
    if stat.S_ISDIR(mode):
        return "special_file", "thư mục"
    return "special_file", "không phải tệp thường"
