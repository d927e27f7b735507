"""Shared test helpers: exact random evaluation, a real pdflatex compile, missing tools."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from symcollapse.algebra.network import Network

REQUIRE_PDFLATEX = os.environ.get("SYMCOLLAPSE_REQUIRE_PDFLATEX") == "1"
REQUIRE_COQ = os.environ.get("SYMCOLLAPSE_REQUIRE_COQ") == "1"


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a refused command wrote on stderr (never a traceback)."""
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def random_rationals(symbols: list[sp.Symbol], seed: int) -> dict[sp.Symbol, sp.Rational]:
    """Random exact rationals (numerators and denominators up to 50, either sign)."""
    rng = random.Random(seed)
    return {s: sp.Rational(rng.randint(-50, 50), rng.randint(1, 50)) for s in symbols}


def forward_fractions(network: Network, values: dict[sp.Symbol, sp.Rational]) -> list[Fraction]:
    """The network output by plain nested evaluation in Fractions: no sympy algebra involved."""

    def number(symbol: sp.Basic) -> Fraction:
        r = values[symbol]
        return Fraction(int(r.p), int(r.q))

    h = [number(s) for s in network.x]
    for W, b in zip(network.weights, network.biases, strict=True):
        h = [
            sum((number(W[i, j]) * h[j] for j in range(W.cols)), Fraction(0)) + number(b[i])
            for i in range(W.rows)
        ]
    return h


def explicit(network: Network, expr: sp.MatrixExpr) -> sp.ImmutableMatrix:
    """``expr`` with the matrix-level names replaced by the network's explicit matrices."""
    names = {network.x_symbol: network.x}
    names.update(zip(network.weight_symbols, network.weights, strict=True))
    names.update(zip(network.bias_symbols, network.biases, strict=True))
    return sp.ImmutableMatrix(expr.xreplace(names).doit())


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``latex`` skip without pdflatex, or fail when it is required (CI)."""
    if item.get_closest_marker("latex") and shutil.which("pdflatex") is None:
        if REQUIRE_PDFLATEX:
            pytest.fail("pdflatex is required (SYMCOLLAPSE_REQUIRE_PDFLATEX=1) but not installed")
        pytest.skip("pdflatex is not installed")
    if item.get_closest_marker("coq") and shutil.which("coqc") is None:
        if REQUIRE_COQ:
            pytest.fail("coqc is required (SYMCOLLAPSE_REQUIRE_COQ=1) but not installed")
        pytest.skip("coqc is not installed")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Cached coqc verdicts go to a directory of this test run, never the user's cache."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


def pdflatex(directory: Path, source: str, name: str = "doc", timeout: int = 300) -> str:
    """Compile ``source`` as ``directory/name.tex`` with ``pdflatex -halt-on-error``; the test
    fails on a LaTeX error. Returns the log, for the caller's checks on boxes and labels."""
    (directory / f"{name}.tex").write_text(source, encoding="utf-8")
    result = subprocess.run(
        ["pdflatex", "-halt-on-error", "-interaction=nonstopmode", f"{name}.tex"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return (directory / f"{name}.log").read_text(encoding="latin-1")


@pytest.fixture
def compile_latex(tmp_path: Path) -> Callable[[str], Path]:
    """Compile a standalone document with ``pdflatex -halt-on-error``; return the PDF path.

    A line that sticks out of the page (an overfull box) fails the test too. Use it only in
    tests marked ``latex``.
    """

    def run(source: str, name: str = "document") -> Path:
        log = pdflatex(tmp_path, source, name, timeout=120)
        assert "Overfull \\hbox" not in log, "a line sticks out of the page"
        return tmp_path / f"{name}.pdf"

    return run
