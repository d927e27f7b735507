"""The benchmark script runs end to end on its quick grid (a smoke test, nothing timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
PEERS = BENCH.parent / "peers.py"


@pytest.fixture(scope="module")
def quick() -> list[str]:
    """The lines ``bench.py --quick`` prints (run once for the tests below)."""
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_quick_grid_prints_one_row_per_cell(quick):
    lines = quick
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
    rows = [line.split() for line in lines[3:6]]
    assert [(row[0], row[1]) for row in rows] == [("2", "3"), ("3", "4"), ("64", "50")]
    assert rows[0][2:4] == ["4", "30"]  # closed-form counts: 2^2 per W_z entry, 30 in all
    assert rows[2][4] == "-"  # no naive expansion of 1.3e+92 terms


def test_quick_peers_print_one_ratio_per_work(quick):
    lines = quick
    start = lines.index(
        "against peers (whole processes in turn, medians of 1; ratio = symcollapse time / peer "
        "time, pair by pair):"
    )
    rows = lines[start + 3 : start + 7]
    assert [row[:17].strip() for row in rows] == [
        "exact 3 x 7",
        "random 64 x 11",
        "document 3 x 4",
        "depth 1 x 11",
    ]
    ratio = re.compile(r"\d+\.\d\dx \(\d+\.\d\d-\d+\.\d\d\)$")
    assert "float64 BLAS matmul" in rows[1] and ratio.search(rows[1])
    assert "sympy.latex of entries" in rows[2] and ratio.search(rows[2])
    assert "python-flint fmpz_mpoly" in rows[0] and ratio.search(rows[0])
    assert rows[3].endswith("(time only)")  # depth has no peer, only its time


def test_quick_states_the_load_and_the_blas_threads(quick):
    assert ", load " in quick[0] and "BLAS threads: " in quick[0]
    assert quick[-1].startswith("at the end: load ")


def test_quick_trained_model_folds_beside_the_float_chain_and_onnxruntime(quick):
    start = quick.index(
        "trained model 16-32-32-4, float32 (whole processes in turn, medians of 1):"
    )
    rows = quick[start + 3 : start + 5]
    assert all(row.startswith("exact fold") for row in rows)
    assert "float64 chain (numpy)" in rows[0] and "onnxruntime batch 4096" in rows[1]
    assert all(re.search(r"\d+\.\d\dx \(\d+\.\d\d-\d+\.\d\d\)$", row) for row in rows)


def test_quick_documents_compare_in_process_with_sympy_latex(quick):
    """The documents' own timing against the peer printing the same entries in-process."""
    start = quick.index(
        next(line for line in quick if line.startswith("documents of 3 x 4 in-process, warm"))
    )
    assert "sympy.latex of entries" in quick[start]
    row = quick[start + 1]
    assert row.startswith("  standalone LaTeX ") and "x), Markdown " in row and row.endswith("x)")


def test_each_peer_verifies_as_a_script():
    for peer in ("exact", "blas", "latex"):
        result = subprocess.run(
            [sys.executable, str(PEERS), peer, "2", "3", "1"], capture_output=True, check=False
        )
        assert result.returncode == 0, result.stderr


def test_a_failing_model_peer_fails_as_a_script(tmp_path):
    """A model peer reports its work's verdict: weights that overflow make the chain fail."""
    import numpy as np

    model = tmp_path / "mlp"
    huge = np.full((2, 2), 1e300)
    np.savez(
        f"{model}.npz",
        **{"0.weight": huge, "0.bias": np.zeros(2), "2.weight": huge, "2.bias": np.zeros(2)},
    )
    result = subprocess.run(
        [sys.executable, str(PEERS), "chain", str(model)], capture_output=True, check=False
    )
    assert result.returncode == 1, result.stderr


def test_naive_mode_verifies_as_a_script():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--naive", "2", "3", "1"], capture_output=True, check=False
    )
    assert result.returncode == 0


def test_quick_times_the_exact_route_against_the_sort_floor(quick):
    row = next(line for line in quick if line.startswith("exact 3 x 7 in-process against"))
    assert "symcollapse " in row and "floor " in row
    assert re.search(r"ratio \d+\.\d\dx \(\d+\.\d\d-\d+\.\d\d\)$", row)


def test_quick_start_up_beside_python_alone_and_what_it_loads(quick):
    """The package's import and the CLI's help, each beside Python alone, say whether
    they loaded numpy or sympy: neither, which is the start-up goal."""
    rows = [line for line in quick if line.startswith(("  import symcollapse", "  symcollapse --"))]
    assert len(rows) == 2, quick
    for row in rows:
        assert re.fullmatch(
            r"  (import symcollapse|symcollapse --help): \d+\.\d{3} s \(\d+\.\d{3}-\d+\.\d{3}\), "
            r"python alone \d+\.\d{3} s \(\d+\.\d{3}-\d+\.\d{3}\); loads numpy: False, "
            r"sympy: False",
            row,
        ), row


def test_peers_run_only_the_chosen_cases(capsys, monkeypatch):
    """``--exact`` and ``--random`` choose rows by their work's name; the others are not run."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench", bench)  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    bench.peers("quick", runs=1, cases=("random",))
    rows = capsys.readouterr().out.splitlines()[4:]
    assert [row[:17].strip() for row in rows] == ["random 64 x 11"]
    assert re.search(r"float64 BLAS matmul .* \d+\.\d\dx \(\d+\.\d\d-\d+\.\d\d\)$", rows[0])


def test_quick_gradients_reread_is_measured(quick):
    """The gradients document's re-read, beside its writing (a network past the exact size)."""
    (line,) = [line for line in quick if line.strip().startswith("gradients ")]
    assert re.fullmatch(
        r"  gradients 3 2 2 full, LaTeX: written \d+\.\d{3} s, read back and checked "
        r"\d+\.\d{3} s \(\d+\.\d\dx the writing\)",
        line,
    ), line
