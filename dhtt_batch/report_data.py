"""Read a consolidated workbook back: metadata, roster status and accepted rows.

The report is made from the workbook alone, so a workbook that was forwarded or archived can be
reported on again. It is read with the same safe reader as the units' files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layout import (
    CONSOLIDATED_HEADER_ROW,
    META_SHEET,
    PROVENANCE_HEADERS,
    STATUS_SHEET,
)
from .locate import header_key
from .reader import RawSheet, ReadFailure, read_workbook
from .spec import SheetSpec, SpecSet

CONSOLIDATED_KIND = "dhtt-batch-consolidated"


class ReportError(Exception):
    """The report cannot be made as asked; the message is Vietnamese."""


@dataclass
class UnitStatus:
    code: str
    name: str
    status: str  # the Vietnamese label as written in the workbook
    late: bool
    accepted: int


@dataclass
class ConsolidatedData:
    meta: dict[str, str]
    units: list[UnitStatus]
    rows: dict[str, list[dict[str, Any]]]  # criterion sheet → records keyed by spec key
    inputs: int = 0
    notes: list[str] = field(default_factory=list)


def read_consolidated(path: Path, specs: SpecSet) -> ConsolidatedData:
    workbook, failures = read_workbook(path, path.name)
    if workbook is None:
        raise ReportError(f"Không đọc được {path.name}: {failures[0].message}")
    try:
        if META_SHEET not in workbook.sheet_names:
            raise ReportError(f"{path.name} không phải bảng tổng hợp do dhtt-batch merge tạo ra "
                              "(thiếu sheet thông tin ẩn).")
        meta_sheet = workbook.sheet(META_SHEET)
        meta = {str(r[0]): _text(r[1]) for r in meta_sheet.rows if len(r) > 1 and r[0]}
        if meta.get("kind") != CONSOLIDATED_KIND:
            raise ReportError(f"{path.name} không phải bảng tổng hợp do dhtt-batch merge tạo ra.")
        inputs = sum(1 for r in meta_sheet.rows if r and r[0] == "input")
        units = _units(workbook.sheet(STATUS_SHEET)) if STATUS_SHEET in workbook.sheet_names \
            else []
        rows = {spec.name: _records(workbook.sheet(spec.name), spec)
                for spec in specs.criteria if spec.name in workbook.sheet_names}
    except ReadFailure as exc:
        raise ReportError(f"Không đọc được {path.name}: {exc.detail}") from exc
    return ConsolidatedData(meta, units, rows, inputs)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _table(sheet: RawSheet) -> list[dict[str, Any]]:
    """Rows under the header row, as {header_key: value}."""
    if len(sheet.rows) < CONSOLIDATED_HEADER_ROW:
        return []
    headers = [header_key(h) for h in sheet.rows[CONSOLIDATED_HEADER_ROW - 1]]
    records = []
    for row in sheet.rows[CONSOLIDATED_HEADER_ROW:]:
        if not any(v not in ("", None) for v in row):
            continue
        records.append({h: (None if v == "" else v) for h, v in zip(headers, row, strict=False)})
    return records


def _units(sheet: RawSheet) -> list[UnitStatus]:
    units = []
    for r in _table(sheet):
        if not r.get(header_key("Mã")):
            continue
        units.append(UnitStatus(
            code=_text(r.get(header_key("Mã"))), name=_text(r.get(header_key("Đơn vị"))),
            status=_text(r.get(header_key("Tình trạng"))),
            late=_text(r.get(header_key("Nộp muộn"))) == "Có",
            accepted=int(r.get(header_key("Số dòng nhận")) or 0)))
    return units


def _records(sheet: RawSheet, spec: SheetSpec) -> list[dict[str, Any]]:
    by_header = {header_key(c.header): c.key for c in spec.columns if c.key != "stt"}
    provenance = dict(zip((header_key(h) for h in PROVENANCE_HEADERS),
                          ("_unit", "_unit_name", "_file", "_row"), strict=True))
    records = []
    for raw in _table(sheet):
        record: dict[str, Any] = {}
        for header, value in raw.items():
            key = by_header.get(header) or provenance.get(header)
            if key:
                record[key] = value
        if record.get("ho_ten"):
            records.append(record)
    return records
