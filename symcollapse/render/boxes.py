"""The document's sympy objects as layout boxes (:mod:`symcollapse.render.mathtree`), in the
notation's names and in path order, for the Typst and MathML writers.

One ``_print_<Class>`` method per kind of object, as sympy's printers dispatch; what a symbol is
called comes from the notation (:meth:`Notation.resolve`), as in the LaTeX printer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.printer import Printer

from symcollapse.algebra.network import PARAMETER_KINDS, VECTOR_KINDS, Entry
from symcollapse.algebra.paths import PathSum
from symcollapse.algebra.symbols import Role, RoleMatrix, RoleSymbol, role_of
from symcollapse.doc.model import Decimals
from symcollapse.doc.numbers import kept_decimal, rounded
from symcollapse.doc.prose import Rounded
from symcollapse.render.boxes_functions import FunctionBoxes
from symcollapse.render.mathtree import (
    MINUS,
    Box,
    Fenced,
    Frac,
    Ident,
    Matrix,
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
from symcollapse.render.notation import DELIMITERS, ENTRIES, Notation
from symcollapse.render.order import TermOrder, is_vector, minus_sign, precedence, present_roles
from symcollapse.render.printer import shown_number
from symcollapse.spec.roles import default_name


class NetworkBoxPrinter(FunctionBoxes, TermOrder[Box], Printer):
    """Boxes for network symbols and the expressions of every document kind."""

    printmethod = "_boxes"
    _default_settings: ClassVar[dict[str, Any]] = {"order": None}  # terms: TermOrder

    def __init__(
        self,
        entries: Mapping[sp.Symbol, Entry],
        notation: Notation | None = None,
        roles: Iterable[str] | None = None,
        numbers: Decimals | None = None,
    ) -> None:
        super().__init__()
        self.entries = entries
        self.notation = notation or Notation()
        self.numbers = numbers
        self.names = self.notation.resolve(present_roles(entries, roles))
        first_two_digit = 10 - self.notation.index_base
        self._comma = {
            (e.kind, e.layer) for e in entries.values() if max(e.row, e.col) >= first_two_digit
        }

    def doprint(self, expr: Any) -> Box:
        return self._print(expr)

    def emptyPrinter(self, expr: Any) -> Box:
        """An object with no method of its own: a function applied to its arguments, if it
        is one, else its sympy string upright."""
        if isinstance(expr, sp.Basic) and expr.args and hasattr(expr, "func"):
            return self._applied(name_box(type(expr).__name__), expr.args)
        return Words(sp.sstr(expr))

    def _role_name(self, role: str) -> Box:
        return name_box(self.names.get(role) or default_name(role))

    def _index(self, *indices: int, comma: bool = False) -> Box:
        shown = [Num(str(i + self.notation.index_base)) for i in indices]
        return joined(shown) if comma and len(shown) > 1 else Num("".join(n.text for n in shown))

    # symbols

    def _print_Symbol(self, expr: sp.Symbol) -> Box:
        entry = self.entries.get(expr)
        return name_box(expr.name) if entry is None else self._entry(entry)

    _print_MatrixSymbol = _print_Symbol

    def _print_RoleSymbol(self, expr: RoleSymbol | RoleMatrix) -> Box:
        return self._role(expr.meaning)

    _print_RoleMatrix = _print_RoleSymbol

    def _entry(self, entry: Entry) -> Box:
        if entry.kind in VECTOR_KINDS:
            return attach(self._role_name(entry.kind), self._index(entry.row))
        if entry.kind in PARAMETER_KINDS:
            layer = Fenced(Num(str(entry.layer)))
            return attach(self._role_name(entry.kind), self._index(entry.row), layer)
        rows = (entry.row,) if entry.kind == "b" else (entry.row, entry.col)
        index = self._index(*rows, comma=(entry.kind, entry.layer) in self._comma)
        return self._layer_entry(entry.kind, entry.layer, index, index)

    def _layer_entry(self, kind: str, layer: object, index: Box, flat: Box) -> Box:
        """A weight's or bias's entry of ``layer`` in the notation's entry style: ``w^{(2)}_{ij}``,
        ``w^2_{ij}``, ``w_{2,ij}`` (``flat`` is the index after the layer's comma)."""
        letter = name_box(self.names[ENTRIES if kind == "W" else kind])
        style, number = self.notation.entry_style, Num(str(layer))
        if style == "flat":
            return attach(letter, Row((number, Op(","), flat)))
        return attach(letter, index, Fenced(number) if style == "paren" else number)

    def _role(self, role: Role) -> Box:
        """``W_{k+1}``, ``W_z^{(n)}``, ``f_n(x)``, ``d_{k-1}`` in the notation's names."""
        out = self._role_name(role.role)
        sub = joined(self._print(i) for i in role.sub) if role.sub else None
        sup = None if role.sup is None else Fenced(self._print(role.sup))
        if sub is not None or sup is not None:
            out = attach(out, sub, sup)
        if role.argument is not None:
            out = applied(out, self._role_name(role.argument))
        return out

    def _print_Indexed(self, expr: sp.Indexed) -> Box:
        """An entry with symbolic indices, written like the entry symbols: ``w^{(3)}_{i k_2}``,
        ``(W_z)_{ij}``, ``x_j``; a number among the indices (1-based, like the sums' ranges) in
        the notation's index base."""
        shown = [self._index(int(i) - 1) if i.is_Integer else self._print(i) for i in expr.indices]
        index = (
            Row(tuple(shown))
            if all(i.is_Integer or len(str(i)) == 1 for i in expr.indices)
            else joined(shown)
        )
        role = role_of(expr.base.label)
        if role is not None and role.role in ("W_z", "b_z") and not role.sub:
            return attach(Fenced(self._role_name(role.role)), index)
        if role is not None and not role.sub:  # x_j, a_j
            return attach(self._role_name(role.role), index)
        if role is None or role.role not in ("W", "b") or len(role.sub) != 1:
            return attach(self._print(expr.base), joined(shown))
        return self._layer_entry(role.role, role.sub[0], index, joined(shown))

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> Box:
        return self._print(expr.label)

    def _print_CoqName(self, expr: sp.Symbol) -> Box:
        return Words(expr.name, code=True)

    def _print_MatrixElement(self, expr: MatrixElement) -> Box:
        parent, i, j = expr.parent, int(expr.i), int(expr.j)
        role = role_of(parent)
        if is_vector(parent):  # a column's entry (i, 0) or a row's (0, j): one index
            index, tag = self._index(i + j), f"{role.role if role else parent} {i + j + 1}"
        else:
            comma = max(parent.shape) + self.notation.index_base > 10
            index = self._index(i, j, comma=comma)
            tag = f"{role.role if role else parent} {i + 1} {j + 1}"
        return Row((Script(Fenced(self._print(parent)), sub=index),), tag=tag)

    # numbers

    def _signed(self, text: str) -> Box:
        return Row((Op(MINUS), Num(text[1:]))) if text.startswith("-") else Num(text)

    def _print_Integer(self, expr: sp.Integer) -> Box:
        return self._signed(str(expr))

    def _print_Rational(self, expr: sp.Rational) -> Box:
        """Exact decimals as decimals, others rounded to ``notation.digits`` when set, else a
        fraction (as the LaTeX printer does); a document of decimals as :func:`shown_number`
        says."""
        shown = shown_number(expr, self.numbers)
        if shown is not expr:
            return self._print(shown)
        decimal = kept_decimal(expr, digits := self.notation.digits)
        if decimal is not None:
            return self._signed(decimal)
        if digits is not None:
            return self._print(rounded(expr, digits))
        fraction = Frac(Num(str(abs(expr.p))), Num(str(expr.q)))
        return Row((Op(MINUS), fraction)) if expr < 0 else fraction

    def _print_Rounded(self, expr: Rounded) -> Box:
        return self._print(shown_number(expr.value, Decimals(digits=expr.digits)))

    def _print_Float(self, expr: sp.Float) -> Box:
        text = sp.sstr(expr, full_prec=False)
        mantissa, _, exponent = text.partition("e")
        if not exponent:
            return self._signed(mantissa)
        power = Script(Num("10"), sup=self._signed(str(int(exponent))))
        return Row((self._signed(mantissa), Op("·"), power))

    # sums and products

    def _sum(self, expr: Any) -> Row:
        items: list[Box] = []
        for sign, term in self._terms(expr):
            if items or sign == "-":
                items.append(Op("+" if sign == "+" else MINUS))
            items.append(Fenced(term) if isinstance(term, Row) and term.sum else term)
        return Row(tuple(items), sum=True)

    _print_Add = _print_MatAdd = _print_PathSum = _sum

    def _terms(self, expr: Any) -> list[tuple[str, Box]]:
        """``(sign, term)`` in print order; a path sum's products as rows of their factors."""
        if isinstance(expr, PathSum):
            return [("+", Row(tuple(map(self._print, p)))) for p in expr.products]
        return self.terms(expr)

    def _factor(self, factor: sp.Basic, level: int) -> Box:
        box = self._print(factor)
        return Fenced(box) if precedence(factor) < level else box

    def _print_Mul(self, expr: sp.Mul) -> Box:
        if minus_sign(expr):
            return Row((Op(MINUS), self._print(-expr)))
        numerator, denominator = sp.fraction(expr, exact=True)
        if denominator != 1 and not denominator.is_Number:
            return Frac(self._print(numerator), self._print(denominator))
        coeff, factors = expr.as_coeff_mul()
        if all(isinstance(f, sp.Indexed) or f in self.entries for f in factors):
            # entries in path order, a Σ form's term too, a coefficient before its input
            factors = tuple(sorted(factors, key=self._factor_key))
        level = precedence(expr)
        boxes = [self._factor(f, level) for f in factors]
        if coeff != 1:
            boxes.insert(0, self._print(coeff))
        return Row(tuple(boxes))

    def _print_MatMul(self, expr: sp.MatMul) -> Box:
        args = list(expr.args)
        negative = minus_sign(expr)
        if negative:
            args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
        level = precedence(sp.MatMul(*args)) if len(args) > 1 else precedence(expr)
        boxes = [self._factor(a, level) for a in args]
        return Row(((Op(MINUS),) if negative else ()) + tuple(boxes))

    def _power(self, base: sp.Basic, exponent: sp.Basic) -> Box:
        box = self._print(base)
        scripted = base in self.entries and isinstance(box, Script)  # (x_1)^2, never x_1^2
        if precedence(base) < PRECEDENCE["Pow"] or isinstance(box, Frac) or scripted:
            box = Fenced(box)  # an entry's power reads apart from an upper entry w_(11)^(1)
        return attach(box, sup=self._print(exponent))

    def _print_Pow(self, expr: sp.Pow) -> Box:
        if expr.exp.is_Rational and expr.exp < 0 and expr.is_commutative:
            return Frac(Num("1"), self._print(sp.Pow(expr.base, -expr.exp)))
        return self._power(expr.base, expr.exp)

    def _print_MatPow(self, expr: sp.MatPow) -> Box:
        return self._power(expr.base, expr.exp)

    def _print_Transpose(self, expr: sp.Transpose) -> Box:
        return attach(self._factor(expr.arg, precedence(expr)), sup=Ident("T"))

    def _print_Inverse(self, expr: sp.Inverse) -> Box:
        return attach(self._factor(expr.arg, precedence(expr)), sup=self._print(sp.Integer(-1)))

    def _print_Identity(self, expr: sp.Identity) -> Box:
        return Ident("I")

    def _print_ZeroMatrix(self, expr: sp.ZeroMatrix) -> Box:
        return Num("0")

    def _print_OneMatrix(self, expr: sp.OneMatrix) -> Box:
        return Num("1")

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> Box:
        left, right = DELIMITERS[self.notation.delimiter]
        cells = tuple(tuple(self._print(e) for e in expr.row(i)) for i in range(expr.rows))
        return Matrix(cells, left, right)

    # functions, sums, relations, prose objects
