"""`make run` serves on the port asked for (issue 18: 5000 is AirPlay's on a Mac)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _dry(*arguments: str) -> str:
    return subprocess.run(
        ["make", "--no-print-directory", "-n", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_serves_on_port_5000_unless_told_otherwise():
    assert "run --host 127.0.0.1 --port 5000" in _dry("run")
    chosen = _dry("run", "PORT=5050")
    assert "run --host 127.0.0.1 --port 5050" in chosen
    assert "Serving on http://127.0.0.1:5050" in chosen


def test_the_sweep_dry_run_target_records_and_sends_nothing():
    assert "reviews sweep --dry-run --as-of 2027-05-24" in _dry("sweep-dry-run", "AS_OF=2027-05-24")
