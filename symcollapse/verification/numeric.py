"""Checks of a collapse with numbers, made before its document shows it: each computed line
against the line before, the closed forms and the forward pass against ``W_z`` and ``b_z``, all
in exact rational arithmetic."""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra.affine import activations
from symcollapse.algebra.expressions import bias_terms, expand_entries, product, total, vanishes
from symcollapse.algebra.numeric import NumericCollapse
from symcollapse.errors import VerificationError


def _matrix(value: sp.Basic) -> sp.Matrix:
    """An explicit matrix of ``value``; a number or sum stands for a 1x1 matrix."""
    value = value.doit()
    return (
        sp.Matrix(value) if isinstance(value, sp.MatrixBase | sp.MatrixExpr) else sp.Matrix([value])
    )


def check_same_value(previous: sp.Basic, value: sp.Basic, what: str) -> None:
    """Raise, saying ``what`` does not hold, unless ``value`` (a matrix, a matrix expression or
    a number) equals ``previous``."""
    if not vanishes(_matrix(previous) - _matrix(value)):
        raise VerificationError(f"{what} does not hold")


def check_closed_forms(result: NumericCollapse) -> None:
    """Raise unless ``W_n ... W_1`` and ``sum_k W_n ... W_{k+1} b_k`` at the numbers are
    ``W_z`` and ``b_z``."""
    values = result.values
    weights = sp.ImmutableMatrix(sp.Matrix(product(*values.weights[::-1]).doit()))
    bias = sp.ImmutableMatrix(sp.Matrix(total(*bias_terms(values.weights, values.biases)).doit()))
    if weights != result.W_z or bias != result.b_z:
        raise VerificationError("the closed forms with the numbers are not W_z and b_z")


def check_forward(result: NumericCollapse) -> None:
    """Raise unless the forward pass with the numbers, expanded, is ``W_z x + b_z``."""
    net = result.network
    forward = activations(net.x, result.values.weights, result.values.biases, expand_entries)[-1]
    if not vanishes(sp.Matrix(forward) - sp.Matrix(result.W_z * net.x + result.b_z)):
        raise VerificationError("the forward pass with the numbers is not W_z x + b_z")
