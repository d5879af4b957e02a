"""The unit template's contract: sheet names, where things sit, and its hidden metadata sheet.

`template.py` writes templates by these names and positions; the reader never relies on the
positions (units insert rows and move columns) but on the names, the spec's headers and the
metadata read back here. Both sides of the `_meta` sheet live in this module.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..spec import ColumnSpec, Role, SheetSpec

TEMPLATE_ID = "dhtt-batch"
META_SHEET = "_meta"
LISTS_SHEET = "_DanhMuc"
INSTRUCTIONS_SHEET = "Hướng dẫn"

HEADER_ROW = 5  # header row of a criterion sheet in a fresh template
NUMBER_ROW = HEADER_ROW + 1  # the "(1) (2) (3)" column-number row
EXAMPLE_ROW = HEADER_ROW + 2
FIRST_DATA_ROW = HEADER_ROW + 3
PREPARED_ROWS = 1000  # rows pre-formatted with validations; more may be inserted or typed
FORM_FIRST_ROW = 3  # first field row of the unit-information sheet

EXAMPLE_MARKER = "Ví dụ"  # written on the example row; any of the markers below is recognised
EXAMPLE_MARKERS = ("ví dụ", "vd", "mẫu")
REQUIRED_MARK = " (*)"
META_SCAN_ROWS = 50


def example_marker_column(spec: SheetSpec) -> ColumnSpec:
    """The column whose cell on the example row says "Ví dụ": the row number's, else the first."""
    return spec.by_role(Role.ROW_NUMBER) or spec.columns[0]


@dataclass(frozen=True)
class TemplateMeta:
    """What a template says about itself (column A key, column B value on `_meta`)."""

    template_id: str = ""
    spec_version: str = ""
    spec_hash: str = ""
    campaign_id: str = ""
    period_id: str = ""
    period_label: str = ""
    unit_code: str = ""  # whose blank it was: set in per-unit templates only
    tool_version: str = ""

    @property
    def is_template(self) -> bool:
        return self.template_id == TEMPLATE_ID

    def rows(self) -> list[list[str]]:
        """The `_meta` sheet's rows, in a stable order."""
        return [[key, str(value)] for key, value in self.__dict__.items()]


def parse_meta(rows: Sequence[Sequence[Any]]) -> TemplateMeta:
    """Read the `_meta` sheet back; unknown keys (a newer template) are ignored."""
    known = set(TemplateMeta.__dataclass_fields__)
    values: dict[str, str] = {}
    for row in rows[:META_SCAN_ROWS]:
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip() in known:
            value = row[1]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text = "" if value is None else str(value).strip()
            values[row[0].strip()] = unicodedata.normalize("NFC", text)
    return TemplateMeta(**values)
