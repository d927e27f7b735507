"""Checks of the Σ and scalar forms: they pass for what a document prints and refuse a wrong one."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra import sigma, symbols
from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.paths import PathSum
from symcollapse.errors import VerificationError
from symcollapse.verification.sums import check_scalar_form, check_sum_form

SHAPES = [(1, 1), (2, 3, 1), (3, 2, 2)]


@pytest.mark.parametrize("widths", SHAPES)
def test_the_sigma_form_runs_to_every_path_sum(widths):
    result = collapse(widths)
    net = result.network
    i, j = sigma.row_index(), sigma.column_index()
    W_sums, b_sums = result.entry_sums()
    weight, bias = sigma.weight_sum(net.depth), sigma.bias_sum(net.depth)
    for r in range(widths[-1]):
        for c in range(widths[0]):
            check_sum_form(weight, W_sums[r][c], net, {i: r + 1, j: c + 1})
        check_sum_form(bias, b_sums[r], net, {i: r + 1})
    first = W_sums[0][0]
    fewer = PathSum(first.products[1:]) if len(first.products) > 1 else sp.Integer(0)
    with pytest.raises(VerificationError, match="is not its path sum"):
        check_sum_form(weight, fewer, net, {i: 1, j: 1})


@pytest.mark.parametrize("widths", SHAPES)
def test_the_scalar_form_is_W_z_x_plus_b_z(widths):
    result = collapse(widths)
    i = sigma.row_index()
    single = widths[-1] == 1

    def coefficient(col: int) -> sp.Expr:
        return sigma.collapsed_entry("a", col) if single else sigma.collapsed_entry("W_z", i, col)

    intercept = symbols.scalar("c") if single else sigma.collapsed_entry("b_z", i)
    linear = sp.Add(*(coefficient(c) * x for c, x in enumerate(result.network.x, start=1)))
    check_scalar_form(result, linear + intercept, i)
    with pytest.raises(VerificationError, match="is not W_z x \\+ b_z"):
        check_scalar_form(result, linear, i)  # the bug: the intercept left out
