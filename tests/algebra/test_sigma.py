"""Σ forms run over their ranges give one product per path, for square and non-square shapes."""

from __future__ import annotations

import math

import pytest

from symcollapse.algebra import sigma
from symcollapse.algebra.collapsing import collapse
from symcollapse.errors import VerificationError


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 3, 3), (2, 2), (1, 4, 1), (2, 4, 3, 2)])
def test_paths_count_and_are_distinct(widths: tuple[int, ...]) -> None:
    net = collapse(widths).network
    i, j = sigma.row_index(), sigma.column_index()
    weight = list(sigma.paths(sigma.weight_sum(len(widths) - 1), net, {i: 1, j: 1}))
    bias = list(sigma.paths(sigma.bias_sum(len(widths) - 1), net, {i: 1}))
    hidden = widths[1:-1]
    assert len(weight) == len(set(weight)) == math.prod(hidden)
    assert len(bias) == sum(math.prod(hidden[k:]) for k in range(len(hidden) + 1))
    assert all(len(p) == len(widths) - 1 for p in weight)


def test_a_sum_over_something_else_cannot_be_run() -> None:
    net = collapse((2, 1)).network
    with pytest.raises(VerificationError, match="not a product of entries"):
        list(sigma.paths(sigma.row_index() + 1, net, {}))
