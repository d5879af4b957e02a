"""Findings: what is wrong (or was changed) in a submitted workbook, as data.

A finding is one kind of the catalogue (`finding_codes.py`: code, severity, title, message
template) found at a file, sheet, cell: `make_finding` fills in the kind's message. Checks
produce findings; nothing here raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from .finding_codes import ERROR, KINDS, SEVERITY_LABEL
from .xlsx.cells import CellRef

# The severities, imported by many modules with the findings they grade.
__all__ = ["ERROR", "SEVERITY_LABEL", "Finding", "make_finding", "sort_findings"]


@dataclass(frozen=True)
class Finding:
    file: str
    unit: str | None
    sheet: str | None
    cell: CellRef | None
    row: int | None
    column: str | None
    code: str
    severity: str
    message: str
    value: Any = None  # what the cell held (as read), beside the message that quotes it
    expected: Any = None  # what was expected, when the check has one

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cell"] = str(self.cell) if self.cell else None
        data["value"], data["expected"] = _jsonable(self.value), _jsonable(self.expected)
        return data

    @property
    def blocking(self) -> bool:
        return KINDS[self.code].blocking


def make_finding(
    code: str,
    file: str,
    *,
    sheet: str | None = None,
    cell: CellRef | None = None,
    row: int | None = None,
    column: str | None = None,
    unit: str | None = None,
    value: object = None,
    expected: object = None,
    detail: object = None,
    hint: str = "",
) -> Finding:
    """Build a finding from its kind's template; every placeholder is optional."""
    kind = KINDS[code]
    message = kind.template.format(
        column=column or "",
        sheet=sheet or "",
        value=_show(value, 80),
        expected=_show(expected),
        detail=_show(detail),
        hint=hint,
    )
    return Finding(
        file=file,
        unit=unit,
        sheet=sheet,
        cell=cell,
        row=row,
        column=column,
        code=code,
        severity=kind.severity,
        message=" ".join(message.split()),
        value=value,
        expected=None if expected == "" else expected,
    )


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _show(value: object, limit: int = 400) -> str:
    """Values as the clerk would read them; long cell contents are shortened in messages."""
    if value is None:
        return ""
    text = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """File, then sheet-level before cell-level, then row and column order (stable output)."""

    def key(f: Finding) -> tuple[Any, ...]:
        return (f.file, f.sheet or "", f.row or 0, f.cell.col if f.cell else 0, f.code)

    return sorted(findings, key=key)
