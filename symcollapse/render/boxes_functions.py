"""The layout boxes of functions, sums of symbolic length and the document's own prose objects
(index ranges, elided products, activations, Coq names): a mixin of
:class:`symcollapse.render.boxes.NetworkBoxPrinter`, which prints their arguments."""

from __future__ import annotations

from typing import Any

import sympy as sp

from symcollapse.doc.prose import Applied, Elided, HalfSquaredNorm, IndexRange, SumOver
from symcollapse.render.mathtree import (
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Row,
    Script,
    Words,
    applied,
    attach,
    joined,
    name_box,
)
from symcollapse.render.notation import Notation
from symcollapse.render.sums import MAX_SUM_SIGNS, shifted

#: Names of the non-linear maps of layered networks, set upright; a user's map keeps its name.
ELEMENTWISE_NAMES = {
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "maxpool": "maxpool",
}

#: Relations as they are written.
RELATIONS = {"==": "=", ">=": "≥", "<=": "≤", ">": ">", "<": "<", "!=": "≠"}


class FunctionBoxes:
    """``_print_<Class>`` methods for functions and prose objects (mixed into the printer)."""

    _print: Any
    _role_name: Any
    notation: Notation

    def _applied(self, name: Box, args: Any) -> Box:
        return applied(name, joined(self._print(a) for a in args))

    def _print_Function(self, expr: sp.Function) -> Box:
        return self._applied(name_box(type(expr).__name__), expr.args)

    def _print_Applied(self, expr: Applied) -> Box:
        """``f(x_1, x_2)``, the scalar form; more than four arguments as ``f(x_1, …, x_{d_0})``
        (as LaTeX prints it; without this, Typst and MathML printed ``op("Applied")(f, ...)``)."""
        args = [self._print(a) for a in expr.arguments]
        if len(args) > 4:
            args = [args[0], Op("…"), args[-1]]
        return applied(self._print(expr.function), joined(args))

    def _print_Activation(self, expr: Any) -> Box:
        sigma = attach(self._role_name("sigma"), Num(str(expr.layer)))
        return applied(sigma, self._print(expr.arg))

    def _print_Elementwise(self, expr: Any) -> Box:
        name: Box = Ident(ELEMENTWISE_NAMES.get(expr.name, expr.name))
        if isinstance(expr.parameter, sp.Tuple):  # a pooling's window and stride
            size, stride = (Num(str(n)) for n in expr.parameter)
            name = attach(name, Row((size, Op(","), Ident("s"), Op("="), stride)))
        elif expr.parameter != 0:
            name = attach(name, self._print(expr.parameter))
        return applied(name, self._print(expr.arg))

    def _print_PythonSource(self, expr: Any) -> Box:
        return Words(str(expr.source), code=True)

    def _print_Derivative(self, expr: sp.Derivative) -> Box:
        top = Row((Op("∂"), self._print(expr.expr)))
        bottom = [Row((Op("∂"), self._print(v))) for v in expr.variables]
        return Frac(top, Row(tuple(bottom)))

    def _big_sum(
        self, term: Box, index: Box, first: Box | None = None, last: Box | None = None
    ) -> Row:
        """``∑`` over ``index`` from ``first`` to ``last``, or over the indices ``index`` (the
        prose states their ranges), before ``term``."""
        below = index if first is None else Row((index, Op("="), first))
        sigma = Script(Op("∑"), below, last, limits=True)
        return Row((sigma, Fenced(term) if isinstance(term, Row) and term.sum else term))

    def _print_Sum(self, expr: sp.Sum) -> Box:
        """One sign per index, the outermost first (as LaTeX writes them); more than
        :data:`MAX_SUM_SIGNS` indices share one sign, ``∑_{k_1, …, k_9}`` (the prose states
        their ranges)."""
        out = self._print(expr.function)
        if len(expr.limits) > MAX_SUM_SIGNS:
            first, last = (self._print(limit[0]) for limit in (expr.limits[-1], expr.limits[0]))
            indices = Row((first, Op(","), Op("…"), Op(","), last))
            return self._big_sum(out, indices)
        for index, low, high in expr.limits:
            ends = (
                self._print(shifted(index, end, self.notation.index_base)) for end in (low, high)
            )
            out = self._big_sum(out, self._print(index), *ends)
        return out

    def _print_SumOver(self, expr: SumOver) -> Box:
        over = (self._print(a) for a in expr.over.args)
        return self._big_sum(self._print(expr.term), *over)

    def _print_IndexRange(self, expr: IndexRange) -> Box:
        base = self.notation.index_base
        first, last = (self._print(shifted(expr.index, end, base)) for end in expr.args[1:])
        index = self._print(expr.index)
        return Row((index, Op("="), first, Op(","), Op("…"), Op(","), last))

    def _print_HalfSquaredNorm(self, expr: HalfSquaredNorm) -> Box:
        norm = Fenced(self._print(expr.vector), "‖", "‖")
        return Row((Frac(Num("1"), Num("2")), Script(norm, None, Num("2"))))

    def _print_Elided(self, expr: Elided) -> Box:
        first, last = self._print(expr.first), self._print(expr.last)
        if expr.op == "product":
            return Row((first, Op("⋯"), last))
        return Row((first, Op("+"), Op("…"), Op("+"), last))

    def _print_LayersAbove(self, expr: Any) -> Box:
        first, last = (self._print(end) for end in expr.ends)
        return Row((first, Op("⋯"), last))

    def _print_Relational(self, expr: sp.core.relational.Relational) -> Box:
        relation = Op(RELATIONS.get(expr.rel_op, expr.rel_op))
        return Row((self._print(expr.lhs), relation, self._print(expr.rhs)))

    def _print_FiniteSet(self, expr: sp.FiniteSet) -> Box:
        return Fenced(joined(self._print(a) for a in expr.args), "{", "}")

    def _print_Tuple(self, expr: sp.Tuple) -> Box:
        return Fenced(joined(self._print(a) for a in expr.args))
