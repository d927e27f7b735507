"""The plain data a kind describes its maps with (``spec/kinds/base.py``)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symcollapse.errors import InternalError
from symcollapse.spec.kinds.base import Explicit, Param


@pytest.mark.parametrize(("rows", "cols"), [(1, 1), (2, 3), (3, 2), (4, 1)])
def test_an_explicit_matrix_holds_its_entries_row_by_row(rows: int, cols: int):
    matrix = Explicit.of(rows, cols, lambda i, j: Param("W", (i, j)))
    assert matrix.entries[cols * (rows - 1) :] == tuple(
        Param("W", (rows - 1, j)) for j in range(cols)
    )
    assert len(matrix.entries) == rows * cols


@pytest.mark.parametrize("count", [0, 3, 5])
def test_an_explicit_matrix_of_the_wrong_size_is_a_bug_of_its_kind(count: int):
    with pytest.raises(InternalError, match=rf"^a 2 x 2 matrix needs 4 entries, got {count}$"):
        Explicit(2, 2, (Fraction(1, 2),) * count)
