"""Scaling check: merge's time per row in a small and in a large province.

    python tests/benchmarks/bench_scaling.py [--small 100] [--large 2000] [--repeat 3]
                                              [--workdir DIR]

Generates both synthetic provinces (tests/benchmarks/province.py; with --workdir, a province
already generated there is reused), runs `dhtt-batch merge` on each --repeat times as a user
would (a child process; median wall time), and prints the time per row at both scales. The
last line is one JSON object; the target is "per_row_growth" < 0.25 (time per row at the
large scale at most 25 % above the small one). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_merge import province_in, timed_cli  # noqa: E402


def measure(units: int, workdir: Path, repeat: int) -> tuple[int, float, float]:
    """(rows read, median merge seconds, peak RSS MB) at one scale."""
    start = time.perf_counter()
    campaign, inbox = province_in(workdir, units)
    print(f"{units} units ready in {time.perf_counter() - start:.1f} s", flush=True)
    out = workdir / f"out-{units}"
    seconds, peak = timed_cli(
        ["merge", "-c", str(campaign.source), str(inbox), "-o", str(out)], repeat
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = int(manifest["totals"]["rows_read"])
    print(
        f"{units:>6} units {rows:>8} rows  merge {seconds:7.2f} s  "
        f"{seconds / rows * 1e6:6.1f} µs/row  peak {peak:.0f} MB",
        flush=True,
    )
    return rows, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the provinces here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = options.workdir or Path(tmp)
        small_rows, small_s, small_mb = measure(options.small, workdir, options.repeat)
        large_rows, large_s, large_mb = measure(options.large, workdir, options.repeat)
    growth = (large_s / large_rows) / (small_s / small_rows) - 1
    print(
        json.dumps(
            {
                "small_units": options.small,
                "small_rows": small_rows,
                "small_s": round(small_s, 3),
                "large_units": options.large,
                "large_rows": large_rows,
                "large_s": round(large_s, 3),
                "per_row_growth": round(growth, 3),
                "peak_rss_mb": round(max(small_mb, large_mb), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
