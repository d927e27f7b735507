"""Checks of ``W_z(D) x + b_z(D)`` and of its rank: they pass for the algebra's result and
refuse a tampered one."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.piecewise import piecewise_collapse
from symcollapse.errors import VerificationError
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification import piecewise as piecewise_checks
from symcollapse.verification.piecewise import (
    check_masks_at_random_points,
    check_symbolic,
    checked_rank,
    verify_piecewise,
)

SPECS = [
    "2 > dense 3 relu > dense 1",
    "2 > dense 2 leaky_relu(1/10) > dense 2 relu > dense 1",
]


@pytest.mark.parametrize("text", SPECS)
def test_the_piecewise_collapse_passes_both_checks(text: str) -> None:
    result = analyse(parse_layers(text))
    piecewise = piecewise_collapse(result)
    check_symbolic(result, piecewise)
    assert check_masks_at_random_points(result, piecewise, seed=1, points=3) == 3


@pytest.mark.parametrize("text", SPECS)
@pytest.mark.parametrize("check", ["symbolic", "random"])
def test_a_wrong_bias_is_refused(text: str, check: str) -> None:
    result = analyse(parse_layers(text))
    piecewise = piecewise_collapse(result)
    wrong = dataclasses.replace(piecewise, b_z=piecewise.b_z + sp.ones(*piecewise.b_z.shape))
    with pytest.raises(VerificationError, match=r"W_z\(D\)"):
        if check == "symbolic":
            check_symbolic(result, wrong)
        else:
            check_masks_at_random_points(result, wrong, seed=1)


@pytest.mark.parametrize(
    ("rows", "bound", "rank"), [([[1, 2], [2, 4]], 1, 1), ([[1, 0], [0, 1]], 2, 2)]
)
def test_the_rank_is_checked_against_the_narrowest_width(rows, bound, rank) -> None:
    matrix = sp.Matrix(rows)
    assert checked_rank(matrix, bound) == rank
    with pytest.raises(VerificationError, match="exceeds the bound"):
        checked_rank(matrix, rank - 1)


@pytest.mark.parametrize("text", SPECS)
def test_verify_piecewise_checks_the_collapse_it_computes(text: str, monkeypatch) -> None:
    result = analyse(parse_layers(text))
    checked = verify_piecewise(result, seed=1, max_terms=10_000)
    assert checked.piecewise == piecewise_collapse(result, 10_000) and checked.points == 5
    wrong = dataclasses.replace(checked.piecewise, W_z=2 * checked.piecewise.W_z)
    monkeypatch.setattr(piecewise_checks, "piecewise_collapse", lambda *_: wrong)
    with pytest.raises(VerificationError, match=r"W_z\(D\)"):
        verify_piecewise(result, seed=1, max_terms=10_000)
