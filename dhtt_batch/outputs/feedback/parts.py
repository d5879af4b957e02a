"""New parts a patched feedback copy gains: comments, their VML shapes, the fixes sheet."""

from __future__ import annotations

from collections.abc import Sequence

from ...findings import ERROR, SEVERITY_LABEL, Finding
from ...xlsx.cell_xml import escape_text
from ...xlsx.cells import CellRef
from ...xlsx.parts import MAIN_NS, XML_HEAD
from ...xlsx.printing import A4, MARGINS_IN, header_footer, row_height

FIXES_SHEET = "Lỗi cần sửa"
AUTHOR = "dhtt-batch"
FIXES_WIDTHS = (6, 18, 8, 28, 10, 80)  # A4 landscape at about 100 %
FIXES_HEADER_ROW = 3


def is_fixes_sheet(*names: str) -> bool:
    """Whether one of `names` is the fixes sheet, ignoring case as Excel compares sheet names
    (a clerk's "LỖI CẦN SỬA" beside a new "Lỗi cần sửa" would be a duplicate name)."""
    wanted = FIXES_SHEET.casefold()
    return any(name.casefold() == wanted for name in names)


class Unsupported(Exception):
    """The unit's package is not in the shape a patcher handles; the message says why."""


def fixes_title(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == ERROR)
    if not errors:  # only notes: nothing to correct, nothing to send back
        return (
            f"DANH SÁCH CẦN LƯU Ý: {len(findings)} cảnh báo, không có lỗi; đơn vị không cần gửi "
            "lại tệp. Bấm vào địa chỉ ô để xem ô được nhắc."
        )
    return (
        f"DANH SÁCH CẦN SỬA: {errors} lỗi, {len(findings) - errors} cảnh báo. "
        "Bấm vào địa chỉ ô để đến ô cần sửa; sửa xong hãy gửi lại tệp."
    )


FIXES_HEADERS = ["STT", "Sheet", "Ô", "Cột", "Mức độ", "Nội dung cần sửa"]


def fixes_rows(findings: list[Finding]) -> list[list[object]]:
    return [
        [n, f.sheet or "", str(f.cell or ""), f.column or "", SEVERITY_LABEL[f.severity], f.message]
        for n, f in enumerate(findings, start=1)
    ]


def comments_xml(messages: dict[CellRef, str]) -> str:
    items = "".join(
        f'<comment ref="{ref}" authorId="0"><text><r><t xml:space="preserve">'
        f"{escape_text(text)}</t></r></text></comment>"
        for ref, text in messages.items()
    )
    return (
        f'{XML_HEAD}<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author>'
        f"</authors><commentList>{items}</commentList></comments>"
    )


def vml_xml(messages: dict[CellRef, str], block: int) -> str:
    """The legacy drawing Excel needs to show notes; `block` keeps shape ids unique."""
    shapes = []
    for n, (ref, text) in enumerate(messages.items(), start=1):
        row, col = ref.row - 1, ref.col - 1
        lines = text.count("\n") + 1
        anchor = f"{col + 1}, 15, {max(row - 1, 0)}, 2, {col + 5}, 15, {row + 2 + lines}, 16"
        shapes.append(
            f'<v:shape id="_x0000_s{block * 1024 + n}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240pt;'
            f'height:{40 + 30 * lines}pt;z-index:{n};visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" '
            'obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:'
            'auto"><div style="text-align:left"></div></v:textbox><x:ClientData '
            f'ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{anchor}'
            f"</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row>"
            f"<x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/>'
        '</o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path '
        'gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f"{''.join(shapes)}</xml>"
    )


def fixes_sheet_xml(findings: list[Finding], sheets: set[str], xf: dict[str, int]) -> str:
    """The "Lỗi cần sửa" sheet: title, header, one row per finding, cell links."""
    rows = [
        _row(1, [fixes_title(findings)], [xf["bold"]]),
        _row(3, FIXES_HEADERS, [xf["header"]] * 6, height=20),
    ]
    links = []
    for values in fixes_rows(findings):
        number = 3 + int(str(values[0]))
        sheet, cell = str(values[1]), str(values[2])
        linked = bool(sheet and cell and sheet in sheets)
        styles = [0, 0, xf["link"] if linked else 0, 0, 0, xf["wrap"]]
        rows.append(_row(number, values, styles, row_height(values, FIXES_WIDTHS)))
        if linked:
            target = escape_text(f"'{sheet}'!{cell}")
            links.append(
                f'<hyperlink ref="C{number}" location="{target}" display="{escape_text(cell)}"/>'
            )
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(FIXES_WIDTHS, start=1)
    )
    hyperlinks = f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else ""
    margins = " ".join(f'{side}="{inches:g}"' for side, inches in MARGINS_IN.items())
    header, footer = header_footer(FIXES_SHEET)
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetPr><pageSetUpPr fitToPage="1"/>'
        '</sheetPr><sheetViews><sheetView tabSelected="1" '
        'workbookViewId="0"><pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="A4" sqref="A4"/>'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData>{hyperlinks}"
        f'<pageMargins {margins}/><pageSetup paperSize="{A4}" orientation="landscape" '
        'fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddHeader>{escape_text(header)}</oddHeader>"
        f"<oddFooter>{escape_text(footer)}</oddFooter></headerFooter></worksheet>"
    )


def _row(number: int, values: Sequence[object], styles: list[int], height: float | None = 0) -> str:
    cells = []
    for col, (value, style) in enumerate(zip(values, styles, strict=False)):
        if value in (None, ""):
            continue
        ref = f"{'ABCDEF'[col]}{number}"
        s = f' s="{style}"' if style else ""
        if isinstance(value, int):
            cells.append(f'<c r="{ref}"{s}><v>{value}</v></c>')
        else:
            cells.append(
                f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                f"{escape_text(str(value))}</t></is></c>"
            )
    ht = f' ht="{height:g}" customHeight="1"' if height else ""
    return f'<row r="{number}"{ht}>{"".join(cells)}</row>'
