"""Mutation testing of the code that writes formulas: does anything notice a realistic bug?

Run from the repository root::

    python benchmarks/mutants.py            # every mutant; about two minutes each
    python benchmarks/mutants.py printer_index_swap json_W_z_transposed

Each mutant is one small edit of the emitting code (the kinds of bug issue 20 lists). The
package is copied to a temporary directory, the edit applied there, and two killers run against
the copy: (1) at run time, ``derive`` on square and non-square networks in every format read
back (LaTeX, Markdown, JSON, Typst, HTML), where
re-reading the document before it is written must exit 3 (``cli/reread.py``), and ``verify``'s
exact and random routes, which must exit 1 (they hold a reference of their own against the
emitted path sums, read by the names the documents print); (2) the tests that
read documents back (``tests/reading``). A mutant is killed when either fails, and survives when
both pass; a mutant whose code is no longer there is reported as such, never as killed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    """Replace ``old`` by ``new`` (each occurring once) in ``path``, relative to the package."""

    name: str
    path: str
    old: str
    new: str


MUTANTS = (
    Mutant(
        "printer_index_swap",
        "render/printer.py",
        'indices = (entry.row,) if entry.kind == "b" else (entry.row, entry.col)',
        'indices = (entry.row,) if entry.kind == "b" else (entry.col, entry.row)',
    ),
    Mutant(
        "dropped_last_term",
        "render/order.py",
        'return [("+", join(map(name, product))) for product in expr.products]',
        'return [("+", join(map(name, product))) for product in expr.products[:-1]]',
    ),
    Mutant(
        "chain_skips_a_layer",
        "derivations/dense.py",
        "    for k in range(start, layers):\n        expr = total(",
        "    for k in range(start, layers):\n        if k == layers - 2 and k > start:\n"
        "            continue\n        expr = total(",
    ),
    Mutant(
        "explicit_W_k_transposed_when_square",
        "derivations/dense.py",
        "steps += [Step(W_sym, W), Step(b_sym, b)]",
        "steps += [Step(W_sym, W.T if W.is_square else W), Step(b_sym, b)]",
    ),
    Mutant(
        "numeric_W_k_transposed_when_square",
        "derivations/numeric.py",
        "steps += [Step(W_sym, W), Step(b_sym, b)]",
        "steps += [Step(W_sym, W.T if W.is_square else W), Step(b_sym, b)]",
    ),
    Mutant(
        "W_z_entry_ji_when_d0_equals_dn",
        "derivations/textbook.py",
        "steps = [Step(W_z[r, c], W_sums[r][c]) for r in range(rows) for c in range(cols)]",
        "steps = [Step(W_z[r, c], W_sums[c][r] if rows == cols else W_sums[r][c])"
        " for r in range(rows) for c in range(cols)]",
    ),
    Mutant(
        "json_W_z_transposed",
        "render/json.py",
        '"symbols": symbols,\n        "W_z": rows(result.W_z),',
        '"symbols": symbols,\n        "W_z": rows(result.W_z.T),',
    ),
    Mutant(
        "path_sums_transposed_when_square",
        "algebra/polynomials.py",
        "    return PathSums(W_z=tuple(W_z), b_z=tuple(b_z))",
        "    if outputs is None and d[0] == d[-1]:\n        W_z = list(zip(*W_z))\n"
        "    return PathSums(W_z=tuple(W_z), b_z=tuple(b_z))",
    ),
    Mutant(
        "entry_names_transposed_when_square",
        "algebra/polynomials.py",
        'tuple(bit(f"w_{k}_{i + 1}_{j + 1}") for j in range(d[k - 1]))',
        'tuple(bit(f"w_{k}_{j + 1}_{i + 1}" if d[k] == d[k - 1] else f"w_{k}_{i + 1}_{j + 1}")'
        " for j in range(d[k - 1]))",
    ),
    Mutant(  # the Σ rows: JSON's were not read before the reader learned its widths field
        "sum_row_middle_indices_swapped",
        "algebra/sigma.py",
        "    return [weight_entry(m, index[m], index[m - 1]) for m in range(depth, first - 1, -1)]",
        "    return [\n        weight_entry(m, *((index[m - 1], index[m]) if first < m < depth"
        " else (index[m], index[m - 1])))\n        for m in range(depth, first - 1, -1)\n    ]",
    ),
    Mutant(
        "sum_row_bound_of_the_next_layer",
        "algebra/sigma.py",
        "return sp.Sum(term, *((unit_index(m), 1, width(m)) for m in reversed(layers)))",
        "return sp.Sum(term, *((unit_index(m), 1, width(m + 1)) for m in reversed(layers)))",
    ),
    Mutant(  # the bottleneck's rank row: shown, not checked, before the reader decided it
        "rank_one_more",
        "derivations/layers.py",
        'Step(sp.Function("rank")(name), sp.Integer(rank), ("random rational weights",)),',
        'Step(sp.Function("rank")(name), sp.Integer(rank + 1), ("random rational weights",)),',
    ),
)

#: ``verify`` routes run as killers too: they compare a reference of their own with what is emitted.
VERIFY = ("exact", "random")

#: Networks the run-time killer derives: square, d_0 = d_n with other widths, non-square;
#: depth 4 where a skipped layer can hide between two others.
SHAPES = (("3", "3", "3", "3", "3"), ("2", "3", "4", "2"), ("2", "3", "3", "3", "1"))
RUNS = (
    *(
        ("derive", *shape, "--format", fmt, *values)
        for shape in SHAPES
        for fmt in ("latex", "markdown", "json", "typst", "html")
        for values in ((), ("--values", "random"))
    ),
    *(("derive", *shape, "--detail", "full") for shape in SHAPES),  # every product's chain
    *(("layers", "3 > dense 2 > dense 4 > dense 3", "--format", fmt) for fmt in ("latex", "json")),
    *(("verify", *shape, "--method", method) for shape in SHAPES for method in VERIFY),
)


def _python(package_root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [sys.executable, *argv], cwd=package_root, env=env, capture_output=True, text=True
    )


def run_mutant(mutant: Mutant) -> str:
    """``killed at run time ...``, ``killed by tests/reading``, ``SURVIVED`` or ``not
    applicable``."""
    with tempfile.TemporaryDirectory() as directory:
        copy = Path(directory)
        shutil.copytree(ROOT / "symcollapse", copy / "symcollapse")
        shutil.copytree(ROOT / "tests", copy / "tests")
        shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
        target = copy / "symcollapse" / mutant.path
        source = target.read_text()
        if source.count(mutant.old) != 1:
            return "not applicable (the mutated code is not there)"
        target.write_text(source.replace(mutant.old, mutant.new))
        for run in RUNS:
            done = _python(copy, "-m", "symcollapse", *run)
            if done.returncode != 0:
                return f"killed at run time ({' '.join(run)}: exit {done.returncode})"
        tests = _python(copy, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "tests/reading")
        return "killed by tests/reading" if tests.returncode != 0 else "SURVIVED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    survivors = 0
    for mutant in chosen:
        fate = run_mutant(mutant)
        survivors += fate == "SURVIVED"
        print(f"{mutant.name:40} {fate}", flush=True)
    print(f"{len(chosen) - survivors} of {len(chosen)} killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
