"""Checks of matrix-level steps at a cost independent of the entries: identities of the free
ring over the matrix names (sympy's shape checks ran when the expressions were built)."""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra.expressions import vanishes
from symcollapse.errors import VerificationError


def ring(expr: sp.Basic) -> sp.Expr:
    """A matrix expression of symbols, products and sums as an element of the free ring over
    non-commuting symbols (one per matrix name); sympy's shape checks ran when it was built.

    Expanding there is core polynomial arithmetic, much faster than matrix-expression ``expand``,
    and an identity of the free ring holds for all matrices of conforming shapes.
    """
    if isinstance(expr, sp.MatrixSymbol):
        return sp.Symbol(str(expr.name), commutative=False)
    if isinstance(expr, sp.MatMul):
        return sp.Mul(*map(ring, expr.args))
    if isinstance(expr, sp.MatAdd):
        return sp.Add(*map(ring, expr.args))
    if isinstance(expr, sp.Number):
        return expr
    raise VerificationError(f"cannot check {expr}: not a sum of products of matrix symbols")


def check_equal(a: sp.MatrixExpr, b: sp.MatrixExpr, what: str) -> None:
    """Raise unless ``a - b`` expands to zero in the free ring (see :func:`ring`)."""
    difference = ring(a) - ring(b)
    if not vanishes(difference):
        raise VerificationError(f"{what} does not hold: difference {sp.expand(difference)}")


def check_distributed(before: sp.MatrixExpr, after: sp.MatrixExpr, what: str) -> None:
    """Check ``W (t_1 + ... + t_m) + b = W t_1 + ... + W t_m + b`` at a cost independent of depth.

    ``before`` is read as ``W``, the terms ``t_j`` and ``b``; ``after`` must be, term by term,
    ``W`` times the factors of the same ``t_j``, and every shape must conform. Each ``t_j`` (a
    product as long as the depth) then stands as an opaque non-commuting symbol, so sympy checks
    the distributive law in the matrix ring on short terms only.
    """
    inner, b = before.args
    W, summed = inner.args
    *products, last = after.args
    conform = W.shape[1] == summed.shape[0] and (W.shape[0], summed.shape[1]) == b.shape
    if last != b or len(products) != len(summed.args) or not conform:
        raise VerificationError(f"{what} does not hold: the terms do not match")
    for product_, t in zip(products, summed.args, strict=True):
        if factors(product_) != (W, *factors(t)) or t.shape != summed.shape:
            raise VerificationError(f"{what} does not hold: {product_} is not {W} times {t}")
    W_, b_, *t_ = (sp.Dummy(commutative=False) for _ in range(len(products) + 2))
    difference = W_ * sp.Add(*t_) + b_ - (sp.Add(*(W_ * t for t in t_)) + b_)
    if not vanishes(difference):
        raise VerificationError(f"{what} does not hold: difference {sp.expand(difference)}")


def factors(term: sp.MatrixExpr) -> tuple[sp.MatrixExpr, ...]:
    return term.args if isinstance(term, sp.MatMul) else (term,)
