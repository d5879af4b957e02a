"""Whose file is it, and when did it arrive?

The unit is told, in order, by the template's metadata (a per-unit template), the
unit-information sheet, the sender recorded in a `<file>.meta.json` sidecar (written by
`collect`), and the file name. The arrival time comes from the sidecar, else the date typed in
the unit-information sheet, else the file's modification time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from email.utils import parseaddr
from pathlib import Path

from .campaign import Campaign, Unit
from .formats.sidecar import Sidecar
from .formats.template_layout import TemplateMeta
from .locate import header_key


@dataclass(frozen=True)
class Identity:
    code: str | None
    source: str  # "metadata" | "info_sheet" | "sender" | "file_name" | ""
    claimed: str | None = None  # a unit named in the file but not on the roster
    conflict: str | None = None  # info sheet names another roster unit than the metadata


def slug(text: str) -> str:
    """ASCII, lower-case, dash-separated: 'Phòng Tổng hợp' → 'phong-tong-hop'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def unit_by_text(campaign: Campaign, text: object) -> Unit | None:
    """The unit whose name (compared as headers are) or code the text is."""
    if not isinstance(text, str) or not text.strip():
        return None
    lookup = campaign.index("text", lambda u: (header_key(u.name), u.code.casefold()))
    return lookup.get(header_key(text))


def identify(
    campaign: Campaign, path: Path, meta: TemplateMeta, info_unit: object, sidecar: Sidecar | None
) -> Identity:
    from_meta = campaign.unit(meta.unit_code) if meta.unit_code else None
    from_info = unit_by_text(campaign, info_unit)
    claimed = meta.unit_code if meta.unit_code and not from_meta else None
    if from_meta:
        conflict = from_info.name if from_info and from_info != from_meta else None
        return Identity(from_meta.code, "metadata", conflict=conflict)
    if from_info:
        return Identity(from_info.code, "info_sheet")
    if isinstance(info_unit, str) and info_unit.strip():
        claimed = claimed or info_unit.strip()
    from_sender = _unit_by_sender(campaign, sidecar.sender if sidecar else "")
    if from_sender:
        return Identity(from_sender.code, "sender")
    from_name = _unit_by_file_name(campaign, path)
    if from_name:
        return Identity(from_name.code, "file_name")
    return Identity(None, "", claimed=claimed)


def _unit_by_sender(campaign: Campaign, sender: object) -> Unit | None:
    if not isinstance(sender, str):
        return None
    lookup = campaign.index("email", lambda u: (u.email.casefold(),) if u.email else ())
    return lookup.get(parseaddr(sender)[1].casefold())


def _unit_by_file_name(campaign: Campaign, path: Path) -> Unit | None:
    name = path.name
    for suffix in path.suffixes:
        name = name.removesuffix(suffix)
    tokens = set(re.split(r"[^A-Za-z0-9]+", name.upper()))
    by_code = [u for u in campaign.units if u.code.upper() in tokens]
    if len(by_code) == 1:
        return by_code[0]
    file_slug = slug(name)
    by_name = [u for u in campaign.units if slug(u.name) in file_slug]
    return max(by_name, key=lambda u: len(u.name)) if by_name else None


def received_at(
    sidecar: Sidecar | None, info_date: object, path: Path, tz: tzinfo
) -> tuple[datetime, str]:
    """When the submission arrived (an aware time), and where that time came from.

    Naive times are the office's wall clock (`tz`). A date typed in the unit-information sheet
    counts as the start of that day.
    """
    raw = (sidecar.received or sidecar.date) if sidecar else None
    if isinstance(raw, str):
        try:
            stamp = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
            return (stamp if stamp.tzinfo else stamp.replace(tzinfo=tz)), "sidecar"
        except ValueError:
            pass
    if isinstance(info_date, datetime):
        return info_date.replace(tzinfo=tz), "info_sheet"
    if isinstance(info_date, date):
        return datetime.combine(info_date, time(0, 0), tzinfo=tz), "info_sheet"
    return datetime.fromtimestamp(path.stat().st_mtime, tz), "file_time"
