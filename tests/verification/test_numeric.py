"""Checks of a collapse with numbers: they pass for what the algebra computes and refuse a
tampered ``W_z`` or ``b_z`` or a line whose value changed."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from symcollapse.algebra.numeric import collapse_values
from symcollapse.errors import VerificationError
from symcollapse.spec.values import random_values
from symcollapse.verification.numeric import check_closed_forms, check_forward, check_same_value

SHAPES = [(1, 1), (2, 3, 1), (3, 2, 2)]


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("check", [check_closed_forms, check_forward])
def test_a_wrong_bias_is_refused(widths, check):
    result = collapse_values(random_values(widths, 5))
    check(result)
    wrong = dataclasses.replace(result, b_z=result.b_z + sp.ones(widths[-1], 1))
    with pytest.raises(VerificationError, match="with the numbers"):
        check(wrong)


@pytest.mark.parametrize(
    ("previous", "value", "holds"),
    [
        (sp.Matrix([[1, 2]]), sp.MatMul(sp.Matrix([[1]]), sp.Matrix([[1, 2]])), True),
        (sp.Rational(1, 3), sp.Matrix([[sp.Rational(2, 6)]]), True),
        (sp.Matrix([1, 2]), sp.Matrix([1, 3]), False),
    ],
)
def test_same_value_compares_values_not_forms(previous, value, holds):
    if holds:
        check_same_value(previous, value, "the step")
    else:
        with pytest.raises(VerificationError, match=r"^the step does not hold$"):
            check_same_value(previous, value, "the step")
