"""The consolidated workbook forwarded upward: summary, one sheet per criterion, submission
status, findings, likely duplicates, and a hidden metadata sheet that `report` reads back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_write
from ..layout import (
    CONSOLIDATED_HEADER_ROW,
    DUPLICATES_SHEET,
    ERRORS_SHEET,
    META_SHEET,
    PROVENANCE_HEADERS,
    STATUS_SHEET,
    SUMMARY_SHEET,
)
from ..merge import FILE_STATUS_LABELS, UNIT_STATUS_LABELS, MergeResult
from ..spec import SheetSpec
from ..xlsxparts import BORDER_RGB, HEADER_RGB, BarChart, Style
from ..xlsxstream import Cell, Layout, Workbook
from .feedback_parts import SEVERITY_LABEL

KINDS = ("Tập thể", "Cá nhân")
WRAP_WIDTH = 24
HEADER_HEIGHT = 45  # points: three lines of wrapped header text
DATE_STYLE, WRAP_STYLE = "date", "wrap"
TITLE_STYLE, HEADER_STYLE, BOLD_STYLE = "title", "header", "bold"
STYLES = {
    DATE_STYLE: Style(number_format="DD/MM/YYYY", vertical="top"),
    WRAP_STYLE: Style(wrap=True, vertical="top"),
    TITLE_STYLE: Style(bold=True, size=13),
    HEADER_STYLE: Style(bold=True, font="Times New Roman", fill=HEADER_RGB, border=BORDER_RGB,
                        wrap=True, horizontal="center", vertical="center"),
    BOLD_STYLE: Style(bold=True),
}


def consolidated_name(result: MergeResult) -> str:
    return f"tong-hop-{result.campaign.period.id}.xlsx"


def write_consolidated(result: MergeResult, target: Path) -> Path:
    # Streamed: rows go to disk as they are produced, so a province's workbook never holds a
    # million cells in memory (see xlsxstream for why not openpyxl).
    wb = Workbook(STYLES, date_style=DATE_STYLE)
    _summary(wb, result)
    for spec in result.specs.criteria:
        _criterion_sheet(wb, spec, result)
    _status_sheet(wb, result)
    _errors_sheet(wb, result)
    _duplicates_sheet(wb, result)
    _meta_sheet(wb, result)
    atomic_write(target, wb.save)
    return target


def _table(wb: Workbook, name: str, title: str, headers: list[str], rows: Iterable[list[Any]],
           widths: Sequence[float], count: int, chart: BarChart | None = None) -> None:
    """Title in row 1, header at CONSOLIDATED_HEADER_ROW (frozen, filtered), A4 landscape.

    Data cells carry no borders (printed gridlines stand in for them); only dates and long
    texts in wide columns get a style.
    """
    top = CONSOLIDATED_HEADER_ROW
    wide = [col for col, width in enumerate(widths) if width >= WRAP_WIDTH]

    def lines() -> Iterator[list[Any]]:
        yield [Cell(title, TITLE_STYLE)]
        yield from ([] for _ in range(top - 2))
        yield [Cell(h, HEADER_STYLE) for h in headers]
        for values in rows:
            for col in wide:
                value = values[col] if col < len(values) else None
                if type(value) is str and len(value) > widths[col]:
                    values[col] = Cell(value, WRAP_STYLE)
            yield values

    wb.add_sheet(name, lines(), Layout(widths, header_row=top, last_row=top + count,
                                       columns=len(headers), gridlines=True,
                                       landscape_a4=True, chart=chart,
                                       heights={1: 21, top: HEADER_HEIGHT}))


def _criterion_sheet(wb: Workbook, spec: SheetSpec, result: MergeResult) -> None:
    columns = [c for c in spec.columns if c.key != "stt"]
    headers = ["STT", *(c.header for c in columns), *PROVENANCE_HEADERS]
    frame = result.rows[spec.name]
    keys = [c.key for c in columns] + ["_unit", "_unit_name", "_file", "_row"]
    records = frame[keys].to_numpy(dtype=object).tolist()  # plain Python values, fast
    rows = ([number, *record] for number, record in enumerate(records, start=1))
    _table(wb, spec.name, f"{spec.title} - {result.campaign.period.label.upper()}", headers,
           rows, [6, *(c.width for c in columns), 10, 24, 24, 8], len(frame))


def _summary(wb: Workbook, result: MergeResult) -> None:
    criteria = result.specs.criteria
    headers = ["STT", "Đơn vị", "Tình trạng"] + [f"{s.name} - {k}" for s in criteria
                                                 for k in KINDS] + ["Tổng"]
    counts = _counts(result)
    rows: list[list[Any]] = []
    numbers: list[list[int]] = []
    for number, unit in enumerate(result.units, start=1):
        values = [counts.get((unit.unit.code, s.name, k), 0) for s in criteria for k in KINDS]
        numbers.append([*values, sum(values)])
        rows.append([number, unit.unit.name, UNIT_STATUS_LABELS[unit.status], *numbers[-1]])
    totals_row = CONSOLIDATED_HEADER_ROW + len(rows) + 1
    total = ["", "Tổng cộng", "", *(sum(column) for column in zip(*numbers, strict=True))]
    status: list[list[Any]] = [[], ["", "Tình hình nộp biểu mẫu"]]
    status += [["", label, sum(1 for u in result.units if u.status == code)]
               for code, label in UNIT_STATUS_LABELS.items()]
    status.append(["", "Tổng số đơn vị", len(result.units)])
    # A native bar chart of the totals row: one bar per criterion and kind.
    chart = BarChart("Số điển hình đăng ký theo tiêu chí", "Số lượng", value_row=totals_row,
                     label_row=CONSOLIDATED_HEADER_ROW, first_col=4, last_col=len(headers) - 1,
                     anchor_col=6, anchor_row=totals_row + 3)
    _table(wb, SUMMARY_SHEET,
           f"TỔNG HỢP ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {result.campaign.period.label.upper()}",
           headers, [*rows, [Cell(v, BOLD_STYLE) for v in total], *status],
           [6, 34, 12] + [11] * (len(headers) - 4) + [9], len(rows) + 1, chart)


def _counts(result: MergeResult) -> dict[tuple[str, str, str], int]:
    counts: dict[tuple[str, str, str], int] = {}
    for sheet, frame in result.rows.items():
        for unit, kind in zip(frame["_unit"], frame["doi_tuong"], strict=True):
            counts[(unit, sheet, kind)] = counts.get((unit, sheet, kind), 0) + 1
    return counts


def _status_sheet(wb: Workbook, result: MergeResult) -> None:
    headers = ["STT", "Mã", "Đơn vị", "Tình trạng", "Tệp được tổng hợp", "Thời điểm nhận",
               "Nộp muộn", "Số dòng nhận", "Số dòng loại", "Các tệp khác"]
    rows = []
    for number, unit in enumerate(result.units, start=1):
        chosen = unit.counted
        others = "; ".join(f"{o.sub.path.name} ({FILE_STATUS_LABELS[o.status]})"
                           for o in unit.files if o is not chosen)
        rows.append([number, unit.unit.code, unit.unit.name, UNIT_STATUS_LABELS[unit.status],
                     chosen.sub.path.name if chosen else None,
                     chosen.received.strftime("%d/%m/%Y %H:%M") if chosen else None,
                     "Có" if unit.late else "", chosen.rows_accepted if chosen else 0,
                     chosen.rows_rejected if chosen else 0, others or None])
    _table(wb, STATUS_SHEET, "TÌNH HÌNH NỘP BIỂU MẪU CỦA CÁC ĐƠN VỊ", headers, rows,
           [6, 9, 34, 12, 30, 17, 9, 10, 10, 40], len(rows))


def _errors_sheet(wb: Workbook, result: MergeResult) -> None:
    headers = ["STT", "Tệp", "Mã đơn vị", "Sheet", "Ô", "Cột", "Mã lỗi", "Mức độ", "Nội dung"]
    findings = result.findings
    rows = ([n, f.file.rsplit("/", 1)[-1], f.unit, f.sheet, f.cell, f.column, f.code,
             SEVERITY_LABEL[f.severity], f.message] for n, f in enumerate(findings, start=1))
    _table(wb, ERRORS_SHEET, "CÁC LỖI VÀ CẢNH BÁO", headers, rows,
           [6, 26, 9, 12, 7, 20, 16, 9, 80], len(findings))


def _duplicates_sheet(wb: Workbook, result: MergeResult) -> None:
    headers = ["STT", "Tiêu chí", "Họ và tên / Tên tập thể", "Năm sinh", "Đơn vị (lần 1)",
               "Tệp (lần 1)", "Dòng (lần 1)", "Đơn vị (lần 2)", "Tệp (lần 2)", "Dòng (lần 2)"]
    rows = [[n, d.sheet_name, d.name, d.birth_year, d.first.unit_name, d.first.file,
             d.first.row, d.second.unit_name, d.second.file, d.second.row]
            for n, d in enumerate(result.duplicates, start=1)]
    _table(wb, DUPLICATES_SHEET, "CÓ THỂ ĐĂNG KÝ TRÙNG (CẦN KIỂM TRA)", headers, rows,
           [6, 10, 28, 9, 26, 24, 8, 26, 24, 8], len(rows))


def _meta_sheet(wb: Workbook, result: MergeResult) -> None:
    campaign = result.campaign
    values: list[list[Any]] = [
        ["kind", "dhtt-batch-consolidated"], ["campaign_id", campaign.id],
        ["agency", campaign.agency.name], ["period_id", campaign.period.id],
        ["period_label", campaign.period.label],
        ["generated_at", result.generated_at.isoformat(timespec="seconds")],
        ["tool_version", __version__], ["spec_version", result.specs.version],
        ["spec_hash", result.specs.hash], ["strict", str(result.strict)],
    ]
    values += [["input", o.sub.display, o.sub.sha256 or "", o.status] for o in result.files]
    wb.add_sheet(META_SHEET, values, Layout(widths=[20, 40], hidden=True))
