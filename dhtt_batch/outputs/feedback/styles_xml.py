"""styles.xml of a feedback copy: fills, fonts, borders and cell formats appended to the
unit's own lists, never renumbered, so every existing cell keeps its look.
"""

from __future__ import annotations

import re

from ...xlsx.parts import BORDER_RGB, HEADER_RGB
from .parts import Unsupported


class Styles:
    """styles.xml with fills, fonts, borders and cell formats appended (never renumbered)."""

    def __init__(self, xml: str) -> None:
        self.xml_text = xml
        self.lists = {
            tag: _items(xml, tag, child)
            for tag, child in (
                ("fills", "fill"),
                ("fonts", "font"),
                ("borders", "border"),
                ("cellXfs", "xf"),
            )
        }
        self.clones: dict[tuple[int, str], int] = {}

    def add(self, tag: str, item: str) -> int:
        self.lists[tag].append(item)
        return len(self.lists[tag]) - 1

    def filled(self, xf: int, rgb: str) -> int:
        """A copy of cell format `xf` with a solid fill."""
        if (xf, rgb) not in self.clones:
            xfs = self.lists["cellXfs"]
            base = xfs[xf] if xf < len(xfs) else xfs[0]
            fill = self.add("fills", _solid(rgb))
            clone = re.sub(r'\s(?:fillId|applyFill)="\w+"', "", base)
            clone = re.sub(r"^<xf\b", f'<xf fillId="{fill}" applyFill="1"', clone)
            self.clones[(xf, rgb)] = self.add("cellXfs", clone)
        return self.clones[(xf, rgb)]

    def fixes_xfs(self) -> dict[str, int]:
        bold = self.add("fonts", '<font><b/><sz val="11"/><name val="Calibri"/></font>')
        link = self.add(
            "fonts", '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/></font>'
        )
        fill = self.add("fills", _solid(HEADER_RGB))
        side = f'style="thin"><color rgb="FF{BORDER_RGB}"/>'
        border = self.add(
            "borders",
            f"<border><left {side}</left><right {side}</right>"
            f"<top {side}</top><bottom {side}</bottom><diagonal/>"
            "</border>",
        )
        return {
            "bold": self.add(
                "cellXfs",
                f'<xf numFmtId="0" fontId="{bold}" fillId="0" '
                'borderId="0" xfId="0" applyFont="1"/>',
            ),
            "header": self.add(
                "cellXfs",
                (
                    f'<xf numFmtId="0" fontId="{bold}" fillId="{fill}" borderId="{border}" '
                    'xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
                    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
                ),
            ),
            "link": self.add(
                "cellXfs",
                f'<xf numFmtId="0" fontId="{link}" fillId="0" '
                'borderId="0" xfId="0" applyFont="1"/>',
            ),
            "wrap": self.add(
                "cellXfs",
                '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
                'xfId="0" applyAlignment="1"><alignment '
                'vertical="top" wrapText="1"/></xf>',
            ),
        }

    def xml(self) -> str:
        xml = self.xml_text
        for tag, items in self.lists.items():
            xml = _replace_list(xml, tag, items)
        return xml


def _solid(rgb: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
    )


def _list_span(xml: str, tag: str) -> re.Match[str]:
    found = re.search(rf"<{tag}\b[^>]*?(?:/>|>(.*?)</{tag}>)", xml, re.S)
    if found is None:
        raise Unsupported(f"styles.xml without <{tag}>")
    return found


def _items(xml: str, tag: str, child: str) -> list[str]:
    body = _list_span(xml, tag).group(1) or ""
    items = re.findall(rf"<{child}\b[^>]*?/>|<{child}\b[^>]*?>.*?</{child}>", body, re.S)
    if not items and tag in ("cellXfs", "fonts"):
        raise Unsupported(f"empty <{tag}>")
    return items


def _replace_list(xml: str, tag: str, items: list[str]) -> str:
    span = _list_span(xml, tag)
    new = f'<{tag} count="{len(items)}">{"".join(items)}</{tag}>'
    return xml[: span.start()] + new + xml[span.end() :]
