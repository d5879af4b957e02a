"""Whose file is it?

HCTC's word comes first: a `unit` written into the file's `<file>.meta.json` sidecar (code or
name) settles it. Otherwise three signals are weighed:

- the unit chosen on the information sheet (who says they are submitting),
- the sender of the e-mail, from the sidecar `collect` writes (who sent it),
- the template's metadata (whose blank it was: per-unit templates only).

When they agree, or only one is present, that is the unit. When two agree and one differs,
the two win and the file carries a warning naming both (`unit_mismatch`). When no two agree,
the file is rejected (`unit_conflict`) with the candidates named, until HCTC writes `unit` in
the sidecar: rows are never credited to another unit silently. Two refinements keep the
signals independent: a per-unit template's information sheet comes with the unit's name
already filled in, so when it still shows that name it is not a second vote; and the
coordinator's own address (HCTC forwarding a unit's mail to the office mailbox) is not a vote
when another signal exists. The file name is used only when there is no other signal.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from .campaign import Campaign, Unit
from .findings import Finding, make_finding
from .formats.sidecar import Sidecar, sidecar_path
from .formats.template_layout import TemplateMeta
from .locate import header_key

OVERRIDE, INFO_SHEET, SENDER, METADATA, FILE_NAME = (
    "override",
    "info_sheet",
    "sender",
    "metadata",
    "file_name",
)
Signal = tuple[str, str]  # (signal, unit code)


@dataclass(frozen=True)
class Identity:
    code: str | None
    source: str  # the signals that agreed, "+"-joined (e.g. "info_sheet+sender"); "" if none
    claimed: str | None = None  # a unit named in the file or the sidecar but not on the roster
    outvoted: tuple[Signal, ...] = ()  # signals naming another unit than the one chosen
    candidates: tuple[Signal, ...] = ()  # no two signals agree: every signal, for the finding
    sender: str = ""  # the sender's address, for messages


def slug(text: str) -> str:
    """ASCII, lower-case, dash-separated: 'Phòng Tổng hợp' → 'phong-tong-hop'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def unit_by_text(campaign: Campaign, text: object) -> Unit | None:
    """The unit whose name (compared as headers are: NFC, case-folded) or code the text is."""
    if not isinstance(text, str) or not text.strip():
        return None
    lookup = campaign.index("text", lambda u: (header_key(u.name), header_key(u.code)))
    return lookup.get(header_key(text))


def identify(
    campaign: Campaign, path: Path, meta: TemplateMeta, info_unit: object, sidecar: Sidecar | None
) -> Identity:
    sender = sidecar.sender if sidecar else ""
    if sidecar and sidecar.unit:
        chosen = unit_by_text(campaign, sidecar.unit)
        if chosen is None:
            return Identity(None, OVERRIDE, claimed=sidecar.unit, sender=sender)
        return Identity(chosen.code, OVERRIDE, sender=sender)
    signals = _signals(campaign, meta, info_unit, sender)
    if not signals:
        claimed = _claimed(campaign, meta, info_unit)
        by_name = _unit_by_file_name(campaign, path)
        if by_name and not claimed:
            return Identity(by_name.code, FILE_NAME, sender=sender)
        return Identity(None, "", claimed=claimed, sender=sender)
    votes = Counter(code for _, code in signals)
    (code, count), *_ = votes.most_common(1)
    if len(signals) > 1 and count == 1:
        return Identity(None, "", candidates=tuple(signals), sender=sender)
    agreeing = "+".join(name for name, c in signals if c == code)
    outvoted = tuple(s for s in signals if s[1] != code)
    return Identity(code, agreeing, outvoted=outvoted, sender=sender)


def _signals(
    campaign: Campaign, meta: TemplateMeta, info_unit: object, sender: str
) -> list[Signal]:
    signals: list[Signal] = []
    owner = campaign.unit(meta.unit_code) if meta.unit_code else None
    chosen = unit_by_text(campaign, info_unit)
    if chosen and chosen != owner:  # the per-unit template's own name, left as it came, is no vote
        signals.append((INFO_SHEET, chosen.code))
    by_sender = _unit_by_sender(campaign, sender)
    if by_sender:
        signals.append((SENDER, by_sender.code))
    if owner:
        signals.append((METADATA, owner.code))
    coordinator = campaign.unit(campaign.agency.coordinator)
    forwarded = [s for s in signals if s == (SENDER, coordinator.code)] if coordinator else []
    if forwarded and len(signals) > 1:  # HCTC forwarding a unit's mail is not a vote
        signals = [s for s in signals if s[0] != SENDER]
    return signals


def _claimed(campaign: Campaign, meta: TemplateMeta, info_unit: object) -> str | None:
    if meta.unit_code and campaign.unit(meta.unit_code) is None:
        return meta.unit_code
    if isinstance(info_unit, str) and info_unit.strip():
        return info_unit.strip()
    return None


def _unit_by_sender(campaign: Campaign, sender: object) -> Unit | None:
    if not isinstance(sender, str):
        return None
    lookup = campaign.index("email", lambda u: (u.email.casefold(),) if u.email else ())
    return lookup.get(parseaddr(sender)[1].casefold())


def _unit_by_file_name(campaign: Campaign, path: Path) -> Unit | None:
    name = unicodedata.normalize("NFC", path.name)
    for suffix in path.suffixes:
        name = name.removesuffix(suffix)
    tokens = set(re.split(r"[^A-Za-z0-9]+", name.upper()))
    by_code = [u for u in campaign.units if u.code.upper() in tokens]
    if len(by_code) == 1:
        return by_code[0]
    file_slug = slug(name)
    by_name = [u for u in campaign.units if slug(u.name) in file_slug]
    return max(by_name, key=lambda u: len(u.name)) if by_name else None


# -- what merge says about it -------------------------------------------------------------------


def identity_findings(campaign: Campaign, path: Path, display: str, who: Identity) -> list[Finding]:
    """The findings a usable file gets for its identity (none when all is clear)."""
    override = sidecar_path(path).name
    if who.candidates:
        return [
            make_finding(
                "unit_conflict",
                display,
                value=override,
                detail="; ".join(_describe(campaign, s, who.sender) for s in who.candidates),
            )
        ]
    if who.code is None:
        code = "unit_not_in_roster" if who.claimed else "unit_unknown"
        return [make_finding(code, display, value=who.claimed, expected=override)]
    if who.outvoted:
        unit = campaign.unit(who.code)
        agreeing = [(s, who.code) for s in who.source.split("+")]
        return [
            make_finding(
                "unit_mismatch",
                display,
                unit=who.code,
                value="; ".join(_describe(campaign, s, who.sender) for s in who.outvoted),
                expected=unit.name if unit else who.code,
                detail=" và ".join(_describe(campaign, s, who.sender) for s in agreeing),
                hint=override,
            )
        ]
    return []


def _describe(campaign: Campaign, signal: Signal, sender: str) -> str:
    kind, code = signal
    unit = campaign.unit(code)
    name = unit.name if unit else code
    if kind == INFO_SHEET:
        return f"sheet thông tin đơn vị chọn '{name}'"
    if kind == SENDER:
        return f"người gửi thư ({parseaddr(sender)[1] or sender}) là '{name}'"
    if kind == METADATA:
        return f"biểu mẫu được cấp cho '{name}'"
    return f"tên tệp gợi ý '{name}'"
