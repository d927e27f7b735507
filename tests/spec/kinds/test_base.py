"""The plain data a kind describes its maps with (``spec/kinds/base.py``)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symcollapse.errors import InternalError
from symcollapse.spec.grammar import parse_layer
from symcollapse.spec.kinds.base import Explicit, Param, describe, leaves


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


@pytest.mark.parametrize(
    ("text", "numbered"),
    [
        ("dense 3", ["dense 3"]),
        ("dropout", ["dropout 1/2"]),
        ("residual(dense 8)", ["dense 8"]),
        (
            "residual(conv1d k=3 p=1 > batchnorm > dropout)",
            ["conv1d k=3 s=1 p=1", "batchnorm", "dropout 1/2"],
        ),
    ],
)
def test_a_layer_holding_layers_gives_them_as_its_leaves(text: str, numbered: list[str]):
    """A residual block's layers are its ``inner`` and take the numbers; any other layer is
    its own leaf."""
    layer = parse_layer(text)
    assert [describe(leaf) for leaf in leaves((layer,))] == numbered
    assert [describe(leaf) for leaf in leaves((layer, layer))] == numbered * 2
    assert bool(layer.inner) == text.startswith("residual")
