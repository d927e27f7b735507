"""Activations: the entrywise functions ``sigma`` a dense layer applies, by name or the user's.

An activation is its formula at the symbol ``z``; what the algebra needs to know about it (is it
affine, piecewise linear, curved) is read off the formula here, once, so that the layers, the
stages and the certificates all ask the same question the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from symcollapse.errors import SpecError
from symcollapse.spec.roles import MAX_NAME
from symcollapse.spec.text import shown
from symcollapse.spec.values import exact_number

#: Activations known by name; ``custom`` wraps a user-given sympy function.
ACTIVATION_NAMES = ("identity", "relu", "leaky_relu", "tanh", "sigmoid")

_Z = sp.Symbol("z")

#: Functions with a kink or a jump: where they appear, ``sigma'' = 0`` piece by piece says
#: nothing, and ``sigma'' != 0`` may be a ``DiracDelta``.
_NON_SMOOTH = (
    sp.Piecewise,
    sp.Abs,
    sp.sign,
    sp.Heaviside,
    sp.Max,
    sp.Min,
    sp.floor,
    sp.ceiling,
    sp.DiracDelta,
)


@dataclass(frozen=True)
class ActivationFunction:
    """An entrywise activation ``sigma(z)``; ``formula`` is ``sigma`` at the symbol ``z``.

    Build one with :func:`activation` (by name) or :func:`custom_activation` (a user function).
    """

    name: str
    formula: sp.Expr
    alpha: sp.Rational | None = None

    def __call__(self, value: sp.Expr) -> sp.Expr:
        return self.formula.xreplace({_Z: value})

    @property
    def is_affine(self) -> bool:
        """The formula is a polynomial of degree at most 1 in ``z``: ``a z + c`` (identity,
        ``2z + 1``). Proven from the formula's form, not from ``sigma'' = 0``: that also holds,
        piece by piece, for ``Piecewise((z, z > 0), (2 z, True))``, which is not affine."""
        if self.name in ("relu", "leaky_relu"):
            return False
        expanded = sp.expand(self.formula)
        return bool(expanded.is_polynomial(_Z) and sp.degree(expanded, _Z) <= 1)

    @property
    def is_piecewise_linear(self) -> bool:
        """ReLU and leaky ReLU: affine on each side of 0, with slopes :attr:`slopes`."""
        return self.name in ("relu", "leaky_relu")

    @property
    def is_smooth(self) -> bool:
        """The formula uses no function with a kink or jump (``Piecewise``, ``Abs``, ``sign``,
        ``Max``, ...), so a second derivative that is not zero proves it is not affine."""
        return not self.formula.has(*_NON_SMOOTH)

    @property
    def slopes(self) -> tuple[sp.Rational, sp.Rational]:
        """Slopes for a negative and a non-negative argument (piecewise-linear ones only)."""
        return (sp.Integer(0) if self.alpha is None else self.alpha, sp.Integer(1))

    @property
    def affine_coefficients(self) -> tuple[sp.Expr, sp.Expr]:
        """``(a, c)`` with ``sigma(z) = a z + c`` (affine activations only)."""
        return sp.expand(sp.diff(self.formula, _Z)), sp.expand(self.formula.subs(_Z, 0))

    @property
    def second_derivative(self) -> sp.Expr:
        """``sigma''(z)``: not identically zero for tanh, sigmoid and curved user functions."""
        return sp.diff(self.formula, _Z, 2)


def at(formula: sp.Expr, value: sp.Expr) -> sp.Expr:
    """A formula in the activation variable ``z`` (a second derivative) at ``value``: a
    document writes it at its own role symbol ``z``."""
    return formula.xreplace({_Z: value})


def activation(name: str, alpha: object = None) -> ActivationFunction:
    """The activation called ``name`` (``leaky_relu`` takes a slope ``0 < alpha < 1``)."""
    if name not in ACTIVATION_NAMES:
        raise SpecError(f"unknown activation {name!r}; known: {', '.join(ACTIVATION_NAMES)}")
    if (alpha is None) != (name != "leaky_relu"):
        if name == "leaky_relu":
            raise SpecError("leaky_relu needs a slope alpha, e.g. leaky_relu(1/10)")
        raise SpecError(f"activation {name} takes no parameter, got {alpha!r}")
    if name == "leaky_relu":
        slope = exact_number(alpha, "leaky_relu slope alpha")
        if not 0 < slope < 1:
            raise SpecError(
                f"leaky_relu slope alpha must lie strictly between 0 and 1, got {alpha}"
            )
        return ActivationFunction(name, sp.Piecewise((_Z, _Z >= 0), (slope * _Z, True)), slope)
    formulas = {
        "identity": _Z,
        "relu": sp.Max(0, _Z),
        "tanh": sp.tanh(_Z),
        "sigmoid": 1 / (1 + sp.exp(-_Z)),
    }
    return ActivationFunction(name, formulas[name])


def custom_activation(function: object, name: str = "phi") -> ActivationFunction:
    """A user activation: a callable that maps a sympy symbol to a sympy expression in it."""
    if not isinstance(name, str) or not name.isidentifier() or name in ACTIVATION_NAMES:
        raise SpecError(f"custom activation name must be a new identifier, got {shown(name)}")
    if len(name) > MAX_NAME:
        raise SpecError(f"custom activation name has {len(name):,} letters; at most {MAX_NAME}")
    if not callable(function):
        raise SpecError(f"activation {name} is not a function: got {shown(function)}")
    try:
        value = function(_Z)
    except Exception as error:  # the user's code: any failure means it is not a function of z
        raise SpecError(f"activation {name} failed on a sympy symbol: {error}") from None
    if not isinstance(value, sp.Expr) or not value.free_symbols <= {_Z}:
        raise SpecError(f"activation {name} must return a sympy expression in z, got {value!r}")
    if value.atoms(AppliedUndef):
        raise SpecError(f"activation {name} must be a concrete formula in z, got {value}")
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):  # no number, so nothing can be checked
        raise SpecError(f"activation {name} must be finite, got {shown(value)}")
    return ActivationFunction(name, value)


IDENTITY = activation("identity")
