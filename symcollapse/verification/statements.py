"""The proof for all depths as data: definitions by recursion on depth, and the theorems.

The LaTeX induction proof (:mod:`symcollapse.derivations.proof`) shows these sympy objects, and
the Coq development (:mod:`symcollapse.verification.coq`) is printed from the same objects, so
the statements a reader sees and the statements Coq checks cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import product, total

n, k = symbols.scalar("n"), symbols.scalar("k")


def width(index: object) -> sp.Symbol:
    """The width ``d_index`` (``width(n + 1)`` is ``d_{n+1}``)."""
    return symbols.scalar("d", index)


d0, d1, dk, dn, dn1 = width(0), width(1), width(k), width(n), width(n + 1)
x = symbols.matrix("x", d0)
W1, b1 = symbols.matrix("W", d1, d0, 1), symbols.matrix("b", d1, 1, 1)
Wn1, bn1 = symbols.matrix("W", dn1, dn, n + 1), symbols.matrix("b", dn1, 1, n + 1)
bk = symbols.matrix("b", dk, 1, k)
identity = sp.Identity(dn1)  # the d_{n+1} x d_{n+1} identity
m = sp.Symbol("m", integer=True, positive=True)  # rows of the fold's accumulator A
A1, An1 = symbols.matrix("A", m, d1), symbols.matrix("A", m, dn1)
f1, fn, fn1 = (
    symbols.matrix("f", d, 1, i, argument="x") for d, i in ((d1, 1), (dn, n), (dn1, n + 1))
)
Wz1, bz1 = symbols.matrix("W_z", d1, d0, sup=1), symbols.matrix("b_z", d1, sup=1)
Wzn, bzn = symbols.matrix("W_z", dn, d0, sup=n), symbols.matrix("b_z", dn, sup=n)
Wzn1, bzn1 = symbols.matrix("W_z", dn1, d0, sup=n + 1), symbols.matrix("b_z", dn1, sup=n + 1)


class LayersAbove(sp.MatrixExpr):
    """``W_top ... W_{bottom+1}``: the weights of the layers above ``bottom``, outermost first.

    A product with a symbolic number of factors, which a sympy ``MatMul`` cannot hold; it is
    the identity when ``bottom = top``.
    """

    def __new__(cls, top: sp.Expr, bottom: sp.Expr) -> LayersAbove:
        return sp.Basic.__new__(cls, sp.sympify(top), sp.sympify(bottom))

    @property
    def top(self) -> sp.Expr:
        return self.args[0]

    @property
    def bottom(self) -> sp.Expr:
        return self.args[1]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (width(self.top), width(self.bottom))

    @property
    def ends(self) -> tuple[sp.MatrixSymbol, sp.MatrixSymbol]:
        """The outermost and innermost factors, ``W_top`` and ``W_{bottom+1}``."""
        top, above = self.top, self.bottom + 1
        return (
            symbols.matrix("W", width(top), width(top - 1), top),
            symbols.matrix("W", width(above), width(self.bottom), above),
        )

    def _latex(self, printer: Any) -> str:
        first, last = (printer._print(end) for end in self.ends)
        return rf"{first} \cdots {last}"

    def _sympystr(self, printer: Any) -> str:
        first, last = (printer._print(end) for end in self.ends)
        return f"{first}*...*{last}"


class MultipliedDown(sp.MatrixExpr):
    """``A W_top ... W_1`` multiplied out from the output side, left to right: the fold over
    the layers with the accumulator ``A``, shown as ``down_top(A)``."""

    def __new__(cls, accumulator: sp.MatrixExpr, top: sp.Expr) -> MultipliedDown:
        return sp.Basic.__new__(cls, accumulator, sp.sympify(top))

    @property
    def accumulator(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def top(self) -> sp.Expr:
        return self.args[1]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.accumulator.shape[0], width(0))

    def _latex(self, printer: Any) -> str:
        top, accumulator = printer._print(self.top), printer._print(self.accumulator)
        return rf"\operatorname{{down}}_{{{top}}}\left({accumulator}\right)"

    def _sympystr(self, printer: Any) -> str:
        return f"down[{printer._print(self.top)}]({printer._print(self.accumulator)})"


class CoqName(sp.Symbol):
    """The name of a Coq theorem, shown in typewriter type inside prose."""

    def _latex(self, printer: Any) -> str:
        return rf"\texttt{{{self.name}}}"


@dataclass(frozen=True)
class Recursion:
    """A quantity of the network defined at depth 1 and from depth ``n`` to ``n + 1``.

    ``name`` is the Coq function that the development defines by the same two equations.
    """

    name: str
    base: tuple[sp.MatrixSymbol, sp.MatrixExpr]
    step: tuple[sp.MatrixSymbol, sp.MatrixExpr]


@dataclass(frozen=True)
class Notation:
    """``W_n ... W_{k+1}`` of the closed forms, defined on the layers as the proof states it:
    on a network of depth ``n + 1``, the identity for ``k = n + 1`` (``top``), else ``W_{n+1}``
    times the same product of the network below (``step``). ``name`` is the Coq function the
    development prints from these two equations."""

    name: str
    top: tuple[sp.MatrixExpr, sp.MatrixExpr]
    step: tuple[sp.MatrixExpr, sp.MatrixExpr]


@dataclass(frozen=True)
class Fold:
    """``W_n ... W_1`` as the fold ``WzClosedForm`` states (not the recursion of ``W_z``):
    ``first``, the first layer multiplies the accumulator last; ``step``, a layer on top
    multiplies it first; ``start``, the product is the fold from the identity. ``name`` is the
    Coq function the development prints from these equations."""

    name: str
    first: tuple[sp.MatrixExpr, sp.MatrixExpr]
    step: tuple[sp.MatrixExpr, sp.MatrixExpr]
    start: tuple[sp.MatrixExpr, sp.MatrixExpr]


@dataclass(frozen=True)
class Theorem:
    """``lhs = rhs`` for every depth ``n`` and all widths; ``name`` is the Coq theorem."""

    name: str
    lhs: sp.MatrixExpr
    rhs: sp.Basic


@dataclass(frozen=True)
class Statements:
    """The three recursions (output, ``W_z``, ``b_z``) and the theorems proved about them."""

    output: Recursion
    weight: Recursion
    bias: Recursion
    collapse: Theorem
    closed_forms: tuple[Theorem, Theorem]
    notation: Notation
    fold: Fold

    @property
    def recursions(self) -> tuple[Recursion, Recursion, Recursion]:
        return (self.output, self.weight, self.bias)

    @property
    def theorems(self) -> tuple[Theorem, Theorem, Theorem]:
        return (self.collapse, *self.closed_forms)

    def unfold(self) -> dict[sp.MatrixSymbol, sp.MatrixExpr]:
        """``W_z``, ``b_z`` at depths 1 and ``n + 1`` replaced by their definitions."""
        return dict(part for r in (self.weight, self.bias) for part in (r.base, r.step))


STATEMENTS = Statements(
    output=Recursion("f", (f1, total(product(W1, x), b1)), (fn1, total(product(Wn1, fn), bn1))),
    weight=Recursion("Wz", (Wz1, W1), (Wzn1, product(Wn1, Wzn))),
    bias=Recursion("bz", (bz1, b1), (bzn1, total(product(Wn1, bzn), bn1))),
    collapse=Theorem("collapse", fn, total(product(Wzn, x), bzn)),
    closed_forms=(
        Theorem("WzClosedForm", Wzn, LayersAbove(n, 0)),
        Theorem("bzClosedForm", bzn, sp.Sum(product(LayersAbove(n, k), bk), (k, 1, n))),
    ),
    notation=Notation(
        "product_above_from",
        (LayersAbove(n + 1, n + 1), identity),
        (LayersAbove(n + 1, k), product(Wn1, LayersAbove(n, k))),
    ),
    fold=Fold(
        "multiply_down",
        (MultipliedDown(A1, 1), product(A1, W1)),
        (MultipliedDown(An1, n + 1), MultipliedDown(product(An1, Wn1), n)),
        (LayersAbove(n, 0), MultipliedDown(sp.Identity(dn), n)),
    ),
)
