"""`register export`: the register as a workbook (lich-su.xlsx).

Sheet "Điển hình": one row per exemplar, as `register list` gives it. Sheet "Lịch sử khen
thưởng": per exemplar, the standard table of a thành tích report (Năm | Danh hiệu thi đua /
hình thức khen thưởng | Số, ngày tháng năm của quyết định; cơ quan ban hành), ready to copy
into one. Written by the project's streaming writer, atomically.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..formats.consolidated import BOLD_STYLE, HEADER_STYLE, STYLES, TITLE_STYLE, WRAP_STYLE
from ..spec import SpecSet
from ..xlsx.stream import Cell, Layout, Workbook
from .query import Exemplar

LIST_SHEET = "Điển hình"
HISTORY_SHEET = "Lịch sử khen thưởng"
LIST_HEADERS = (
    "STT",
    "Mã",
    "Họ và tên / Tên tập thể",
    "Đối tượng",
    "Năm sinh",
    "Đơn vị",
    "Số năm",
    "Các năm đăng ký",
    "Tiêu chí",
    "Danh hiệu, hình thức khen thưởng đã đạt",
    "Phạm vi lan tỏa, nhân rộng theo năm",
)
HISTORY_HEADERS = (
    "Năm",
    "Danh hiệu thi đua / hình thức khen thưởng",
    "Số, ngày tháng năm của quyết định; cơ quan ban hành",
)
NO_TITLE = "Chưa ghi nhận danh hiệu, hình thức khen thưởng"


def write_history(found: Sequence[Exemplar], target: Path, specs: SpecSet) -> Path:
    labels = {s.criterion or s.name: s.label for s in specs.criteria}
    wb = Workbook(STYLES)
    wb.add_sheet(
        LIST_SHEET,
        _list_rows(found, labels),
        Layout(
            [6, 7, 28, 10, 9, 30, 8, 22, 40, 60, 40],
            header_row=2,
            last_row=2 + len(found),
            columns=len(LIST_HEADERS),
            gridlines=True,
            landscape_a4=True,
            heights={1: 21, 2: 45},
        ),
    )
    wb.add_sheet(HISTORY_SHEET, _history_rows(found), Layout([10, 55, 70], heights={1: 21}))
    atomic_write(target, wb.save)
    return target


def _list_rows(found: Sequence[Exemplar], labels: dict[str, str]) -> Iterator[list[Any]]:
    yield [Cell("DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN QUA CÁC NĂM", TITLE_STYLE)]
    yield [Cell(h, HEADER_STYLE) for h in LIST_HEADERS]
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
            Cell("; ".join(labels.get(c, c) for c in item.criteria), WRAP_STYLE),
            Cell(titles, WRAP_STYLE) if titles else None,
            Cell(spread, WRAP_STYLE) if spread else None,
        ]


def _history_rows(found: Sequence[Exemplar]) -> Iterator[list[Any]]:
    yield [Cell("LỊCH SỬ DANH HIỆU THI ĐUA, HÌNH THỨC KHEN THƯỞNG", TITLE_STYLE)]
    for number, item in enumerate(found, start=1):
        yield []
        born = f" ({item.birth_year})" if item.birth_year else ""
        years = ", ".join(str(y) for y in item.years)
        yield [
            Cell(
                f"{number}. {item.name}{born} - {item.unit} - mã #{item.id}; "
                f"đăng ký điển hình các năm {years}",
                BOLD_STYLE,
            )
        ]
        yield [Cell(h, HEADER_STYLE) for h in HISTORY_HEADERS]
        if not item.titles:
            yield ["", NO_TITLE, ""]
        for title in item.titles:
            yield [title.year, Cell(title.title, WRAP_STYLE), Cell(title.decision(), WRAP_STYLE)]
