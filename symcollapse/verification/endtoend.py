"""Checks of Arora et al.'s end-to-end rule before a document shows it: the chain-rule sum
symbolically (:func:`check_chain_rule`) and the numeric runs of the rule
(:func:`symcollapse.algebra.endtoend.arora_deviation`) within :data:`ARORA_TOLERANCE`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.polys.rings import PolyRing

from symcollapse.algebra.endtoend import AroraCheck
from symcollapse.errors import VerificationError

#: Tolerance of the numerical checks (largest entry of a difference of matrices of order one).
ARORA_TOLERANCE = 1e-9


def check_chain_rule(depth: int, size: int = 2) -> None:
    """Check symbolically that the product's velocity is the chain-rule sum, for ``depth`` layers.

    With symbolic ``size x size`` layers and gradient ``G``: the derivative along the layer
    velocities of ``W_N ... W_1`` equals ``-sum_j (P_j P_j^T) G (Q_j^T Q_j)`` with
    ``P_j = W_N ... W_{j+1}``, ``Q_j = W_{j-1} ... W_1`` (expanded, compared exactly).
    """
    layers = [
        sp.Matrix(size, size, lambda i, j, k=k: sp.Symbol(f"w_{k + 1}_{i + 1}_{j + 1}"))
        for k in range(depth)
    ]
    G = sp.Matrix(size, size, lambda i, j: sp.Symbol(f"g_{i + 1}_{j + 1}"))

    def chain(factors: Sequence[sp.Matrix]) -> sp.Matrix:
        out = sp.eye(size)
        for factor in factors:
            out = factor * out
        return out

    eps = sp.Symbol("epsilon")
    velocity = [-chain(layers[j + 1 :]).T * G * chain(layers[:j]).T for j in range(depth)]
    moved = chain([W + eps * V for W, V in zip(layers, velocity, strict=True)])
    along = sp.diff(moved, eps).subs(eps, 0)
    chain_sum = -sum(
        (
            chain(layers[j + 1 :])
            * chain(layers[j + 1 :]).T
            * G
            * chain(layers[:j]).T
            * chain(layers[:j])
            for j in range(depth)
        ),
        sp.zeros(size),
    )
    ring = PolyRing([*(x for W in layers for x in W), *G], sp.QQ)
    if any(ring.from_expr(p) != ring.from_expr(q) for p, q in zip(along, chain_sum, strict=True)):
        raise VerificationError(f"the chain-rule sum for depth {depth} does not hold")


@dataclass(frozen=True)
class CheckedArora:
    """The rule for ``depth`` layers whose chain-rule sum held symbolically and whose numeric
    ``checks`` (one per depth) stayed within ``tolerance``: what the document shows."""

    depth: int
    checks: tuple[AroraCheck, ...]
    tolerance: float = ARORA_TOLERANCE


def verify_arora(depth: int, checks: Sequence[AroraCheck]) -> CheckedArora:
    """Check the chain-rule sum for ``depth`` layers and each numeric run; raise
    :class:`VerificationError` if one fails."""
    check_chain_rule(depth)
    for check in checks:
        if check.worst > ARORA_TOLERANCE:
            raise VerificationError(f"the end-to-end rule misses by {check.worst:.3g}")
    return CheckedArora(depth, tuple(checks))
