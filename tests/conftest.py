from __future__ import annotations

import atexit
import functools
import html
import math
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from dhtt_batch.campaign import Campaign, default_campaign_path, load_campaign
from dhtt_batch.findings import Finding
from dhtt_batch.formats.template_layout import FORM_FIRST_ROW
from dhtt_batch.spec import SheetSpec, SpecSet
from dhtt_batch.spec_loader import load_specs
from dhtt_batch.template import build_template
from dhtt_batch.testing import example_record, fill_template, save_saved_at
from dhtt_batch.validate import ValidationResult, validate_paths

from . import lo_clerk

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


@functools.cache
def _lo_profile() -> Path:
    """One LibreOffice profile for this test run (making one costs a second or two a run);
    never shared with another process, which LibreOffice does not allow."""
    profile = Path(tempfile.mkdtemp(prefix="dhtt-lo-profile-"))
    atexit.register(shutil.rmtree, profile, ignore_errors=True)
    return profile


def lo_convert(sources: Path | list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert files with headless LibreOffice (one run) into `outdir`; `fmt` as
    --convert-to takes it ("pdf", "ods", "xlsx", "xlsx:Calc MS Excel 2007 XML")."""
    files = [sources] if isinstance(sources, Path) else sources
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            str(soffice()),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={_lo_profile().as_uri()}",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    targets = [outdir / f"{f.stem}.{fmt.split(':')[0]}" for f in files]
    assert result.returncode == 0 and all(t.exists() for t in targets), result.stderr
    return targets


# The Office-compatibility checker shared by the project (CI has ../shared beside the repo).
OOXML_CHECK = REPO.parent / "shared" / "ooxml-check" / "check"


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


def write_filled(
    campaign: Campaign,
    specs: SpecSet,
    path: Path,
    rows: dict[str, list[dict[str, object]]] | None = None,
    info: dict[str, object] | None = None,
    unit: str | None = None,
    edit: Callable[[Workbook], None] | None = None,
    of_campaign: Campaign | None = None,
    saved: datetime | None = None,
) -> Path:
    """A filled template saved at `path`, its document properties saying it was saved at
    `saved` (by default SAVED, before the default deadline)."""
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
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_saved_at(wb, path, saved or SAVED)


@pytest.fixture()
def make_workbook(campaign: Campaign, specs: SpecSet, tmp_path: Path) -> Callable[..., Path]:
    """Build a filled template in tmp_path (see write_filled); `edit(wb)` may change it
    before it is saved."""

    def make(name: str = "HCTC.xlsx", **options: Any) -> Path:
        return write_filled(campaign, specs, tmp_path / name, **options)

    return make


@pytest.fixture()
def check(campaign: Campaign, specs: SpecSet) -> Callable[..., ValidationResult]:
    def run(*paths: Path) -> ValidationResult:
        return validate_paths(list(paths), campaign, specs, today=TODAY)

    return run


TODAY = date(2026, 1, 5)
OFFICE_TZ = timezone(timedelta(hours=7))
SAVED = datetime(2025, 12, 10, 9, 0, tzinfo=OFFICE_TZ)  # when make_workbook's files were saved


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


# --- a clerk typing in LibreOffice (tests/lo_clerk.py) ----------------------------------------


@functools.cache
def _clerk_unavailable() -> str:
    return lo_clerk.available()


@pytest.fixture(scope="session")
def clerk() -> Callable[[], lo_clerk.Clerk]:
    """A new clerk's list of steps; `.run(file, save_as=…)` does them in LibreOffice."""
    reason = _clerk_unavailable()
    if reason:
        pytest.skip(reason)
    return lo_clerk.Clerk


def typed(value: object) -> str:
    """What a clerk types for a value: dates day first, numbers as digits."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def type_record(
    clerk: lo_clerk.Clerk, spec: SheetSpec, row: int, record: dict[str, object]
) -> lo_clerk.Clerk:
    """Type one record into a criterion sheet's row, column by column as the template has
    them (blank values are skipped, as a clerk leaves the cell alone)."""
    for index, key in enumerate(spec.keys, start=1):
        value = record.get(key)
        if value not in (None, ""):
            clerk.type(spec.name, f"{get_column_letter(index)}{row}", typed(value))
    return clerk


def type_info(clerk: lo_clerk.Clerk, specs: SpecSet, info: dict[str, object]) -> lo_clerk.Clerk:
    """Fill the unit-information sheet's fields (column B, one field per row)."""
    for offset, col in enumerate(specs.info.columns):
        value = info.get(col.key)
        if value not in (None, ""):
            clerk.type(specs.info.name, f"B{FORM_FIRST_ROW + offset}", typed(value))
    return clerk


def saved_by_unit(copy: Path, target: Path) -> Path:
    """A feedback copy as a unit returns it after opening and saving it: the same parts, but
    without the archive comment that marks an untouched copy (office programs drop it)."""
    import zipfile

    with zipfile.ZipFile(copy) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
    return target


def flatten(findings: list[Finding], fields: list[str]) -> list[list[object]]:
    """Findings as rows of the named fields, for one-line assertions (cells shown as "B12")."""

    def shown(finding: Finding, name: str) -> object:
        value = getattr(finding, name)
        return str(value) if name == "cell" and value is not None else value

    return [[shown(f, name) for name in fields] for f in findings]


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


def campaign_of_year(tmp_path: Path, year: int) -> Campaign:
    """The default campaign moved to another year (its templates are of another period)."""
    text = default_campaign_path().read_text(encoding="utf-8")
    path = tmp_path / f"campaign-{year}.toml"
    path.write_text(text.replace("year = 2025", f"year = {year}"), encoding="utf-8")
    return load_campaign(path)


# --- printed pages (LibreOffice → PDF) ------------------------------------------------------


def pdf_page_texts(pdf: Path) -> list[str]:
    """Each page's text, laid out (pdftotext)."""
    run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.split("\f")[:-1]


def pdf_text_sizes(pdf: Path) -> list[list[float]]:
    """Per page, the printed size (pt) of every piece of text: the font size times the
    scale the page applies to it (a sheet fitted to its paper prints smaller than its font)."""
    from pypdf import PdfReader

    return [_sizes(page) for page in PdfReader(pdf).pages]


def _sizes(page: Any) -> list[float]:
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            a, b, c, d = cm[:4]
            y_axis = (tm[2] * a + tm[3] * c, tm[2] * b + tm[3] * d)
            sizes.append(round(size * math.hypot(*y_axis), 2))

    page.extract_text(visitor_text=visit)
    return sizes


Word = tuple[float, float, float, float, str]  # xMin, yMin, xMax, yMax, text


def pdf_words(pdf: Path) -> list[list[Word]]:
    """Each page's words with their boxes (pdftotext -bbox)."""
    run = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        [
            (float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in pattern.findall(page)
        ]
        for page in run.stdout.split("<page ")[1:]
    ]


def overlapping_words(words: list[Word], share: float = 0.3) -> list[tuple[str, str]]:
    """Pairs of words printed over each other (boxes sharing more than `share` of the smaller
    one's width and height): text run into the next row, or a cell drawn over another."""
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    found = []
    for i, (x0, y0, x1, y1, text) in enumerate(words):
        near = {(int(x // 40), int(y // 20)) for x in (x0, x1) for y in (y0, y1)}
        seen: set[int] = set()
        for key in near:
            for j in grid[key]:
                if j in seen:
                    continue
                seen.add(j)
                a0, b0, a1, b1, other = words[j]
                wide = min(x1, a1) - max(x0, a0) > share * min(x1 - x0, a1 - a0)
                high = min(y1, b1) - max(y0, b0) > share * min(y1 - y0, b1 - b0)
                if wide and high:
                    found.append((text, other))
            grid[key].append(i)
    return found


# --- the exemplar register: consolidated workbooks of several years, SQLite and PostgreSQL ----

SAMPLE_REGISTER = REPO / "samples" / "register"


def campaign_in_year(base: Campaign, year: int) -> Campaign:
    """`base` as it was in `year` (its period and deadline moved, nothing else; no file)."""
    import dataclasses
    from datetime import datetime

    period = dataclasses.replace(base.period, year=year, deadline=datetime(year, 12, 20, 17, 0))
    return dataclasses.replace(base, period=period)


def write_consolidated_of(
    campaign: Campaign,
    specs: SpecSet,
    rows_by_unit: dict[str, dict[str, list[dict[str, object]]]],
    target: Path,
    made: tuple[int, int] = (12, 23),
) -> Path:
    """Fill each unit's template of the campaign's year, merge them, write the consolidated
    workbook (the library functions `dhtt-batch merge` runs); `made` is its (month, day)."""
    import tempfile
    from datetime import datetime

    from dhtt_batch.formats.consolidated import write_consolidated
    from dhtt_batch.merge import merge_inbox

    year = campaign.period.year
    with tempfile.TemporaryDirectory() as tmp:
        for code, rows in rows_by_unit.items():
            unit = campaign.unit(code)
            assert unit is not None, code
            wb = build_template(campaign, specs, unit, today=date(year, 11, 20))
            info = {**VALID_INFO, "don_vi": unit.name, "ngay_lap": date(year, 12, 10)}
            fill_template(wb, specs, info, rows)
            wb.save(Path(tmp) / f"{code}.xlsx")
        now = datetime(year, *made, 9, 0, tzinfo=campaign.period.tz)
        result = merge_inbox(Path(tmp), campaign, specs, now=now)
        assert not [f for f in result.findings if f.severity == "error"], result.findings
        write_consolidated(result, target)
    return target


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return candidates[-1].parent if candidates else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 for the test session (initdb + pg_ctl in a
    temporary folder, as the `postgres` user when the tests run as root); yields its URL
    without a database name. Skipped, with the reason, only where no server can be started."""
    import os
    import subprocess
    import tempfile

    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server is not installed (apt-get install postgresql)")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="dhtt-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as postgres")
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to start the server")
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
        "--locale=C", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options, "-w",
        "start")  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def register_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The `--db` of a new, empty register: a SQLite file, or a new database on the session's
    PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "register.sqlite")
    import uuid

    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"register_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"
