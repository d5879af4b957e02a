"""Province-scale benchmark: merge against the cost of just reading and writing.

    python tests/benchmarks/bench_merge.py [--units 500] [--repeat 3] [--workdir DIR]

Generates a synthetic province (tests/benchmarks/province.py), then times, side by side in one
run and on the same inbox: the read floor (calamine values only), the floor (read + one pandera
pass per criterion + writing the accepted rows, unformatted, with dhtt-batch's streaming
writer, the one the consolidated workbook uses), a naive hand-written script
(pandas.read_excel + pandera per sheet + to_excel), `dhtt-batch validate` and `dhtt-batch
merge` (subprocesses, as a user runs them, with their peak memory). --repeat rounds run each
contender once, the two sides of a ratio next to each other; each ratio is the median of its
per-round ratios, each time the median of its rounds. The last line printed is one JSON
object with the figures and ratios. With --workdir the province is kept there and reused.
Not collected by pytest (the file name does not start with test_).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import python_calamine as calamine

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dhtt_batch.campaign import Campaign, load_campaign  # noqa: E402
from dhtt_batch.formats.template_layout import FIRST_DATA_ROW, HEADER_ROW  # noqa: E402
from dhtt_batch.pandera_schema import build_schema  # noqa: E402
from dhtt_batch.spec import SpecSet  # noqa: E402
from dhtt_batch.xlsx.stream import Workbook  # noqa: E402
from tests.benchmarks.province import make_province  # noqa: E402

TODAY = date(2026, 1, 5)


def timed(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def read_floor(files: list[Path]) -> list[dict[str, list[list[Any]]]]:
    books = []
    for path in files:
        book = calamine.CalamineWorkbook.from_path(str(path))
        books.append({name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names})
    return books


def floor(files: list[Path], specs: SpecSet, target: Path) -> None:
    books = read_floor(files)
    out = Workbook()  # the consolidated workbook's writer, without any formatting
    for spec in specs.criteria:
        rows = [
            [_whole(value) for value in row[: len(spec.keys)]]
            for book in books
            for row in book[spec.name][FIRST_DATA_ROW - 1 :]
        ]
        frame = pd.DataFrame(rows, columns=spec.keys, dtype=object)
        frame = frame.where(frame != "", None)
        try:
            build_schema(spec, TODAY).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            bad = set(exc.failure_cases["index"].dropna())
            frame = frame[~frame.index.isin(bad)]
        out.add_sheet(spec.name, frame.itertuples(index=False))
    out.save(str(target))


def _whole(value: Any) -> Any:
    """calamine reads every number as a float; the least any reader does is give 12.0 back
    as 12 (without it the schema rejects every STT and birth year, and nothing is written)."""
    return int(value) if type(value) is float and value.is_integer() else value


def naive(files: list[Path], specs: SpecSet, target: Path) -> None:
    frames: dict[str, list[pd.DataFrame]] = {s.name: [] for s in specs.criteria}
    for path in files:
        for spec in specs.criteria:
            frame = pd.read_excel(
                path, sheet_name=spec.name, header=HEADER_ROW - 1, engine="openpyxl", dtype=object
            )
            frame = frame.iloc[FIRST_DATA_ROW - HEADER_ROW - 1 :, : len(spec.keys)]
            frame.columns = spec.keys
            frame = frame.astype(object).where(frame.notna(), None)
            with contextlib.suppress(pa.errors.SchemaErrors):
                build_schema(spec, TODAY).validate(frame, lazy=True)
            frames[spec.name].append(frame)
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, parts in frames.items():
            pd.concat(parts).to_excel(writer, sheet_name=name, index=False)


# A child's peak RSS on Linux starts from its parent's at fork (the kernel carries the
# high-water mark across exec), and this process holds every workbook read for the baselines.
# So dhtt-batch is started by a small fresh interpreter, which reports its child's figures.
_TRAMPOLINE = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
cpu = usage.ru_utime + usage.ru_stime  # its worker processes included (they were waited for)
print(time.perf_counter() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss, cpu)
"""


def run_cli(args: list[str]) -> tuple[float, float, float]:
    """Wall time, peak RSS (MB) and CPU time (all its processes) of one dhtt-batch run in a
    child process."""
    report = subprocess.run(
        [sys.executable, "-c", _TRAMPOLINE, sys.executable, "-m", "dhtt_batch.cli", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    elapsed, code, peak_kb, cpu = float(report[0]), int(report[1]), int(report[2]), float(report[3])
    if code not in (0, 1):
        raise SystemExit(f"dhtt-batch {' '.join(args)} failed with exit code {code}")
    return elapsed, peak_kb / 1024, cpu


def timed_cli(args: list[str], repeat: int) -> tuple[float, float]:
    runs = [run_cli(args) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def province_in(workdir: Path, units: int) -> tuple[Campaign, Path]:
    """The synthetic province of `units` units under workdir: reused if already generated
    there (generation takes minutes at province scale), else made."""
    directory = workdir / f"province-{units}"
    inbox = directory / "inbox"
    if (directory / "campaign.toml").is_file() and len(list(inbox.glob("*.xlsx"))) == units:
        return load_campaign(directory / "campaign.toml"), inbox
    return make_province(units, directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the province here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = options.workdir or Path(tmp)
        start = time.perf_counter()
        campaign, inbox = province_in(work, options.units)
        files = sorted(inbox.glob("*.xlsx"))
        specs = campaign.load_specs()
        rows = sum(
            len(book[s.name]) - FIRST_DATA_ROW + 1
            for book in read_floor(files)
            for s in specs.criteria
        )
        print(
            f"province of {len(files)} workbooks, {rows} rows ready in "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        config = ["-c", str(campaign.source)]
        rounds = []
        for number in range(1, options.repeat + 1):
            figures = one_round(files, specs, work, config, inbox)
            rounds.append(figures)
            shown = ", ".join(f"{k} {v:.2f}" for k, v in figures.items())
            load = os.getloadavg()[0]  # another job on the machine shows here
            print(f"round {number}: {shown} (load {load:.2f})", flush=True)
    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    for name, value in medians.items():
        print(f"{name:>12}: {value:8.2f}", flush=True)
    result = {
        "workbooks": len(files),
        "rows": rows,
        "rounds": len(rounds),
        **{k: round(v, 3) for k, v in medians.items() if k != "peak_rss_mb"},
        # Each ratio is taken within a round (its two runs side by side), then the median.
        "merge_over_floor": _ratio(rounds, "merge_s", "floor_s"),
        "naive_over_merge": _ratio(rounds, "naive_s", "merge_s"),
        "validate_over_read": _ratio(rounds, "validate_s", "read_s"),
        # Work done, whatever the cores: merge reads and checks on every core it has, so on a
        # machine whose other core is busy its wall time moves towards this ratio.
        "merge_cpu_over_floor_cpu": _ratio(rounds, "merge_cpu_s", "floor_cpu_s"),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in rounds), 1),
    }
    print(json.dumps(result))


def one_round(
    files: list[Path], specs: SpecSet, work: Path, config: list[str], inbox: Path
) -> dict[str, float]:
    """Every contender once. The pairs that make a ratio run next to each other (read then
    validate, floor then merge): the shared machine's speed drifts by half within minutes,
    and the naive script's minutes would otherwise sit between them."""
    figures = {"read_s": timed(lambda: read_floor(files), 1)}
    figures["validate_s"], validate_mb, _ = run_cli(["validate", *config, "--json", str(inbox)])
    cpu = time.process_time()
    figures["floor_s"] = timed(lambda: floor(files, specs, work / "floor.xlsx"), 1)
    figures["floor_cpu_s"] = time.process_time() - cpu
    merge = ["merge", *config, str(inbox), "-o", str(work / "out")]
    figures["merge_s"], merge_mb, figures["merge_cpu_s"] = run_cli(merge)
    figures["naive_s"] = timed(lambda: naive(files, specs, work / "naive.xlsx"), 1)
    figures["peak_rss_mb"] = max(validate_mb, merge_mb)
    return figures


def _ratio(rounds: list[dict[str, float]], top: str, bottom: str) -> float:
    return round(statistics.median(r[top] / r[bottom] for r in rounds), 2)


if __name__ == "__main__":
    main()
