"""The one form fixed text is compared in: headers, sheet names, example-row markers, choices,
unit names, status labels. Text from workbooks arrives in any Unicode form (NFD from some Mac
and web tools), any case, with odd spaces and dashes; code and specs hold it in NFC."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


@lru_cache(maxsize=16384)
def text_key(text: object) -> str:
    """NFC, case-folded, dashes unified, runs of spaces and line breaks made one space."""
    value = unicodedata.normalize("NFC", str(text)).casefold().translate(_DASHES)
    return " ".join(value.split())
