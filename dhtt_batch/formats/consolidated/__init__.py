"""The consolidated workbook forwarded upward: its layout (layout.py), its writer (writer.py)
and its reader (reader.py), kept together so the two sides cannot drift apart.

Sheets: summary, one per criterion (accepted rows with provenance), submission status,
findings, likely duplicates, and a hidden metadata sheet. `report` (and anything else that
works from a forwarded or archived workbook) reads it back with `read_consolidated`.
"""

from .layout import (
    DUPLICATES_SHEET,
    ERRORS_SHEET,
    HEADER_ROW,
    LATE_MARK,
    PROVENANCE_HEADERS,
    STATUS_SHEET,
    SUMMARY_SHEET,
    ConsolidatedError,
    StatusColumn,
    contact_columns,
    kinds,
)
from .reader import ConsolidatedData, UnitState, read_consolidated
from .writer import consolidated_name, write_consolidated

__all__ = [
    "ConsolidatedData",
    "ConsolidatedError",
    "DUPLICATES_SHEET",
    "ERRORS_SHEET",
    "HEADER_ROW",
    "LATE_MARK",
    "PROVENANCE_HEADERS",
    "STATUS_SHEET",
    "SUMMARY_SHEET",
    "StatusColumn",
    "UnitState",
    "consolidated_name",
    "contact_columns",
    "kinds",
    "read_consolidated",
    "write_consolidated",
]
