"""The fixed parts of a workbook written by `xlsxstream`: package plumbing, styles, one chart.

Kept apart from the row-streaming code so each file reads in one sitting. Element order follows
the SpreadsheetML / DrawingML schemas (Excel refuses a file whose children are out of order).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .cells import xml_chars

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument"
HEADER_RGB, BORDER_RGB = "DDEBF7", "808080"  # header fill and thin borders, every output
ERROR_RGB, WARNING_RGB = "FFC7CE", "FFEB9C"  # a cell to fix, a cell to check
_REL = f"{REL_NS}/"


@dataclass(frozen=True)
class Style:
    """A cell style; every field left at its default means "as the Normal style"."""

    bold: bool = False
    size: float | None = None
    font: str | None = None
    fill: str | None = None  # RGB hex, e.g. "DDEBF7"
    border: str | None = None  # thin border of this RGB colour on all four sides
    wrap: bool = False
    horizontal: str | None = None
    vertical: str | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class BarChart:
    """One column chart: values from one row, category labels from another (1-based)."""

    title: str
    y_title: str
    value_row: int
    label_row: int
    first_col: int
    last_col: int
    anchor_col: int  # top-left corner of the chart, 1-based
    anchor_row: int
    width_cm: float = 18
    height_cm: float = 8


def content_types(sheets: int, charts: list[int]) -> str:
    parts = [
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    ]
    for n in charts:
        parts.append(
            f'<Override PartName="/xl/drawings/drawing{n}.xml" ContentType="{_CT}.drawing+xml"/>'
        )
        parts.append(
            f'<Override PartName="/xl/charts/chart{n}.xml" '
            f'ContentType="{_CT}.drawingml.chart+xml"/>'
        )
    return (
        f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{_CT}.spreadsheetml.sharedStrings+xml"/>{"".join(parts)}</Types>'
    )


def relationships(targets: list[tuple[str, str]]) -> str:
    """(type, target) pairs → a .rels part; ids are rId1, rId2, … in order."""
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{rels}</Relationships>'


def root_relationships() -> str:
    return relationships([("officeDocument", "xl/workbook.xml")])


def styles_xml(styles: list[Style]) -> str:
    """styles.xml with two cell formats per style: plain, and with the quote prefix that keeps
    formula-looking text as text when a user edits the cell (xf 2i and 2i+1)."""
    fonts = ['<font><sz val="11"/><name val="Calibri"/></font>']
    fills = [
        '<fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill>',
    ]
    borders = ["<border><left/><right/><top/><bottom/><diagonal/></border>"]
    formats: list[str] = []
    xfs = []
    for style in [Style(), *styles]:
        font = _index(fonts, _font(style)) if style.bold or style.size or style.font else 0
        fill = (
            _index(
                fills,
                '<fill><patternFill patternType="solid"><fgColor '
                f'rgb="FF{style.fill}"/><bgColor indexed="64"/></patternFill></fill>',
            )
            if style.fill
            else 0
        )
        border = _index(borders, _border(style.border)) if style.border else 0
        number = 0
        if style.number_format:
            number = 164 + _index(formats, style.number_format)
        for quoted in (False, True):
            xfs.append(_xf(style, number, font, fill, border, quoted))
    numfmts = "".join(
        f'<numFmt numFmtId="{164 + n}" formatCode={quoteattr(code)}/>'
        for n, code in enumerate(formats)
    )
    return (
        f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
        f'<numFmts count="{len(formats)}">{numfmts}</numFmts>'
        f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    )


def _index(table: list[str], entry: str) -> int:
    if entry not in table:
        table.append(entry)
    return table.index(entry)


def _font(style: Style) -> str:
    bold = "<b/>" if style.bold else ""
    name = quoteattr(style.font or "Calibri")
    return f'<font>{bold}<sz val="{style.size or 11:g}"/><name val={name}/></font>'


def _border(rgb: str) -> str:
    side = f'style="thin"><color rgb="FF{rgb}"/>'
    return (
        f"<border><left {side}</left><right {side}</right><top {side}</top>"
        f"<bottom {side}</bottom><diagonal/></border>"
    )


def _xf(style: Style, number: int, font: int, fill: int, border: int, quoted: bool) -> str:
    flags = "".join(
        f' {name}="1"'
        for name, on in (
            ("applyNumberFormat", number),
            ("applyFont", font),
            ("applyFill", fill),
            ("applyBorder", border),
            ("quotePrefix", quoted),
        )
        if on
    )
    align = "".join(
        f' {k}="{v}"'
        for k, v in (
            ("horizontal", style.horizontal),
            ("vertical", style.vertical),
            ("wrapText", "1" if style.wrap else None),
        )
        if v
    )
    head = (
        f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" '
        f'xfId="0"{flags}'
    )
    if not align:
        return head + "/>"
    return f'{head} applyAlignment="1"><alignment{align}/></xf>'


def drawing_xml(chart: BarChart) -> str:
    emu = 360_000  # EMUs per centimetre
    return (
        f'{XML_HEAD}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        f"<xdr:oneCellAnchor><xdr:from><xdr:col>{chart.anchor_col - 1}</xdr:col>"
        f"<xdr:colOff>0</xdr:colOff><xdr:row>{chart.anchor_row - 1}</xdr:row>"
        f'<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="{int(chart.width_cm * emu)}" '
        f'cy="{int(chart.height_cm * emu)}"/><xdr:graphicFrame macro="">'
        '<xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/>'
        '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
        '</xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
        'drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/'
        f'drawingml/2006/chart" xmlns:r="{REL_NS}" r:id="rId1"/></a:graphicData>'
        "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
    )


def chart_xml(chart: BarChart, sheet_ref: str, letters: list[str]) -> str:
    """`sheet_ref` is the sheet name as a formula prefix (quoted); `letters` column letters."""
    first, last = letters[chart.first_col - 1], letters[chart.last_col - 1]
    labels = f"{sheet_ref}!${first}${chart.label_row}:${last}${chart.label_row}"
    values = f"{sheet_ref}!${first}${chart.value_row}:${last}${chart.value_row}"
    tick = '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
    return (
        f'{XML_HEAD}<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/'
        '2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{REL_NS}"><c:chart>{_title(chart.title)}'
        '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:barChart>'
        '<c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/><c:spPr><a:solidFill><a:srgbClr '
        'val="4472C4"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
        f"<c:cat><c:strRef><c:f>{escape(labels)}</c:f></c:strRef></c:cat>"
        f"<c:val><c:numRef><c:f>{escape(values)}</c:f></c:numRef></c:val></c:ser>"
        '<c:gapWidth val="150"/><c:axId val="10"/><c:axId val="100"/></c:barChart>'
        '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="b"/>{tick}<c:crossAx val="100"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>{_title(chart.y_title)}'
        f'<c:numFmt formatCode="General" sourceLinked="1"/>{tick}<c:crossAx val="10"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
        '</c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></c:spPr>'
        # 11-pt labels (the default is 10): still 8.5 pt or more when the sheet is fitted.
        '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1100"/></a:pPr>'
        '<a:endParaRPr lang="vi-VN"/></a:p></c:txPr>'
        "</c:chartSpace>"
    )


def _title(text: str) -> str:
    return (
        f"<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(xml_chars(text))}</a:t></a:r>"
        '</a:p></c:rich></c:tx><c:overlay val="0"/></c:title>'
    )
