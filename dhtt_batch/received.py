"""When each version of a unit's submission was received or made, and which one is the newest.

The evidence, best first:

1. `received` in the `<file>.meta.json` sidecar (when the office's mail server took the message;
   `collect` writes it, HCTC may edit it) — else the message's own Date;
2. the workbook's own last-saved time (document properties written by Excel, LibreOffice or WPS
   at every save; see saved_time.py);
3. the file's modification time;
4. the "Ngày lập" a person typed on the information sheet — only as a last resort.

Versions are compared by the best level that *all* of them have (the sidecar when every version
has one, …), the lower levels breaking ties. A time is shown only as precisely as it is known:
a typed date is "ngày 10/12/2025", never "00:00 ngày 10/12/2025". When the order rests on weak
evidence (file times, typed dates, a tie settled by file name) or the levels disagree, the
verdict says so, and HCTC settles it by writing `received` into the sidecars.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path

from .formats.sidecar import Sidecar

SIDECAR, SAVED, FILE_TIME, TYPED = "sidecar", "saved", "file_time", "info_sheet"
LEVELS = (SIDECAR, SAVED, FILE_TIME, TYPED)
WEAK = (FILE_TIME, TYPED)
# How each source reads in a message: "theo {label}".
LABELS = {
    SIDECAR: "thời điểm nhận thư",
    SAVED: "thời điểm lưu ghi trong tệp",
    FILE_TIME: "thời điểm ghi tệp trên máy",
    TYPED: "ngày lập ghi trong biểu mẫu",
}


@dataclass(frozen=True, order=True)
class Evidence:
    at: datetime  # aware; the start of the day when only the date is known
    exact: bool  # False: only the date is known
    source: str  # one of LEVELS

    @property
    def label(self) -> str:
        return LABELS[self.source]

    def shown(self) -> str:
        """'lúc 15:00 ngày 10/12/2025', or 'ngày 10/12/2025' when only the date is known."""
        day = f"ngày {self.at:%d/%m/%Y}"
        return f"lúc {self.at:%H:%M} {day}" if self.exact else day

    def short(self) -> str:
        """For a table cell: '10/12/2025 15:00', or '10/12/2025'."""
        return f"{self.at:%d/%m/%Y %H:%M}" if self.exact else f"{self.at:%d/%m/%Y}"

    def iso(self) -> str:
        return self.at.isoformat(timespec="seconds") if self.exact else self.at.date().isoformat()

    def after(self, deadline: datetime) -> bool:
        """Later than the deadline, as far as is known: a bare date counts as late only when
        it is a later day (the deadline's own day gets the benefit of the doubt)."""
        if self.exact:
            return self.at > deadline
        return self.at.date() > deadline.astimezone(self.at.tzinfo).date()


def gather(
    sidecar: Sidecar | None, saved: datetime | None, path: Path, typed: object, tz: tzinfo
) -> dict[str, Evidence]:
    """Every level of evidence available for one file. Naive times are the office's wall
    clock (`tz`)."""
    found: dict[str, Evidence] = {}
    stamp = _sidecar_time(sidecar)
    if stamp is not None:
        found[SIDECAR] = Evidence(_aware(stamp, tz), True, SIDECAR)
    if saved is not None:
        found[SAVED] = Evidence(_aware(saved, tz), True, SAVED)
    with contextlib.suppress(OSError):  # a file gone meanwhile simply has no file time
        mtime = path.stat().st_mtime
        found[FILE_TIME] = Evidence(datetime.fromtimestamp(mtime, tz), True, FILE_TIME)
    if isinstance(typed, datetime):
        found[TYPED] = Evidence(_aware(typed, tz), typed.time() != time(0, 0), TYPED)
    elif isinstance(typed, date):
        found[TYPED] = Evidence(datetime.combine(typed, time(0, 0), tzinfo=tz), False, TYPED)
    return found


def best(evidence: dict[str, Evidence]) -> Evidence | None:
    return next((evidence[level] for level in LEVELS if level in evidence), None)


def _sidecar_time(sidecar: Sidecar | None) -> datetime | None:
    for raw in (sidecar.received, sidecar.date) if sidecar else ():
        if isinstance(raw, str) and raw.strip():
            try:
                return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
    return None


def _aware(stamp: datetime, tz: tzinfo) -> datetime:
    """On the office's clock: naive times are taken as its wall clock, others converted."""
    return stamp.astimezone(tz) if stamp.tzinfo else stamp.replace(tzinfo=tz)


@dataclass(frozen=True)
class Verdict:
    """How the newest of several versions was chosen."""

    basis: str  # the level that told the newest from the next one, or "name" for a tie
    doubt: str = ""  # why the choice is uncertain ('' when it is not), in Vietnamese

    @property
    def uncertain(self) -> bool:
        return bool(self.doubt)


def newest(versions: Sequence[tuple[str, dict[str, Evidence]]]) -> tuple[int, Verdict]:
    """Index of the newest of `versions` (name, evidence) and how it was decided."""
    levels = [level for level in LEVELS if all(level in ev for _, ev in versions)]

    def key(index: int) -> tuple[object, ...]:
        name, ev = versions[index]
        return (*(ev[level].at for level in levels), name)

    order = sorted(range(len(versions)), key=key, reverse=True)
    winner, runner_up = order[0], order[1]
    w_ev, (r_name, r_ev) = versions[winner][1], versions[runner_up]
    basis = next((lvl for lvl in levels if w_ev[lvl].at != r_ev[lvl].at), "name")
    return winner, Verdict(basis, _doubt(basis, levels, w_ev, r_ev, r_name))


def _doubt(
    basis: str,
    levels: list[str],
    winner: dict[str, Evidence],
    runner_up: dict[str, Evidence],
    other: str,
) -> str:
    if basis == "name":
        shared = LABELS[levels[0]] if levels else "thời điểm"
        return f"các bản có cùng {shared}, nên bản được chọn theo tên tệp"
    for level in (SIDECAR, SAVED):
        if level in levels and runner_up[level].at > winner[level].at:
            return f"{LABELS[level]} lại cho thấy bản '{other}' mới hơn"
    if basis not in WEAK:
        return ""
    above = LEVELS[: LEVELS.index(basis)]
    absent = [LABELS[lvl] for lvl in above if lvl not in levels]
    equal = [LABELS[lvl] for lvl in above if lvl in levels]
    why = []
    if absent:
        why.append(f"không phải bản nào cũng có {' và '.join(absent)}")
    if equal:
        why.append(f"{' và '.join(equal)} của các bản như nhau")
    return f"chỉ căn cứ vào {LABELS[basis]} ({'; '.join(why)})"
