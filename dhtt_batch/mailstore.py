"""Where `collect` puts attachments: the inbox, written so that nothing is ever lost.

- One `collect` at a time (a lock on the inbox, held for the whole run; `merge` waits for it).
- Each attachment's sidecar is written *before* the file, both atomically: a crash between
  the two leaves a sidecar without its file, which the next run fills in when the attachment
  comes again; it never leaves a file without its provenance that reruns would skip as a
  duplicate forever. A file an older version left without a sidecar gets one when its
  attachment is seen again.
- Names are unique, computed in memory (constant time per name, 10,000 same-named
  attachments included) and placed without overwriting anything (a hard link, or a rename
  that refuses an existing name on Windows).
- Temporary files of a killed run are removed at the start.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import OutputError, reason
from .extents import LIMITS
from .formats.sidecar import SIDECAR_SUFFIX, Sidecar, read_sidecar, sidecar_path
from .inputs import InputError, read_regular
from .naming import NameAllocator, readable

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
TEMPORARY_PREFIX = ".dhtt-collect-"


@dataclass
class Stored:
    """What happened to one attachment: saved under `path`, a duplicate of the file at
    `path`, or the file at `path` got the sidecar it lacked (`repaired`)."""

    path: Path
    duplicate: bool = False
    repaired: bool = False


@dataclass
class InboxStore:
    inbox: Path
    known: dict[str, Path] = field(default_factory=dict)  # sha256 → file in the inbox
    waiting: dict[str, Path] = field(default_factory=dict)  # sha256 → sidecar without file
    names: NameAllocator = field(default_factory=NameAllocator)

    @classmethod
    def open(cls, inbox: Path) -> InboxStore:
        """Scan the inbox once (call under its lock): names taken, contents known, sidecars
        waiting for their file, and stale temporaries removed."""
        store = cls(inbox)
        entries = sorted(inbox.iterdir())
        for entry in entries:
            if entry.name.startswith(TEMPORARY_PREFIX) or (
                entry.name.startswith(".") and entry.name.endswith(".tmp")
            ):
                entry.unlink(missing_ok=True)
                continue
            store.names.take(entry.name)
            if entry.name.endswith(SIDECAR_SUFFIX):
                store._note_sidecar(entry)
            elif entry.suffix.lower() in SPREADSHEETS and not entry.is_symlink():
                store._note_file(entry)
        for entry in entries:  # "x.xlsx" is taken while "x.xlsx.meta.json" exists, too
            if entry.name.endswith(SIDECAR_SUFFIX):
                store.names.take(entry.name.removesuffix(SIDECAR_SUFFIX))
        return store

    def _note_file(self, path: Path) -> None:
        try:
            digest = hashlib.sha256(read_regular(path, LIMITS.max_file_bytes)).hexdigest()
        except (OSError, InputError):
            return
        self.known.setdefault(digest, path)

    def _note_sidecar(self, path: Path) -> None:
        target = path.with_name(path.name.removesuffix(SIDECAR_SUFFIX))
        if os.path.lexists(target):
            return
        sidecar, _ = read_sidecar(target)
        if sidecar and len(sidecar.sha256) == 64:
            self.waiting.setdefault(sidecar.sha256, target)

    def store(self, name: str, content: bytes, sidecar: Sidecar) -> Stored:
        digest = sidecar.sha256 or hashlib.sha256(content).hexdigest()
        existing = self.known.get(digest)
        if existing is not None:
            if os.path.lexists(sidecar_path(existing)):
                return Stored(existing, duplicate=True)
            _write_new(sidecar_path(existing), sidecar.to_json().encode("utf-8"))
            return Stored(existing, repaired=True)
        target = self.waiting.pop(digest, None)
        if target is not None:  # a sidecar written by a run killed before the file
            _write_over(sidecar_path(target), sidecar.to_json().encode("utf-8"))
        else:
            while True:
                target = self._new_target(name)
                try:
                    _write_new(sidecar_path(target), sidecar.to_json().encode("utf-8"))
                    break
                except FileExistsError:  # someone else took the name meanwhile
                    continue
        _write_new(target, content)
        self.known[digest] = target
        return Stored(target)

    def _new_target(self, name: str) -> Path:
        while True:
            target = self.inbox / self.names.allocate(name)
            if not os.path.lexists(target) and not os.path.lexists(sidecar_path(target)):
                return target


def _temporary(folder: Path, data: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(name).chmod(0o644)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _write_new(target: Path, data: bytes) -> None:
    """Write `target` atomically, refusing to replace anything already there."""
    try:
        tmp = _temporary(target.parent, data)
        try:
            _place(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    except FileExistsError:
        raise
    except OSError as exc:
        raise OutputError(f"Không ghi được {readable(target.name)}: {reason(exc)}.") from exc


def _write_over(target: Path, data: bytes) -> None:
    try:
        tmp = _temporary(target.parent, data)
        try:
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"Không ghi được {readable(target.name)}: {reason(exc)}.") from exc


def _place(tmp: Path, target: Path) -> None:
    """Give `tmp` the name `target` unless that name exists (FileExistsError then)."""
    if os.name == "nt":
        os.rename(tmp, target)  # refuses an existing target on Windows
        return
    try:
        os.link(tmp, target)  # refuses an existing target
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: we hold the inbox's lock
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(tmp, target)
