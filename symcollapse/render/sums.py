"""LaTeX of the Σ forms: entries with symbolic indices (``w^{(3)}_{i k_2}``), sums over the
hidden units, and a map applied to its inputs (``f(x_1, x_2)``); a mixin of the network printer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import sympy as sp

from symcollapse.algebra.symbols import role_of
from symcollapse.doc.prose import Applied
from symcollapse.render.notation import ENTRIES, Notation, name_latex

#: Entry style -> how entry ``(W_k)_{ij}`` is written, from the weight letter, layer and indices.
ENTRY_FORMS = {
    "paren": "{letter}^{{({layer})}}_{{{index}}}",
    "upper": "{letter}^{{{layer}}}_{{{index}}}",
    "flat": "{letter}_{{{layer},{index}}}",
}


#: Most summation signs a Σ form writes one by one; more indices share one sign.
MAX_SUM_SIGNS = 3


def counts_entries(index: sp.Basic) -> bool:
    """Whether ``index`` runs over the entries of a vector or matrix (``i``, ``j``, the unit
    ``k_m`` of a hidden layer): those are written in the notation's index base. Layers (``k``,
    ``n``) and samples are counted from 1 in every notation, as ``W_1`` is."""
    role = role_of(index)
    return role is not None and (role.role in ("i", "j") or (role.role == "k" and bool(role.sub)))


def shifted(index: sp.Basic, bound: sp.Expr, base: int) -> sp.Expr:
    """``bound`` of a range of ``index`` (1-based, as documents state it) in the index base."""
    return bound + base - 1 if counts_entries(index) else bound


def _is_unit(index: sp.Basic) -> bool:
    """Whether ``index`` is ``k_m``, a unit of hidden layer ``m`` (its range is ``d_m``)."""
    role = role_of(index)
    return role is not None and role.role == "k" and bool(role.sub)


@contextmanager
def one_sign(printer: object) -> Iterator[None]:
    """Within it, ``printer`` (if it writes Σ forms) writes a sum over several units of hidden
    layers with one sign, ``\\sum_{k_1, k_2}``: the form of a Σ term too wide for a line."""
    if not isinstance(printer, SumForms):
        yield
        return
    signs = printer.sum_signs
    printer.sum_signs = 1
    try:
        yield
    finally:
        printer.sum_signs = signs


class SumForms:
    """``_print_`` methods for the Σ forms, read in the printer's notation and names."""

    #: Most indices written with a sign each (:func:`one_sign` lowers it to one).
    sum_signs: int = MAX_SUM_SIGNS

    notation: Notation
    names: dict[str, str]
    _print: Callable[..., str]
    _index: Callable[..., str]
    role_latex: Callable[[str], str]

    def _indices(self, indices: Iterable[sp.Expr]) -> str:
        """Subscripts some of which are symbols (``i``, ``k_{2}``): numbers (1-based, like the
        sums' ranges) in the notation's base, separated by a thin space when any index is more
        than a letter."""
        shown = [
            self._index(int(i) - 1) if i.is_Integer else self._print(i).replace(" ", "")
            for i in indices
        ]
        return (r"\," if any(len(s) > 1 for s in shown) else "").join(shown)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        """An entry with symbolic indices, ``w^{(3)}_{i k_2}``, written like the entry symbols."""
        role = role_of(expr.base.label)
        if role is not None and role.role in ("W_z", "b_z") and not role.sub:
            return rf"\left({self.role_latex(role.role)}\right)_{{{self._indices(expr.indices)}}}"
        if role is not None and not role.sub:  # x_j, a_j
            return f"{self.role_latex(role.role)}_{{{self._indices(expr.indices)}}}"
        if role is None or role.role not in ("W", "b") or len(role.sub) != 1:
            # sympy's printer, after this mixin in the method resolution order
            return str(super()._print_Indexed(expr))  # type: ignore[misc]
        name = self.names[ENTRIES if role.role == "W" else role.role]
        form = ENTRY_FORMS[self.notation.entry_style]
        index = self._indices(expr.indices)
        return form.format(letter=name_latex(name), layer=role.sub[0], index=index)

    def _print_Sum(self, expr: sp.Sum) -> str:
        """``\\sum_{k_1=1}^{d_1} \\sum_{k_2=1}^{d_2} ...``: one sign per index, the outermost
        first, the range shifted to the notation's index base; more than
        :data:`MAX_SUM_SIGNS` indices share one sign, ``\\sum_{k_1, \\dots, k_9}`` (the prose
        states their ranges), and so do more than :attr:`sum_signs` units of hidden layers,
        ``\\sum_{k_1, k_2}`` (:func:`one_sign`)."""
        base = self.notation.index_base
        limits = expr.limits[::-1]
        names = [self._print(k) for k, *_ in limits]
        units = all(_is_unit(k) for k, *_ in limits)  # the prose states their ranges
        if len(limits) > MAX_SUM_SIGNS:
            signs = [rf"\sum_{{{names[0]}, \dots, {names[-1]}}}"]
        elif len(limits) > self.sum_signs and units:
            signs = [rf"\sum_{{{', '.join(names)}}}"]
        else:
            signs = []
            for k, low, high in limits:
                lower, upper = (self._print(shifted(k, end, base)) for end in (low, high))
                signs.append(rf"\sum_{{{self._print(k)}={lower}}}^{{{upper}}}")
        body = expr.function
        shown = self._print(body)
        if isinstance(body, sp.Add):
            shown = rf"\left({shown}\right)"
        return " ".join([*signs, shown])

    def _print_Applied(self, expr: Applied) -> str:
        """``f(x_1, x_2)``; with more than four arguments ``f(x_1, \\dots, x_{d_0})``."""
        args = [self._print(a) for a in expr.arguments]
        if len(args) > 4:
            args = [args[0], r"\dots", args[-1]]
        return f"{self._print(expr.function)}({', '.join(args)})"
