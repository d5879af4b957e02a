"""A clerk typing in LibreOffice, for tests: open a workbook, type, paste, insert rows, save.

Each session starts its own headless LibreOffice (own profile, free loopback port, own process
group), drives it through `lo_clerk_driver.py` under the system python3 (where `import uno`
works; see ../shared/lo-typist/README.md), and always kills it at the end. The workbook is
copied into the session's own folder first, so LibreOffice's lock files never touch the
caller's. A session costs a few seconds: tests put all their steps into as few as they can.

    clerk = Clerk().type("a_HCM", "D9", "Nam").insert_row_above("a_HCM", "A8")
    seen = clerk.run(source, save_as=tmp_path / "sua.xlsx")
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYSTEM_PYTHON = "/usr/bin/python3"
DRIVER = Path(__file__).resolve().parent / "lo_clerk_driver.py"
TYPIST = Path(__file__).resolve().parent.parent.parent / "shared" / "lo-typist" / "typist.py"
FILTERS = {
    ".xlsx": "Calc MS Excel 2007 XML",
    ".xlsm": "Calc MS Excel 2007 VBA XML",
    ".ods": "calc8",
    ".xls": "MS Excel 97",
}
CLERK_TZ = "Asia/Ho_Chi_Minh"
SESSION_TIMEOUT = 180.0  # seconds for one whole session (start, steps, save)


class ClerkError(AssertionError):
    """LibreOffice could not do what the clerk asked; the message says what and why."""


def available() -> str:
    """Why a clerk session cannot run here ('' when it can)."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return "LibreOffice (soffice) is not installed"
    if not TYPIST.is_file():
        return f"lo-typist is missing ({TYPIST})"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=60, check=False
    )
    return "" if probe.returncode == 0 else "the system python3 has no 'uno' (python3-uno)"


@dataclass(frozen=True)
class CellSeen:
    sheet: str
    cell: str
    string: str
    locked: bool
    protected: bool
    validation: str  # LibreOffice's ValidationType: ANY, LIST, WHOLE, DATE, TEXT_LEN, …
    validation_formula: str
    italic: bool
    back_color: int  # -1: no fill

    @property
    def editable(self) -> bool:
        return not (self.locked and self.protected)


@dataclass
class Clerk:
    steps: list[list[str]] = field(default_factory=list)

    def type(self, sheet: str, cell: str, text: object) -> Clerk:
        """Select the cell and type, as at the keyboard (LibreOffice recognises dates)."""
        self.steps.append(["type", sheet, cell, str(text)])
        return self

    def paste(self, sheet: str, cell: str, text: object) -> Clerk:
        """Land text as a paste from another program would (no recognition, no validation)."""
        self.steps.append(["paste", sheet, cell, str(text)])
        return self

    def insert_row_above(self, sheet: str, cell: str) -> Clerk:
        self.steps.append(["insert_row_above", sheet, cell])
        return self

    def inspect(self, sheet: str, cell: str) -> Clerk:
        """Record how the cell is now (text, protection, validation, look)."""
        self.steps.append(["inspect", sheet, cell])
        return self

    def run(
        self, source: Path, save_as: Path | None = None, allow_refusals: bool = False
    ) -> list[CellSeen]:
        """Do the steps in one LibreOffice session, then save the workbook as `save_as`
        (.xlsx, .xlsm, .ods or .xls, by suffix). Raise ClerkError when a step was refused
        (unless `allow_refusals`: then the refused steps are simply not done).

        One save per session: LibreOffice 7.4 aborts on a second store of the same document.
        To have the same typing saved in two formats, run the same Clerk twice."""
        with tempfile.TemporaryDirectory(prefix="lo-clerk-") as tmp:
            work = Path(tmp)
            private = work / "doc" / source.name
            private.parent.mkdir()
            shutil.copyfile(source, private)
            saved = work / "doc" / f"saved{save_as.suffix}" if save_as else None
            script = {
                "source": str(private),
                "save": [[str(saved), FILTERS[saved.suffix.lower()]]] if saved else [],
                "steps": self.steps,
            }
            (work / "script.json").write_text(json.dumps(script, ensure_ascii=False), "utf-8")
            report = _session(work, work / "script.json")
            if report["refused"] and not allow_refusals:
                raise ClerkError(_refusal_message(source, report["refused"]))
            if saved and save_as:
                if not saved.is_file():
                    raise ClerkError(f"LibreOffice did not save {source.name} as {save_as.name}")
                save_as.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(saved, save_as)
        return [CellSeen(**seen) for seen in report["seen"]]


def _refusal_message(source: Path, refused: list[dict[str, Any]]) -> str:
    lines = [f"LibreOffice refused the clerk in {source.name}:"]
    for item in refused:
        if item["step"] in ("type", "paste"):
            lines.append(
                f"  typing {item['text']!r} at {item['sheet']}!{item['cell']}: the cell is "
                "locked on a protected sheet"
            )
        else:
            lines.append(
                f"  inserting a row above {item['sheet']}!{item['cell']}: the sheet's "
                "protection did not allow it"
            )
    return "\n".join(lines)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _session(work: Path, script: Path) -> dict[str, Any]:
    port = _free_port()
    profile = work / "profile"
    office = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
    # A clerk's machine in Việt Nam: Vietnamese input recognition, the office's time zone
    # (LibreOffice writes its local time into the document properties it saves).
    env = {**os.environ, "LC_ALL": "vi_VN.UTF-8", "LANG": "vi_VN.UTF-8", "TZ": CLERK_TZ}
    log = (work / "soffice.log").open("wb")
    server = subprocess.Popen(
        [
            office,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own process group: oosplash and soffice.bin end together
    )
    started = time.monotonic()
    try:
        driver = subprocess.run(
            [SYSTEM_PYTHON, str(DRIVER), str(port), str(script)],
            capture_output=True,
            text=True,
            timeout=SESSION_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ClerkError(
            f"LibreOffice session did not finish within {SESSION_TIMEOUT:.0f} s"
        ) from exc
    finally:
        _stop(server)
        log.close()
    if driver.returncode != 0:
        office_log = (work / "soffice.log").read_text(errors="replace")[-2000:]
        raise ClerkError(
            f"LibreOffice session failed after {time.monotonic() - started:.0f} s "
            f"(exit {driver.returncode}):\n{driver.stderr[-3000:]}\nsoffice log:\n{office_log}"
        )
    result: dict[str, Any] = json.loads(driver.stdout.strip().splitlines()[-1])
    return result


def _stop(server: subprocess.Popen[bytes]) -> None:
    """End the server's own process group (by its id) and reap it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)  # the group is gone once every member has ended
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
