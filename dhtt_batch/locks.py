"""Locks on the folders two commands may write or read at once (filelock: Windows as well).

- OUTDIR: one merge at a time writes a set of outputs (merge_outputs).
- The inbox: one `collect` at a time writes into it, and a merge does not read it while a
  `collect` is writing (it waits a little, then refuses).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from .atomic import OutputError
from .naming import readable

INBOX_LOCK = ".dhtt-batch-inbox.lock"
COLLECT_WAIT_SECONDS = 5.0
MERGE_WAIT_SECONDS = 15.0


class Busy(OutputError):
    """Another run holds the lock (exit 3: nothing was written)."""


@contextlib.contextmanager
def inbox_lock(inbox: Path, timeout: float, message: str) -> Iterator[None]:
    """Hold the inbox's lock; `message` (Vietnamese) when another run keeps it past `timeout`.

    An inbox the user cannot write to (a read-only share) cannot be collected into either:
    it is read without a lock.
    """
    lock = FileLock(str(inbox / INBOX_LOCK), timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise Busy(message.format(inbox=readable(str(inbox)))) from exc
    except OSError:
        yield
        return
    try:
        yield
    finally:
        lock.release()
