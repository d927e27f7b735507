"""The algebra of read values: shapes checked as a reader would, 1x1 matrices as numbers."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.reading.values import IDENTITY, Mismatch, add, difference, entry, multiply

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
