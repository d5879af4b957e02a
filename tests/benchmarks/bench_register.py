"""Register benchmark: five years of a province, `register add` against `merge`, year by year.

    python tests/benchmarks/bench_register.py [--units 500] [--repeat 3] [--workdir DIR]
                                              [--db URL] [--list-only]

Generates (tests/benchmarks/province.py) a synthetic province for each year 2021-2025 — N units,
30-50 rows per criterion sheet, about a tenth of them people the unit registers again every
year — and, side by side in one run: `dhtt-batch merge` of each year's inbox, then `dhtt-batch
register add` of that year's consolidated workbook (child processes, as a user runs them);
then the final review report (`report --register`, kind = "final") and `register list
--min-years 3 --json`. Each figure is the median of --repeat runs (each add is repeated on a
fresh copy of the register as it was before that year). The register is a SQLite file in the
work folder unless --db names another (e.g. a PostgreSQL database). The last line printed is
one JSON object with the figures and ratios. With --workdir the provinces are kept and reused.
--list-only (with the --workdir of an earlier run, or --db) times only `register list
--min-years 3 --json` on that register, each run beside the same command on an empty register
(the floor: interpreter, click, campaign). Not collected by pytest (the file name does not
start with test_).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_merge import run_cli, timed_cli  # noqa: E402
from tests.benchmarks.province import make_province  # noqa: E402

YEARS = range(2021, 2026)


def province_of(work: Path, units: int, year: int) -> tuple[Path, Path]:
    directory = work / f"province-{units}-{year}"
    inbox = directory / "inbox"
    campaign = directory / "campaign.toml"
    if not (campaign.is_file() and len(list(inbox.glob("*.xlsx"))) == units):
        start = time.perf_counter()
        make_province(units, directory, year=year, recurring=True)
        print(f"{year}: {units} workbooks made in {time.perf_counter() - start:.0f} s", flush=True)
    return campaign, inbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the provinces here")
    parser.add_argument("--db", help="register URL (default: a SQLite file in the work folder)")
    parser.add_argument(
        "--list-only", action="store_true", help="time only `register list` on an existing register"
    )
    options = parser.parse_args()
    if options.list_only:
        return list_only(options)
    with tempfile.TemporaryDirectory() as tmp:
        work = options.workdir or Path(tmp)
        register = work / "register.sqlite"
        if not options.db:
            register.unlink(missing_ok=True)
        db = options.db or str(register)
        rows: dict[int, int] = {}
        merge_s: dict[int, float] = {}
        add_s: dict[int, float] = {}
        for year in YEARS:
            campaign, inbox = province_of(work, options.units, year)
            out = work / f"out-{year}"
            config = ["-c", str(campaign)]
            merge_s[year], _ = timed_cli(
                ["merge", *config, str(inbox), "-o", str(out)], options.repeat
            )
            consolidated = out / f"tong-hop-{year}.xlsx"
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            rows[year] = manifest["totals"]["rows_accepted"]
            add_s[year] = _timed_add(config, consolidated, db, register, options)
            print(
                f"{year}: {rows[year]} rows; merge {merge_s[year]:.2f} s, register add "
                f"{add_s[year]:.2f} s ({add_s[year] / merge_s[year]:.2f} of merge)",
                flush=True,
            )
        final = work / "tong-ket.toml"
        text = (work / f"province-{options.units}-2025" / "campaign.toml").read_text("utf-8")
        final.write_text(text.replace('kind = "annual"', 'kind = "final"', 1), "utf-8")
        report_s, _ = timed_cli(
            ["report", "--register", "-c", str(final), "--db", db, "-o",
             str(work / "bao-cao-tong-ket.docx")],
            options.repeat,
        )  # fmt: skip
        list_s, _ = timed_cli(
            ["register", "list", "-c", str(final), "--db", db, "--min-years", "3", "--json"],
            options.repeat,
        )
    print(f"{'year':>6} {'rows':>8} {'merge':>9} {'add':>9} {'add/merge':>10}")
    for year in YEARS:
        print(
            f"{year:>6} {rows[year]:>8} {merge_s[year]:>8.2f}s {add_s[year]:>8.2f}s "
            f"{add_s[year] / merge_s[year]:>10.2f}"
        )
    print(f"final report: {report_s:.2f} s ({report_s / merge_s[2025]:.2f} of the 2025 merge)")
    print(f"register list --min-years 3 --json: {list_s:.2f} s")
    print(
        json.dumps(
            {
                "units": options.units,
                "rows": sum(rows.values()),
                "merge_s": {y: round(s, 2) for y, s in merge_s.items()},
                "add_s": {y: round(s, 2) for y, s in add_s.items()},
                "max_add_over_merge": round(max(add_s[y] / merge_s[y] for y in YEARS), 2),
                "report_s": round(report_s, 2),
                "report_over_merge_2025": round(report_s / merge_s[2025], 2),
                "list_min_years_3_s": round(list_s, 2),
            }
        )
    )


def list_only(options: argparse.Namespace) -> None:
    """`register list --min-years 3 --json` on the kept register and on an empty one, run
    after run (so both see the machine in the same state); every run and the medians."""
    if not options.workdir or not (options.workdir / "tong-ket.toml").is_file():
        raise SystemExit("--list-only needs the --workdir of an earlier run (its tong-ket.toml)")
    config = ["-c", str(options.workdir / "tong-ket.toml")]
    db = options.db or str(options.workdir / "register.sqlite")
    with tempfile.TemporaryDirectory() as tmp:
        empty = str(Path(tmp) / "empty.sqlite")
        run_cli(["register", "list", *config, "--db", empty, "--min-years", "3"])  # creates it
        listed: list[float] = []
        floor: list[float] = []
        for _ in range(options.repeat):
            for db_url, times in ((db, listed), (empty, floor)):
                args = ["register", "list", *config, "--db", db_url, "--min-years", "3", "--json"]
                times.append(run_cli(args)[0])
    print("register list --min-years 3 --json:", " ".join(f"{t:.2f}" for t in listed), "s")
    print("the same, empty register (floor):  ", " ".join(f"{t:.2f}" for t in floor), "s")
    median, base = statistics.median(listed), statistics.median(floor)
    print(f"medians: {median:.2f} s vs floor {base:.2f} s ({median / base:.2f} of the floor)")
    print(
        json.dumps(
            {
                "list_min_years_3_s": [round(t, 3) for t in listed],
                "empty_register_s": [round(t, 3) for t in floor],
                "list_median_s": round(median, 3),
                "floor_median_s": round(base, 3),
            }
        )
    )


def _timed_add(
    config: list[str], consolidated: Path, db: str, register: Path, options: argparse.Namespace
) -> float:
    """Median time of adding one year's workbook to the register as it was before that year
    (a SQLite register is copied back before each repeat; another database is added to once)."""
    args = ["register", "add", *config, "--db", db, str(consolidated)]
    if options.db:
        return run_cli(args)[0]
    before = register.with_suffix(".before")
    if register.exists():
        shutil.copyfile(register, before)
    samples = []
    for _ in range(options.repeat):
        if before.exists():
            shutil.copyfile(before, register)
        else:
            register.unlink(missing_ok=True)
        samples.append(run_cli(args)[0])
    before.unlink(missing_ok=True)
    return statistics.median(samples)


if __name__ == "__main__":
    main()
