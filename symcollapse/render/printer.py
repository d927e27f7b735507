"""The LaTeX printer of network symbols: ``w^{(k)}_{ij}`` in the notation's names, in path order.

Term order, signs and the roles a printer names are shared with the plain printer
(:mod:`symcollapse.render.order`); numbers print as exact decimals where they are ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter

from symcollapse.algebra.expressions import Activation
from symcollapse.algebra.network import PARAMETER_KINDS, VECTOR_KINDS, Entry
from symcollapse.algebra.symbols import Role, RoleMatrix, RoleSymbol
from symcollapse.doc.model import Decimals
from symcollapse.doc.numbers import (
    exact_decimal,
    kept_decimal,
    rounded,
    rounded_decimal,
    significant,
)
from symcollapse.doc.prose import Elided, HalfSquaredNorm, IndexRange, Rounded, SumOver
from symcollapse.render.notation import DELIMITERS, ENTRIES, Notation, name_latex
from symcollapse.render.order import PathOrder, is_vector, minus_sign, precedence, present_roles
from symcollapse.render.sums import ENTRY_FORMS, SumForms, shifted
from symcollapse.spec.roles import default_name

#: LaTeX names of the non-linear maps of layered networks; a user activation prints as its name.
ELEMENTWISE_LATEX = {
    "relu": r"\operatorname{ReLU}",
    "leaky_relu": r"\operatorname{LeakyReLU}",
    "tanh": r"\tanh",
    "sigmoid": r"\operatorname{sigmoid}",
    "maxpool": r"\operatorname{maxpool}",
}


#: Between matrix rows holding fractions (seen in a PDF: without it, 1/3 over 5/3 touch).
FRACTION_ROW_GAP = r" \\[3pt] "


def shown_number(number: sp.Rational, numbers: Decimals | None) -> sp.Number:
    """The number a printer writes for the exact ``number`` of a document whose numbers are
    shown as ``numbers``: a decimal as a float of its digits' precision, an integer as itself."""
    if numbers is None or number.is_Integer:
        return number
    if numbers.dtype is None and numbers.digits is None:
        exact = exact_decimal(number, None)
        return number if exact is None else sp.Float(exact, max(significant(exact), 2))
    if numbers.digits is None:
        nearest = np.dtype(numbers.dtype).type(float(number))  # once to float64, then to dtype
        text = np.format_float_positional(nearest, unique=True, trim="-")
        if "e" not in text and significant(text) > 12:
            text = np.format_float_scientific(nearest, unique=True, trim="-")
    else:
        text = str(rounded_decimal(number, numbers.digits))
    value = Decimal(text)
    if value == value.to_integral_value() and abs(value) < 10**15:
        return sp.Integer(int(value))
    return sp.Float(text, max(len(value.as_tuple().digits), 2))


class NetworkLatexPrinter(SumForms, PathOrder, LatexPrinter):
    """LaTeX for network symbols and matrix expressions, with a controlled term order.

    Every symbol of :mod:`symcollapse.algebra.symbols` prints as the name its role has in the
    notation, resolved for the roles of the document (``roles``).
    """

    mul_separator = " "
    product_break = r"\cdot"  # starts a line that continues a product of matrices

    def __init__(
        self,
        entries: Mapping[sp.Symbol, Entry],
        notation: Notation,
        roles: Iterable[str] | None = None,
        numbers: Decimals | None = None,
    ) -> None:
        super().__init__({"mat_delim": ""})
        self.entries = entries
        self.notation = notation
        self.numbers = numbers
        self.names = notation.resolve(present_roles(entries, roles))
        self._symbols: dict[tuple[sp.Basic, str], str] = {}
        # Matrices with an index of two digits get commas in every entry, so that w_{1,11}
        # and w_{11,1} are never both written w_{111}.
        first_two_digit = 10 - notation.index_base
        self._comma = {
            (e.kind, e.layer) for e in entries.values() if max(e.row, e.col) >= first_two_digit
        }

    def role_latex(self, role: str) -> str:
        """The LaTeX of the name ``role`` has in this document."""
        return name_latex(self.names.get(role) or default_name(role))

    def parenthesize(
        self, item: sp.Basic, level: int, is_neg: bool = False, strict: bool = False
    ) -> str:
        """sympy's rule, with :func:`_precedence` (no nested sign canonicalisation)."""
        if is_neg and strict:
            return str(self._add_parens(self._print(item)))
        if precedence(item) < level or (not strict and precedence(item) <= level):
            return str(self._add_parens(self._print(item)))
        return str(self._print(item))

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        """sympy's ``_print_MatMul`` with the sign read from the leading coefficient."""
        level = precedence(expr)

        def factor(x: sp.Basic) -> str:
            if isinstance(x, sp.Mul) and not isinstance(x, sp.MatMul):
                return str(self._print(x))
            if isinstance(x, sp.MatrixBase):  # bracketed even 1x1: [2] [3] is not 2 3
                return self._bracketed(x)
            return self.parenthesize(x, level, False)

        args = list(expr.args)
        if not minus_sign(expr):
            return " ".join(map(factor, args))
        args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
        return "- " + " ".join(map(factor, args))

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        """sympy's ``_print_Add`` for matrix sums, with terms' signs by :func:`minus_sign`."""
        tex = ""
        for i, term in enumerate(self._as_ordered_terms(expr)):
            if i > 0 and minus_sign(term):
                tex += " - "
                term = -term
            elif i > 0:
                tex += " + "
            term_tex = self._print(term)
            tex += rf"\left({term_tex}\right)" if self._needs_add_brackets(term) else term_tex
        return tex

    def _index(self, *indices: int, comma: bool = False) -> str:
        shown = [str(i + self.notation.index_base) for i in indices]
        return ("," if comma else "").join(shown)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        """A symbol's LaTeX, made once per symbol and printer (a document prints each
        entry symbol thousands of times)."""
        key = (expr, style)
        if key not in self._symbols:
            self._symbols[key] = self._symbol(expr, style)
        return self._symbols[key]

    def _print_RoleSymbol(self, expr: RoleSymbol, style: str = "plain") -> str:
        return self._print_Symbol(expr, style)

    def _print_RoleMatrix(self, expr: RoleMatrix, style: str = "plain") -> str:
        return self._print_Symbol(expr, style)

    def _symbol(self, expr: sp.Symbol, style: str) -> str:
        if isinstance(expr, RoleSymbol | RoleMatrix):
            return self._role(expr.meaning)
        entry = self.entries.get(expr)
        if entry is None:
            return str(super()._print_Symbol(expr, style=style))
        if entry.kind in VECTOR_KINDS:
            return f"{self.role_latex(entry.kind)}_{{{self._index(entry.row)}}}"
        if entry.kind in PARAMETER_KINDS:
            letter = self.role_latex(entry.kind)
            return f"{letter}^{{({entry.layer})}}_{{{self._index(entry.row)}}}"
        name = self.names[ENTRIES if entry.kind == "W" else entry.kind]
        indices = (entry.row,) if entry.kind == "b" else (entry.row, entry.col)
        comma = (entry.kind, entry.layer) in self._comma
        form = ENTRY_FORMS[self.notation.entry_style]
        return form.format(
            letter=name_latex(name), layer=entry.layer, index=self._index(*indices, comma=comma)
        )

    def _role(self, role: Role) -> str:
        """``W_{k+1}``, ``W_{z}^{(n)}``, ``f_{n}(x)``, ``d_{k-1}`` in the notation's names."""
        out = self.role_latex(role.role)
        if role.sub:
            sub = ",".join(self._print(i).replace(" ", "") for i in role.sub)
            out = f"{out}_{{{sub}}}" if "_" not in out else f"{out[:-1]},{sub}}}"
        if role.sup is not None:
            out += f"^{{({self._print(role.sup).replace(' ', '')})}}"
        if role.argument is not None:
            out += f"({self.role_latex(role.argument)})"
        return out

    def _print_MatrixElement(self, expr: MatrixElement) -> str:
        parent = self._print(expr.parent)
        if is_vector(expr.parent):
            return f"\\left({parent}\\right)_{{{self._index(int(expr.i) + int(expr.j))}}}"
        comma = max(expr.parent.shape) + self.notation.index_base > 10
        return f"\\left({parent}\\right)_{{{self._index(int(expr.i), int(expr.j), comma=comma)}}}"

    def _print_Activation(self, expr: Activation) -> str:
        return f"{self.role_latex('sigma')}_{{{expr.layer}}}\\left({self._print(expr.arg)}\\right)"

    def _print_PythonSource(self, expr: Any) -> str:
        return str(expr.latex)  # a user's forward function as latexify-py typeset it

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """A loss symbol by one parameter is a partial derivative: ``\\partial L / \\partial W``."""
        if not isinstance(expr.expr, sp.Symbol) or expr.variable_count[0][1] != 1:
            return str(super()._print_Derivative(expr))
        top, bottom = self._print(expr.expr), self._print(expr.variables[0])
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "I"  # sympy's \mathbb{I} needs amssymb; the documents load amsmath only

    def _print_ZeroMatrix(self, expr: sp.ZeroMatrix) -> str:
        return "0"

    def _print_OneMatrix(self, expr: sp.OneMatrix) -> str:
        return r"\mathbf{1}"

    def _print_Elementwise(self, expr: Any) -> str:
        name = ELEMENTWISE_LATEX.get(expr.name) or self._print(sp.Symbol(expr.name))
        if isinstance(expr.parameter, sp.Tuple):  # a pooling's window and stride
            name += f"_{{{expr.parameter[0]}, s = {expr.parameter[1]}}}"
        elif expr.parameter != 0:
            name += f"_{{{self._print(expr.parameter)}}}"
        return f"{name}\\left({self._print(expr.arg)}\\right)"

    def _print_HalfSquaredNorm(self, expr: HalfSquaredNorm) -> str:
        return rf"\tfrac{{1}}{{2}} \left\lVert {self._print(expr.vector)} \right\rVert^{{2}}"

    def _print_IndexRange(self, expr: IndexRange) -> str:
        base = self.notation.index_base
        first, last = (self._print(shifted(expr.index, end, base)) for end in expr.args[1:])
        return rf"{self._print(expr.index)} = {first}, \dots, {last}"

    def _print_Elided(self, expr: Elided) -> str:
        first, last = self._print(expr.first), self._print(expr.last)
        return rf"{first} \cdots {last}" if expr.op == "product" else rf"{first} + \dots + {last}"

    def _print_SumOver(self, expr: SumOver) -> str:
        index, first, last = (self._print(a) for a in expr.over.args)
        return rf"\sum_{{{index}={first}}}^{{{last}}} {self._print(expr.term)}"

    def _print_Rational(self, expr: sp.Rational) -> str:
        """An exact decimal fraction as a decimal (1/4 -> 0.25), any other non-integer rounded
        to ``notation.digits`` significant digits when that is set; else sympy's fraction. A
        document of decimals (``numbers``) shows its numbers as :func:`shown_number` says."""
        shown = shown_number(expr, self.numbers)
        if shown is not expr:
            return str(self._print(shown))
        if expr.q == 1:
            return str(super()._print_Rational(expr))
        decimal = kept_decimal(expr, digits := self.notation.digits)
        if decimal is not None:
            return decimal
        if digits is not None:
            return self._print(rounded(expr, digits))
        return str(super()._print_Rational(expr))

    def _print_Rounded(self, expr: Rounded) -> str:
        return str(self._print(shown_number(expr.value, Decimals(digits=expr.digits))))

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        """A matrix in brackets; a 1x1 matrix of one symbol or number is that entry."""
        if expr.shape == (1, 1) and expr[0, 0].is_Atom:
            return str(self._print(expr[0, 0]))
        return self._bracketed(expr)

    def _bracketed(self, expr: sp.MatrixBase) -> str:
        env = self.notation.delimiter
        return f"\\begin{{{env}}} {self._rows(expr, 0, expr.cols)} \\end{{{env}}}"

    def _rows(self, matrix: sp.MatrixBase, start: int, stop: int) -> str:
        """Columns ``start`` to ``stop`` of ``matrix`` as matrix rows; rows of the whole matrix
        holding a fraction get a little more room (text-style fractions in consecutive rows
        would touch), in every block of a split matrix alike. The cells of the matrix last
        printed are kept: a matrix split over lines is printed block by block."""
        if self.__dict__.get("_cells_of") is not matrix:
            cells = [[self._print(e) for e in matrix.row(i)] for i in range(matrix.rows)]
            fraction = any(r"\frac" in c for row in cells for c in row)
            self._cells_of, self._cells = matrix, cells
            self._gap = FRACTION_ROW_GAP if fraction else r" \\ "
        return self._gap.join(" & ".join(row[start:stop]) for row in self._cells)

    def matrix_columns(self, matrix: sp.MatrixBase, start: int, stop: int) -> str:
        """Columns ``start`` to ``stop`` of a matrix too wide for one line: the first block opens
        the bracket and the last closes it (``\\left[ ... \\right.``, ``\\left. ... \\right]``), so
        the blocks on consecutive lines read as one matrix."""
        left, right = DELIMITERS[self.notation.delimiter]
        opening = left if start == 0 else "."
        closing = right if stop == matrix.cols else "."
        rows = self._rows(matrix, start, stop)
        return rf"\left{opening}\begin{{matrix}} {rows} \end{{matrix}}\right{closing}"
