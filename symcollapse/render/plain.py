"""Plain text that ``sympy.sympify`` parses back, for the text and JSON renderers: symbol names
are Python identifiers in the notation's names, factors and terms in path order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.precedence import precedence as sympy_precedence
from sympy.printing.str import StrPrinter

from symcollapse.algebra.expressions import Activation
from symcollapse.algebra.network import Entry
from symcollapse.algebra.symbols import RoleMatrix, RoleSymbol, name_of
from symcollapse.doc.model import Decimals
from symcollapse.doc.prose import Elided, HalfSquaredNorm, IndexRange, Rounded, SumOver
from symcollapse.render.notation import Notation, entry_letter
from symcollapse.render.order import PathOrder, is_vector, minus_sign, present_roles
from symcollapse.render.printer import shown_number


def text_precedence(item: sp.Basic) -> int:
    """sympy's precedence for plain text, a product of matrices' sign read from its leading
    coefficient: sympy's own test negates the product and canonicalises it (``MatMul.doit``),
    which took 90 s for the text of a network of 60 layers."""
    if isinstance(item, sp.MatMul):
        return PRECEDENCE["Add"] if minus_sign(item) else PRECEDENCE["Mul"]
    return int(sympy_precedence(item))


class NetworkStrPrinter(PathOrder, StrPrinter):
    """Plain text that ``sympy.sympify`` parses back: symbol names are Python identifiers, in
    the notation's names (``m_1_1_1`` for an entry of ``M_1`` when ``W`` is called ``M``)."""

    mul_separator = "*"
    product_break = "*"

    def __init__(
        self,
        entries: Mapping[sp.Symbol, Entry],
        notation: Notation | None = None,
        roles: Iterable[str] | None = None,
        numbers: Decimals | None = None,
    ) -> None:
        super().__init__()
        self.entries = entries
        self.names = (notation or Notation()).resolve(present_roles(entries, roles))
        self.numbers = numbers

    def _print_Rational(self, expr: sp.Rational) -> str:
        """sympy's fraction; a document of decimals as :func:`shown_number` says."""
        shown = shown_number(expr, self.numbers)
        return str(super()._print_Rational(expr) if shown is expr else self._print(shown))

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        entry = self.entries.get(expr)
        if entry is not None:
            letter = self.names[entry.kind]
            if entry.kind == "W":  # text writes entries in the paren style's letter: w_2_3_1
                letter = entry_letter(letter, "paren")
            return letter + entry.name[len(entry.name.partition("_")[0]) :]
        return str(super()._print_Symbol(expr))

    _print_MatrixSymbol = _print_Symbol

    def _print_RoleSymbol(self, expr: RoleSymbol | RoleMatrix) -> str:
        """A role's symbol in the notation's names, as a Python identifier or call."""
        return name_of(expr.meaning, self.names)

    _print_RoleMatrix = _print_RoleSymbol

    def parenthesize(self, item: sp.Basic, level: int, strict: bool = False) -> str:
        """sympy's rule, with :func:`text_precedence`."""
        if text_precedence(item) < level or (not strict and text_precedence(item) <= level):
            return f"({self._print(item)})"
        return str(self._print(item))

    def _print_Add(self, expr: sp.Expr, order: str | None = None) -> str:
        """sympy's sums (and sums of matrices), with :func:`text_precedence`."""
        level = text_precedence(expr)
        items: list[str] = []
        for term in self._as_ordered_terms(expr, order=order):
            text, sign = self._print(term), "+"
            if text.startswith("-") and not term.is_Add:
                text, sign = text[1:], "-"
            wrapped = text_precedence(term) < level or term.is_Add
            items += [sign, f"({text})" if wrapped else text]
        sign = items.pop(0)
        return ("" if sign == "+" else sign) + " ".join(items)

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        """sympy's products of matrices, the sign read from the leading coefficient."""
        args = list(expr.args)
        sign = "-" if minus_sign(expr) else ""
        if sign:
            args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
        return sign + "*".join(self.parenthesize(a, PRECEDENCE["Mul"]) for a in args)

    def _print_MatrixElement(self, expr: MatrixElement) -> str:
        parent = self._print(expr.parent)
        if is_vector(expr.parent):
            return f"{parent}[{int(expr.i) + int(expr.j) + 1}]"  # a column's or a row's
        return f"{parent}[{int(expr.i) + 1},{int(expr.j) + 1}]"

    def _print_Activation(self, expr: Activation) -> str:
        return f"{self.names.get('sigma', 'sigma')}_{expr.layer}({self._print(expr.arg)})"

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        rows = [
            "[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(expr.rows)
        ]
        return "[" + ", ".join(rows) + "]"

    def _print_PythonSource(self, expr: Any) -> str:
        return str(expr.source)

    def _print_HalfSquaredNorm(self, expr: HalfSquaredNorm) -> str:
        vector = self._print(expr.vector)
        rows, cols = getattr(expr.vector, "shape", (0, 1))
        if rows == 1 and cols > 1:  # a row vector (the row convention): v v^T, not a matrix
            return f"({vector})*({vector}).T/2"
        if rows > 1 and cols > 1:  # a matrix (Saxe et al.'s loss): the Frobenius norm
            return f"Trace(({vector}).T*({vector}))/2"
        return f"({vector}).T*({vector})/2"

    def _print_IndexRange(self, expr: IndexRange) -> str:
        index, first, last = (self._print(a) for a in expr.args)
        return f"{index} = {first}, ..., {last}"

    def _print_Rounded(self, expr: Rounded) -> str:
        return str(self._print(shown_number(expr.value, Decimals(digits=expr.digits))))

    def _print_Elided(self, expr: Elided) -> str:
        first, last = self._print(expr.first), self._print(expr.last)
        return f"{first}*...*{last}" if expr.op == "product" else f"{first} + ... + {last}"

    def _print_SumOver(self, expr: SumOver) -> str:
        index, first, last = (self._print(a) for a in expr.over.args)
        return f"Sum({self._print(expr.term)}, ({index}, {first}, {last}))"

    def _print_Relational(self, expr: sp.core.relational.Relational) -> str:
        """``a = b``, ``n >= 1``: relations in prose read as written, not as ``Eq(a, b)``."""
        shown = "=" if expr.rel_op == "==" else expr.rel_op
        return f"{self._print(expr.lhs)} {shown} {self._print(expr.rhs)}"
