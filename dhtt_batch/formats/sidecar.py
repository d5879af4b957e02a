"""`<file>.meta.json`: the e-mail provenance `collect` writes beside each attachment.

`merge` reads it to know who sent a file and when it was received; HCTC may edit it by hand
(`received`, `unit`) to settle a case the evidence cannot. Both sides live here.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..inputs import InputError, read_regular
from ..naming import readable

SIDECAR_SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 256 * 1024  # a real sidecar is ~1 KB; anything this large is not one


@dataclass(frozen=True)
class Sidecar:
    """The fields a sidecar may hold; all optional (a hand-written one may have only some)."""

    sender: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = ""
    date: str | None = None  # the message's Date header (ISO 8601, with offset)
    received: str | None = None  # when the office's server received it (ISO 8601, with offset)
    message_id: str | None = None
    original_name: str = ""
    sha256: str = ""
    source: str = ""
    unit: str = ""  # set by HCTC to override whose file it is
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know

    def to_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k != "extra"}
        data["recipients"] = list(self.recipients)
        return json.dumps({**data, **self.extra}, ensure_ascii=False, indent=2) + "\n"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def write_sidecar(path: Path, sidecar: Sidecar) -> Path:
    target = sidecar_path(path)
    atomic_write_text(target, sidecar.to_json())
    return target


def read_sidecar(path: Path) -> tuple[Sidecar | None, str | None]:
    """The sidecar beside `path` (None when there is none or it is unusable), and what is
    wrong with it when there is one that cannot be used (Vietnamese, for a finding).

    Only a regular file of bounded size is read, never through a link: a FIFO or a link to a
    device is never opened for reading (it could block or never end).
    """
    target = sidecar_path(path)
    name = readable(target.name)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"{name}: không đọc được ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        return None, f"{name} là liên kết, không phải tệp thường"
    if not stat.S_ISREG(info.st_mode):
        return None, f"{name} không phải tệp thường"
    if info.st_size > MAX_SIDECAR_BYTES:
        return None, f"{name} quá lớn ({info.st_size // 1024} KB)"
    try:
        raw = read_regular(target, MAX_SIDECAR_BYTES)
        data = json.loads(raw.decode("utf-8"))
    except InputError as exc:
        return None, f"{name} {exc}"
    except OSError as exc:
        return None, f"{name}: không đọc được ({exc.strerror or exc})"
    except ValueError:
        return None, f"{name} không phải JSON hợp lệ (UTF-8)"
    if not isinstance(data, dict):
        return None, f"{name} không phải một đối tượng JSON"
    return _from_dict(data)


def _from_dict(data: dict[str, Any]) -> tuple[Sidecar, str | None]:
    known = set(Sidecar.__dataclass_fields__) - {"extra"}
    wrong = sorted(
        k for k in (*known, "from") if data.get(k) is not None and not _typed(k, data[k])
    )

    def text(key: str) -> str:
        value = data.get(key)
        return readable(value.strip()) if isinstance(value, str) else ""

    recipients = data.get("recipients")
    sidecar = Sidecar(
        sender=text("sender") or text("from"),
        recipients=tuple(readable(r) for r in recipients if isinstance(r, str))
        if isinstance(recipients, list)
        else (),
        subject=text("subject"),
        date=text("date") or None,
        received=text("received") or None,
        message_id=text("message_id") or None,
        original_name=text("original_name"),
        sha256=text("sha256"),
        source=text("source"),
        unit=text("unit"),
        extra={k: v for k, v in data.items() if k not in known and k != "from"},
    )
    problem = f"có trường sai kiểu ({', '.join(wrong)}), đã bỏ qua" if wrong else None
    return sidecar, problem


def _typed(key: str, value: object) -> bool:
    if key == "recipients":
        return isinstance(value, list) and all(isinstance(r, str) for r in value)
    return isinstance(value, str)
