"""What both printers share: the order of terms and factors, signs, and the roles to name.

sympy sorts symbols by name as text (``b_1, b_10, b_2``); here every factor and term is ordered by
what it stands for (outer layers first, then rows and columns numerically), so ``(W_z)_{11}``
reads like the product ``W_3 W_2 W_1`` it comes from. A product's sign is read from its leading
coefficient, not by sympy's canonicalising test (quadratic in the depth of a derivation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from symcollapse.algebra.network import Entry
from symcollapse.algebra.paths import PathSum, path_key
from symcollapse.algebra.symbols import role_of


def term_key(term: sp.Expr, entries: Mapping[sp.Symbol, Entry]) -> tuple[Any, ...]:
    """Sort key of one monomial of a sympy sum: :func:`~symcollapse.algebra.paths.path_key`
    of its entry factors (distinct terms of a sum have distinct factors; only constants need
    sympy's sort key), so sums read as in ``W_z x + sum_k (W_n ... W_{k+1}) b_k``."""
    key = path_key(entries[s].sort_key for s in term.free_symbols if s in entries)
    return (*key, () if key[1] else sp.default_sort_key(term))


def indexed_key(entry: sp.Indexed) -> tuple[int, int]:
    """An entry with symbolic indices (``W_3[i, k_2]``) sorts as its symbols do: outer layers
    first, the weight before the bias of a layer; a coefficient before its input."""
    role = role_of(entry.base.label)
    if role is None or not role.sub:  # a coefficient (W_z)_{ij}, a_j before its input x_j
        return (1, 0) if role is not None and role.role == "x" else (-1, 0)
    layer = int(role.sub[0])  # a row document's entries read from the input (OUTER_FIRST)
    return (-layer if getattr(entry, "OUTER_FIRST", True) else layer, 0 if role.role == "W" else 1)


def is_vector(matrix: sp.MatrixSymbol) -> bool:
    """Vectors (``x``, ``b_k``, ``b_z``) take one index; matrices (upper-case names: ``W_k``, and
    ``A_j``, ``T_k`` of layered networks) two, even with one column."""
    return not matrix.name[:1].isupper()


def minus_sign(expr: sp.Basic) -> bool:
    """``expr.could_extract_minus_sign()``, for a product from its leading coefficient alone.

    sympy's test for a ``Mul`` first compares ``self == -self``, which rebuilds and canonicalises
    the whole nested product (quadratic in the depth of a derivation); that comparison only
    matters for coefficients such as ``zoo``, which are not negative numbers anyway.
    """
    if isinstance(expr, sp.Mul):
        c = expr.args[0]
        return bool(c.is_Number and c.is_extended_negative)
    if isinstance(expr, sp.MatrixBase):  # a 1x1 matrix prints as its entry, with its sign
        return expr.shape == (1, 1) and expr[0, 0].is_Atom and minus_sign(expr[0, 0])
    return bool(expr.could_extract_minus_sign())


def precedence(item: sp.Basic) -> int:
    """sympy's traditional precedence, with products' signs by :func:`minus_sign`."""
    if isinstance(item, sp.MatMul):
        return PRECEDENCE["Add"] if minus_sign(item) else PRECEDENCE["Mul"]
    return int(precedence_traditional(item))


#: What a printer's ``_print`` returns: text, or a box (:mod:`.boxes`).
Out = TypeVar("Out")


class TermOrder(Generic[Out]):
    """Term and factor ordering shared by every printer (mixed into sympy printer classes)."""

    entries: Mapping[sp.Symbol, Entry]

    if TYPE_CHECKING:  # the sympy printer's, after this class in the method resolution order

        def _print(self, expr: Any, **kwargs: Any) -> Out: ...

    def _as_ordered_terms(self, expr: sp.Expr, order: str | None = None) -> list[sp.Expr]:
        if isinstance(expr, sp.MatrixExpr) or any(isinstance(t, sp.Sum) for t in expr.args):
            return list(expr.args)  # built unevaluated, in the order the derivation wants
        if not any(s in self.entries for s in expr.free_symbols):
            return list(super()._as_ordered_terms(expr, order))  # type: ignore[misc]  # k - 1
        cache: dict[sp.Expr, list[sp.Expr]] = self.__dict__.setdefault("_term_orders", {})
        if expr not in cache:  # a long sum is ordered once, however often it is printed
            cache[expr] = sorted(sp.Add.make_args(expr), key=lambda t: term_key(t, self.entries))
        return cache[expr]

    def _factor_key(self, factor: sp.Expr) -> tuple[Any, ...]:
        if isinstance(factor, sp.Indexed):
            return (0, *indexed_key(factor))
        return (1, *self.entries[factor].sort_key)

    def ordered_terms(self, expr: sp.Expr | PathSum) -> list[Any]:
        """The terms of a sum in print order."""
        if isinstance(expr, PathSum):
            return list(expr.products)
        return self._as_ordered_terms(expr)

    def terms(self, expr: sp.Expr) -> list[tuple[str, Out]]:
        """Each term of a sum as ``(sign, printed)`` in print order; ``sign`` is ``+`` or ``-``."""
        out = []
        for term in self._as_ordered_terms(expr):
            negative = minus_sign(term)
            out.append(("-" if negative else "+", self._print(-term if negative else term)))
        return out


class PathOrder(TermOrder[str]):
    """The ordering for printers of text, with path sums and products of entries printed here."""

    mul_separator: str

    def _print_PathSum(self, expr: PathSum) -> str:
        return " + ".join(text for _, text in self.terms(expr))

    def _print_Mul(self, expr: sp.Mul) -> str:
        coeff, factors = expr.as_coeff_mul()
        if any(isinstance(f, sp.Indexed) for f in factors) and all(
            isinstance(f, sp.Indexed) or f in self.entries for f in factors
        ):  # a Σ form's term in path order, or a coefficient before its input
            ordered = sorted(factors, key=lambda f: self._factor_key(f))
            body = self.mul_separator.join(self._print(f) for f in ordered)
            return body if coeff == 1 else f"{self._print(coeff)}{self.mul_separator}{body}"
        if not all(f in self.entries for f in factors):
            # sympy's printer, after this mixin in the method resolution order
            return str(super()._print_Mul(expr))  # type: ignore[misc]
        ordered = sorted(factors, key=lambda s: self.entries[s].sort_key)
        body = self.mul_separator.join(self._print(f) for f in ordered)
        if coeff == 1:
            return body
        if coeff == -1:
            return "-" + body
        return f"{self._print(coeff)}{self.mul_separator}{body}"

    def terms(self, expr: sp.Expr | PathSum) -> list[tuple[str, str]]:
        """Each term of a sum as ``(sign, text)`` in print order; ``sign`` is ``"+"`` or ``"-"``."""
        if isinstance(expr, PathSum):  # already in path order, every coefficient 1
            names: dict[sp.Symbol, str] = self.__dict__.setdefault("_path_names", {})
            for symbol in {s for product in expr.products for s in product}.difference(names):
                names[symbol] = self._print(symbol)
            join, name = self.mul_separator.join, names.__getitem__
            return [("+", join(map(name, product))) for product in expr.products]
        return super().terms(expr)


#: Roles every dense document has; a printer made without the document's roles assumes these.
DENSE_ROLES = frozenset({"x", "W", "b", "W_z", "b_z", "f", "sigma"})


def present_roles(entries: Mapping[sp.Symbol, Entry], roles: Iterable[str] | None) -> set[str]:
    """The roles a printer must name: the document's, and every entry kind it prints."""
    return set(DENSE_ROLES if roles is None else roles) | {e.kind for e in entries.values()}
