"""Lint and type-check the whole package as part of the test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "dhtt_batch", "tests", "samples"],
        [sys.executable, "-m", "ruff", "format", "--check", "dhtt_batch", "tests", "samples"],
        [sys.executable, "-m", "mypy", "dhtt_batch"],
    ],
    ids=["ruff", "ruff-format", "mypy"],
)
def test_package_is_clean(command: list[str]) -> None:
    if shutil.which(command[2]) is None:
        pytest.fail(f"{command[2]} is not installed: pip install -e '.[test]'")
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
