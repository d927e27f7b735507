"""Breaking a derivation step into display lines: shared by every math renderer.

A step whose right-hand side is a long sum is split into chunks of terms whose visible width fits
``Notation.line_width``; this is layout, not algebra: the terms come from the printer as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from symcollapse.derivation import Step, Text

_MARKUP = re.compile(r"\\[a-zA-Z]+|[{}^_\s]")


def visible_width(tex: str) -> int:
    """Rough count of printed characters in a LaTeX string (commands and braces dropped)."""
    return len(_MARKUP.sub("", tex))


@dataclass(frozen=True)
class StepLines:
    """A step laid out: ``lhs``, relation, and one string per display line of the right side."""

    lhs: str | None
    relation: str
    lines: tuple[str, ...]
    reason: Text


def layout(step: Step, printer: sp.printing.printer.Printer, width: int) -> StepLines:
    """Lay out ``step`` with ``printer``, breaking a long sum after whole terms."""
    lhs = None if step.lhs is None else printer.doprint(step.lhs)
    rhs = step.rhs
    whole = printer.doprint(rhs)
    if visible_width(whole) <= width or not isinstance(rhs, sp.Add):
        return StepLines(lhs, step.relation, (whole,), step.reason)
    lines: list[str] = []
    current = ""
    for sign, term in printer.terms(rhs):
        piece = f"{sign} {term}" if current or lines or sign == "-" else term
        if current and visible_width(current + piece) > width:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    lines.append(current)
    return StepLines(lhs, step.relation, tuple(lines), step.reason)
