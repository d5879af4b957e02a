"""Reading an untrusted input file: a regular file only, bounded in size.

`open()` on a FIFO blocks until a writer appears, and a link to /dev/zero never ends; so the
file is opened without blocking, checked to be a regular file on the open descriptor (no race
between a check and the open), and read up to a limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class InputError(Exception):
    """Not a regular file, or larger than allowed; the message completes a Vietnamese
    sentence about the file ("không phải tệp thường", "quá lớn (…)")."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes.

    Raises InputError (what is wrong) or OSError (it could not be opened or read).
    """
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("không phải tệp thường")
        if info.st_size > limit:
            raise InputError(f"quá lớn ({_size(info.st_size)}, giới hạn {_size(limit)})")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1024**2, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise InputError(f"quá lớn (hơn {_size(limit)})")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _size(count: int) -> str:
    return f"{count // 1024**2} MB" if count >= 1024**2 else f"{max(count // 1024, 1)} KB"
