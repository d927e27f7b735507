"""Mathematical objects for prose that sympy has no node for: an index range, a product or sum
of symbolic length, a relation chain; and code (a layer string) set as code, not as words.

The prose of a document is words and these objects (and any sympy expression): printers
typeset them, so words never carry mathematics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy as sp


class IndexRange(sp.Basic):
    """``k = 1, ..., n``: an index running over a range (``first`` and ``last`` may be symbols)."""

    def __new__(cls, index: sp.Symbol, first: object, last: object) -> IndexRange:
        return sp.Basic.__new__(cls, index, sp.sympify(first), sp.sympify(last))

    @property
    def index(self) -> sp.Symbol:
        return self.args[0]

    @property
    def first(self) -> sp.Expr:
        return self.args[1]

    @property
    def last(self) -> sp.Expr:
        return self.args[2]


class Elided(sp.Basic):
    """``W_n \\cdots W_1`` (``op="product"``) or ``b_1 + \\dots + b_n`` (``op="sum"``): the
    first and last of a product or sum whose length is symbolic."""

    def __new__(cls, op: str, first: sp.Basic, last: sp.Basic) -> Elided:
        return sp.Basic.__new__(cls, sp.Symbol(op), first, last)

    @property
    def op(self) -> str:
        return str(self.args[0])

    @property
    def first(self) -> sp.Basic:
        return self.args[1]

    @property
    def last(self) -> sp.Basic:
        return self.args[2]


class Rounded(sp.Basic):
    """An exact ``value`` shown rounded to ``digits`` significant digits (a measured deviation):
    printers write the decimal, the document keeps the number."""

    def __new__(cls, value: sp.Rational, digits: int) -> Rounded:
        return sp.Basic.__new__(cls, sp.Rational(value), sp.Integer(digits))

    @property
    def value(self) -> sp.Rational:
        return self.args[0]

    @property
    def digits(self) -> int:
        return int(self.args[1])


class SumOver(sp.Basic):
    """``\\sum_{k=1}^{n} term``: a sum of symbolic length of a (matrix) term."""

    def __new__(cls, term: sp.Basic, over: IndexRange) -> SumOver:
        return sp.Basic.__new__(cls, term, over)

    @property
    def term(self) -> sp.Basic:
        return self.args[0]

    @property
    def over(self) -> IndexRange:
        return self.args[1]


class HalfSquaredNorm(sp.Expr):
    """``\\tfrac12 \\lVert v \\rVert^2``: half the squared Euclidean norm of the vector ``v``,
    the squared loss as papers write it (it equals ``v^T v / 2``). A scalar expression, so it
    can be summed."""

    is_commutative = True

    def __new__(cls, vector: sp.Basic) -> HalfSquaredNorm:
        return sp.Expr.__new__(cls, vector)

    @property
    def vector(self) -> sp.Basic:
        return self.args[0]


class Applied(sp.Expr):
    """``f(x_1, x_2)``: a function symbol applied to scalar arguments (the scalar form of a map,
    ``g(u + v)``, ``Delta(3)``): a scalar, so that it takes part in sums and derivatives.

    Plain text writes it as a call sympy parses back."""

    is_commutative = True

    def __new__(cls, function: sp.Symbol, *arguments: object) -> Applied:
        return sp.Expr.__new__(cls, function, *map(sp.sympify, arguments))

    @property
    def function(self) -> sp.Symbol:
        return self.args[0]

    @property
    def arguments(self) -> tuple[sp.Expr, ...]:
        return self.args[1:]

    def _sympystr(self, printer: sp.printing.printer.Printer) -> str:
        args = ", ".join(printer._print(a) for a in self.arguments)
        return f"{printer._print(self.function)}({args})"


def relation(lhs: object, symbol: str, rhs: object) -> sp.Basic:
    """``lhs = rhs``, ``lhs >= rhs``, ...: an unevaluated relation, for prose."""
    operator = "==" if symbol == "=" else symbol
    return sp.Rel(sp.sympify(lhs), sp.sympify(rhs), operator, evaluate=False)


@dataclass(frozen=True)
class Code:
    """Text that is code, such as a layer string: set in a monospaced font, never as words."""

    text: str


def written(
    parts: Iterable[object],
    words: Callable[[str], str],
    code: Callable[[str], str],
    math: Callable[[sp.Basic], str],
) -> str:
    """Prose in one format: each part as that format writes words, code or mathematics (every
    renderer tells its three ways; the walk over the parts is this one)."""
    return "".join(
        words(p) if isinstance(p, str) else code(p.text) if isinstance(p, Code) else math(p)
        for p in parts
    )
