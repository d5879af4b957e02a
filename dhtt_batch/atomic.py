"""Atomic output: write to a temporary file in the target folder, flush, then rename into place.

A merge killed half-way leaves the previous outputs intact; a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .naming import readable

if TYPE_CHECKING:
    from openpyxl import Workbook


class OutputError(Exception):
    """An output could not be written (locked by Excel, disk full, no permission)."""


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared like any saved file
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        _replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _replace(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except PermissionError as exc:
        raise OutputError(
            f"Không ghi được {target.name}: tệp đang mở (ví dụ trong Excel) hoặc không có quyền "
            "ghi. Hãy đóng tệp rồi chạy lại."
        ) from exc


def atomic_write(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    try:
        with atomic_path(target) as tmp, open(tmp, "wb") as handle:
            write(handle)
    except OSError as exc:
        raise OutputError(f"Không ghi được {readable(target.name)}: {reason(exc)}.") from exc


_REASONS = {
    errno.ENOSPC: "hết chỗ trên đĩa",
    errno.EFBIG: "tệp vượt kích thước cho phép trên ổ đĩa này",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "vượt hạn mức dung lượng"


def reason(exc: OSError) -> str:
    """Why writing failed, in Vietnamese where the cause is a common one."""
    return _REASONS.get(exc.errno or 0) or str(exc.strerror or exc)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    atomic_write(target, lambda handle: handle.write(data))


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def atomic_save_workbook(wb: Workbook, target: Path) -> None:
    atomic_write(target, wb.save)
