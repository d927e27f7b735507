"""Path sums: the entries of W_z and b_z read from packed monomials, in the closed form's order."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.paths import PathSum, path_key

widths = st.lists(st.integers(1, 3), min_size=2, max_size=5).map(tuple)


def _keys(result):
    return {s: e.sort_key for s, e in result.network.entries.items()}


@settings(max_examples=40, deadline=None)
@given(widths)
def test_path_sums_are_the_naive_entries(shape):
    """Each path sum is the entry sympy's expansion gives (an independent route)."""
    result, naive = collapse(shape), collapse(shape, method="naive")
    W_z, b_z = result.entry_sums()
    assert [[s.as_expr() for s in row] for row in W_z] == naive.W_z.tolist()
    assert [s.as_expr() for s in b_z] == list(naive.b_z)


@settings(max_examples=40, deadline=None)
@given(widths)
def test_products_and_factors_are_in_path_order(shape):
    """Factors from the outer layer inward; products sorted by ``path_key`` (innermost layer
    first), as a sympy sum of the same terms is sorted for printing."""
    result = collapse(shape)
    keys = _keys(result)
    W_z, b_z = result.entry_sums()
    for entry in [*(s for row in W_z for s in row), *b_z]:
        for product in entry.products:
            assert [keys[s] for s in product] == sorted(keys[s] for s in product)
        ordered = sorted(entry.products, key=lambda p: path_key(keys[s] for s in p))
        assert list(entry.products) == ordered
        assert len(set(entry.products)) == len(entry)


def test_bias_terms_come_after_the_input_paths_and_b_n_last():
    result = collapse((2, 2, 2))
    _, b_z = result.entry_sums()
    W, b = result.weights, result.biases
    assert b_z[0].products == (
        (W[1][0, 0], b[0][0]),
        (W[1][0, 1], b[0][1]),
        (b[1][0],),
    )


@pytest.mark.parametrize("shape", [(3, 3, 3, 3, 3, 3, 3), (40, 1, 1)])
def test_more_than_64_symbols_span_several_words(shape):
    """Symbols past bit 63 live in the next word of a monomial."""
    result = collapse(shape)
    assert len(result.network.entries) > 64
    W_z, b_z = result.entry_sums()
    assert W_z[-1][-1].as_expr() == result.W_z[-1, -1]
    assert b_z[-1].as_expr() == result.b_z[-1]


def test_a_path_sum_counts_its_products():
    a, b = sp.symbols("a b")
    assert len(PathSum(((a, b), (b,)))) == 2
    assert PathSum(((a, b), (b,))).as_expr() == a * b + b
