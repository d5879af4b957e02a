"""Legacy Vietnamese encodings (TCVN3 `.VnTime`, VNI-Windows) pasted into Unicode cells.

Text typed with an old font arrives as Latin-1 look-alikes (`NguyÔn V¨n An`). viparse ships the
conversion tables; its content detector is tuned for whole documents and misses short cells, so
detection here is by character: a cell is suspect when it holds characters that never occur in
Vietnamese Unicode text, and a conversion is accepted only when it leaves none behind.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import convert

ENCODINGS = {"tcvn3": "TCVN3 (.VnTime)", "vni": "VNI-Windows"}

_VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
_ALLOWED = set(_VIETNAMESE_LETTERS + _VIETNAMESE_LETTERS.upper())
_ALLOWED |= set("–—‘’“”…•·°×÷№€§©®™«»±²³½¼¾")
# The quick screen: any Latin-1 supplement or Latin Extended character that is not a
# Vietnamese letter. Most cells never get past it.
_SUSPECT = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x80, 0x250) if chr(c) not in _ALLOWED) + "]"
)


def is_suspect(text: str) -> bool:
    return bool(_SUSPECT.search(text))


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_NUCLEI = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "yê",
    "iêu",
    "yêu",
    "oai",
    "oay",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "uya",
    "uyê",
    "uyu",
]
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"(" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + r")(ch|nh|ng|[cmnpt])?$"
)
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=4096)
def repair(text: str) -> tuple[str, str] | None:
    """Return (unicode_text, encoding) when `text` is legacy-encoded Vietnamese, else None.

    A conversion is kept only when it leaves no foreign character and reads as more valid
    Vietnamese syllables than the original: "Peña" or "Müller" stay as typed.
    """
    # Only text holding characters foreign to Vietnamese is tried: TCVN3 nearly always has
    # them (¨ µ ¸ Ý ß), VNI usually (ø ï û); plain Vietnamese never, so it is never touched.
    if not is_suspect(text):
        return None
    before = syllable_ratio(text)
    best: tuple[float, str, str] | None = None
    for encoding in ENCODINGS:
        converted = unicodedata.normalize("NFC", convert(text, CHARMAPS[encoding]))
        if converted == text or is_suspect(converted):
            continue
        ratio = syllable_ratio(converted)
        if ratio > before and ratio >= 0.6 and (best is None or ratio > best[0]):
            best = (ratio, converted, encoding)
    return (best[1], best[2]) if best else None


def syllable_ratio(text: str) -> float:
    """Share of the words that are well-formed Vietnamese syllables (tones ignored)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if _SYLLABLE.match(_strip_tones(w))) / len(words)


def _strip_tones(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
