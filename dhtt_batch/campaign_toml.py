"""Reading campaign.toml's values: typed access to its tables, dates written as text, and
the error every mistake raises (Vietnamese, naming the table and the key).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class CampaignError(Exception):
    """The campaign file is missing or malformed; the message is Vietnamese and names the key."""


def nfc(text: str) -> str:
    """Campaign text as users read it (NFC), whatever form the file was saved in."""
    return unicodedata.normalize("NFC", text)


class TableReader:
    """Typed access to the TOML tables, with Vietnamese errors naming `[table] key`."""

    def __init__(self, filename: str, data: dict[str, Any]) -> None:
        self.filename = filename
        self.data = data

    def where(self, table: str, key: str) -> str:
        return f"{self.filename}, mục [{table}] khóa '{key}'"

    def table(self, table: str) -> dict[str, Any]:
        value = self.data.get(table, {})
        if not isinstance(value, dict):
            raise CampaignError(f"{self.filename}: [{table}] phải là một bảng.")
        return value

    def text(self, table: str, key: str, required: bool = True, default: str = "") -> str:
        value = self.table(table).get(key, default)
        if not isinstance(value, str):
            raise CampaignError(f"{self.where(table, key)}: phải là chuỗi trong dấu nháy kép.")
        if required and not value.strip():
            raise CampaignError(f"{self.where(table, key)}: không được để trống.")
        return nfc(value.strip())


def date_or_time(value: Any) -> Any:
    """A date or date-time written in quotes is read too: "2025-12-20T17:00:00",
    "2025-12-20", "20/12/2025 17:00", "20/12/2025". Anything else is returned as it was."""
    if not isinstance(value, str) or not value.strip():
        return value
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.date() if len(text) == 10 else parsed.replace(tzinfo=None)
    except ValueError:
        pass
    for form in _DAY_FIRST:
        try:
            parsed = datetime.strptime(text, form)
            return parsed.date() if form == "%d/%m/%Y" else parsed
        except ValueError:
            continue
    return value
