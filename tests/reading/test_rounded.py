"""Documents whose numbers are shown rounded (``--digits D``), read by affine arithmetic: every
command's rounded page holds at every ``D`` in every readable format, and a shown number
changed by more than the rounding of the numbers it follows from is a false row."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from symcollapse.cli import main
from symcollapse.reading.values import Rounding, difference, multiply
from tests.reading.documents import READ_FORMATS, check

#: Weights and biases of a 3-3-1 and a 2-3-3-1 network that are not exact decimals (every
#: one is rounded by --digits), one of them large and one small (the radius is relative).
FRACTIONS = {
    (3, 3, 1): (
        [
            [["1/3", "2/7", "-5/3"], ["7/10", "13/9", "-1/6"], ["4/3", "-11/7", "2/9"]],
            [["5/6", "-1/7", "3/11"]],
        ],
        [["1/9", "-2/3", "7/5"], ["-13/7"]],
    ),
    (2, 3, 3, 1): (
        [
            [["1000/3", "2/7"], ["-5/3", "7/6"], ["13/9", "-1/6"]],
            [["4/3", "-11/7", "2/9"], ["5/6", "-1/7", "3/11"], ["-8/9", "1/13", "17/6"]],
            [["1/3", "-2/9", "5/7"]],
        ],
        [["1/3000", "-2/3", "7/5"], ["-13/7", "5/9", "1/6"], ["-4/11"]],
    ),
}


def _values(tmp_path: Path, widths: tuple[int, ...]) -> str:
    weights, biases = FRACTIONS[widths]
    path = tmp_path / "values.json"
    path.write_text(json.dumps({"weights": weights, "biases": biases}))
    return str(path)


def _model(tmp_path: Path) -> str:
    """A folded model of float weights (drawn, not exact decimals)."""
    rng = np.random.default_rng(5)
    shapes = {"0.weight": (3, 2), "0.bias": (3,), "1.weight": (1, 3), "1.bias": (1,)}
    path = tmp_path / "model.npz"
    np.savez(path, **{name: rng.normal(size=shape) for name, shape in shapes.items()})
    return str(path)


#: Commands whose pages --digits rounds, by a name: the arguments after the command's name
#: (a callable gets the scratch directory).
COMMANDS = {
    "derive-3-3-1": lambda t: ["derive", "3", "3", "1", "--values", _values(t, (3, 3, 1))],
    "derive-2-3-3-1": lambda t: [
        *("derive", "2", "3", "3", "1", "--detail", "full"),
        *("--values", _values(t, (2, 3, 3, 1))),
    ],
    "regress-2-3-1": lambda t: ["regress", "2", "3", "1"],
    "regress-2-2-2": lambda t: ["regress", "2", "2", "2"],
    "layers-relu": lambda t: ["layers", "3 > dense 3 relu > dense 3"],
    "layers-tanh": lambda t: ["layers", "2 > dense 2 tanh > dense 2 relu > dense 1"],
    "fold": lambda t: [
        *("fold", _model(t), "--assume-identity-gaps", "--weight-layout", "out-in"),
    ],
}


#: Notations a rounded page is written in besides the default.
NOTATIONS = {
    "row": ("--convention", "row"),
    "names": ("--names", "W=V,b=beta"),
    "base0": ("--index-base", "0"),
    "flat": ("--entry-style", "flat"),
}


def rounded(tmp_path: Path, command: str, fmt: str, digits: int, *options: str) -> Path:
    """The page ``command`` writes in ``fmt`` with ``--digits digits`` (it re-read it first)."""
    out = tmp_path / "out"
    argv = [*COMMANDS[command](tmp_path), "--format", fmt, "--digits", str(digits), *options]
    assert main([*argv, "--out", str(out)]) == 0
    (path,) = [p for p in out.iterdir() if p.suffix == READ_FORMATS[fmt]]
    return path


@pytest.mark.parametrize("digits", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_rounded_page_holds_at_every_digits(tmp_path, capsys, command, digits):
    path = rounded(tmp_path, command, "latex", digits)
    status, out = check(path, capsys)
    assert status == 0, out
    held = f"(numbers held to {digits} significant digits)"
    assert held in out or command == "fold", out  # fold's words say its numbers' own rule


@pytest.mark.parametrize("fmt", ["markdown", "typst", "html"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_rounded_page_holds_in_every_format(tmp_path, capsys, command, fmt):
    path = rounded(tmp_path, command, fmt, 3)
    status, out = check(path, capsys)
    assert status == 0, out


@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_rounded_page_holds_in_every_notation(tmp_path, capsys, command, notation):
    path = rounded(tmp_path, command, "latex", 3, *NOTATIONS[notation])
    status, out = check(path, capsys)
    assert status == 0, out


#: Shown numbers changed by more than the rounding of what they follow from allows, by page:
#: (command, digits, the text of the row before the edit, after it). At 3 digits a shown
#: ``-12`` stands for [-12.05, -11.95]; ``W_z`` computed from ``W_2`` and ``W_1`` shown to 3
#: digits is known to some units of its last digit.
EDITS = {
    "regress W_z entry": (
        "regress-2-3-1",
        3,
        r"W_{z} &= \begin{bmatrix} -12 & 4",
        r"W_{z} &= \begin{bmatrix} -13 & 4",
    ),
    "regress b_z": ("regress-2-3-1", 3, r"b_{z} &= 8 ", r"b_{z} &= 9 "),
    "regress Theta from the inverse": (
        "regress-2-3-1",
        3,
        r"&= \begin{bmatrix} 8 \\ -12 \\ 4 \end{bmatrix}",
        r"&= \begin{bmatrix} 8 \\ -11 \\ 4 \end{bmatrix}",
    ),
    "regress X^T Y entry": (
        "regress-2-3-1",
        3,
        r"X^{T} Y &= \begin{bmatrix} 0 \\ -292",
        r"X^{T} Y &= \begin{bmatrix} 0 \\ -302",
    ),
    "derive W_z entry": (
        "derive-3-3-1",
        3,
        r"&= \begin{bmatrix} 0.541 & -0.397 & -1.3 \end{bmatrix} \tag",
        r"&= \begin{bmatrix} 0.545 & -0.397 & -1.3 \end{bmatrix} \tag",
    ),
    "derive b_z at 6 digits": ("derive-3-3-1", 6, r"&= -1.28749 \tag", r"&= -1.28746 \tag"),
    "layers W_z(D) entry": (
        "layers-relu",
        3,
        r"W_{z}(D) &= \begin{bmatrix} 53.0",
        r"W_{z}(D) &= \begin{bmatrix} 54.0",
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_number_changed_beyond_its_rounding_is_caught(tmp_path, capsys, edit):
    command, digits, before, after = EDITS[edit]
    path = rounded(tmp_path, command, "latex", digits)
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out), out


@pytest.mark.parametrize(
    ("shown", "digits", "radius"),
    [
        ("13", 3, "0.05"),
        ("-27.5", 3, "0.05"),
        ("0.333", 3, "0.0005"),
        ("9.99", 3, "0.005"),
        ("10", 3, "0.05"),
        ("0.00123", 2, "0.00005"),
        ("123456", 3, "500"),
        ("0", 3, "0"),
    ],
)
def test_a_shown_number_stands_for_half_a_unit_of_its_last_significant_digit(shown, digits, radius):
    assert Rounding(digits).radius(sp.Rational(shown)) == sp.Rational(radius)


def test_two_shown_numbers_meet_where_their_intervals_do():
    rounding = Rounding(3)
    third = rounding.shown(sp.Rational("0.333"))
    assert difference(third, sp.Rational("0.3335")) is None  # 1/3 rounds to 0.333
    assert difference(third, rounding.shown(sp.Rational("0.334"))) is None  # 0.3335 both
    assert difference(third, rounding.shown(sp.Rational("0.335"))) == "the two sides differ"
    exact = Fraction(1, 3) * Fraction(2, 7)  # a product of roundings holds the true product
    product = multiply(third, rounding.shown(sp.Rational("0.286")))
    assert difference(product, sp.Rational(exact.numerator, exact.denominator)) is None
    assert difference(product, sp.Rational("0.0962")) == "the two sides differ"


@pytest.mark.parametrize("fmt", ["latex", "typst", "html"])
def test_a_whole_number_on_a_rounded_page_is_exact(tmp_path, capsys, fmt):
    """A rounded page writes each rounded number with a point (``13.0``), so ``13`` is exact:
    the inverse of the regression's ``X^T X`` of whole numbers is decided, every row checked."""
    out = tmp_path / "out"
    argv = ["regress", "4", "5", "3", "--format", fmt, "--digits", "3", "--out", str(out)]
    assert main(argv) == 0
    (path,) = out.iterdir()
    status, text = check(path, capsys)
    assert status == 0, text
    assert "not checked" not in text, text
