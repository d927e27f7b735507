"""The induction proof for all depths, checked: every line of it as data, each verified here.

The matrices are sympy MatrixSymbols whose dimensions are the widths ``d_0, ..., d_{n+1}`` as
symbols, so each line holds for every choice of widths. An identity is checked by expanding the
difference of its two sides to the zero matrix, a substitution by redoing it, and (because sympy
does not catch shape mismatches between symbolic dimensions) every product and sum for
conformable shapes. The lemma that the recursive ``W_z``, ``b_z`` equal their closed forms has a
symbolic number of factors, which no sympy expression can hold: sympy checks it for each depth
``1, ..., N`` and Coq (:mod:`symcollapse.verification.coq`) for every depth. The document
around these lines is :mod:`symcollapse.derivations.proof`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import bias_terms, product, total, vanishes
from symcollapse.errors import OptionError, VerificationError
from symcollapse.verification import statements as st
from symcollapse.verification.statements import STATEMENTS

#: Depths for which the closed forms of ``W_z``, ``b_z`` are checked by default, and at most.
DEFAULT_INSTANCES = 6
MAX_INSTANCES = 30


@dataclass(frozen=True)
class Line:
    """One line ``lhs relation rhs`` of the proof (``lhs=None`` continues a chain), with the rule
    that justifies it (``"distribute"``, ``"induction hypothesis"``, ...) and whether it was
    checked here (a definition only has its shapes checked; the closing induction is logic)."""

    lhs: sp.Basic | None
    rhs: sp.Basic
    rule: str
    relation: Literal["=", ":="] = "="  # a document's Relation (doc is above verification)
    checked: bool = True


@dataclass(frozen=True)
class Induction:
    """Every line of the proof, by part, and the names of the checks that passed."""

    definitions: tuple[Line, ...]
    base: tuple[Line, ...]
    step: tuple[Line, ...]
    instances: tuple[Line, ...]
    depths: int
    checked: tuple[str, ...]


def conformable(expr: sp.Basic) -> bool:
    """Whether every product and sum in ``expr`` has matching dimensions, compared as symbols."""
    if isinstance(expr, sp.MatMul):
        factors = [f for f in expr.args if isinstance(f, sp.MatrixExpr)]
        if any(a.shape[1] != b.shape[0] for a, b in pairwise(factors)):
            return False
    if isinstance(expr, sp.MatAdd) and len({term.shape for term in expr.args}) != 1:
        return False
    if isinstance(expr, st.MultipliedDown) and expr.accumulator.shape[1] != st.width(expr.top):
        return False  # A W_top ... W_1: A has d_top columns
    return all(conformable(arg) for arg in expr.args if isinstance(arg, sp.MatrixExpr))


class Checker:
    """Checks proof lines and records what was checked; a failure is a VerificationError."""

    def __init__(self) -> None:
        self.checked: list[str] = []

    def _shapes(self, *exprs: sp.MatrixExpr) -> None:
        for expr in exprs:
            if not conformable(expr):
                raise VerificationError(f"shapes do not match in {expr}")
        if len({e.shape for e in exprs}) != 1:
            raise VerificationError(f"sides of different shapes: {', '.join(map(str, exprs))}")

    def identity(self, lhs: sp.MatrixExpr, rhs: sp.MatrixExpr, label: str) -> None:
        """Check ``lhs = rhs`` by expanding ``lhs - rhs`` to the zero matrix."""
        self._shapes(lhs, rhs)
        if not vanishes(lhs - rhs):
            difference = (lhs - rhs).expand()
            raise VerificationError(f"{label}: {lhs} - ({rhs}) expands to {difference}, not 0")
        self.checked.append(label)

    def step(
        self,
        lhs: sp.MatrixExpr | None,
        previous: sp.MatrixExpr,
        new: sp.MatrixExpr,
        rule: str,
        definitions: dict[sp.MatrixSymbol, sp.MatrixExpr] | None = None,
    ) -> Line:
        """A line ``previous = new``, checked after unfolding ``definitions`` in both sides."""
        unfold = definitions or {}
        self.identity(previous.xreplace(unfold), new.xreplace(unfold), rule)
        return Line(lhs, new, rule)

    def substitution(
        self, previous: sp.MatrixExpr, new: sp.MatrixExpr, rule: dict[sp.Basic, sp.Basic]
    ) -> Line:
        """A line that replaces names by equal expressions: checked by redoing the replacement."""
        self._shapes(previous, new)
        for old, value in rule.items():
            self._shapes(old, value)
        if previous.xreplace(rule) != new:
            raise VerificationError(f"substituting into {previous} does not give {new}")
        self.checked.append("induction hypothesis")
        return Line(None, new, "induction hypothesis")

    def definition(self, lhs: sp.MatrixSymbol, rhs: sp.MatrixExpr, rule: str) -> Line:
        """A definition ``lhs := rhs``; only its shapes can be (and are) checked."""
        self._shapes(lhs, rhs)
        self.checked.append(f"shapes of {rule}")
        return Line(lhs, rhs, rule, ":=")


def _induction(check: Checker) -> tuple[tuple[Line, ...], tuple[Line, ...], tuple[Line, ...]]:
    """Definitions, base case and inductive step, for symbolic ``n`` and widths."""
    x, W1, b1, Wn1, bn1 = st.x, st.W1, st.b1, st.Wn1, st.bn1
    f1, fn, fn1 = st.f1, st.fn, st.fn1
    Wzn, bzn, Wzn1, bzn1 = st.Wzn, st.bzn, st.Wzn1, st.bzn1
    recursion = STATEMENTS.unfold()
    definitions = tuple(
        check.definition(lhs, rhs, rule)
        for r in STATEMENTS.recursions
        for (lhs, rhs), rule in zip((r.base, r.step), ("depth 1", "one more layer"), strict=True)
    )
    notation = STATEMENTS.notation  # W_n ... W_{k+1} of the closed forms, as Coq defines it
    definitions += (
        check.definition(*notation.top, "the top layer: no layer above it, the identity"),
        check.definition(*notation.step, "one more layer below, down to the first"),
    )
    fold = STATEMENTS.fold  # W_n ... W_1 multiplied out from the output side, as Coq folds it
    definitions += (
        check.definition(*fold.first, "the fold: the first layer multiplies last"),
        check.definition(*fold.step, "the fold: a layer on top multiplies first"),
        check.definition(*fold.start, "the product of all layers: the fold from the identity"),
    )
    collapsed1 = total(product(st.Wz1, x), st.bz1)
    base = (
        Line(f1, total(product(W1, x), b1), "definition", checked=False),
        check.step(None, total(product(W1, x), b1), collapsed1, "definitions", recursion),
    )
    hypothesis = total(product(Wzn, x), bzn)
    s0 = total(product(Wn1, fn), bn1)
    s1 = total(product(Wn1, hypothesis), bn1)
    s2 = total(product(Wn1, Wzn, x), product(Wn1, bzn), bn1)
    s3 = total(product(product(Wn1, Wzn), x), total(product(Wn1, bzn), bn1))
    s4 = total(product(Wzn1, x), bzn1)
    step = (
        Line(fn1, s0, "definition", checked=False),
        check.substitution(s0, s1, {fn: hypothesis}),
        check.step(None, s1, s2, "distribute"),
        check.step(None, s2, s3, "group"),
        check.step(None, s3, s4, "definitions", recursion),
    )
    return definitions, base, step


def _closed_forms(check: Checker, depths: int) -> tuple[Line, ...]:
    """The recursive ``W_z``, ``b_z`` against ``W_n ... W_1`` and ``sum_k W_n ... W_{k+1} b_k``,
    at each depth ``1, ..., depths`` with symbolic widths."""
    lines: list[Line] = []
    for n in range(1, depths + 1):
        d = [st.width(k) for k in range(n + 1)]
        W = [symbols.matrix("W", d[k], d[k - 1], k) for k in range(1, n + 1)]
        b = [symbols.matrix("b", d[k], 1, k) for k in range(1, n + 1)]
        W_z, b_z = W[0], b[0]
        for k in range(1, n):
            W_z, b_z = product(W[k], W_z), total(product(W[k], b_z), b[k])
        closed_W = product(*W[::-1])
        closed_b = total(*bias_terms(W, b))
        check.identity(W_z, closed_W, f"W_z closed form, n = {n}")
        check.identity(b_z, closed_b, f"b_z closed form, n = {n}")
        lines += [
            Line(symbols.matrix("W_z", d[n], d[0], sup=n), closed_W, "recursion unrolled"),
            Line(symbols.matrix("b_z", d[n], 1, sup=n), closed_b, "recursion unrolled"),
        ]
    return tuple(lines)


def check_induction(depths: int = DEFAULT_INSTANCES) -> Induction:
    """Check every line of the proof, and the closed forms at depths ``1, ..., depths``.

    Raises :class:`OptionError` unless ``1 <= depths <= MAX_INSTANCES`` and
    :class:`VerificationError` if a line fails (a bug, never bad input).
    """
    if isinstance(depths, bool) or not isinstance(depths, int):
        raise OptionError(f"instances must be an integer, got {depths!r}")
    if not 1 <= depths <= MAX_INSTANCES:
        raise OptionError(f"instances must be from 1 to {MAX_INSTANCES}, got {depths}")
    check = Checker()
    definitions, base, step = _induction(check)
    instances = _closed_forms(check, depths)
    return Induction(definitions, base, step, instances, depths, tuple(check.checked))
