"""Names: what the project shows, stores and derives from names it did not choose.

Inbox file names come from units, mail programs and zip tools: legacy bytes (CP1258 from old
Windows tools), control characters, line breaks, right-to-left overrides, 255-byte Vietnamese
names. Everything here turns such a name into

- `readable(text)`: text safe to print, to write into a sheet cell, a JSON file or a mail body
  (legacy bytes decoded, NFC, control and direction-changing characters replaced by U+FFFD);
- `safe_filename(name)`: a name any file system accepts (no folders, no characters Windows
  refuses, no reserved device names, no leading dot that would hide it), at most
  MAX_NAME_BYTES bytes of UTF-8, cut on a character boundary, its suffix kept;
- `NameAllocator`: unique names within one folder (case and normalisation folded, as Windows and
  macOS compare them), disambiguated deterministically as "name (2).xlsx", in constant time
  per name;
- `shown(text)`: `readable` plus rich markup escaped, for the terminal.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable

MAX_NAME_BYTES = 200  # well under the 255-byte limit of ext4/NTFS names, suffixes included
REPLACEMENT = "\ufffd"
# Characters never shown as they are: C0/C1 controls and DEL, lone surrogates (undecodable
# bytes), line/paragraph separators, and the bidirectional controls that reorder what follows.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*\ufffd]')
_RESERVED = re.compile(
    r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$", re.IGNORECASE
)
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def readable(text: str) -> str:
    """`text` as people may read it anywhere: decoded, NFC, nothing hidden or reordering."""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = _decode_legacy(text)
    return _HIDDEN.sub(REPLACEMENT, unicodedata.normalize("NFC", text))


def _decode_legacy(text: str) -> str:
    """A name read from disk with bytes that are not UTF-8 (surrogate-escaped by Python):
    old Vietnamese Windows tools wrote CP1258."""
    raw = os.fsencode(text) if os.name != "nt" else text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1258", errors="replace")


def shown(text: object) -> str:
    """For the terminal (rich): readable, and no text taken as markup."""
    from rich.markup import escape

    return escape(readable(str(text)))


def fits(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` whose UTF-8 encoding has at most `max_bytes` bytes."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", errors="ignore")


def safe_filename(name: str, max_bytes: int = MAX_NAME_BYTES, fallback: str = "tep") -> str:
    """One path component any file system accepts, bounded in bytes, its suffix kept."""
    name = readable(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" .")
    if not name:
        name = fallback
    elif _RESERVED.match(name):
        name = f"tep-{name}"
    match = _SUFFIX.search(name)
    suffix = match.group(0) if match and match.start() > 0 else ""
    stem = name[: len(name) - len(suffix)]
    room = max_bytes - len(suffix.encode("utf-8"))
    stem = fits(stem, room).rstrip(" .") or fallback
    return stem + suffix


def derived_name(base: str, tail: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`base` + `tail` (e.g. "-phan-hoi.xlsx"), with `base` made safe and shortened so the
    whole name fits: the tail, which says what the file is, is never cut."""
    room = max_bytes - len(tail.encode("utf-8"))
    stem = safe_filename(base, max_bytes=room).rstrip(" .")
    return stem + tail


def name_key(name: str) -> str:
    """Two names that one file system may take for the same file compare equal here."""
    return unicodedata.normalize("NFC", name).casefold()


class NameAllocator:
    """Unique names in one folder, in the order asked: the first keeps its name, later ones
    become "stem (2).suffix", "stem (3).suffix", …; each name costs O(1) on average."""

    def __init__(self, taken: Iterable[str] = (), max_bytes: int = MAX_NAME_BYTES) -> None:
        self.taken = {name_key(n) for n in taken}
        self.max_bytes = max_bytes
        self.next_number: dict[str, int] = {}

    def take(self, name: str) -> None:
        """Mark a name already used in the folder."""
        self.taken.add(name_key(name))

    def allocate(self, name: str) -> str:
        key = name_key(name)
        if key not in self.taken:
            self.taken.add(key)
            return name
        match = _SUFFIX.search(name)
        suffix = match.group(0) if match and match.start() > 0 else ""
        stem = name[: len(name) - len(suffix)]
        number = self.next_number.get(key, 2)
        while True:
            tail = f" ({number}){suffix}"
            candidate = fits(stem, self.max_bytes - len(tail.encode("utf-8"))) + tail
            number += 1
            if name_key(candidate) not in self.taken:
                break
        self.next_number[key] = number
        self.taken.add(name_key(candidate))
        return candidate
