"""sympy printers for network symbols: LaTeX ``w^{(k)}_{ij}`` and plain ``w_k_i_j``, in path order.

sympy sorts symbols by name as text (``b_1, b_10, b_2``); here every factor and term is ordered by
what it stands for (outer layers first, then rows and columns numerically), so ``(W_z)_{11}``
reads like the product ``W_3 W_2 W_1`` it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from symcollapse.expressions import Activation
from symcollapse.network import PARAMETER_LETTERS, Entry
from symcollapse.notation import Notation

#: Matrix-level names that need more than sympy's default ``W_1 -> W_{1}``.
MATRIX_NAMES = {
    "f(x)": "f(x)",
    "W_z": "W_{z}",
    "b_z": "b_{z}",
    "W_z(D)": "W_{z}(D)",
    "b_z(D)": "b_{z}(D)",
}

#: LaTeX names of the non-linear maps of layered networks; a user activation prints as its name.
ELEMENTWISE_LATEX = {
    "relu": r"\operatorname{ReLU}",
    "leaky_relu": r"\operatorname{LeakyReLU}",
    "tanh": r"\tanh",
    "sigmoid": r"\operatorname{sigmoid}",
    "maxpool": r"\operatorname{maxpool}",
}


def term_key(term: sp.Expr, entries: Mapping[sp.Symbol, Entry]) -> tuple[Any, ...]:
    """Sort key of one monomial, so sums read as in ``W_z x + sum_k (W_n ... W_{k+1}) b_k``.

    Terms are grouped by their innermost factor (``x`` first, then ``b_1``, ``b_2``, ...;
    constants last) and, within a group, ordered by their factors from the outer layer inward.
    """
    factors = sorted(entries[s].sort_key for s in term.free_symbols if s in entries)
    innermost = factors[-1][0] if factors else 1
    return (-innermost, tuple(factors), sp.default_sort_key(term))


def _is_vector(matrix: sp.MatrixSymbol) -> bool:
    """Vectors (``x``, ``b_k``, ``b_z``) take one index; matrices (upper-case names: ``W_k``, and
    ``A_j``, ``T_k`` of layered networks) two, even with one column."""
    return not matrix.name[:1].isupper()


class _PathOrder:
    """Term and factor ordering shared by both printers (mixed into sympy printer classes)."""

    entries: Mapping[sp.Symbol, Entry]
    mul_separator: str

    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        if isinstance(expr, sp.MatrixExpr):
            return list(expr.args)  # built unevaluated, in the order the derivation wants
        return sorted(sp.Add.make_args(expr), key=lambda t: term_key(t, self.entries))

    def _print_Mul(self, expr: sp.Mul) -> str:
        coeff, factors = expr.as_coeff_mul()
        if not all(f in self.entries for f in factors):
            return str(super()._print_Mul(expr))  # type: ignore[misc]
        ordered = sorted(factors, key=lambda s: self.entries[s].sort_key)
        body = self.mul_separator.join(self._print(f) for f in ordered)  # type: ignore[attr-defined]
        if coeff == 1:
            return body
        if coeff == -1:
            return "-" + body
        return f"{self._print(coeff)}{self.mul_separator}{body}"  # type: ignore[attr-defined]

    def terms(self, expr: sp.Expr) -> list[tuple[str, str]]:
        """Each term of a sum as ``(sign, text)`` in print order; ``sign`` is ``"+"`` or ``"-"``."""
        out = []
        for term in self._as_ordered_terms(expr):
            negative = term.could_extract_minus_sign()
            out.append(("-" if negative else "+", self._print(-term if negative else term)))  # type: ignore[attr-defined]
        return out


class NetworkLatexPrinter(_PathOrder, LatexPrinter):
    """LaTeX for network symbols and matrix expressions, with a controlled term order."""

    mul_separator = " "

    def __init__(self, entries: Mapping[sp.Symbol, Entry], notation: Notation) -> None:
        super().__init__({"mat_delim": ""})
        self.entries = entries
        self.notation = notation

    def _index(self, *indices: int) -> str:
        shown = [str(i + self.notation.index_base) for i in indices]
        return ("," if any(len(s) > 1 for s in shown) else "").join(shown)

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        entry = self.entries.get(expr)
        if entry is None:
            return str(super()._print_Symbol(expr, style=style))
        if entry.kind == "x":
            return f"x_{{{self._index(entry.row)}}}"
        if entry.kind == "b":
            return f"b^{{({entry.layer})}}_{{{self._index(entry.row)}}}"
        if entry.kind in PARAMETER_LETTERS:
            letter = PARAMETER_LETTERS[entry.kind]
            return f"{letter}^{{({entry.layer})}}_{{{self._index(entry.row)}}}"
        return f"w^{{({entry.layer})}}_{{{self._index(entry.row, entry.col)}}}"

    def _print_MatrixSymbol(self, expr: sp.MatrixSymbol) -> str:
        return MATRIX_NAMES.get(expr.name) or str(super()._print_MatrixSymbol(expr))

    def _print_MatrixElement(self, expr: sp.MatrixElement) -> str:
        parent = self._print(expr.parent)
        if _is_vector(expr.parent):
            return f"\\left({parent}\\right)_{{{self._index(int(expr.i))}}}"
        return f"\\left({parent}\\right)_{{{self._index(int(expr.i), int(expr.j))}}}"

    def _print_Activation(self, expr: Activation) -> str:
        return f"\\sigma_{{{expr.layer}}}\\left({self._print(expr.arg)}\\right)"

    def _print_PythonSource(self, expr: Any) -> str:
        return str(expr.latex)  # a user's forward function as latexify-py typeset it

    def _print_Identity(self, expr: sp.Identity) -> str:
        return "I"  # sympy's \mathbb{I} needs amssymb; the documents load amsmath only

    def _print_ZeroMatrix(self, expr: sp.ZeroMatrix) -> str:
        return "0"

    def _print_OneMatrix(self, expr: sp.OneMatrix) -> str:
        return r"\mathbf{1}"

    def _print_Elementwise(self, expr: Any) -> str:
        name = ELEMENTWISE_LATEX.get(expr.name) or self._print(sp.Symbol(expr.name))
        if expr.parameter != 0:
            name += f"_{{{self._print(expr.parameter)}}}"
        return f"{name}\\left({self._print(expr.arg)}\\right)"

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        env = self.notation.delimiter
        rows = [" & ".join(self._print(e) for e in expr.row(i)) for i in range(expr.rows)]
        return f"\\begin{{{env}}} " + r" \\ ".join(rows) + f" \\end{{{env}}}"


class NetworkStrPrinter(_PathOrder, StrPrinter):
    """Plain text that ``sympy.sympify`` parses back: symbol names are Python identifiers."""

    mul_separator = "*"

    def __init__(self, entries: Mapping[sp.Symbol, Entry]) -> None:
        super().__init__()
        self.entries = entries

    def _print_MatrixElement(self, expr: sp.MatrixElement) -> str:
        parent = self._print(expr.parent)
        if _is_vector(expr.parent):
            return f"{parent}[{int(expr.i) + 1}]"
        return f"{parent}[{int(expr.i) + 1},{int(expr.j) + 1}]"

    def _print_Activation(self, expr: Activation) -> str:
        return f"sigma_{expr.layer}({self._print(expr.arg)})"

    def _print_PythonSource(self, expr: Any) -> str:
        return str(expr.source)

    def _print_Elementwise(self, expr: Any) -> str:
        parameter = "" if expr.parameter == 0 else f"[{self._print(expr.parameter)}]"
        return f"{expr.name}{parameter}({self._print(expr.arg)})"

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:
        rows = [
            "[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(expr.rows)
        ]
        return "[" + ", ".join(rows) + "]"
