"""``symcollapse regress`` documents read back: the data matrices, the normal equations and the
inverse ``(X^T X)^{-1}`` checked at the document's own numbers, in every format, convention and
notation; hand edits are caught naming the row, and a printer's bug stops the command."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp

from symcollapse.cli import main
from tests.reading.documents import READ_FORMATS, assert_caught, identities, written

#: The formats ``regress`` writes that the reader reads.
FORMATS = list(READ_FORMATS)

#: Networks (non-square, square, one unit) and notations each format is read in.
OPTIONS = {
    "plain": ("2", "3", "1"),
    "square": ("2", "2", "2"),
    "row": ("3", "2", "2", "--convention", "row"),
    "names": ("2", "3", "1", "--names", "W=M,Theta=B,X=A,Y=Z"),  # x: no format prints it
    "base0": ("3", "2", "--index-base", "0"),
    "flat": ("2", "3", "1", "--entry-style", "flat"),
    "gd": ("2", "3", "1", "--gd", "10"),
    "one unit": ("1", "1"),
}


def regression(tmp_path: Path, fmt: str, *options: str) -> Path:
    """The document ``regress`` writes in ``fmt``."""
    return written(tmp_path, "regress", fmt, *options)


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_regression_is_read_and_checked(tmp_path, capsys, fmt, options):
    count, out = identities(regression(tmp_path, fmt, *options), capsys)
    assert count >= 4, out
    assert "never used" not in out, out  # the biases too: b_z = W_2 b_1 + b_2, checked


#: Hand edits of the LaTeX regression (2-3-1, column convention): (printed, edited).
EDITS = {
    "inverse dropped": (r"\left(X^{T} X\right)^{-1} \left(X^{T} Y\right)", r"\left(X^{T} Y\right)"),
    "factors swapped": (
        r"\left(X^{T} X\right)^{-1} \left(X^{T} Y\right)",
        r"\left(X^{T} Y\right) \left(X^{T} X\right)^{-1}",
    ),
    "singular inverse": (r"\left(X^{T} X\right)^{-1}", r"\left(X X^{T}\right)^{-1}"),
    "bias read off wrong": (r"b_{z} &= 8", r"b_{z} &= 9"),
    "weights read off untransposed": (
        r"W_{z} &= \begin{bmatrix} -12 & 4 \end{bmatrix}",
        r"W_{z} &= \begin{bmatrix} -12 \\ 4 \end{bmatrix}",
    ),
    "transpose wrong": (r"X^{T} X &=", r"X X^{T} &="),
    "normal equations": (r"X^{T} X \Theta &= X^{T} Y", r"X^{T} X \Theta &= X^{T} X"),
    "product of the weights": (r"&= W_{2} W_{1}", r"&= W_{1}^{T} W_{2}^{T}"),
    "collapsed bias, a term dropped": (r"&= W_{2} b_{1} + b_{2}", r"&= W_{2} b_{1}"),
    "collapsed bias, a layer skipped": (r"&= W_{2} b_{1} + b_{2}", r"&= b_{1} + b_{2}"),
    "weights read off, renamed": (r"W_{z} &= \begin", r"Q_{z} &= \begin"),
    "the product's name renamed": (r"W_{z} &= W_{2}", r"Q_{z} &= W_{2}"),
    "bias read off, renamed": (r"b_{z} &= 8", r"Q_{z} &= 8"),
    "the collapsed bias's name renamed": (r"b_{z} &= W_{2}", r"Q_{z} &= W_{2}"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_a_hand_edit_of_the_regression_is_caught_naming_the_row(tmp_path, capsys, edit):
    path = regression(tmp_path, "latex", "2", "3", "1")
    assert_caught(path, capsys, lambda text: text.replace(*edit))


def test_a_wrong_number_in_the_data_is_caught(tmp_path, capsys):
    path = regression(tmp_path, "latex", "2", "3", "1")
    first = re.compile(r"(X\^\{T\} Y &= \\begin\{bmatrix\} )(-?\d+)")
    assert first.search(path.read_text())
    assert_caught(
        path, capsys, lambda text: first.sub(lambda m: m[1] + f"{int(m[2]) + 1}", text, 1)
    )


def test_an_injected_printer_bug_stops_regress_with_nothing_written(tmp_path, monkeypatch):
    """The solution printed without the inverse, Θ = X^T Y: exit 3, no file written."""
    import symcollapse.derivations.regression as printer

    original = printer._normal_section

    def without_inverse(result):
        section = original(result)
        steps = list(section.steps)
        solution = steps[3]
        assert isinstance(solution.rhs.args[0], sp.Inverse)
        steps[3] = replace(solution, rhs=solution.rhs.args[1])
        return replace(section, steps=tuple(steps))

    monkeypatch.setattr(printer, "_normal_section", without_inverse)
    out = tmp_path / "regress"
    assert main(["regress", "2", "3", "1", "--format", "latex", "--out", str(out)]) == 3
    assert not out.exists()


#: The left side of the row ``W_z`` is read off in, by format (LaTeX's for the others):
#: (as printed, renamed once by hand).
RESULT_LEFT = {
    "latex": (r"W_{z} &= \begin", r"Q_{z} &= \begin"),
    "beamer": (r"W_{z} }&\uncover<1->{= \begin", r"Q_{z} }&\uncover<1->{= \begin"),
    "typst": ("W_(z) &= mat", "Q_(z) &= mat"),
    "html": (
        '<td class="lhs"><math><msub><mi>W</mi><mi>z</mi>',
        '<td class="lhs"><math><msub><mi>Q</mi><mi>z</mi>',
    ),
}


@pytest.mark.parametrize("options", [("2", "3", "1"), ("2", "2", "2", "--convention", "row")])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_result_renamed_once_is_caught(tmp_path, capsys, fmt, options):
    """``Q_{z} = [...]`` for ``W_{z}``: every row holds, but no other row uses ``Q_{z}`` (the
    words still say ``W_{z}``): false, naming the row."""
    path = regression(tmp_path, fmt, *options)
    old, new = RESULT_LEFT.get(fmt, RESULT_LEFT["latex"])
    assert old in path.read_text()
    assert_caught(path, capsys, lambda text: text.replace(old, new, 1))
