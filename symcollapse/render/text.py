"""Plain text for terminals and logs: the same steps, symbols written as Python identifiers,
no LaTeX, lines broken by characters (``Notation.line_width`` columns, 80 by default).

Reasons are in brackets in one place throughout a document (see :func:`render_text`). Long
sums continue on indented lines that start with their sign; matrices of several rows put
one bracketed row on each line; anything else too long breaks at a space. ``d_(k-1)``,
``W_z^(n)``, ``sum_(k=1)^(n) b_k`` are written as one would type them.
"""

from __future__ import annotations

import textwrap

import sympy as sp

from symcollapse.algebra.descent import Descent
from symcollapse.algebra.paths import PathSum
from symcollapse.algebra.symbols import Role, RoleMatrix, RoleSymbol
from symcollapse.doc.model import Derivation, Step, Text
from symcollapse.doc.prose import SumOver, written
from symcollapse.render.arguments import document_arguments
from symcollapse.render.notation import Notation
from symcollapse.render.plain import NetworkStrPrinter
from symcollapse.spec.roles import default_name

#: The least room a right side gets: a longer left side indents its lines by four columns.
LEAST_ROOM = 30


class TextPrinter(NetworkStrPrinter):
    """The plain printer with roles written for people: ``d_(k-1)`` rather than ``d(k - 1)``
    (a call, to sympy), ``W_z^(n)``, and sums of symbolic length as ``sum_(k=1)^(n)``."""

    def _print_RoleSymbol(self, expr: RoleSymbol | RoleMatrix) -> str:
        return self._role(expr.meaning)

    _print_RoleMatrix = _print_RoleSymbol

    def _tight(self, expr: sp.Basic) -> str:
        return self._print(expr).replace(" ", "")

    def _role(self, role: Role) -> str:
        out = self.names.get(role.role) or default_name(role.role)
        if role.sub and all(i.is_Integer or i.is_Symbol for i in role.sub):
            out += "_" + "_".join(map(self._tight, role.sub))
        elif role.sub:
            out += "_(" + ",".join(map(self._tight, role.sub)) + ")"
        if role.sup is not None:
            out += f"^({self._tight(role.sup)})"
        if role.argument is not None:
            out += f"({self.names.get(role.argument) or default_name(role.argument)})"
        return out

    def _sigma(self, index: sp.Basic, first: sp.Basic, last: sp.Basic, term: sp.Basic) -> str:
        body = self._print(term)
        body = f"({body})" if isinstance(term, sp.Add | sp.MatAdd) else body
        return f"sum_({self._tight(index)}={self._tight(first)})^({self._tight(last)}) {body}"

    def _print_SumOver(self, expr: SumOver) -> str:
        over = expr.over
        return self._sigma(over.index, over.first, over.last, expr.term)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        """``dL/dW_1`` for a loss by one parameter, as one writes it in a comment."""
        if not isinstance(expr.expr, sp.Symbol) or expr.variable_count[0][1] != 1:
            return str(super()._print_Derivative(expr))
        return f"d{self._print(expr.expr)}/d{self._print(expr.variables[0])}"

    def _print_Sum(self, expr: sp.Sum) -> str:
        out = self._print(expr.function)
        for index, first, last in reversed(expr.limits):
            out = self._sigma(index, first, last, sp.Symbol(out))
        return out


def _prose(parts: Text, printer: TextPrinter) -> str:
    return written(parts, str, str, printer.doprint)


def _wrapped(text: str, room: int) -> list[str]:
    """``text`` broken at spaces into lines of at most ``room`` characters where it can be."""
    return textwrap.wrap(text, room, break_long_words=False, break_on_hyphens=False) or [text]


def rhs_lines(rhs: sp.Basic, printer: TextPrinter, room: int) -> list[str]:
    """A right side as lines of at most ``room`` characters, where the text allows."""
    whole = printer.doprint(rhs)
    if len(whole) <= room:
        return [whole]
    if isinstance(rhs, PathSum | sp.Add | sp.MatAdd):
        lines: list[str] = []
        for k, (sign, term) in enumerate(printer.terms(rhs)):
            piece = (f"{sign} " if k else "-" if sign == "-" else "") + term
            if lines and len(lines[-1]) + 1 + len(piece) <= room:
                lines[-1] += " " + piece
            else:
                lines.append(piece)
        return [part for line in lines for part in _wrapped(line, room)]
    if isinstance(rhs, sp.MatrixBase) and rhs.rows > 1:
        rows = ["[" + ", ".join(map(printer.doprint, rhs.row(i))) + "]" for i in range(rhs.rows)]
        rows = [("[" if i == 0 else " ") + row for i, row in enumerate(rows)]
        rows = [row + ("," if i < len(rows) - 1 else "]") for i, row in enumerate(rows)]
        return [part for row in rows for part in _wrapped(row, room)]
    return _wrapped(whole, room)


def step_lines(step: Step, printer: TextPrinter, width: int) -> tuple[list[str], int]:
    """One step without its reason: ``lhs = rhs`` (``    = rhs`` continuing a chain), long
    right sides on lines indented by the returned indent."""
    lhs = "" if step.lhs is None else printer.doprint(step.lhs)
    head = f"{lhs} {step.relation} " if lhs else f"{' ' * 4}{step.relation} "
    indent = len(head) if width - len(head) >= LEAST_ROOM else 4
    lines = rhs_lines(step.rhs, printer, width - indent)
    return [head + lines[0], *(" " * indent + line for line in lines[1:])], indent


#: What stands between an equation's last line and a reason beside it.
REASON_GAP = "    "


def render_text(derivation: Derivation, notation: Notation | None = None) -> str:
    """One step per line (long ones continue on indented lines), prose wrapped at the line
    width. Reasons are in brackets in one place throughout the document: after the last line
    of their step when every reason fits there, else each on lines of its own under its step
    (indented two past the right side)."""
    notation = document_arguments(derivation, notation)
    printer = TextPrinter(derivation.symbols, notation, derivation.roles, derivation.numbers)
    width = notation.line_width
    laid = [
        [
            (step_lines(step, printer, width), _reason(step.reason, printer))
            for step in section.steps
        ]
        for section in derivation.sections
    ]
    beside = all(
        len(lines[-1]) + len(REASON_GAP) + len(reason) <= width
        for steps in laid
        for (lines, _), reason in steps
        if reason
    )
    title = _prose(derivation.title, printer)
    out = [title, "=" * len(title)]
    for section, steps in zip(derivation.sections, laid, strict=True):
        heading = _prose(section.title, printer)
        out += ["", heading, "-" * len(heading), *_wrapped(_prose(section.intro, printer), width)]
        out.append("")
        for (lines, indent), reason in steps:
            if reason and beside:
                lines = [*lines[:-1], lines[-1] + REASON_GAP + reason]
            elif reason:
                lines = [
                    *lines,
                    *(" " * (indent + 2) + r for r in _wrapped(reason, width - indent - 2)),
                ]
            out += lines
    return "\n".join(out) + "\n"


def _reason(parts: Text, printer: TextPrinter) -> str:
    """A reason in brackets; none for no reason."""
    return f"[{_prose(parts, printer)}]" if parts else ""


def render_descent(descent: Descent, every: int = 1) -> str:
    """One line per ``every`` epochs (and the last) of a gradient-descent run."""
    last = len(descent.distances)
    lines = [
        f"epoch {epoch}: distance {distance:.6g}"
        for epoch, distance in enumerate(descent.distances, start=1)
        if epoch % every == 0 or epoch == last
    ]
    head = f"gradient descent (floats, learning rate {descent.learning_rate:g}): distance of "
    head += "the trained end-to-end map [b, W] from the exact [b_z, W_z], Frobenius norm"
    return "\n".join([head, *lines]) + "\n"
