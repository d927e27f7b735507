"""Checks of finished results: they pass for what the algebra computes and refuse a tampered one."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.regression import regress
from symcollapse.errors import VerificationError
from symcollapse.verification.results import check_collapse, check_normal_equations

SHAPES = [(1, 1), (2, 3, 1), (3, 2, 2, 1)]


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("method", ["exact", "naive"])
def test_a_collapse_passes_and_a_wrong_one_is_refused(widths, method):
    result = collapse(widths, method=method)
    check_collapse(result)
    if method == "naive":  # one more unit in each entry of b_z
        wrong = dataclasses.replace(result.routes, b_z=result.b_z + sp.ones(widths[-1], 1))
    else:  # one path dropped from the first entry of W_z
        sums = result.routes.sums
        first = sums.W_z[0][0][:, 1:]
        broken = dataclasses.replace(sums, W_z=((first, *sums.W_z[0][1:]), *sums.W_z[1:]))
        wrong = dataclasses.replace(result.routes, sums=broken)
    with pytest.raises(VerificationError, match="does not expand to zero"):
        check_collapse(dataclasses.replace(result, routes=wrong))


@pytest.mark.parametrize("widths", SHAPES)
def test_normal_equations_pass_and_a_wrong_theta_is_refused(widths):
    result = regress(list(widths), seed=3)
    check_normal_equations(result)
    Theta = result.Theta + sp.ImmutableMatrix.ones(*result.Theta.shape)
    with pytest.raises(VerificationError, match="normal equations"):
        check_normal_equations(dataclasses.replace(result, Theta=Theta))
