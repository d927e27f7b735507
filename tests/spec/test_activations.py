"""Activations: what each one is (affine, piecewise linear, curved), its exact values, and
one-line errors for names, slopes and user functions that are not activations."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.errors import SpecError
from symcollapse.spec.activations import activation, custom_activation


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: activation("swish"),
            r"^unknown activation 'swish'; known: identity, relu, leaky_relu, tanh, sigmoid$",
        ),
        (
            lambda: activation("leaky_relu"),
            r"^leaky_relu needs a slope alpha, e.g. leaky_relu\(1/10\)$",
        ),
        (
            lambda: activation("leaky_relu", 2),
            r"^leaky_relu slope alpha must lie strictly between 0 and 1, got 2$",
        ),
        (lambda: activation("relu", "1/2"), r"^activation relu takes no parameter, got '1/2'$"),
        (lambda: custom_activation(3), r"^activation phi is not a function: got 3$"),
        (
            lambda: custom_activation(lambda z: "z"),
            r"^activation phi must return a sympy expression in z, got 'z'$",
        ),
        (
            lambda: custom_activation(lambda z: sp.Function("g")(z)),
            r"^activation phi must be a concrete formula in z, got g\(z\)$",
        ),
        (
            lambda: custom_activation(lambda z: 1 / 0),
            r"^activation phi failed on a sympy symbol: division by zero$",
        ),
    ],
)
def test_bad_activations_are_one_line_spec_errors(make, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        make()


@pytest.mark.parametrize(
    ("act", "affine", "piecewise"),
    [
        (activation("identity"), True, False),
        (activation("relu"), False, True),
        (activation("leaky_relu", "1/10"), False, True),
        (activation("tanh"), False, False),
        (activation("sigmoid"), False, False),
        (custom_activation(lambda z: 2 * z + 1, "phi"), True, False),
        (custom_activation(lambda z: z**3, "cube"), False, False),
    ],
)
def test_activation_kinds(act, affine: bool, piecewise: bool) -> None:
    assert (act.is_affine, act.is_piecewise_linear) == (affine, piecewise)


@pytest.mark.parametrize("z", [sp.Rational(-7, 3), sp.Rational(0), sp.Rational(5, 2)])
def test_activations_evaluate_exactly(z: sp.Rational) -> None:
    assert activation("relu")(z) == max(0, z)
    assert activation("leaky_relu", "1/10")(z) == (z if z >= 0 else z / 10)
    assert activation("sigmoid")(z) == 1 / (1 + sp.exp(-z))
