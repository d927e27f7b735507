"""A user's plain Python forward function as a document: latexify-py's line, what it computes on
matrix symbols, and the derivation of the layers it was read as
(:mod:`symcollapse.algebra.function`), as :mod:`symcollapse.verification.function` checked it.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.derivations.convention import STATED
from symcollapse.derivations.layers import derive_layers
from symcollapse.doc.model import Derivation, Section, Step, Text
from symcollapse.doc.prose import Code
from symcollapse.errors import OptionError, SpecError
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
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
    what it computes on matrix symbols, and the derivation of its layers, in ``convention``: the
    one the function was read in (``x @ W[1] + b[1]`` for ``row``, see
    :func:`~symcollapse.algebra.function.read_function`), else an :class:`OptionError`."""
    check_convention(convention)
    if not isinstance(checked, CheckedFunction):
        raise SpecError(f"expected CheckedFunction (see verify_function), got {checked!r:.60}")
    function = checked.function
    if function.convention != convention:
        raise OptionError(
            f"{function.name} was read in the {function.convention} convention; "
            f"derive it in that one, not {convention}",
            parameter="convention",
        )
    derivation = derive_layers(checked.layers, convention)
    sections = derivation.sections
    said: Text = ()
    if convention == "row":  # the row form is said first, before the function's own line
        said, layers = STATED, sections[0]
        sections = (Section(layers.title, layers.intro[len(STATED) :], layers.steps), *sections[1:])
    first = Section(
        title=("The forward function",),
        intro=(
            *said,
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
        sections=(first, *sections),
        symbols=derivation.symbols,
        convention=derivation.convention,
    )
