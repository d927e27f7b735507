"""Matrix-expression pieces: an activation applied to a vector, ``f(x)``, unevaluated products
and sums, which keep the order a derivation writes them in (sympy's evaluated forms reorder and
flatten), and :func:`vanishes`, the one test that an identity's difference is zero."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symcollapse.algebra import symbols


class Activation(sp.MatrixExpr):
    """``sigma_k(v)``: the activation of layer ``k`` applied entrywise to the vector ``v``."""

    ROLE = "sigma"  # printed with the activations' letter

    def __new__(cls, layer: int | sp.Integer, arg: sp.MatrixExpr) -> Activation:
        return sp.Basic.__new__(cls, sp.Integer(layer), arg)

    @property
    def layer(self) -> int:
        return int(self.args[0])

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[1]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.arg.shape


def with_identity_activations(expr: sp.MatrixExpr) -> sp.MatrixExpr:
    """Replace every ``sigma_k(v)`` in ``expr`` by ``v``."""
    return expr.replace(lambda e: isinstance(e, Activation), lambda e: e.arg)


def output_symbol(rows: int) -> sp.MatrixSymbol:
    """The matrix-level name for the network output, printed ``f(x)``."""
    return symbols.matrix("f", rows, argument="x")


def product(*factors: sp.MatrixExpr) -> sp.MatrixExpr:
    """``factors[0] factors[1] ...`` unevaluated, in this order; one factor is itself."""
    return factors[0] if len(factors) == 1 else sp.MatMul(*factors, evaluate=False)


def total(*terms: sp.MatrixExpr | sp.MatrixBase) -> sp.MatrixExpr | sp.MatrixBase:
    """``terms[0] + terms[1] + ...`` unevaluated, in this order; one term is itself."""
    return terms[0] if len(terms) == 1 else sp.MatAdd(*terms, evaluate=False)


def bias_terms(
    weights: Sequence[sp.MatrixBase | sp.MatrixExpr],
    biases: Sequence[sp.MatrixBase | sp.MatrixExpr],
) -> list[sp.MatrixExpr]:
    """The terms ``(W_n ... W_{k+1}) b_k`` of the closed-form ``b_z``, for k = 1..n, unevaluated."""
    n = len(biases)
    return [product(*weights[k + 1 :][::-1], biases[k]) for k in range(n)]


def expand_entries(matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
    """Every entry of ``matrix`` expanded (the explicit, entrywise algebra)."""
    return sp.ImmutableMatrix(matrix.applyfunc(sp.expand))


def vanishes(expr: sp.Expr | sp.MatrixBase | sp.MatrixExpr) -> bool:
    """Whether ``expr`` is identically zero: a scalar, every entry of an explicit matrix, or a
    matrix expression in sympy's matrix algebra (``W (A + B) - W A - W B``).

    A scalar is expanded, which decides polynomial identities (the common case ends there); one
    that does not expand to zero is put over one denominator by ``cancel`` and its numerator
    expanded, which decides rational functions too (``exp`` and ``log`` terms are taken as new
    symbols). ``simplify`` is not used: it is a heuristic and can miss a zero.
    """
    if isinstance(expr, sp.MatrixBase):
        return all(_vanishes(entry) for entry in expr)
    if isinstance(expr, sp.MatrixExpr):
        return bool(expr.expand().is_ZeroMatrix)
    return _vanishes(expr)


def _vanishes(expr: sp.Expr) -> bool:
    if sp.expand(expr) == 0:
        return True
    numerator, _ = sp.fraction(sp.cancel(expr))
    return sp.expand(numerator) == 0
