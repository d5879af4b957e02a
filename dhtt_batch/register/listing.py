"""`register list` and `register export` read the summaries the register keeps (summary.py)
of the exemplars registered in at least KEPT years; a list of fewer years is computed from the
rows.

On a SQLite file at this release's revision, with summaries made for the campaign's issuer
names, a list of KEPT years or more is one SELECT through the standard library's sqlite3: no
SQLAlchemy import (its import alone is about half a second). Anything else — PostgreSQL, a
register to create or upgrade, summaries to (re)make, fewer years, any error — takes the
normal path (api.py), which opens the register through SQLAlchemy and fixes what it finds.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from . import RegisterError
from .address import sqlite_file
from .exemplar import Exemplar
from .kept import ALL, KEPT, STATE, fingerprint
from .migrations import HEAD

if TYPE_CHECKING:
    from ..campaign import Campaign
    from ..spec import SpecSet


def criterion_key(specs: SpecSet, text: str | None) -> str | None:
    """A criterion named by its key (a) or its sheet (a_HCM) → its key."""
    if not text:
        return None
    try:
        sheet = specs.criterion(text.strip())
    except KeyError:
        known = ", ".join(f"{s.criterion} ({s.name})" for s in specs.criteria)
        raise RegisterError(f"Không có tiêu chí '{text}' (dùng: {known}).") from None
    return sheet.criterion or sheet.name


def list_texts(
    url: str, campaign: Campaign, specs: SpecSet, criterion: str | None, min_years: int
) -> list[str]:
    """The entries of the list (each `Exemplar.as_json()` as JSON text), in list order."""
    scope = criterion_key(specs, criterion) or ALL
    issuers = dict(campaign.register.issuers)
    found = _sqlite_texts(url, fingerprint(issuers), scope, min_years)
    if found is None:
        from .api import summary_texts

        found = summary_texts(url, issuers, scope, min_years)
    return found


def list_register(
    url: str, campaign: Campaign, specs: SpecSet, criterion: str | None, min_years: int
) -> list[Exemplar]:
    """The entries of the list as Exemplars (`register list` without --json, export)."""
    if min_years >= KEPT:
        texts = list_texts(url, campaign, specs, criterion, min_years)
        return [Exemplar.from_json(json.loads(text)) for text in texts]
    from .api import summary_exemplars

    scope = criterion_key(specs, criterion) or ALL
    return summary_exemplars(url, dict(campaign.register.issuers), scope, min_years)


def list_json(
    url: str, campaign: Campaign, specs: SpecSet, criterion: str | None, min_years: int
) -> str:
    """`register list --json`: the stored texts joined, exactly as json.dumps writes the list."""
    return "[" + ", ".join(list_texts(url, campaign, specs, criterion, min_years)) + "]"


def _sqlite_texts(url: str, state: str, scope: str, min_years: int) -> list[str] | None:
    """The summaries of an up-to-date SQLite register read in one transaction, or None to take
    the normal path. (Table names as in schema.py; tests prove this path is taken.)"""
    path = sqlite_file(url)
    if min_years < KEPT or path is None or not path.is_file():
        return None
    import sqlite3

    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10, isolation_level=None
        )
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # the checks and the read see one state of the file
        version = conn.execute("SELECT version_num FROM dhtt_alembic_version").fetchall()
        made = conn.execute("SELECT value FROM dhtt_summary_state WHERE name = ?", (STATE,))
        if version != [(HEAD,)] or made.fetchall() != [(state,)]:
            return None
        rows = conn.execute(
            "SELECT sort_key, body FROM dhtt_summaries WHERE scope = ? AND year_count >= ?",
            (scope, min_years),
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    rows.sort()  # the sort keys are unique: the bodies are never compared
    return [body for _key, body in rows]
