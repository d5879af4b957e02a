"""SheetSpec + Campaign → the unit template workbook a clerk fills in Excel or LibreOffice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import __version__
from .atomic import atomic_save_workbook
from .campaign import Campaign, Unit
from .formats.template_layout import (
    EXAMPLE_MARKER,
    EXAMPLE_ROW,
    FIRST_DATA_ROW,
    FORM_FIRST_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    NUMBER_ROW,
    PREPARED_ROWS,
    REQUIRED_MARK,
    TEMPLATE_ID,
    TemplateMeta,
    example_marker_column,
)
from .spec import ColumnSpec, Condition, Role, SheetSpec, SpecSet
from .xlsx.openpyxl_helpers import (
    BORDER,
    ERROR_FILL,
    EXAMPLE_FILL,
    WRAP_TOP,
    fit_row_heights,
    print_setup,
    set_value,
    style_header,
    text_font,
    write_row,
)
from .xlsx.printing import A4, Page, minimum_width, print_widths

UNLOCKED = Protection(locked=False)
PORTRAIT = Page(A4, landscape=False)
INSTRUCTIONS_WIDTH = 92  # A4 portrait, fitted at 100 %
FORM_WIDTHS = [24, 38, 36]  # label, value, hint: A4 portrait at 100 % too
LAST_ROW = FIRST_DATA_ROW + PREPARED_ROWS - 1
# The first row with the data columns' style and validations: the column-number row, so a
# row inserted directly above the example row inherits a data row's style (see _prepare_column).
DATA_TOP = NUMBER_ROW
EXAMPLE_FONT = Font(italic=True, color="595959")
UNIT_LIST = "__units__"


def build_template(
    campaign: Campaign, specs: SpecSet, unit: Unit | None = None, today: date | None = None
) -> Workbook:
    """The unit template workbook (openpyxl): instructions, the unit-information sheet, one
    sheet per criterion with dropdowns, hints and an example row, hidden lists and metadata.
    With `unit`, the unit's name is filled in and its code recorded in the metadata."""
    today = today or date.today()
    wb = Workbook()
    _instructions(wb.active, campaign, specs, unit)
    lists = _ListsSheet(wb.create_sheet(LISTS_SHEET))
    lists.add(UNIT_LIST, tuple(u.name for u in campaign.units))
    _form_sheet(wb.create_sheet(specs.info.name), specs.info, campaign, unit, lists)
    for sheet in specs.criteria:
        _table_sheet(wb.create_sheet(sheet.name), sheet, campaign, unit, lists, today)
    _meta_sheet(wb.create_sheet(META_SHEET), campaign, specs, unit)
    lists.ws.sheet_state = "hidden"
    # Hidden sheets go last, so the clerk's sheets keep their natural order.
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 2 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = wb.sheetnames.index(specs.info.name)
    return wb


def header_text(col: ColumnSpec) -> str:
    return col.header + (REQUIRED_MARK if col.required else "")


def write_template(
    campaign: Campaign, specs: SpecSet, target: Path, unit: Unit | None = None
) -> Path:
    atomic_save_workbook(build_template(campaign, specs, unit), target)
    return target


def write_all_units(campaign: Campaign, specs: SpecSet, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_template(campaign, specs, directory / template_filename(campaign, u), u)
        for u in campaign.units
    ]


def template_filename(campaign: Campaign, unit: Unit | None = None) -> str:
    suffix = f"-{unit.code}" if unit else ""
    return f"bieu-mau-{campaign.period.id}{suffix}.xlsx"


class _ListsSheet:
    """The hidden sheet every dropdown reads from (never an inline list: Excel caps those)."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.refs: dict[str, str] = {}

    def add(self, name: str, items: tuple[str, ...]) -> str:
        if name not in self.refs:
            col = len(self.refs) + 1
            letter = get_column_letter(col)
            set_value(self.ws.cell(row=1, column=col), name)
            for offset, item in enumerate(items, start=2):
                set_value(self.ws.cell(row=offset, column=col), item)
            last = len(items) + 1
            self.refs[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
        return self.refs[name]


def _instructions(ws: Worksheet, campaign: Campaign, specs: SpecSet, unit: Unit | None) -> None:
    ws.title = INSTRUCTIONS_SHEET
    criteria = "; ".join(f"{s.name}: {s.label}" for s in specs.criteria)
    lines = [
        f"BIỂU MẪU ĐĂNG KÝ ĐIỂN HÌNH TIÊN TIẾN - {campaign.period.label.upper()}",
        f"{campaign.agency.name}" + (f" - {unit.name}" if unit else ""),
        "",
        "Cách điền:",
        f"1. Sheet “{specs.info.name}”: chọn tên đơn vị, ghi người lập biểu, điện thoại, "
        "ngày lập và thủ trưởng đơn vị.",
        f"2. Mỗi tiêu chí một sheet ({criteria}). Mỗi dòng là một tập thể hoặc một cá nhân.",
        "3. Điền từ dòng ngay dưới dòng “Ví dụ”; không xóa, không sửa dòng tiêu đề và dòng "
        "số thứ tự cột. Có thể chèn thêm dòng khi cần.",
        "4. Cột có dấu (*) là bắt buộc. Với cá nhân phải ghi Giới tính và Năm sinh; với tập thể "
        "để trống hai cột này.",
        "5. Cột có danh sách thả xuống: chọn trong danh sách, không gõ tự do. Ngày ghi dạng "
        "ngày/tháng/năm (ví dụ 05/01/2025); năm ghi 4 chữ số.",
        "6. Ô bắt buộc còn trống sẽ tô đỏ ngay khi dòng có dữ liệu: hãy điền đủ trước khi gửi.",
        "7. Không đổi tên sheet, không thêm mật khẩu; lưu dạng .xlsx và gửi về "
        + _send_to(campaign)
        + ".",
    ]
    if campaign.period.deadline:
        lines.append(
            f"Hạn gửi: {campaign.period.deadline:%H:%M} ngày {campaign.period.deadline:%d/%m/%Y}."
        )
    for row, text in enumerate(lines, start=1):
        set_value(ws.cell(row=row, column=1), text)
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = text_font(bold=True, size=13)
    # One column as wide as A4 portrait prints at full size; each item as high as its lines.
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    fit_row_heights(ws, range(2, len(lines) + 1), [INSTRUCTIONS_WIDTH])
    print_setup(ws, PORTRAIT, ws.title)
    ws.protection.sheet = True


def _send_to(campaign: Campaign) -> str:
    """Whom units send the form to: the coordinating unit of campaign.toml."""
    unit = campaign.unit(campaign.agency.coordinator)
    if unit is None:
        return campaign.agency.name
    return f"{unit.name} ({unit.email})" if unit.email else unit.name


def _form_sheet(
    ws: Worksheet, spec: SheetSpec, campaign: Campaign, unit: Unit | None, lists: _ListsSheet
) -> None:
    set_value(ws["A1"], spec.title)
    ws["A1"].font = text_font(bold=True, size=13)
    # Label, value and hint side by side on A4 portrait at full size.
    for letter, width in zip("ABC", FORM_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    for offset, col in enumerate(spec.columns):
        row = FORM_FIRST_ROW + offset
        label, value = ws.cell(row=row, column=1), ws.cell(row=row, column=2)
        set_value(label, header_text(col))
        label.font = text_font(bold=True)
        label.border = value.border = BORDER
        hint = ws.cell(row=row, column=3)
        set_value(hint, col.help)
        hint.font = text_font(italic=True, color="808080")
        hint.alignment = label.alignment = value.alignment = WRAP_TOP
        if col.type == "period":
            set_value(value, campaign.period.label)
            continue
        if col.type == "unit" and unit:
            # Filled in, but left free: a colleague who is forwarded this template chooses
            # their own unit, and that choice says who is submitting (see identify.py).
            set_value(value, unit.name)
        value.protection = UNLOCKED
        if col.type == "date":
            value.number_format = "DD/MM/YYYY"
        coord = f"B{row}"
        if col.type == "unit":
            _add_validation(ws, coord, _list_validation(col, lists.refs[UNIT_LIST]))
        else:
            dv = _type_validation(col, date.today(), coord)
            if dv is not None:
                _add_validation(ws, coord, dv)
    fit_row_heights(ws, range(FORM_FIRST_ROW, FORM_FIRST_ROW + len(spec.columns)), FORM_WIDTHS)
    print_setup(ws, PORTRAIT, spec.title)
    ws.protection.sheet = True


def _table_sheet(
    ws: Worksheet,
    spec: SheetSpec,
    campaign: Campaign,
    unit: Unit | None,
    lists: _ListsSheet,
    today: date,
) -> None:
    ncols = len(spec.columns)
    last_letter = get_column_letter(ncols)
    page, widths = print_widths(
        [c.width for c in spec.columns],
        [minimum_width(c.type, c.choices, c.role == Role.NAME) for c in spec.columns],
    )
    set_value(ws["A1"], campaign.agency.name.upper() + (f" - {unit.name.upper()}" if unit else ""))
    set_value(ws["A2"], spec.title)
    set_value(ws["A3"], f"Kỳ báo cáo: {campaign.period.label}")
    set_value(ws["A4"], "Cột có dấu (*) là bắt buộc. Điền từ dòng dưới dòng “Ví dụ”.")
    # Lines above the table span its width (column A alone is the narrow STT column).
    for row in range(1, HEADER_ROW - 1):
        ws.merge_cells(f"A{row}:{last_letter}{row}")
        ws.cell(row=row, column=1).alignment = Alignment(
            horizontal="center" if row == 2 else "left", vertical="center", wrap_text=False
        )
    ws["A1"].font = text_font(bold=True)
    ws["A2"].font = text_font(bold=True, size=13)
    ws["A4"].font = text_font(italic=True, color="808080")
    ws.row_dimensions[2].height = 21
    for index, col in enumerate(spec.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths[index - 1]
        set_value(ws.cell(row=HEADER_ROW, column=index), header_text(col))
        number = ws.cell(row=NUMBER_ROW, column=index)
        set_value(number, f"({index})")
        example = ws.cell(row=EXAMPLE_ROW, column=index)
        set_value(example, _example_value(spec, col))
        _prepare_column(ws, spec, col, index, lists, today, (number, example))
        number.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    style_header(ws, HEADER_ROW, ncols)
    fit_row_heights(ws, range(HEADER_ROW, HEADER_ROW + 1), widths, bold=True)
    fit_row_heights(ws, range(EXAMPLE_ROW, EXAMPLE_ROW + 1), widths)
    ws.freeze_panes = ws.cell(row=EXAMPLE_ROW, column=min(4, ncols))
    print_setup(
        ws, page, f"{spec.title} - {campaign.period.label.upper()}", f"{HEADER_ROW}:{NUMBER_ROW}"
    )
    _conditional_formats(ws, spec)
    ws.protection.sheet = True
    # Protection guards the title and headers; rows stay free to insert, delete and format.
    for flag in (
        "insertRows",
        "deleteRows",
        "formatCells",
        "formatRows",
        "formatColumns",
        "autoFilter",
        "sort",
        "insertHyperlinks",
    ):
        setattr(ws.protection, flag, False)


def _example_value(spec: SheetSpec, col: ColumnSpec) -> object:
    return EXAMPLE_MARKER if col is example_marker_column(spec) else col.example


def _prepare_column(
    ws: Worksheet,
    spec: SheetSpec,
    col: ColumnSpec,
    index: int,
    lists: _ListsSheet,
    today: date,
    cells: tuple[Cell, ...],
) -> None:
    """The column's data style, validation and input hint, over every row a clerk may type in
    or insert: from the column-number row down (see DATA_TOP).

    Both LibreOffice and Excel give an inserted row the formatting of the row above it, and
    LibreOffice lets rows be inserted on a protected sheet only where the cells are unlocked:
    so the number row and the example row carry the same unlocked style and validation as the
    data rows, and a row inserted above or below the example is as editable as any other.
    """
    letter = get_column_letter(index)
    area = f"{letter}{DATA_TOP}:{letter}{LAST_ROW}"
    # A column style (not 1000 styled cells) unlocks and formats every row, inserted or not;
    # the cells the template writes above the number row keep their own locked style.
    dimension = ws.column_dimensions[letter]
    number_format = _number_format(col)
    for styled in (dimension, *cells):
        styled.protection = UNLOCKED
        styled.alignment = WRAP_TOP
        if number_format:
            styled.number_format = number_format
    if col.type == "choice":
        dv = _list_validation(
            col, lists.add(col.choices_from or f"{spec.name}.{col.key}", col.choices)
        )
    else:
        dv = _type_validation(col, today, f"{letter}{DATA_TOP}")
    if dv is not None:
        _add_validation(ws, area, dv)


def _number_format(col: ColumnSpec) -> str | None:
    if col.type == "date":
        return "DD/MM/YYYY"
    if col.type in ("text", "decision_number", "phone"):
        return "@"
    return None


def _add_validation(ws: Worksheet, area: str, dv: DataValidation) -> None:
    dv.add(area)
    ws.add_data_validation(dv)


def _prompt(dv: DataValidation, col: ColumnSpec) -> DataValidation:
    dv.showInputMessage = True
    dv.promptTitle = col.header[:32]
    dv.prompt = col.help[:250]
    dv.errorTitle = "Giá trị không hợp lệ"[:32]
    return dv


def _list_validation(col: ColumnSpec, ref: str) -> DataValidation:
    # The formula as Excel stores it: without a leading "=".
    dv = DataValidation(type="list", formula1=ref, allow_blank=True)
    dv.showErrorMessage = True
    if col.strict:
        dv.error = f"{col.header}: hãy chọn một giá trị trong danh sách."
    else:
        dv.errorStyle = "information"
        dv.error = f"{col.header}: giá trị không có trong danh sách; kiểm tra lại trước khi gửi."
    return _prompt(dv, col)


def _type_validation(col: ColumnSpec, today: date, first_cell: str) -> DataValidation | None:
    low, high = col.bound("min", today), col.bound("max", today)
    dv: DataValidation | None = None
    if col.type in ("integer", "year"):
        low_i = low if isinstance(low, int) else (1000 if col.type == "year" else 0)
        high_i = high if isinstance(high, int) else (9999 if col.type == "year" else 10**9)
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low_i),
            formula2=str(high_i),
            allow_blank=True,
        )
        dv.error = f"{col.header}: ghi số nguyên từ {low_i} đến {high_i}."
    elif col.type == "date":
        start = low if isinstance(low, date) else date(1900, 1, 1)
        end = "TODAY()" if col.not_future else "DATE(2100,12,31)"
        dv = DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({start.year},{start.month},{start.day})",
            formula2=end,
            allow_blank=True,
        )
        dv.error = f"{col.header}: ghi ngày dạng ngày/tháng/năm" + (
            ", không sau ngày hôm nay." if col.not_future else "."
        )
    elif col.max_length:
        dv = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(col.max_length),
            allow_blank=True,
        )
        dv.error = f"{col.header}: tối đa {col.max_length} ký tự."
    elif col.help:
        # No constraint to check, but the clerk still gets the input hint.
        dv = DataValidation(type=None, allow_blank=True)
    if dv is None:
        return None
    dv.showErrorMessage = dv.type is not None
    return _prompt(dv, col)


def _conditional_formats(ws: Worksheet, spec: SheetSpec) -> None:
    """Turn a required (or conditionally required / forbidden) cell red once its row has data,
    and show the example row as an example (grey, italic) by its marker rather than by a cell
    style, so a row inserted under it does not inherit the look."""
    letters = {c.key: get_column_letter(i) for i, c in enumerate(spec.columns, start=1)}
    data_cols = [letters[c.key] for c in spec.data_columns]
    r = DATA_TOP
    marker = f'${letters[example_marker_column(spec).key]}{r}="{EXAMPLE_MARKER}"'
    ws.conditional_formatting.add(
        f"A{r}:{letters[spec.columns[-1].key]}{LAST_ROW}",
        FormulaRule(formula=[marker], fill=EXAMPLE_FILL, font=EXAMPLE_FONT, stopIfTrue=True),
    )
    has_data = f"COUNTA(${data_cols[0]}{r}:${data_cols[-1]}{r})>0"
    for col in spec.columns:
        letter = letters[col.key]
        cell = f"{letter}{r}"
        area = f"{letter}{r}:{letter}{LAST_ROW}"
        formulas = []
        if col.required:
            formulas.append(f"AND({has_data},ISBLANK({cell}))")
        if col.required_when:
            formulas.append(f"AND({_condition(col.required_when, letters, r)},ISBLANK({cell}))")
        if col.blank_when:
            formulas.append(f"AND({_condition(col.blank_when, letters, r)},NOT(ISBLANK({cell})))")
        for formula in formulas:
            ws.conditional_formatting.add(
                area, FormulaRule(formula=[formula], fill=ERROR_FILL, stopIfTrue=False)
            )


def _condition(cond: Condition, letters: dict[str, str], row: int) -> str:
    ref = f"${letters[cond.column]}{row}"
    if cond.equals is None:
        return f"NOT(ISBLANK({ref}))"
    text = cond.equals.replace('"', '""')
    return f'{ref}="{text}"'


def _meta_sheet(ws: Worksheet, campaign: Campaign, specs: SpecSet, unit: Unit | None) -> None:
    meta = TemplateMeta(
        template_id=TEMPLATE_ID,
        spec_version=str(specs.version),
        spec_hash=specs.hash,
        campaign_id=campaign.id,
        period_id=campaign.period.id,
        period_label=campaign.period.label,
        unit_code=unit.code if unit else "",
        tool_version=__version__,
    )
    for row, values in enumerate(meta.rows(), start=1):
        write_row(ws, row, values)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
