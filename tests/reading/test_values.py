"""The algebra of read values: shapes checked as a reader would, 1x1 matrices as numbers."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.reading.values import (
    IDENTITY,
    Mismatch,
    Rounding,
    Unbounded,
    add,
    difference,
    entry,
    inverse,
    multiply,
    reciprocal,
)

A = sp.Matrix([[1, 2], [3, 4]])


@pytest.mark.parametrize(
    ("index", "base", "value"), [("12", 1, 2), ("1,2", 1, 2), ("01", 0, 2), ("2,1", 1, 3)]
)
def test_entries_in_every_index_spelling(index: str, base: int, value: int) -> None:
    assert entry(A, index, base) == value


def test_a_tall_vector_takes_two_digit_indices() -> None:
    assert entry(sp.Matrix(list(range(12))), "11", 1) == 10


@pytest.mark.parametrize(
    ("work", "message"),
    [
        (lambda: add(A, sp.Matrix([1, 2])), r"^a 2x2 matrix plus a 2x1 one$"),
        (lambda: multiply(sp.Matrix([1, 2]), A), r"^a 2x1 matrix times a 2x2 one$"),
        (lambda: entry(A, "31", 1), r"^the entry 31 of a 2x2 matrix$"),
    ],
)
def test_shapes_that_do_not_fit_make_a_row_false(work, message: str) -> None:
    with pytest.raises(Mismatch, match=message):
        work()


def test_identity_takes_the_size_it_meets_and_1x1_is_a_number() -> None:
    assert add(IDENTITY, A) == A + sp.eye(2)
    assert difference(sp.Matrix([[5]]), sp.Integer(5)) is None
    assert difference(A, A.T) == "entry (1, 2) differs"


def _shown(matrix: sp.Matrix, digits: int) -> sp.Matrix:
    """``matrix`` as a page rounded to ``digits`` shows it, read back as the values each
    number stands for."""
    rounding = Rounding(digits)
    return matrix.applyfunc(lambda v: rounding.shown(sp.Rational(str(sp.Float(v, digits)))))


#: Square matrices of numbers --digits rounds.
SQUARE = [
    sp.Matrix([[sp.Rational(1, 3), sp.Rational(2, 7)], [sp.Rational(5, 3), sp.Rational(1, 6)]]),
    sp.Matrix([[5, 4, 2], [4, 28, 3], [2, 3, sp.Rational(10, 3)]]),
    sp.Matrix([[1, sp.Rational(1, 3)], [3, sp.Rational(6, 5)]]),
]


@pytest.mark.parametrize("matrix", SQUARE)
@pytest.mark.parametrize("digits", [3, 6])
def test_the_inverse_of_rounded_numbers_holds_the_true_inverse(matrix, digits):
    bounded = inverse(_shown(matrix, digits))
    assert difference(bounded, matrix.inv()) is None
    off = matrix.inv() + sp.ones(matrix.rows, matrix.cols) * abs(matrix.inv()[0, 0])
    assert difference(bounded, off) is not None  # a whole entry off: beyond the bound


def test_an_inverse_that_may_be_singular_is_not_decided():
    with pytest.raises(Unbounded, match="may be singular"):
        inverse(_shown(sp.Matrix([[1, 2], [2, sp.Rational(4001, 1000)]]), 1))


@pytest.mark.parametrize("value", [sp.Rational(1, 3), sp.Rational(-7, 9), sp.Rational(1000, 7)])
def test_the_reciprocal_of_a_rounded_number_holds_the_true_one(value):
    bounded = reciprocal(_shown(sp.Matrix([[value]]), 3)[0, 0])
    assert difference(bounded, 1 / value) is None
    assert difference(bounded, 1.01 * sp.Rational(1) / value) is not None


@pytest.mark.parametrize("digits", [1, 3, 6])
def test_a_product_of_rounded_matrices_holds_the_true_product(digits):
    """Condensed to one noise per entry, the product still stands for the true one, and not
    for one a few units of its last digit off."""
    a, b = SQUARE[0], SQUARE[1][:2, :3]
    product = multiply(_shown(a, digits), _shown(b, digits))
    assert all(len(cell.free_symbols) <= 1 for cell in product)
    assert difference(product, a * b) is None
    assert difference(product, a * b + sp.ones(2, 3) * (a * b)[0, 0]) is not None
