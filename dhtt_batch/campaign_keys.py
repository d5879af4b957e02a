"""The keys campaign.toml may hold, and the check that refuses any other.

A misspelt `dealine` would otherwise be silently ignored: the check names the file, the line
and the nearest known key.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from .campaign_toml import CampaignError

# Every key campaign.toml may hold, by table — the one place to extend when a key is added.
# `None`: a table of free keys (e.g. activity codes by unit code). "units" is each [[units]].
KNOWN_KEYS: dict[str, frozenset[str] | None] = {
    "agency": frozenset({"name", "short_name", "parent", "code", "place", "coordinator"}),
    "period": frozenset({"kind", "year", "phase", "deadline", "utc_offset"}),
    "report": frozenset(
        {
            "number",
            "symbol",
            "date",
            "subject",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
            "archive",
            "docx_template",
            "html_template",
            "plan_number",
            "plan_symbol",
            "plan_date",
        }
    ),
    "template": frozenset({"schemas"}),
    "export": frozenset({"activity_field_by", "activity_fields"}),
    "export.activity_fields": None,
    "units": frozenset({"code", "name", "email"}),
    "register": frozenset(
        {
            "db",
            "year_points",
            "title_points",
            "spread_points",
            "candidates",
            "candidate_min_years",
            "issuers",
        }
    ),
    "register.issuers": None,
}


def check_keys(filename: str, text: str, data: dict[str, Any]) -> None:
    """Refuse a key campaign.toml does not know (a misspelt `dealine` would otherwise be
    silently ignored), naming the file, the line and the nearest known key."""
    for table, value in data.items():
        if table not in KNOWN_KEYS or "." in table:
            _unknown(filename, text, None, table, [t for t in KNOWN_KEYS if "." not in t])
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, dict):
                _check_table(filename, text, table, entry)


def _check_table(filename: str, text: str, table: str, entry: dict[str, Any]) -> None:
    known = KNOWN_KEYS[table]
    if known is None:
        return
    for key, value in entry.items():
        if key not in known:
            _unknown(filename, text, table, key, sorted(known))
        nested = f"{table}.{key}"
        if isinstance(value, dict) and nested in KNOWN_KEYS:
            _check_table(filename, text, nested, value)


def _unknown(filename: str, text: str, table: str | None, key: str, known: list[str]) -> None:
    line = _line_of(text, table, key)
    where = f"{filename}, dòng {line}" if line else filename
    section = "[[units]]" if table == "units" else f"[{table}]"
    what = f"khóa '{key}' trong mục {section}" if table else f"mục [{key}]"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    hint = f" Có phải ý là '{close[0]}'?" if close else f" Các khóa dùng được: {', '.join(known)}."
    raise CampaignError(f"{where}: {what} không có trong cấu hình.{hint}")


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line where `key` is set under `[table]` (or where table `key` starts)."""
    current = ""
    assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            if table is None and current.split(".")[0] == key:
                return number
            continue
        if table is not None and current == table and assignment.match(line):
            return number
        if table is None and current == "" and assignment.match(line):
            return number
    return None
