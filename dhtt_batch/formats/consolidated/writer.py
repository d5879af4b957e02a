"""Writing the consolidated workbook: summary, one sheet per criterion (accepted rows with
provenance), submission status, findings, likely duplicates, and the hidden metadata sheet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ... import __version__
from ...atomic import atomic_write
from ...findings import SEVERITY_LABEL
from ...merge import MergeResult
from ...spec import ColumnSpec, Role, SheetSpec
from ...states import PROVENANCE, UNIT, UnitStatus, label
from ...xlsx.parts import BarChart
from ...xlsx.printing import minimum_width
from ...xlsx.stream import Cell, Layout, Workbook
from ...xlsx.table import (
    BOLD_STYLE,
    DATE_CELL,
    DATE_STYLE,
    NUMBER_CELL,
    TABLE_STYLES,
    TEXT_CELL,
    TOTAL_CELL,
    TOTAL_NUMBER,
    Column,
    add_table,
    number_column,
    table_widths,
)
from ..marks import CONSOLIDATED_KIND
from ..template_layout import META_SHEET
from .layout import (
    DUPLICATES_SHEET,
    ERRORS_SHEET,
    HEADER_ROW,
    LATE_MARK,
    PROVENANCE_HEADERS,
    STATUS_SHEET,
    SUMMARY_SHEET,
    StatusColumn,
    contact_columns,
    kinds,
)

_TYPE_STYLE = {"year": NUMBER_CELL, "integer": NUMBER_CELL, "date": DATE_CELL}


def _spec_column(col: ColumnSpec) -> Column:
    minimum = minimum_width(col.type, col.choices, col.role == Role.NAME)
    return Column(col.header, col.width, minimum, _TYPE_STYLE.get(col.type, TEXT_CELL))


def consolidated_name(result: MergeResult) -> str:
    return f"tong-hop-{result.campaign.period.id}.xlsx"


def write_consolidated(result: MergeResult, target: Path) -> Path:
    # Streamed: rows go to disk as they are produced, so a province's workbook never holds a
    # million cells in memory (see xlsxstream for why not openpyxl).
    wb = Workbook(TABLE_STYLES, date_style=DATE_STYLE)
    _summary(wb, result)
    for spec in result.specs.criteria:
        _criterion_sheet(wb, spec, result)
    _status_sheet(wb, result)
    _errors_sheet(wb, result)
    _duplicates_sheet(wb, result)
    _meta_sheet(wb, result)
    atomic_write(target, wb.save)
    return target


def _table(
    wb: Workbook,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[list[Any]],
    count: int,
    chart: BarChart | None = None,
    extra: Iterable[list[Any]] = (),
) -> None:
    add_table(wb, name, title, columns, rows, count, HEADER_ROW, chart, extra)


def _criterion_sheet(wb: Workbook, spec: SheetSpec, result: MergeResult) -> None:
    columns = spec.data_columns
    frame = result.rows[spec.name]
    keys = [c.key for c in columns] + list(PROVENANCE)
    records = frame[keys].to_numpy(dtype=object).tolist()  # plain Python values, fast
    rows = ([number, *record] for number, record in enumerate(records, start=1))
    code, unit, source, row = PROVENANCE_HEADERS
    _table(
        wb,
        spec.name,
        f"{spec.title} - {result.campaign.period.label.upper()}",
        [
            number_column("STT"),
            *(_spec_column(c) for c in columns),
            Column(code, 9, 7),
            Column(unit, 24, 12),
            Column(source, 24, 12),
            number_column(row, 8),
        ],
        rows,
        len(frame),
    )


def _summary(wb: Workbook, result: MergeResult) -> None:
    criteria = result.specs.criteria
    counts = _counts(result)
    rows: list[list[Any]] = []
    numbers: list[list[int]] = []
    for number, unit in enumerate(result.units, start=1):
        values = [counts.get((unit.unit.code, s.name, k), 0) for s in criteria for k in kinds(s)]
        numbers.append([*values, sum(values)])
        rows.append([number, unit.unit.name, label(unit.status), *numbers[-1]])
    totals_row = HEADER_ROW + len(rows) + 1
    total = [
        Cell("", TOTAL_CELL),
        Cell("Tổng cộng", TOTAL_CELL),
        Cell("", TOTAL_CELL),
        *(Cell(sum(column), TOTAL_NUMBER) for column in zip(*numbers, strict=True)),
    ]
    status: list[list[Any]] = [[], ["", Cell("Tình hình nộp biểu mẫu", BOLD_STYLE)]]
    status += [
        [
            "",
            Cell(label(code), TEXT_CELL),
            Cell(sum(1 for u in result.units if u.status == code), NUMBER_CELL),
        ]
        for code in UnitStatus
    ]
    status.append(["", Cell("Tổng số đơn vị", TOTAL_CELL), Cell(len(result.units), TOTAL_NUMBER)])
    columns = [
        number_column("STT"),
        Column("Đơn vị", 34, 18),
        Column("Tình trạng", 12, 9),
        *(Column(f"{s.name} - {k}", 10, 8, NUMBER_CELL) for s in criteria for k in kinds(s)),
        number_column("Tổng", 8),
    ]
    # A native bar chart of the totals row (one bar per criterion and kind), beside the
    # submission counts and within the printed width.
    _, widths = table_widths(columns)
    chart = BarChart(
        "Số điển hình đăng ký theo tiêu chí",
        "Số lượng",
        value_row=totals_row,
        label_row=HEADER_ROW,
        first_col=4,
        last_col=len(columns) - 1,
        anchor_col=4,
        anchor_row=totals_row + 2,
        width_cm=min(18.0, sum(7 * w + 5 for w in widths[3:]) / 96 * 2.54),
        height_cm=7.5,
    )
    _table(
        wb,
        SUMMARY_SHEET,
        f"TỔNG HỢP ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {result.campaign.period.label.upper()}",
        columns,
        [*rows, total],
        len(rows) + 1,
        chart,
        extra=status,
    )


def _counts(result: MergeResult) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for spec in result.specs.criteria:
        frame = result.rows[spec.name]
        for unit, kind in zip(frame[UNIT], frame[spec.key(Role.KIND)], strict=True):
            counts[(unit, spec.name, kind)] = counts.get((unit, spec.name, kind), 0) + 1
    return counts


def _status_sheet(wb: Workbook, result: MergeResult) -> None:
    contacts = contact_columns(result.specs)
    c = StatusColumn
    rows = []
    for number, unit in enumerate(result.units, start=1):
        chosen = unit.counted
        others = "; ".join(
            f"{o.sub.id.relative} ({label(o.status) if o.status else ''})"
            for o in unit.files
            if o is not chosen
        )
        rows.append(
            [
                number,
                unit.unit.code,
                unit.unit.name,
                label(unit.status),
                *((chosen.info.get(col.key) if chosen else None) for col in contacts),
                chosen.sub.id.relative if chosen else None,
                chosen.received.short() if chosen and chosen.received else None,
                LATE_MARK if unit.late else "",
                chosen.rows_accepted if chosen else 0,
                chosen.rows_rejected if chosen else 0,
                others or None,
            ]
        )
    _table(
        wb,
        STATUS_SHEET,
        "TÌNH HÌNH NỘP BIỂU MẪU CỦA CÁC ĐƠN VỊ",
        [
            number_column(c.NUMBER),
            Column(c.CODE, 9, 7),
            Column(c.NAME, 30, 16),
            Column(c.STATUS, 11, 9),
            *(Column(col.header, 14 if col.type == "phone" else 20, 12) for col in contacts),
            Column(c.FILE, 26, 14),
            Column(c.RECEIVED, 16, 11),
            Column(c.LATE, 8, 6, NUMBER_CELL),
            number_column(c.ACCEPTED, 8),
            number_column(c.REJECTED, 8),
            Column(c.OTHERS, 36, 14),
        ],
        rows,
        len(rows),
    )


def _errors_sheet(wb: Workbook, result: MergeResult) -> None:
    findings = result.findings
    relative = {o.sub.display: o.sub.id.relative for o in result.files}
    rows = (
        [
            n,
            relative.get(f.file, f.file),
            f.unit,
            f.sheet,
            str(f.cell) if f.cell else None,
            f.column,
            f.code,
            SEVERITY_LABEL[f.severity],
            f.message,
        ]
        for n, f in enumerate(findings, start=1)
    )
    _table(
        wb,
        ERRORS_SHEET,
        "CÁC LỖI VÀ CẢNH BÁO",
        [
            number_column("STT"),
            Column("Tệp", 24, 14),
            Column("Mã đơn vị", 9, 7),
            Column("Sheet", 12, 9),
            Column("Ô", 6, 5, NUMBER_CELL),
            Column("Cột", 20, 12),
            Column("Mã lỗi", 16, 12),
            Column("Mức độ", 9, 8),
            Column("Nội dung", 70, 30),
        ],
        rows,
        len(findings),
    )


def _duplicates_sheet(wb: Workbook, result: MergeResult) -> None:
    rows = [
        [
            n,
            d.sheet_name,
            d.name,
            d.birth_year,
            d.first.unit_name,
            d.first.file,
            d.first.row,
            d.second.unit_name,
            d.second.file,
            d.second.row,
        ]
        for n, d in enumerate(result.duplicates, start=1)
    ]
    _table(
        wb,
        DUPLICATES_SHEET,
        "CÓ THỂ ĐĂNG KÝ TRÙNG (CẦN KIỂM TRA)",
        [
            number_column("STT"),
            Column("Tiêu chí", 10, 8),
            Column("Họ và tên / Tên tập thể", 26, 16),
            number_column("Năm sinh", 8),
            Column("Đơn vị (lần 1)", 24, 12),
            Column("Tệp (lần 1)", 22, 12),
            number_column("Dòng (lần 1)", 8),
            Column("Đơn vị (lần 2)", 24, 12),
            Column("Tệp (lần 2)", 22, 12),
            number_column("Dòng (lần 2)", 8),
        ],
        rows,
        len(rows),
    )


def _meta_sheet(wb: Workbook, result: MergeResult) -> None:
    campaign = result.campaign
    values: list[list[Any]] = [
        ["kind", CONSOLIDATED_KIND],
        ["campaign_id", campaign.id],
        ["agency", campaign.agency.name],
        ["period_id", campaign.period.id],
        ["period_label", campaign.period.label],
        ["period_kind", campaign.period.kind],
        ["period_year", campaign.period.year],
        ["generated_at", result.generated_at.isoformat(timespec="seconds")],
        ["tool_version", __version__],
        ["spec_version", result.specs.version],
        ["spec_hash", result.specs.hash],
        ["strict", str(result.strict)],
    ]
    values += [["input", o.sub.display, o.sub.sha256 or "", o.status] for o in result.files]
    wb.add_sheet(META_SHEET, values, Layout(widths=[20, 40], hidden=True))
