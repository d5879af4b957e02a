"""`manifest.json`: the machine-readable account of a merge (format in design.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..merge import MergeResult


def manifest(
    result: MergeResult,
    outputs: dict[str, Any] | None = None,
    feedback: Mapping[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The manifest document. `feedback` maps a file's display name to its feedback copy
    (`path`, `via`: patch | ods | openpyxl | values, and `reason` when a faster way was not
    taken)."""
    feedback = feedback or {}
    campaign = result.campaign
    period = campaign.period
    return {
        "campaign": {
            "id": campaign.id,
            "agency": campaign.agency.name,
            "period": {
                "id": period.id,
                "kind": period.kind,
                "year": period.year,
                "label": period.label,
                "deadline": period.deadline_at.isoformat() if period.deadline_at else None,
            },
        },
        "generated_at": result.generated_at.isoformat(timespec="seconds"),
        "tool_version": __version__,
        "spec": {"version": result.specs.version, "hash": result.specs.hash},
        "strict": result.strict,
        "files": [
            {
                "path": o.sub.display,
                "sha256": o.sub.sha256 or None,
                "unit": o.sub.identity.code,
                "unit_from": o.sub.identity.source or None,
                "status": o.status,
                "received_at": o.received.iso() if o.received else None,
                "received_from": o.received.source if o.received else None,
                "received_evidence": {k: e.iso() for k, e in o.evidence.items()},
                "late": o.late,
                "rows_read": o.rows_read,
                "rows_accepted": o.rows_accepted,
                "rows_rejected": o.rows_rejected,
                "rows_superseded": o.rows_superseded,
                "feedback": feedback.get(o.sub.display),
                "findings": [f.to_dict() for f in o.findings],
            }
            for o in result.files
        ],
        "units": [
            {
                "code": u.unit.code,
                "name": u.unit.name,
                "status": u.status,
                "late": u.late,
                "files": [o.sub.display for o in u.files],
                "counted": u.counted.sub.display if u.counted else None,
            }
            for u in result.units
        ],
        "duplicates": [
            {
                "sheet": d.sheet_name,
                "name": d.name,
                "birth_year": d.birth_year,
                "first": d.first.to_dict(),
                "second": d.second.to_dict(),
            }
            for d in result.duplicates
        ],
        "totals": result.totals(),
        "outputs": outputs or {},
    }
