"""The document model: prose with mathematics, checked steps, sections, derivations.

Steps hold sympy objects only; renderers decide how they look. Prose (``Text``) is a sequence of
words and mathematical objects: the words never carry mathematics, which is always an object a
printer typesets. A step records how it was checked (:class:`Checked`) or why it was not
(:class:`Unchecked`) instead of saying so in its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import sympy as sp

from symcollapse.algebra.symbols import roles_in
from symcollapse.display import Displayable
from symcollapse.doc.numbers import rounded_by
from symcollapse.doc.prose import Rounded
from symcollapse.spec.convention import Convention

if TYPE_CHECKING:
    from symcollapse.algebra.collapsing import Collapse
    from symcollapse.algebra.network import Entry
    from symcollapse.algebra.numeric import NumericCollapse

#: A piece of prose: plain words, or a sympy object shown as inline mathematics.
Text = tuple[str | sp.Basic, ...]
Relation = Literal["=", ":="]


@dataclass(frozen=True)
class Checked:
    """The step was checked when it was made, by ``route`` (e.g. sympy's matrix algebra)."""

    route: str


@dataclass(frozen=True)
class Unchecked:
    """The step was not checked by the engine; ``why`` says why and what covers it instead."""

    why: Text


#: How a step was checked; ``None`` for definitions and givens, which have nothing to check.
Check = Checked | Unchecked | None


@dataclass(frozen=True)
class Step:
    """One line ``lhs relation rhs`` with a short justification; ``lhs=None`` continues a chain.

    ``key`` marks the equations a reader cites (the collapse, ``W_z``, ``b_z``, the scalar form):
    the ones numbered unless every row is."""

    lhs: sp.Basic | None
    rhs: sp.Basic
    reason: Text = ()
    relation: Relation = "="
    check: Check = None
    key: bool = False


@dataclass(frozen=True)
class Section:
    """A titled group of steps with a sentence or two that says what they show."""

    title: Text
    intro: Text
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Decimals:
    """A document's numbers shown as decimals; the document holds them exactly and each printer
    formats them. By default every exact decimal (a denominator ``2^a 5^b``) is written with all
    its digits (a trained model's numbers stay decimals through products and sums); with
    ``dtype`` every number is the shortest decimal that reads back as the nearest number of
    that float type, with ``digits`` it is rounded to that many significant digits."""

    digits: int | None = None
    dtype: str | None = None


@dataclass(frozen=True)
class Derivation(Displayable):
    """A titled sequence of sections, with the symbol table its renderers need.

    ``symbols`` says what each entry symbol stands for (so printers can name and order them);
    ``collapse`` is the concrete collapse a derivation was made from, when there is one (a proof
    for all depths has none), so that JSON output can carry its matrices.
    """

    title: Text
    sections: tuple[Section, ...]
    #: The entry symbols shown; compared, but left out of the hash (a dict has none).
    symbols: Mapping[sp.Symbol, Entry] = field(hash=False)
    collapse: Collapse | NumericCollapse | None = None
    #: How vectors are written: ``column`` (``W x + b``) or ``row`` (``x W + b``).
    convention: Convention = "column"
    numbers: Decimals | None = None

    @property
    def roles(self) -> set[str]:
        """Every role (``W``, ``d``, ``Theta``, ...) a symbol of this document has: what a
        notation must name, and what a reader's name may clash with."""
        found: set[str] = {entry.kind for entry in self.symbols.values()}
        parts: list[object] = [*self.title]
        for section in self.sections:
            parts += [*section.title, *section.intro]
            for step in section.steps:
                parts += [step.lhs, step.rhs, *step.reason]
                if isinstance(step.check, Unchecked):
                    parts += step.check.why
        for part in parts:
            if isinstance(part, sp.Basic):
                found |= roles_in(part)
        return found

    def said_rounded(self, digits: int | None) -> Derivation:
        """This derivation with the first row of every section whose numbers ``--digits
        digits`` rounds saying so in its tag, "numbers shown rounded to N significant digits"
        (a LaTeX fragment has no words): the page states its precision, and ``check`` holds it
        to that untold. A document with a number policy of its own (``numbers``) keeps it; a
        section whose first row says it already (``layers``) is left as it is."""
        if digits is None or self.numbers is not None:
            return self
        words = f"numbers shown rounded to {digits} significant digits"
        sections = []
        for section in self.sections:
            first = section.steps[0] if section.steps else None
            said = first is not None and any("rounded to" in str(part) for part in first.reason)
            if first is not None and not said and _rounds(section, digits):
                reason = (*first.reason, "; ", words) if first.reason else (words,)
                first = replace(first, reason=reason)
                section = replace(section, steps=(first, *section.steps[1:]))
            sections.append(section)
        return replace(self, sections=tuple(sections))

    @property
    def matrix_columns(self) -> int:
        """The most columns of any explicit matrix in the steps (LaTeX needs to know)."""
        return max(
            (
                part.cols
                for section in self.sections
                for step in section.steps
                for part in (step.lhs, step.rhs)
                if isinstance(part, sp.MatrixBase)
            ),
            default=1,
        )


def _rounds(section: Section, digits: int) -> bool:
    """Whether ``--digits digits`` shows a number of ``section``'s rows rounded (not one a
    :class:`~symcollapse.doc.prose.Rounded` rounds to digits of its own)."""
    parts = [part for step in section.steps for part in (step.lhs, step.rhs, *step.reason)]
    return any(_rounded_in(part, digits) for part in parts)


def _rounded_in(part: object, digits: int) -> bool:
    if isinstance(part, sp.MatrixBase):
        return any(_rounded_in(entry, digits) for entry in part)
    if isinstance(part, sp.Rational):
        return rounded_by(part, digits)
    if isinstance(part, sp.Basic) and not isinstance(part, Rounded):
        return any(_rounded_in(arg, digits) for arg in part.args)
    return False
