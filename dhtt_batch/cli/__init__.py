"""Command line: parse options, call one library function, print. Nothing else lives here.

One module per family of commands: forms.py (init, template, collect, validate), batch.py
(merge, report, export), register_commands.py (the register group). options.py holds what they
share (the campaign option, domain errors → exit codes), click_messages.py click's own messages
in Vietnamese, progress.py the progress shown while reading. Library modules are
imported inside the commands, so that starting the program (and `--help`) stays quick.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

import click

from .. import __version__
from .batch import export, merge, report
from .click_messages import Group
from .forms import collect, init, template, validate
from .register_commands import register

__all__ = ["cli", "main", "register"]


@click.group(cls=Group)
@click.version_option(__version__, prog_name="dhtt-batch")
def cli() -> None:
    """Thu thập, kiểm tra, tổng hợp và báo cáo biểu mẫu đăng ký điển hình tiên tiến.

    Ví dụ:  dhtt-batch template -o bieu-mau.xlsx
    """


for command in (init, template, validate, collect, merge, report, export, register):
    cli.add_command(command)


# A batch keeps a few million small objects (cell values) alive until it ends; with Python's
# default thresholds the collector rescans them every few hundred allocations (~15 % of a
# province-scale merge). Collections still happen, just less often.
GC_THRESHOLDS = (100_000, 50, 1_000)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli(prog_name="dhtt-batch")
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise
        # Every output is written and closed (atomically) by now. Tearing down millions of
        # objects one by one would only delay the prompt by ~0.5 s at province scale.
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(done.code or 0)
