"""The benchmark script runs end to end on its quick grid (a smoke test, nothing timed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def test_quick_grid_prints_one_row_per_cell():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == [
        "width",
        "depth",
        "terms/W_z",
        "entry",
        "terms",
        "total",
        "naive",
        "s",
        "exact",
        "s",
        "random",
        "s",
        "naive/exact",
        "exact",
        "MB",
    ]
    rows = [line.split() for line in lines[3:]]
    assert [(row[0], row[1]) for row in rows] == [("2", "3"), ("3", "4"), ("64", "50")]
    assert rows[0][2:4] == ["4", "30"]  # closed-form counts: 2^2 per W_z entry, 30 in all
    assert rows[2][4] == "-"  # no naive expansion of 1.3e+92 terms


def test_naive_mode_verifies_as_a_script():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--naive", "2", "3", "1"], capture_output=True, check=False
    )
    assert result.returncode == 0
