"""Plain text for terminals and logs: the same steps, symbols written as Python identifiers."""

from __future__ import annotations

from symcollapse.algebra.descent import Descent
from symcollapse.doc.model import Derivation, Text
from symcollapse.doc.prose import Code
from symcollapse.render.arguments import document_arguments
from symcollapse.render.lines import layout
from symcollapse.render.notation import Notation
from symcollapse.render.plain import NetworkStrPrinter


def _prose(parts: Text, printer: NetworkStrPrinter) -> str:
    return "".join(
        p if isinstance(p, str) else p.text if isinstance(p, Code) else printer.doprint(p)
        for p in parts
    )


def render_text(derivation: Derivation, notation: Notation | None = None) -> str:
    """One line per step (long sums continue on indented lines), reasons in brackets."""
    notation = document_arguments(derivation, notation)
    printer = NetworkStrPrinter(derivation.symbols, notation, derivation.roles)
    width = notation.line_width
    title = _prose(derivation.title, printer)
    out = [title, "=" * len(title)]
    for section in derivation.sections:
        heading = _prose(section.title, printer)
        out += ["", heading, "-" * len(heading), _prose(section.intro, printer), ""]
        for step in section.steps:
            laid = layout(step, printer, width)
            head = f"{laid.lhs} {laid.relation} " if laid.lhs else f"{' ' * 4}{laid.relation} "
            reason = f"    [{_prose(laid.reason, printer)}]" if laid.reason else ""
            out.append(head + laid.lines[0] + (reason if len(laid.lines) == 1 else ""))
            out += [" " * len(head) + line for line in laid.lines[1:]]
            if len(laid.lines) > 1 and reason:
                out[-1] += reason
    return "\n".join(out) + "\n"


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
