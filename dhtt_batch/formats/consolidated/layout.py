"""The consolidated workbook's layout: sheet names, header row, the status sheet's columns, the
late mark, and what both the writer and the reader derive from the spec."""

from __future__ import annotations

from ...spec import ColumnSpec, Role, SheetSpec, SpecSet

SUMMARY_SHEET = "Tổng hợp"
STATUS_SHEET = "Tình hình nộp"
ERRORS_SHEET = "Lỗi"
DUPLICATES_SHEET = "Trùng lặp"
HEADER_ROW = 2  # the header row of every table sheet (title above it)
PROVENANCE_HEADERS = ("Mã đơn vị", "Đơn vị", "Tệp nguồn", "Dòng nguồn")
LATE_MARK = "Có"


class StatusColumn:
    """Header texts of the submission-status sheet (written and read by these names)."""

    NUMBER, CODE, NAME, STATUS = "STT", "Mã", "Đơn vị", "Tình trạng"
    FILE, RECEIVED, LATE = "Tệp được tổng hợp", "Thời điểm nhận", "Nộp muộn"
    ACCEPTED, REJECTED, OTHERS = "Số dòng nhận", "Số dòng loại", "Các tệp khác"
    ALL = (NUMBER, CODE, NAME, STATUS, FILE, RECEIVED, LATE, ACCEPTED, REJECTED, OTHERS)


class ConsolidatedError(Exception):
    """The workbook is not a consolidated workbook, or no longer reads as one (Vietnamese)."""


def kinds(spec: SheetSpec) -> tuple[str, str]:
    """The choices naming a collective and an individual, in that order."""
    column = spec.role(Role.KIND)
    return column.value("collective"), column.value("individual")


def contact_columns(specs: SpecSet) -> list[ColumnSpec]:
    """The information-sheet fields the status sheet repeats: who to call about the file."""
    found = (specs.info.by_role(role) for role in (Role.CONTACT_NAME, Role.CONTACT_PHONE))
    return [column for column in found if column is not None]
