"""`register export`: the register as a workbook (lich-su.xlsx).

Sheet "Điển hình": one row per exemplar, as `register list` gives it. Sheet "Lịch sử khen
thưởng": per exemplar, the standard table of a thành tích report (Năm | Danh hiệu thi đua /
hình thức khen thưởng | Số, ngày tháng năm của quyết định; cơ quan ban hành), ready to copy
into one. Written by the project's streaming writer, atomically, as printed tables
(xlsx/table.py): widths fitted to the paper, borders on the tables only, wrapped rows as high
as their text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..campaign import Campaign
from ..spec import SpecSet
from ..xlsx.printing import NAME_MINIMUM, RowHeights
from ..xlsx.stream import Cell, Layout, Workbook
from ..xlsx.table import (
    BOLD_STYLE,
    HEADER_STYLE,
    NUMBER_CELL,
    TABLE_STYLES,
    TEXT_CELL,
    TITLE_HEIGHT,
    TITLE_STYLE,
    Column,
    add_table,
    number_column,
    table_widths,
)
from .exemplar import Exemplar
from .listing import list_register

LIST_SHEET = "Điển hình"
HISTORY_SHEET = "Lịch sử khen thưởng"
LIST_TITLE = "DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN QUA CÁC NĂM"
HISTORY_TITLE = "LỊCH SỬ DANH HIỆU THI ĐUA, HÌNH THỨC KHEN THƯỞNG"
LIST_COLUMNS = (
    number_column("STT"),
    Column("Mã", 7, 6),
    Column("Họ và tên / Tên tập thể", 28, NAME_MINIMUM),
    Column("Đối tượng", 10, 8),
    Column("Năm sinh", 9, 6, NUMBER_CELL),
    Column("Đơn vị", 30, 12),
    number_column("Số năm", 8),
    Column("Các năm đăng ký", 22, 12),
    Column("Tiêu chí", 40, 12),
    Column("Danh hiệu, hình thức khen thưởng đã đạt", 60, 20),
    Column("Phạm vi lan tỏa, nhân rộng theo năm", 40, 14),
)
HISTORY_COLUMNS = (
    Column("Năm", 10, 6, NUMBER_CELL),
    Column("Danh hiệu thi đua / hình thức khen thưởng", 55, 20),
    Column("Số, ngày tháng năm của quyết định; cơ quan ban hành", 70, 24),
)
LIST_HEADERS = tuple(c.header for c in LIST_COLUMNS)
HISTORY_HEADERS = tuple(c.header for c in HISTORY_COLUMNS)
NO_TITLE = "Chưa ghi nhận danh hiệu, hình thức khen thưởng"


def export_register(
    url: str,
    campaign: Campaign,
    specs: SpecSet,
    target: Path,
    criterion: str | None,
    min_years: int,
) -> int:
    """Write lich-su.xlsx of the exemplars `register list` gives; how many were written."""
    found = list_register(url, campaign, specs, criterion, min_years)
    write_history(found, target, specs)
    return len(found)


def write_history(found: Sequence[Exemplar], target: Path, specs: SpecSet) -> Path:
    labels = {s.criterion or s.name: s.label for s in specs.criteria}
    wb = Workbook(TABLE_STYLES)
    add_table(wb, LIST_SHEET, LIST_TITLE, LIST_COLUMNS, _list_rows(found, labels), len(found))
    _history_sheet(wb, found)
    atomic_write(target, wb.save)
    return target


def _list_rows(found: Sequence[Exemplar], labels: dict[str, str]) -> Iterator[list[Any]]:
    for number, item in enumerate(found, start=1):
        titles = "\n".join(f"{t.year}: {t.title} ({t.decision()})" for t in item.titles)
        spread = "\n".join(f"{s.year}: {s.spread}" for s in item.spread)
        yield [
            number,
            f"#{item.id}",
            item.name,
            item.kind_label,
            item.birth_year,
            "; ".join(item.units),
            len(item.years),
            ", ".join(str(y) for y in item.years),
            "; ".join(labels.get(c, c) for c in item.criteria),
            titles or None,
            spread or None,
        ]


def _history_sheet(wb: Workbook, found: Sequence[Exemplar]) -> None:
    """One small bordered table per exemplar under a bold line naming it; the table rows get
    the heights their wrapped text needs (LibreOffice prints with the heights the file gives)."""
    page, widths = table_widths(HISTORY_COLUMNS)
    rows: list[list[Any]] = [[Cell(HISTORY_TITLE, TITLE_STYLE)]]
    heights: dict[int, float] = {1: TITLE_HEIGHT}
    body, header = RowHeights(widths), RowHeights(widths, bold=True)
    for number, item in enumerate(found, start=1):
        born = f" ({item.birth_year})" if item.birth_year else ""
        years = ", ".join(str(y) for y in item.years)
        rows.append([])
        rows.append(
            [
                Cell(
                    f"{number}. {item.name}{born} - {item.unit} - mã #{item.id}; "
                    f"đăng ký điển hình các năm {years}",
                    BOLD_STYLE,
                )
            ]
        )
        rows.append([Cell(h, HEADER_STYLE) for h in HISTORY_HEADERS])
        _set_height(heights, len(rows), header(HISTORY_HEADERS))
        entries = [[title.year, title.title, title.decision()] for title in item.titles]
        for values in entries or [["", NO_TITLE, ""]]:
            rows.append([Cell(v, s) for v, s in zip(values, _HISTORY_STYLES, strict=True)])
            _set_height(heights, len(rows), body(values))
    wb.add_sheet(
        HISTORY_SHEET, rows, Layout(widths, page=page, title=HISTORY_TITLE, heights=heights)
    )


_HISTORY_STYLES = (NUMBER_CELL, TEXT_CELL, TEXT_CELL)


def _set_height(heights: dict[int, float], row: int, height: float | None) -> None:
    if height is not None:
        heights[row] = height
