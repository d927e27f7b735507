"""Matrix-expression pieces sympy lacks: an activation applied to a vector, and ``f(x)``."""

from __future__ import annotations

import sympy as sp


class Activation(sp.MatrixExpr):
    """``sigma_k(v)``: the activation of layer ``k`` applied entrywise to the vector ``v``."""

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
    return sp.MatrixSymbol("f(x)", rows, 1)
