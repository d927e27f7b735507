"""``vanishes``: identities of polynomials, rational functions, explicit matrices and matrix
expressions are zero; differences that are not identities are not."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as hs

from symcollapse.algebra.expressions import vanishes

x, y, z = sp.symbols("x y z")

#: A monomial ``x^i y^j z^k`` as its exponents.
MONOMIALS = hs.tuples(hs.integers(0, 3), hs.integers(0, 3), hs.integers(0, 2))
COEFFICIENTS = hs.integers(-6, 6).filter(bool)


def _polynomial(terms: dict[tuple[int, int, int], int]) -> sp.Expr:
    return sp.Add(*(c * x**i * y**j * z**k for (i, j, k), c in terms.items()))


#: Distinct monomials with non-zero coefficients: a polynomial that is not zero, by construction.
NONZERO = hs.dictionaries(MONOMIALS, COEFFICIENTS, min_size=1, max_size=4).map(_polynomial)
POLYNOMIALS = hs.dictionaries(MONOMIALS, COEFFICIENTS, max_size=4).map(_polynomial)


@settings(max_examples=60, deadline=None)
@given(POLYNOMIALS, POLYNOMIALS, POLYNOMIALS, NONZERO)
def test_polynomial_identities_vanish_and_a_nonzero_rest_does_not(p, q, r, rest):
    identity = p * (q + r) ** 2 - (p * q**2 + 2 * p * q * r + p * r**2)
    assert vanishes(identity)
    assert not vanishes(identity + rest)
    assert not vanishes(p * (q + r) - p * q - p * r + rest)


@settings(max_examples=40, deadline=None)
@given(POLYNOMIALS, NONZERO, NONZERO, NONZERO)
def test_rational_identities_vanish_and_a_changed_numerator_does_not(p, q, r, rest):
    assert vanishes(p * r / (q * r) - p / q)
    assert vanishes(p / q + r / q - (p + r) / q)
    assert not vanishes(p * r / (q * r) - (p + rest) / q)


def _matrices(rows: int, cols: int):
    return hs.lists(POLYNOMIALS, min_size=rows * cols, max_size=rows * cols).map(
        lambda entries: sp.ImmutableMatrix(rows, cols, entries)
    )


@settings(max_examples=30, deadline=None)
@given(_matrices(2, 3), _matrices(3, 2), _matrices(3, 2), NONZERO, hs.integers(0, 3))
def test_explicit_matrices_vanish_entry_by_entry(A, B, C, rest, entry):
    difference = A * (B + C) - A * B - A * C
    assert vanishes(difference)
    changed = sp.Matrix(difference)
    changed[entry] += rest
    assert not vanishes(changed)


def test_matrix_expressions_vanish_in_the_matrix_algebra():
    W, A, B = (sp.MatrixSymbol(name, 3, 3) for name in "WAB")
    assert vanishes(W * (A + B) - W * A - W * B)
    assert vanishes(sp.ZeroMatrix(2, 1))
    assert not vanishes(W * A - A * W)
    assert not vanishes(W * (A + B) - W * A)


def test_non_commuting_symbols_are_a_ring_where_order_counts():
    W, A, B = sp.symbols("W A B", commutative=False)
    assert vanishes(W * (A + B) - W * A - W * B)
    assert not vanishes(W * A - A * W)


def test_exp_and_log_terms_are_taken_as_new_symbols():
    e = sp.exp(2 * x * y / z)
    assert vanishes(e / (e + 1) - 1 + 1 / (e + 1))
    assert vanishes(sp.diff(sp.log(x / (y - x)), x) - y / (x * (y - x)))
    assert not vanishes(e / (e + 1) - 1)


def test_zero_itself_vanishes():
    assert vanishes(sp.Integer(0)) and vanishes(0) and vanishes(sp.zeros(2, 2))
