"""One forward pass and one collapse for every arithmetic: sympy, Fractions, floats, integers mod
p; both directions of the collapse, and every hidden vector of the pass."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.affine import activations, collapse_chain, forward, forward_maps, passes

P = 101


@st.composite
def chains(draw: st.DrawFn) -> tuple[list[int], list[list[list[int]]], list[list[int]], list[int]]:
    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    entry = st.integers(-9, 9)
    weights = [
        [[draw(entry) for _ in range(widths[k - 1])] for _ in range(widths[k])]
        for k in range(1, len(widths))
    ]
    biases = [[draw(entry) for _ in range(widths[k])] for k in range(1, len(widths))]
    x = [draw(entry) for _ in range(widths[0])]
    return widths, weights, biases, x


def _plain_layers(weights, biases, x):
    """``h_0, ..., h_n`` by hand in Python Fractions: no matrix library, the independent route."""
    hs = [[Fraction(v) for v in x]]
    for W, b in zip(weights, biases, strict=True):
        hs.append(
            [
                sum((Fraction(w) * v for w, v in zip(row, hs[-1], strict=True)), Fraction(c))
                for row, c in zip(W, b, strict=True)
            ]
        )
    return hs


def _plain_forward(weights, biases, x):
    return _plain_layers(weights, biases, x)[-1]


def _arithmetics(weights, biases, x):
    """The chain as sympy matrices, object arrays of Fractions and float64 arrays (the small
    integers of :func:`chains` keep every float product and sum exact)."""
    sympy = [sp.Matrix(W) for W in weights], [sp.Matrix(b) for b in biases], sp.Matrix(x)
    fractions = (
        [np.array(W, dtype=object) + Fraction(0) for W in weights],
        [np.array(b, dtype=object) + Fraction(0) for b in biases],
        np.array(x, dtype=object) + Fraction(0),
    )
    floats = (
        [np.array(W, dtype=float) for W in weights],
        [np.array(b, dtype=float) for b in biases],
        np.array(x, dtype=float),
    )
    return {"sympy": sympy, "Fraction": fractions, "float": floats}


def _values(matrix) -> list[Fraction]:
    return [Fraction(v) if isinstance(v, float) else Fraction(str(v)) for v in np.ravel(matrix)]


@settings(max_examples=60, deadline=None)
@given(chains())
def test_every_arithmetic_agrees_with_a_plain_loop(chain) -> None:
    _, weights, biases, x = chain
    expected = _plain_forward(weights, biases, x)
    for Ws, bs, xs in _arithmetics(weights, biases, x).values():
        assert _values(forward(xs, Ws, bs)) == expected
        W_z, b_z = collapse_chain(Ws, bs)
        assert _values(W_z @ xs + b_z) == expected


@settings(max_examples=40, deadline=None)
@given(chains())
def test_reduction_modulo_p_is_applied_at_every_step(chain) -> None:
    _, weights, biases, x = chain
    Wi = [np.array(W, dtype=np.int64) for W in weights]
    bi = [np.array(b, dtype=np.int64) for b in biases]
    xi = np.array(x, dtype=np.int64)
    expected = [int(v) % P for v in _plain_forward(weights, biases, x)]
    assert (forward(xi, Wi, bi, lambda a: a % P) % P).tolist() == expected
    W_z, b_z = collapse_chain(Wi, bi, lambda a: a % P)
    assert ((W_z @ xi + b_z) % P).tolist() == expected


@settings(max_examples=60, deadline=None)
@given(chains())
def test_every_hidden_vector_agrees_in_sympy_fractions_and_floats(chain) -> None:
    _, weights, biases, x = chain
    expected = _plain_layers(weights, biases, x)
    for Ws, bs, xs in _arithmetics(weights, biases, x).values():
        hs = activations(xs, Ws, bs)
        assert [_values(h) for h in hs] == expected
        assert _values(forward(xs, Ws, bs)) == expected[-1]


@settings(max_examples=60, deadline=None)
@given(chains())
def test_both_directions_collapse_to_the_same_map_in_every_arithmetic(chain) -> None:
    _, weights, biases, x = chain
    results = set()
    for Ws, bs, _ in _arithmetics(weights, biases, x).values():
        for from_output in (False, True):
            W_z, b_z = collapse_chain(Ws, bs, from_output=from_output)
            results.add((tuple(_values(W_z)), tuple(_values(b_z))))
    assert len(results) == 1


class _Shapes:
    """A float matrix that records the shape of every product it takes part in."""

    def __init__(self, array: np.ndarray, log: list[tuple[int, ...]]) -> None:
        self.array, self.log = array, log

    def __matmul__(self, other: _Shapes) -> _Shapes:
        product = self.array @ other.array
        self.log.append(product.shape)
        return _Shapes(product, self.log)

    def __add__(self, other: _Shapes) -> _Shapes:
        return _Shapes(self.array + other.array, self.log)


@pytest.mark.parametrize("widths", [(5, 4, 3, 2), (2, 3, 4, 5), (3, 3), (6, 1, 6, 1), (1, 7, 7, 1)])
def test_from_the_output_side_every_product_has_d_n_rows(widths) -> None:
    rng = np.random.default_rng(len(widths))
    log: list[tuple[int, ...]] = []
    layers = range(1, len(widths))
    Ws = [_Shapes(rng.standard_normal((widths[k], widths[k - 1])), log) for k in layers]
    bs = [_Shapes(rng.standard_normal((widths[k], 1)), log) for k in layers]
    outward = collapse_chain(Ws, bs)
    assert all(rows == widths[k] for (rows, _), k in zip(log[::2], layers[1:], strict=True))
    log.clear()
    inward = collapse_chain(Ws, bs, from_output=True)
    assert {rows for rows, _ in log} <= {widths[-1]}
    for a, b in zip(outward, inward, strict=True):
        np.testing.assert_allclose(a.array, b.array)


def test_forward_maps_applies_each_map_in_order_and_reduces_after_each() -> None:
    seen: list[int] = []

    def reduce(value: int) -> int:
        seen.append(value)
        return value % P

    maps = [lambda h: 3 * h + 1, lambda h: max(h, 0) * 100, lambda h: h - 7]
    assert forward_maps(2, maps) == (3 * 2 + 1) * 100 - 7
    assert forward_maps(2, maps, reduce) == (700 % P - 7) % P
    assert seen == [7, 700, 700 % P - 7]
    assert forward_maps(sp.Matrix([5]), []) == sp.Matrix([5])


def test_passes_keep_every_intermediate_value_and_end_with_forward_maps() -> None:
    maps = [lambda h: 3 * h + 1, lambda h: h * h, lambda h: h - 7]
    assert passes(2, maps) == [2, 7, 49, 42]
    assert passes(2, maps)[-1] == forward_maps(2, maps)
    assert passes(5, []) == [5]
