"""A merge's outputs as one set: written aside, switched in as a whole, or not at all.

The set (consolidated workbook, manifest, feedback/, the drafts folder, the report, the export)
is written to a staging folder inside OUTDIR. Only when every file is written and flushed is
it switched in: a journal naming the previous and the new entries is written (atomically),
the previous set's entries are moved aside (manifest.json first), the new ones moved in
(manifest.json last), and the journal removed: that removal is the commit. Renames within one
folder need no disk space and work on Windows too (no POSIX-only call).

- A failure before the switch (full disk, a report that cannot be made, a crash) leaves the
  previous set untouched; its staging folder is removed, now or by the next run.
- A rename that fails during the switch (a file open in Excel on Windows) rolls the switch
  back at once. Ctrl-C during the switch is held until the switch is over.
- A process killed during the switch (kill -9, power cut) leaves the journal: the next merge
  (under the lock) rolls back to the previous set, byte for byte, before anything else.
  Meanwhile manifest.json is absent, never beside entries of another set.

Every entry the previous manifest lists (and only names the project gives its outputs) is
replaced or removed, so each folder the merge owns holds exactly the current run's outputs.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import shutil
import signal
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from ..atomic import OutputError, atomic_write_text
from ..naming import readable

MANIFEST = "manifest.json"
FEEDBACK_DIR = "feedback"
DRAFTS_DIR = "thu-tra-loi"
STAGING_PREFIX = ".dhtt-staging-"
ASIDE_PREFIX = ".dhtt-old-"
JOURNAL = ".dhtt-switch.json"
# The names the project gives entries of OUTDIR: only these are ever replaced or removed
# (OUTDIR may be a working folder holding the officer's own files, even the inbox).
OWNED = (MANIFEST, FEEDBACK_DIR, DRAFTS_DIR, "tong-hop-*.xlsx", "bao-cao-*.docx", "de-nghi-*.xlsx")


def owned(name: str) -> bool:
    return "/" not in name and "\\" not in name and any(fnmatch.fnmatchcase(name, p) for p in OWNED)


@contextlib.contextmanager
def staging(outdir: Path) -> Iterator[Path]:
    """A fresh staging folder in OUTDIR, removed whatever happens to the block."""
    folder = outdir / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def previous_entries(outdir: Path) -> set[str]:
    """The entries of the set now in OUTDIR: what its manifest lists, and the fixed folders."""
    names = {MANIFEST, FEEDBACK_DIR, DRAFTS_DIR}
    try:
        document = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))
        outputs = document.get("outputs") or {}
        listed = [entry.get("path", "") for entry in outputs.get("files") or []]
        listed.append(outputs.get("consolidated") or "")
        listed += outputs.get("report") and [outputs["report"]] or []
    except (OSError, ValueError, AttributeError, TypeError):
        listed = []
    for path in listed:
        if isinstance(path, str) and owned(path.split("/", 1)[0]):
            names.add(path.split("/", 1)[0])
    return names


def describe(stage: Path) -> list[dict[str, Any]]:
    """Every file of the staged set but the manifest: path below OUTDIR, size, SHA-256."""
    files = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        relative = path.relative_to(stage).as_posix()
        if relative == MANIFEST:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        files.append({"path": relative, "bytes": path.stat().st_size, "sha256": digest})
    return files


def switch(outdir: Path, stage: Path, previous: set[str]) -> None:
    """Replace the set in OUTDIR by the one staged, as one step (see the module docstring)."""
    new = sorted(p.name for p in stage.iterdir())
    if not all(owned(name) for name in new):
        raise ValueError(f"staged entries the project does not own: {new}")
    new.sort(key=lambda name: name == MANIFEST)  # manifest last in
    old = sorted(n for n in previous | set(new) if os.path.lexists(outdir / n))
    old.sort(key=lambda name: name != MANIFEST)  # manifest first out
    aside = outdir / f"{ASIDE_PREFIX}{stage.name.removeprefix(STAGING_PREFIX)}"
    plan = {"staging": stage.name, "aside": aside.name, "previous": old, "new": new}
    with _interrupts_held():
        atomic_write_text(outdir / JOURNAL, json.dumps(plan) + "\n")
        try:
            aside.mkdir()
            for name in old:
                _rename(outdir / name, aside / name)
            for name in new:
                _rename(stage / name, outdir / name)
        except BaseException:
            with contextlib.suppress(OSError):  # else the journal stays for the next run
                _roll_back(outdir, plan)
                (outdir / JOURNAL).unlink()
            raise
        _sync(outdir)
        (outdir / JOURNAL).unlink()  # the commit
        _sync(outdir)
        shutil.rmtree(aside, ignore_errors=True)


def recover(outdir: Path) -> None:
    """Under the lock, before a run: undo a switch a killed run left half done, then remove
    staging folders, set-aside folders and temporary files of earlier runs."""
    journal = outdir / JOURNAL
    if journal.exists():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            _roll_back(outdir, plan)
        except (ValueError, KeyError, TypeError):
            pass  # not a journal this program wrote: left for a person to look at
        else:
            journal.unlink()
    if journal.exists():
        return
    for entry in outdir.iterdir():
        if entry.name.startswith((STAGING_PREFIX, ASIDE_PREFIX)) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file():
            entry.unlink(missing_ok=True)


def _roll_back(outdir: Path, plan: dict[str, Any]) -> None:
    """Put the previous set back. Idempotent: a roll-back that is itself interrupted is simply
    done again. An entry in OUTDIR is new when its previous version is aside or it had none."""
    aside, stage = outdir / plan["aside"], outdir / plan["staging"]
    previous = set(plan["previous"])
    stage.mkdir(exist_ok=True)
    for name in plan["new"]:
        current = outdir / name
        if os.path.lexists(current) and (name not in previous or os.path.lexists(aside / name)):
            if os.path.lexists(stage / name):
                _remove(current)
            else:
                os.replace(current, stage / name)
    for name in plan["previous"]:
        if os.path.lexists(aside / name) and not os.path.lexists(outdir / name):
            os.replace(aside / name, outdir / name)
    _sync(outdir)
    with contextlib.suppress(OSError):
        aside.rmdir()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _rename(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as exc:
        raise OutputError(
            f"Không thay được {readable(source.name)} trong thư mục kết quả "
            f"({exc.strerror or exc}): có thể tệp hoặc thư mục đang mở (ví dụ trong Excel hay "
            "trình quản lý tệp). Hãy đóng lại rồi chạy lại."
        ) from exc


def _sync(folder: Path) -> None:
    """Make renames in `folder` durable (POSIX; Windows has no directory handles to flush)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C (and SIGTERM) during the switch take effect right after it, not in the middle."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGBREAK")
    kinds = [getattr(signal, n) for n in names if hasattr(signal, n)]
    received: list[int] = []

    def hold(number: int, frame: FrameType | None) -> None:
        received.append(number)

    saved = {kind: signal.signal(kind, hold) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in saved.items():
            signal.signal(kind, handler)
        for number in received[:1]:
            handler = saved[signal.Signals(number)]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(number)
