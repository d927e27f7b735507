"""collapse(): the exact route gives the same sympy matrices as the naive expansion."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.collapsing import METHODS, SympyRoutes, collapse
from symcollapse.errors import OptionError

SHAPES = [
    (1, 1),
    (3, 2),
    (1, 4, 1),
    (2, 3, 1),
    (2, 3, 3, 1),
    (3, 1, 3),
    (1, 2, 3, 4),
    (4, 3, 2, 1),
    (2, 2, 2, 2, 2),
    (3, 3, 3, 3, 3),
]


def _same(a, b) -> bool:
    """Equal expression for expression: same entries with the same argument tuples."""
    return a.shape == b.shape and all(
        x == y and x.args == y.args for x, y in zip(a, b, strict=True)
    )


@pytest.mark.parametrize("widths", SHAPES)
def test_exact_and_naive_routes_are_identical(widths):
    exact = collapse(widths)
    naive = collapse(widths, method="naive")
    assert _same(exact.W_z, naive.W_z)
    assert _same(exact.b_z, naive.b_z)
    assert _same(exact.output, naive.output)
    assert exact.counts == naive.counts


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=2, max_size=5))
def test_identical_on_random_shapes(widths):
    exact = collapse(widths)
    naive = collapse(widths, method="naive")
    assert _same(exact.W_z, naive.W_z) and _same(exact.b_z, naive.b_z)
    assert _same(exact.output, naive.output)


@pytest.mark.parametrize("widths", SHAPES)
def test_exact_output_at_random_rationals(widths):
    """Independent route: nested evaluation in Fractions, no algebra at all."""
    result = collapse(widths)
    rng = random.Random(sum(widths))
    values = {s: Fraction(rng.randint(-30, 30), rng.randint(1, 30)) for s in result.network.entries}
    h = [values[s] for s in result.x]
    for W, b in zip(result.weights, result.biases, strict=True):
        h = [
            sum((values[W[i, j]] * h[j] for j in range(W.cols)), Fraction(0)) + values[b[i]]
            for i in range(W.rows)
        ]
    point = {s: sp.Rational(v.numerator, v.denominator) for s, v in values.items()}
    assert [Fraction(str(e.xreplace(point))) for e in result.output] == h
    collapsed = result.W_z * result.x + result.b_z
    assert [Fraction(str(e.xreplace(point))) for e in collapsed] == h


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 2, 4), (1, 1)])
def test_progress_is_reported_per_layer_then_per_output_row(widths):
    """The forward pass reports each layer, the path sums each output row, in one count."""
    calls = []
    collapse(widths, progress=lambda done, total: calls.append((done, total)))
    total = len(widths) - 1 + widths[-1]
    assert calls == [(done, total) for done in range(1, total + 1)]


def test_unknown_method_is_refused():
    assert set(METHODS) == {"exact", "naive"}
    with pytest.raises(
        OptionError, match=r"^unknown collapse method 'fast'; choose one of exact, naive$"
    ):
        collapse((2, 1), method="fast")


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("method", ["exact", "naive"])
def test_residual_is_zero(widths, method):
    result = collapse(widths, method=method)
    assert result.residual() == sp.zeros(widths[-1], 1)


@pytest.mark.parametrize("widths", [(2, 3, 1), (2, 2, 2), (1, 3, 2, 2)])
def test_residual_of_a_wrong_collapse_equals_sympys_expansion(widths):
    """Independent route: sympy's ``expand`` of the whole difference, on a broken W_z, b_z."""
    result = collapse(widths)
    x_1, w = result.x[0], result.weights[0][0, 0]
    routes = SympyRoutes(
        output=result.output,
        W_z=result.W_z + sp.ones(*result.W_z.shape) * w,
        b_z=result.b_z.applyfunc(lambda e: e - 2 * x_1 * w),
        x=result.x,
    )
    broken = dataclasses.replace(result, routes=routes)
    expected = (broken.output - (broken.W_z * broken.x + broken.b_z)).applyfunc(sp.expand)
    assert broken.residual() == expected
    assert broken.residual() != sp.zeros(widths[-1], 1)


@pytest.mark.parametrize("method", ["exact", "naive"])
def test_collapses_of_the_same_widths_are_equal(method):
    """Routes follow from the network: equal widths, equal collapses."""
    assert collapse((2, 3, 1), method=method) == collapse((2, 3, 1), method=method)
    assert collapse((2, 3, 1), method=method) != collapse((2, 3, 2), method=method)
