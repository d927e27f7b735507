from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse import SizeLimitError, SpecError, collapse
from symcollapse.algebra.collapsing import Collapse
from tests.conftest import explicit, forward_fractions, random_rationals

SHAPES = [
    (1, 1),
    (2, 1),
    (1, 3),
    (2, 3, 3, 1),
    (3, 2, 4),
    (1, 1, 1, 1, 1, 1),
    (2, 1, 2),
    (4, 2, 3, 2, 1),
]


def _zero(matrix: sp.MatrixBase) -> bool:
    return all(sp.expand(e) == 0 for e in matrix)


def _check_against_forward_pass(result: Collapse) -> None:
    # Route 1: the nested forward pass, expanded, equals W_z x + b_z.
    assert _zero(result.output - (result.W_z * result.x + result.b_z))
    # Route 2: the defining products, multiplied out independently of the engine.
    product = sp.eye(result.widths[-1])
    b_z = sp.zeros(result.widths[-1], 1)
    for W, b in zip(reversed(result.weights), reversed(result.biases), strict=True):
        b_z += product * b
        product = product * W
    assert _zero(result.W_z - product)
    assert _zero(result.b_z - b_z)


@pytest.mark.parametrize("widths", SHAPES)
def test_collapse_matches_the_forward_pass(widths):
    _check_against_forward_pass(collapse(widths))


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_collapse_at_random_exact_rationals(widths, seed):
    result = collapse(widths)
    values = random_rationals(list(result.network.entries), seed)
    expected = forward_fractions(result.network, values)
    affine = (result.W_z * result.x + result.b_z).xreplace(values)
    assert [sp.Rational(e.numerator, e.denominator) for e in expected] == list(affine)
    assert list(result.output.xreplace(values)) == list(affine)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=3), min_size=2, max_size=5))
def test_collapse_holds_for_any_small_shape(widths):
    result = collapse(widths)
    _check_against_forward_pass(result)
    values = random_rationals(list(result.network.entries), seed=sum(widths))
    expected = forward_fractions(result.network, values)
    got = (result.W_z * result.x + result.b_z).xreplace(values)
    assert [sp.Rational(e.numerator, e.denominator) for e in expected] == list(got)


def test_entries_are_expanded_polynomials_of_the_symbols():
    result = collapse([2, 3, 3, 1])
    allowed = set(result.network.entries)
    for entry in (*result.W_z, *result.b_z, *result.output):
        assert entry == sp.expand(entry)
        assert entry.free_symbols <= allowed
    assert result.W_z.shape == (1, 2)
    assert result.b_z.shape == (1, 1)


def test_example_has_9_and_13_terms():
    result = collapse([2, 3, 3, 1])
    assert [len(sp.Add.make_args(e)) for e in result.W_z] == [9, 9]
    assert len(sp.Add.make_args(result.b_z[0])) == 13


@pytest.mark.parametrize("widths", SHAPES)
def test_matrix_level_forms_expand_to_the_entries(widths):
    result = collapse(widths)
    net = result.network
    assert result.W_z_expr.shape == result.W_z.shape
    assert _zero(explicit(net, result.W_z_expr) - result.W_z)
    assert _zero(explicit(net, result.b_z_expr) - result.b_z)


def test_api_accepts_strings_and_raises_typed_errors():
    assert collapse(["2", "1"]).widths == (2, 1)
    with pytest.raises(SpecError, match=r"^width d_0 must be at least 1, got 0$"):
        collapse([0, 1])
    with pytest.raises(SizeLimitError):
        collapse([3] * 9, max_terms=100)


@pytest.mark.parametrize("widths", SHAPES)
def test_a_collapse_is_a_value_equal_collapses_hash_alike(widths):
    first, again = collapse(widths), collapse(widths)
    other = collapse((*widths, 1))
    assert first == again and hash(first) == hash(again)
    assert first != other
    assert {first: "seen"}[again] == "seen"
