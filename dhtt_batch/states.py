"""Names for states and for the helper columns every stage shares.

Row, file and unit statuses are StrEnums (their values are what manifest.json carries); their
Vietnamese labels live in one table here, and the consolidated workbook's reader maps labels
back through the same table. The per-criterion frames carry provenance in helper columns whose
names are the constants below, never string literals at the use site.
"""

from __future__ import annotations

from enum import StrEnum

from .textkey import text_key


class RowStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class FileStatus(StrEnum):
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    UNREADABLE = "unreadable"


class UnitStatus(StrEnum):
    VALID = "valid"
    NEEDS_FIXES = "needs_fixes"
    MISSING = "missing"
    LATE = "late"


LABELS: dict[StrEnum, str] = {
    RowStatus.ACCEPTED: "Đã nhận",
    RowStatus.REJECTED: "Bị loại",
    RowStatus.SUPERSEDED: "Đã được thay thế",
    FileStatus.ACCEPTED: "Đã nhận",
    FileStatus.PARTIALLY_ACCEPTED: "Nhận một phần",
    FileStatus.REJECTED: "Bị loại",
    FileStatus.SUPERSEDED: "Đã được thay thế",
    FileStatus.UNREADABLE: "Không đọc được",
    UnitStatus.VALID: "Hợp lệ",
    UnitStatus.NEEDS_FIXES: "Cần sửa",
    UnitStatus.MISSING: "Chưa nộp",
    UnitStatus.LATE: "Nộp muộn",
}


def label(state: StrEnum) -> str:
    """The Vietnamese label a user reads for a state."""
    return LABELS[state]


def unit_status_from_label(text: object) -> UnitStatus | None:
    """A unit status read back from a workbook's label (None when it is not one)."""
    wanted = text_key(text or "")
    for status in UnitStatus:
        if text_key(LABELS[status]) == wanted:
            return status
    return None


# Helper columns of the per-criterion frames (validation → merge → consolidated workbook).
SRC = "_src"  # the submission's index
ROW = "_row"  # the sheet row the record came from
STATUS = "_status"  # RowStatus after validation
UNIT = "_unit"  # roster code of the unit credited
UNIT_NAME = "_unit_name"
FILE = "_file"  # the source file's name as shown to users
SHEET = "_sheet"  # the sheet's actual name in the source file
NAME_CELL = "_name_cell"  # the cell of the name column, for duplicate reports
PROVENANCE = (UNIT, UNIT_NAME, FILE, ROW)
