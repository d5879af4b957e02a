"""Run by the *system* python3 (where `import uno` works), never by pytest: a clerk at a
LibreOffice already listening on a port (started by tests/lo_clerk.py) opens one workbook, does
the given steps through the UI dispatcher (lo-typist), saves, and reports what it saw as JSON.

    /usr/bin/python3 tests/lo_clerk_driver.py PORT SCRIPT.json

SCRIPT: {"source": path, "save": [[path, filter]] or [], "steps": [[action, sheet, cell, text?]]}
with action one of "type", "paste", "insert_row_above", "inspect". A step that types into a
locked cell of a protected sheet is refused exactly as LibreOffice would refuse it, and
reported, without asking LibreOffice (whose refusal dialog aborts a headless instance).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "shared" / "lo-typist"))

from typist import Typist, connect, open_doc, save  # noqa: E402


def inspect(doc: Any, sheet: str, ref: str) -> dict[str, Any]:
    book_sheet = doc.Sheets.getByName(sheet)
    cell = book_sheet.getCellRangeByName(ref)
    validation = cell.Validation
    return {
        "sheet": sheet,
        "cell": ref,
        "string": cell.getString(),
        "locked": bool(cell.CellProtection.IsLocked),
        "protected": bool(book_sheet.isProtected()),
        "validation": str(validation.Type.value),
        "validation_formula": validation.getFormula1(),
        "italic": str(cell.CharPosture.value) == "ITALIC",
        "back_color": int(cell.CellBackColor),
    }


def used_rows(doc: Any, sheet: str) -> int:
    """The last used row: it moves down by one when a row is inserted above it."""
    cursor = doc.Sheets.getByName(sheet).createCursor()
    cursor.gotoEndOfUsedArea(False)
    return int(cursor.getRangeAddress().EndRow)


def run(port: int, script: dict[str, Any]) -> dict[str, Any]:
    _ctx, desktop, dispatcher = connect(port)
    doc = open_doc(desktop, script["source"])
    if doc is None:
        raise SystemExit(f"LibreOffice did not open {script['source']}")
    typist = Typist(doc, dispatcher)
    seen: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    for action, sheet, ref, *rest in script["steps"]:
        if action == "inspect":
            seen.append(inspect(doc, sheet, ref))
        elif action == "insert_row_above":
            before = used_rows(doc, sheet)
            typist.insert_row_above(sheet, ref)
            below_used = int("".join(c for c in ref if c.isdigit())) - 1 <= before
            if below_used and used_rows(doc, sheet) == before:
                refused.append({"step": action, "sheet": sheet, "cell": ref})
        elif action in ("type", "paste"):
            state = inspect(doc, sheet, ref)
            if state["locked"] and state["protected"]:
                refused.append({"step": action, "sheet": sheet, "cell": ref, "text": rest[0]})
                continue
            if action == "type":
                typist.type(sheet, ref, rest[0])
            else:
                typist.paste_text(sheet, ref, rest[0])
        else:
            raise SystemExit(f"unknown step {action!r}")
    for target, filter_name in script["save"]:
        save(doc, target, filter_name)
    return {"seen": seen, "refused": refused}


def main() -> None:
    port, script_path = int(sys.argv[1]), sys.argv[2]
    script = json.loads(Path(script_path).read_text(encoding="utf-8"))
    print(json.dumps(run(port, script), ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
