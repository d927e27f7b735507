"""The reference forward pass: the names it reads, its digit words, and its polynomials against
sympy's expansion of the same nested forward pass."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
import sympy as sp

from symcollapse.errors import VerificationError
from symcollapse.verification import reference

#: Square and non-square shapes, one layer to four.
WIDTHS = [(1, 1), (2, 3), (2, 2), (3, 2, 2), (2, 3, 1), (2, 3, 2), (1, 2, 2, 2), (2, 1, 3, 2, 2)]

#: Shapes whose digits take more than one word (bases multiply past 2**63).
DEEP = [(1,) * 41, (1, 3, *(1,) * 40, 2), (1, *(2, 1) * 15)]


def _name(key: reference.Key) -> str:
    kind, k, i, j = key
    return {"x": f"x_{j}", "w": f"w_{k}_{i}_{j}", "b": f"b_{k}_{i}"}[kind]


def _expanded(widths: tuple[int, ...]) -> list[sp.Expr]:
    """The nested forward pass expanded by sympy, in the names the documents print."""
    d = widths
    h = [sp.Symbol(f"x_{j}") for j in range(1, d[0] + 1)]
    for k in range(1, len(d)):
        h = [
            sp.Symbol(f"b_{k}_{i}")
            + sum(sp.Symbol(f"w_{k}_{i}_{j}") * h_j for j, h_j in enumerate(h, 1))
            for i in range(1, d[k] + 1)
        ]
    return [sp.expand(entry) for entry in h]


def _as_sympy(lay: reference.Layout, polynomial: reference.Polynomial) -> sp.Expr:
    """The polynomial read back from its digits, each monomial with coefficient 1."""
    symbols = [
        [sp.Integer(1)] + [sp.Symbol(_name(k)) for k in lay.symbols(layer)]
        for layer in range(len(lay.widths))
    ]
    digits = [lay.digits(polynomial, k) for k in range(len(lay.widths))]
    return sp.Add(
        *(
            sp.Mul(*(symbols[k][int(c[t])] for k, c in enumerate(digits)))
            for t in range(polynomial.shape[1])
        )
    )


@pytest.mark.parametrize("widths", WIDTHS)
def test_the_forward_pass_is_sympys_expansion(widths: tuple[int, ...]) -> None:
    lay = reference.layout(widths)
    forward = reference.forward_polynomials(widths)
    assert [_as_sympy(lay, p) for p in forward] == _expanded(widths)


@pytest.mark.parametrize("widths", WIDTHS + DEEP + [(3,) * 9])
def test_every_polynomial_is_sorted_and_each_monomial_once(widths: tuple[int, ...]) -> None:
    """What the exact route's comparison relies on: columns strictly increasing, word 0 first."""
    for polynomial in reference.forward_polynomials(widths):
        words = [tuple(column) for column in polynomial.T.tolist()]
        assert all(a < b for a, b in pairwise(words))


@pytest.mark.parametrize("widths", WIDTHS + DEEP)
def test_the_digits_fit_their_words(widths: tuple[int, ...]) -> None:
    lay = reference.layout(widths)
    assert all(0 <= w < lay.words for w in lay.word) and lay.word[-1] == 0  # highest layer first
    for word in range(lay.words):
        layers = [k for k in range(len(widths)) if lay.word[k] == word]
        assert layers == list(range(layers[0], layers[-1] + 1))  # consecutive layers
        assert lay.place[layers[0]] == 1
        assert lay.place[layers[-1]] * lay.bases[layers[-1]] <= reference.WORD
    assert (lay.words > 1) == (widths in DEEP)


@pytest.mark.parametrize("widths", DEEP)
def test_deep_networks_span_words_and_still_expand_correctly(widths: tuple[int, ...]) -> None:
    """Deep and narrow: a handful of monomials, digits over several words; the count and the
    path of the first input's monomial are checked against the closed form."""
    lay = reference.layout(widths)
    (first, *_) = reference.forward_polynomials(widths)
    depth = len(widths) - 1
    paths_from_x = np.prod(widths[1:-1]) * widths[0]
    paths_from_b = sum(int(np.prod(widths[k:-1])) for k in range(1, depth + 1))
    assert first.shape == (lay.words, paths_from_x + paths_from_b)
    full = [lay.digits(first, k) for k in range(depth + 1)]
    with_x = [t for t in range(first.shape[1]) if full[0][t]]
    assert len(with_x) == paths_from_x and all(full[k][t] for t in with_x for k in range(depth))


@pytest.mark.parametrize(
    ("name", "key"),
    [("x_2", ("x", 0, 0, 2)), ("w_1_3_2", ("w", 1, 3, 2)), ("b_2_1", ("b", 2, 1, 0))],
)
def test_a_name_is_read_as_its_entry(name: str, key: reference.Key) -> None:
    assert reference.parse_name(name, (2, 3, 1)) == key


@pytest.mark.parametrize(
    "name",
    [
        "x_3",
        "x_0",
        "w_1_4_1",
        "w_1_1_3",
        "w_3_1_1",
        "w_0_1_1",
        "b_2_2",
        "b_1",
        "y_1",
        "w_1_01_1",
        "x_1 ",
        "",
    ],
)
def test_a_name_that_is_no_entry_is_refused(name: str) -> None:
    with pytest.raises(VerificationError, match="names no entry"):
        reference.parse_name(name, (2, 3, 1))


def test_codes_are_consecutive_per_row_and_match_symbols() -> None:
    lay = reference.layout((2, 3, 1))
    for k in range(3):
        assert [lay.code(key) for key in lay.symbols(k)] == list(range(1, lay.bases[k]))
    assert lay.symbols(1)[:3] == [("b", 1, 1, 0), ("w", 1, 1, 1), ("w", 1, 1, 2)]
