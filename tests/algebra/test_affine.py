"""One forward pass and one collapse for every arithmetic: sympy, Fractions, integers mod p."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.affine import collapse_chain, forward, forward_maps

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


def _plain_forward(weights, biases, x):
    """The layers by hand in Python Fractions: no matrix library, the independent route."""
    h = [Fraction(v) for v in x]
    for W, b in zip(weights, biases, strict=True):
        h = [
            sum((Fraction(w) * v for w, v in zip(row, h, strict=True)), Fraction(c))
            for row, c in zip(W, b, strict=True)
        ]
    return h


@settings(max_examples=60, deadline=None)
@given(chains())
def test_sympy_and_fraction_arithmetic_agree_with_a_plain_loop(chain) -> None:
    _, weights, biases, x = chain
    expected = _plain_forward(weights, biases, x)
    Ws = [sp.Matrix(W) for W in weights]
    bs = [sp.Matrix(b) for b in biases]
    xs = sp.Matrix(x)
    assert list(forward(xs, Ws, bs)) == expected
    W_z, b_z = collapse_chain(Ws, bs)
    assert list(W_z @ xs + b_z) == expected
    Wf = [np.array(W, dtype=object) + Fraction(0) for W in weights]
    bf = [np.array(b, dtype=object) + Fraction(0) for b in biases]
    xf = np.array(x, dtype=object) + Fraction(0)
    W_zf, b_zf = collapse_chain(Wf, bf)
    assert list(W_zf @ xf + b_zf) == expected == list(forward(xf, Wf, bf))


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
