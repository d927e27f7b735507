"""A user's plain Python forward function as a document: latexify-py's line, what it computes on
matrix symbols, and the derivation of the layers it was read as
(:mod:`symcollapse.algebra.function`), as :mod:`symcollapse.verification.function` checked it.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.derivations.layers import derive_layers
from symcollapse.doc.model import Derivation, Section, Step
from symcollapse.doc.prose import Code
from symcollapse.errors import SpecError
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, column_only
from symcollapse.verification.function import CheckedFunction


class PythonSource(sp.Basic):
    """The user's function: latexify's LaTeX for math printers, its source for plain text."""

    def __new__(cls, latex: str | sp.Symbol, source: str | sp.Symbol) -> PythonSource:
        def as_symbol(value: str | sp.Symbol) -> sp.Symbol:
            return value if isinstance(value, sp.Symbol) else sp.Symbol(value)

        return sp.Basic.__new__(cls, as_symbol(latex), as_symbol(source))

    @property
    def latex(self) -> str:
        return self.args[0].name

    @property
    def source(self) -> str:
        return self.args[1].name


def derive_function(
    checked: CheckedFunction, convention: Convention = DEFAULT_CONVENTION
) -> Derivation:
    """The derivation for a Python forward function as
    :func:`~symcollapse.verification.function.verify_function` checked it: latexify-py's line,
    what it computes on matrix symbols, and the derivation of its layers. Column convention
    only: ``convention`` row is an :class:`~symcollapse.errors.OptionError`."""
    column_only(convention, "layers")
    if not isinstance(checked, CheckedFunction):
        raise SpecError(f"expected CheckedFunction (see verify_function), got {checked!r:.60}")
    function = checked.function
    derivation = derive_layers(checked.layers)
    first = Section(
        title=("The forward function",),
        intro=(
            "The Python function ",
            Code(function.name),
            ", typeset by latexify-py, and what it computes when called on sympy matrices "
            "(checked against the layers below at random exact points).",
        ),
        steps=(
            Step(
                PythonSource(function.latex, function.source),
                function.expr,
                ("called on sympy matrices",),
            ),
        ),
    )
    return Derivation(
        title=(Code(function.name), ": ", *derivation.title),
        sections=(first, *derivation.sections),
        symbols=derivation.symbols,
    )
