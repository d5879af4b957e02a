from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dhtt_batch.campaign import Campaign, load_campaign
from dhtt_batch.findings import Finding
from dhtt_batch.spec import SpecSet, load_specs
from dhtt_batch.template import build_template
from dhtt_batch.testing import example_record, fill_template
from dhtt_batch.validate import ValidationResult, validate_paths

REPO = Path(__file__).resolve().parent.parent
SAMPLE_INBOX = REPO / "samples" / "inbox"


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="session")
def specs() -> SpecSet:
    return load_specs()


@pytest.fixture(scope="session")
def template_file(
    tmp_path_factory: pytest.TempPathFactory, campaign: Campaign, specs: SpecSet
) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.xlsx"
    build_template(campaign, specs).save(path)
    return path


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def schemas_copy(tmp_path: Path) -> Path:
    """An editable copy of the spec folder, for tests that break it on purpose."""
    target = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", target)
    return target


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# --- filled workbooks -----------------------------------------------------------------------

# Valid data comes from the spec's own `example:` values: one source for the template's
# example row, the tests, the samples and the benchmark.
_SPECS = load_specs()
VALID_INFO = example_record(_SPECS.info)
VALID_ROWS: dict[str, dict[str, object]] = {
    spec.name: example_record(spec) for spec in _SPECS.criteria
}


def valid_row(sheet: str = "a_HCM", **changes: object) -> dict[str, object]:
    return {**VALID_ROWS[sheet], **changes}


@pytest.fixture()
def make_workbook(campaign: Campaign, specs: SpecSet, tmp_path: Path) -> Callable[..., Path]:
    """Build a filled template in tmp_path; `edit(wb)` may change it before it is saved."""

    def make(
        name: str = "HCTC.xlsx",
        rows: dict[str, list[dict[str, object]]] | None = None,
        info: dict[str, object] | None = None,
        unit: str | None = None,
        edit: Callable[[Workbook], None] | None = None,
        of_campaign: Campaign | None = None,
    ) -> Path:
        source = of_campaign or campaign
        wb = build_template(source, specs, source.unit(unit) if unit else None)
        fill_template(
            wb,
            specs,
            VALID_INFO if info is None else info,
            {"a_HCM": [valid_row()]} if rows is None else rows,
        )
        if edit:
            edit(wb)
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return make


@pytest.fixture()
def check(campaign: Campaign, specs: SpecSet) -> Callable[..., ValidationResult]:
    def run(*paths: Path) -> ValidationResult:
        return validate_paths(list(paths), campaign, specs, today=TODAY)

    return run


TODAY = date(2026, 1, 5)


@pytest.fixture(scope="session")
def merged_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """OUTDIR of `dhtt-batch merge samples/inbox --report --json`, run once per session;
    the JSON printed on stdout is kept beside the outputs as stdout.json."""
    from dhtt_batch.cli import cli

    out = tmp_path_factory.mktemp("merged-samples")
    result = CliRunner().invoke(
        cli,
        ["merge", str(SAMPLE_INBOX), "-o", str(out), "--report", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    (out / "stdout.json").write_text(result.stdout, encoding="utf-8")
    return out


# --- outputs as a set ------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below `folder` (its lock file aside): relative path → bytes, None for a
    folder. Two equal snapshots are byte-identical trees."""
    return {
        p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.name != ".dhtt-batch.lock"
    }


def assert_consistent_set(out: Path, leftovers: bool = False) -> dict:
    """OUTDIR holds exactly the set its manifest describes: every file listed with its size
    and SHA-256, nothing else (no staging folder, journal or temporary file either, unless
    `leftovers`: a killed run's hidden entries, which the next run removes)."""
    import hashlib
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: (f["bytes"], f["sha256"]) for f in manifest["outputs"]["files"]}
    present = {
        p.relative_to(out).as_posix(): (
            p.stat().st_size,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in out.rglob("*")
        if p.is_file()
        and p.name not in ("manifest.json", ".dhtt-batch.lock")
        and not (leftovers and p.relative_to(out).as_posix().startswith("."))
    }
    assert present == listed
    entries = {p.name for p in out.iterdir() if not (leftovers and p.name.startswith("."))}
    entries -= {".dhtt-batch.lock"}
    assert entries == {"manifest.json", "feedback"} | {path.split("/")[0] for path in listed}
    return manifest


def flatten(findings: list[Finding], fields: list[str]) -> list[list[object]]:
    """Findings as rows of the named fields, for one-line assertions (cells shown as "B12")."""

    def shown(finding: Finding, name: str) -> object:
        value = getattr(finding, name)
        return str(value) if name == "cell" and value is not None else value

    return [[shown(f, name) for name in fields] for f in findings]


OOXML_CHECK = REPO.parent / "shared" / "ooxml-check" / "check"


@pytest.fixture(scope="session")
def office_check() -> Callable[..., None]:
    """Assert that Excel / Word would open these files without "repair" (../shared checker)."""
    import subprocess

    if not OOXML_CHECK.is_file():
        pytest.fail(f"the Office checker is missing: {OOXML_CHECK}")

    def run(*paths: Path) -> None:
        result = subprocess.run(
            [str(OOXML_CHECK), *map(str, paths)], capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr

    return run
