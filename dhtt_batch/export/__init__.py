"""Export the proposals of a consolidated workbook in the import layout of the province's
thi đua – khen thưởng system: `mapping` (the declared table and code lists), `proposals` (rows
selected and mapped by role), `tdkt` (the layout and its writer), `run` (the command)."""

from .run import (
    DEFAULT_FORMAT,
    ExportError,
    ExportResult,
    describe_export,
    export_beside,
    export_proposals,
    load_export_mapping,
)

__all__ = [
    "DEFAULT_FORMAT",
    "ExportError",
    "ExportResult",
    "describe_export",
    "export_beside",
    "export_proposals",
    "load_export_mapping",
]
