"""Collect's naming cost: many attachments with one name (issue 12: 10,000 took 696 s).

    python tests/benchmarks/bench_collect.py [--small 1000] [--large 10000]

Writes an mbox of N messages, each with a distinct small attachment named "bieu-mau.xlsx",
runs `dhtt-batch collect` into an empty inbox as a user would (a child process), at both
sizes, and prints the seconds per attachment side by side. The last line is one JSON object;
linear naming keeps "per_attachment_growth" near 0 (quadratic naming made it ~10 times larger
at 10x the attachments). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def mbox(path: Path, count: int) -> None:
    with path.open("wb") as handle:
        for number in range(count):
            msg = EmailMessage()
            msg["From"] = "Phòng Kinh tế <kinhte.vpubnd@quangbinh.gov.vn>"
            msg["To"] = "hctc.vpubnd@quangbinh.gov.vn"
            msg["Subject"] = f"Biểu mẫu {number}"
            msg["Date"] = "Fri, 12 Dec 2025 09:30:00 +0700"
            msg.set_content("Kính gửi Phòng HCTC.")
            msg.add_attachment(
                b"PK\x03\x04 %d" % number,
                maintype="application",
                subtype="octet-stream",
                filename="bieu-mau.xlsx",
            )
            handle.write(b"From kinhte@quangbinh.gov.vn Fri Dec 12 09:30:00 2025\n")
            handle.write(msg.as_bytes().replace(b"\r\n", b"\n") + b"\n")


def timed(count: int, folder: Path) -> float:
    box = folder / f"hop-thu-{count}.mbox"
    mbox(box, count)
    inbox = folder / f"inbox-{count}"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dhtt_batch.cli", "collect", str(box), "-o", str(inbox)],
        check=True,
        capture_output=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    seconds = time.perf_counter() - start
    saved = sum(1 for p in inbox.iterdir() if p.suffix == ".xlsx")
    assert saved == count, (saved, count)
    print(f"{count:>6} attachments  {seconds:7.2f} s  {seconds / count * 1e3:6.2f} ms each")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = timed(args.small, Path(tmp))
        large = timed(args.large, Path(tmp))
    per_small, per_large = small / args.small, large / args.large
    print(
        json.dumps(
            {
                "small": args.small,
                "large": args.large,
                "seconds_small": round(small, 2),
                "seconds_large": round(large, 2),
                "per_attachment_growth": round(per_large / per_small - 1, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
