"""Code asks the spec for roles, never for column keys: renaming every key in YAML alone
leaves the merge of the sample inbox (and its report) with the same outcome."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dhtt_batch.campaign import default_campaign_path
from dhtt_batch.cli import cli

from .conftest import REPO, SAMPLE_INBOX

_KEY_REFERENCE = re.compile(r"^(\s*-?\s*(?:key|use):\s*)([a-z][a-z0-9_]*)", re.M)
_CONDITION = re.compile(r"(\{column:\s*)([a-z][a-z0-9_]*)")


def _renamed_schemas(target: Path) -> Path:
    shutil.copytree(REPO / "schemas", target)
    for path in target.glob("*.yaml"):
        if path.name in ("index.yaml", "lists.yaml"):
            continue
        text = path.read_text(encoding="utf-8")
        text = _KEY_REFERENCE.sub(r"\1renamed_\2", text)
        text = _CONDITION.sub(r"\1renamed_\2", text)
        path.write_text(text, encoding="utf-8")
    return target


def _outcome(manifest: dict[str, Any]) -> dict[str, Any]:
    """What a user sees of a merge, independent of column keys."""
    return {
        "files": [
            (
                Path(f["path"]).name,
                f["unit"],
                f["status"],
                f["rows_read"],
                f["rows_accepted"],
                f["rows_rejected"],
                f["rows_superseded"],
                sorted((x["code"], x["sheet"], x["cell"], x["message"]) for x in f["findings"]),
            )
            for f in manifest["files"]
        ],
        "units": [(u["code"], u["status"], u["late"]) for u in manifest["units"]],
        "duplicates": [(d["sheet"], d["name"], d["birth_year"]) for d in manifest["duplicates"]],
        "totals": manifest["totals"],
    }


def test_renaming_every_column_key_in_yaml_changes_nothing(
    tmp_path: Path, merged_samples: Path
) -> None:
    schemas = _renamed_schemas(tmp_path / "schemas")
    assert "key: renamed_ho_ten" in (schemas / "_common.yaml").read_text(encoding="utf-8")
    campaign = tmp_path / "campaign.toml"
    campaign.write_text(
        default_campaign_path().read_text(encoding="utf-8") + '\n[template]\nschemas = "schemas"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["merge", str(SAMPLE_INBOX), "-o", str(out), "-c", str(campaign), "--report", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    renamed = json.loads(result.stdout)
    original = json.loads((merged_samples / "manifest.json").read_text(encoding="utf-8"))
    assert _outcome(renamed) == _outcome(original)
    assert (out / "bao-cao-2025.docx").is_file()
