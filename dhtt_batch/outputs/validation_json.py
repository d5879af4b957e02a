"""`validate --json`: one JSON document, findings in the documented format."""

from __future__ import annotations

import json
from typing import Any

from ..findings import ERROR
from ..validate import ValidationResult


def validation_document(result: ValidationResult) -> dict[str, Any]:
    files = []
    for sub in result.submissions:
        read, accepted, rejected = result.row_counts(sub)
        findings = result.findings_for(sub)
        files.append(
            {
                "path": sub.display,
                "sha256": sub.sha256 or None,
                "unit": sub.identity.code,
                "valid": not any(f.severity == ERROR for f in findings),
                "rows_read": read,
                "rows_accepted": accepted,
                "rows_rejected": rejected,
                "findings": [f.to_dict() for f in findings],
            }
        )
    errors = sum(1 for f in result.findings if f.severity == ERROR)
    return {
        "files": files,
        "totals": {
            "files": len(files),
            "errors": errors,
            "warnings": len(result.findings) - errors,
            "rows_read": sum(f["rows_read"] for f in files),
            "rows_accepted": sum(f["rows_accepted"] for f in files),
            "rows_rejected": sum(f["rows_rejected"] for f in files),
        },
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)
