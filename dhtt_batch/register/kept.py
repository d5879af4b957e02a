"""What the register's kept list (summary.py) depends on, shared with its reader without
SQLAlchemy (listing.py): its scopes, the years from which an exemplar is kept, and the
fingerprint of what else its entries depend on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

ALL = ""  # the scope of every criterion
KEPT = 2  # summaries are kept for the exemplars registered in at least this many years
# What a stored entry says. Raise it whenever Exemplar.as_json or query.build_exemplars
# changes an entry: registers made before then make their summaries again on first use.
FORMAT = 1
STATE = "list"  # dhtt_summary_state's row


def fingerprint(issuers: Mapping[str, str]) -> str:
    """What the summaries depend on beyond the register's rows: the format, KEPT and the
    issuer names of `[register.issuers]` (an entry names each decision's issuing body)."""
    text = json.dumps([FORMAT, KEPT, sorted(issuers.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
