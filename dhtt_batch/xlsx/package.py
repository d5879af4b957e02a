"""Reading the structure of an .xlsx package (which part holds which sheet), shared by the
safe reader and the feedback patcher. Parsed with defusedxml: the package is untrusted."""

from __future__ import annotations

import zipfile

from defusedxml import ElementTree

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class PackageError(Exception):
    """The workbook part or its relationships are missing or not well-formed XML."""


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip entry of its worksheet part (e.g. "xl/worksheets/sheet2.xml")."""
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception as exc:  # defusedxml refusals, parse errors, missing entries alike
        raise PackageError(str(exc)) from exc
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", NS)}
    parts: dict[str, str] = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        if target:
            parts[sheet.get("name", "")] = (
                target.lstrip("/") if target.startswith("/xl/") else f"xl/{target}"
            )
    return parts
