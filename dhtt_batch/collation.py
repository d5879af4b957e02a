"""Vietnamese collation: the alphabet order a ă â b c d đ e ê …, tones as a secondary key.

Python's default sort puts "Đ" after "Z" and orders by code point; an office list expects
"An, Ánh, Bình, Đào". Personal names sort by given name (the last word), then the rest.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# breve, circumflex and horn make letters of their own
_LETTERS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}

Key = tuple[tuple[int, ...], tuple[int, ...]]


@lru_cache(maxsize=65536)  # names repeat a great deal across a province's rows
def text_key(text: str) -> Key:
    """Primary key on letters (Vietnamese order), secondary on tones."""
    pairs = [_char_key(ch) for ch in unicodedata.normalize("NFC", text.casefold())]
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


@lru_cache(maxsize=4096)  # a few hundred distinct characters; decomposing each once
def _char_key(char: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", char)
    letter, marks = decomposed[0], decomposed[1:]
    tone = next((_TONES[m] for m in marks if m in _TONES), 0)
    for mark in marks:
        letter = _LETTERS.get((letter, mark), letter)
    return (_RANK[letter] if letter in _RANK else 100 + ord(letter)), tone


def person_key(name: str) -> tuple[Key, Key]:
    """Given name first (the last word), then family and middle names."""
    words = name.split()
    if not words:
        return text_key(""), text_key("")
    return text_key(words[-1]), text_key(" ".join(words[:-1]))


def exemplar_key(collective: bool, name: object) -> tuple[int, tuple[Key, Key]]:
    """The order of exemplars in every list: collectives first by name, then people by given
    name (shared by the consolidated workbook and the report so the two never disagree)."""
    text = name if isinstance(name, str) else ""
    return (0, (text_key(text), text_key(""))) if collective else (1, person_key(text))
