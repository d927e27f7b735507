"""Typst output: headings, prose and aligned equations, for papers written in Typst.

The mathematics is written from layout boxes (:mod:`symcollapse.render.boxes`): ``mat(delim:
"[", ...)``, ``sum_(k=1)^n``, ``frac(a, b)``, ``w^((1))_(1 2)``. ``render_typst`` has no ``set``
rules, so a paper can ``#include`` it; ``render_typst_document`` is a whole page that the typst
compiler (``pip install typst``) compiles. Long sums break before a top-level sign where the
line would be wider than ``Notation.line_width``; numbered steps are equations of their own,
each with a ``<label>`` (Typst numbers whole equations, not the lines of one).
Reasons are in one place throughout a document (:func:`reasons_beside`): a last column beside
the rows when every section's widest line leaves room for its widest reason, otherwise a row of
their own under each step (a box that wraps, when wider than the line), in every section.
"""

from __future__ import annotations

from symcollapse.doc.model import Derivation, Section, Step, Text
from symcollapse.doc.prose import Code, written
from symcollapse.render.arguments import document_arguments
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.latex import A4_WIDTH_CM, COLUMN_CM, MARGINS_CM
from symcollapse.render.lines import LETTER_EM
from symcollapse.render.mathtree import (
    MINUS,
    Box,
    Fenced,
    Frac,
    Ident,
    Num,
    Op,
    Row,
    Script,
    Words,
    lines,
    width,
)
from symcollapse.render.names import GREEK
from symcollapse.render.notation import Notation

#: Operators as Typst writes them in math.
OPERATORS = {
    "+": "+",
    MINUS: "-",
    "=": "=",
    "≔": ":=",
    "·": "dot",
    "⋯": "dots.c",
    "…": "dots",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
    "<": "<",
    ">": ">",
    "∑": "sum",
    "∂": "partial",
}

#: Characters Typst markup reads as markup (``--`` is a dash, ``//`` a comment, ``$`` math).
MARKUP = frozenset("\\#$*_`<>@[]~/\"'-+=")


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _ident(name: str) -> str:
    """A letter as itself, a Greek name as Typst's symbol, a word upright as an operator name."""
    if len(name) == 1 or name in GREEK:
        return name
    return f"op({_string(name)})"


def _script_base(box: Box, argument: bool) -> str:
    """The base of a script: an atom as it is, anything else grouped by ``attach``."""
    while isinstance(box, Row) and len(box.items) == 1:
        box = box.items[0]
    return typst(box, argument)


def typst(box: Box, argument: bool = False) -> str:
    """Typst math for ``box``; inside a function's arguments (``argument``) commas are escaped."""
    if isinstance(box, Ident):
        return _ident(box.name)
    if isinstance(box, Num):
        return box.text
    if isinstance(box, Op):
        if box.text == ",":
            return "\\," if argument else ","
        return OPERATORS.get(box.text, box.text)
    if isinstance(box, Words):
        return f"#raw({_string(box.text)})" if box.code else _string(box.text)
    if isinstance(box, Row):  # a function touches its parenthesis: f(x), as typesetters write
        space = "" if box.applied else " "
        return space.join(typst(item, argument) for item in box.items) or '""'
    if isinstance(box, Script):
        return _script(box, argument)
    if isinstance(box, Frac):
        return f"frac({typst(box.numerator, True)}, {typst(box.denominator, True)})"
    if isinstance(box, Fenced):
        return f"{box.open}{typst(box.body, argument)}{box.close}"
    rows = "; ".join(", ".join(typst(cell, True) for cell in row) for row in box.rows)
    return f"mat(delim: {_string(box.open)}, {rows})"


def _script(box: Script, argument: bool) -> str:
    base = box.base
    while isinstance(base, Row) and len(base.items) == 1:
        base = base.items[0]
    atom = isinstance(base, Ident | Num | Op | Fenced | Words)
    if not atom:
        parts = [typst(base, True)]
        parts += [] if box.sub is None else [f"b: {typst(box.sub, True)}"]
        parts += [] if box.sup is None else [f"t: {typst(box.sup, True)}"]
        return f"attach({', '.join(parts)})"
    out = typst(base, argument)
    if box.sub is not None:
        out += f"_({typst(box.sub, argument)})"
    if box.sup is not None:
        out += f"^({typst(box.sup, argument)})"
    return out


def escape_markup(text: str) -> str:
    """Prose as Typst markup: every character markup would read escaped."""
    return "".join("\\" + c if c in MARKUP else c for c in text)


def prose(parts: Text, printer: NetworkBoxPrinter) -> str:
    """Words escaped, code as ``raw``, mathematics as inline ``$...$``."""
    return written(
        parts,
        escape_markup,
        lambda code: f"#raw({_string(code)})",
        lambda math: f"${typst(printer.doprint(math))}$",
    )


def _reason(parts: Text, printer: NetworkBoxPrinter) -> str:
    """A reason inside an equation: prose in a content block, in parentheses."""
    return f"#[({prose(parts, printer)})]" if parts else ""


def _reason_width(parts: Text, printer: NetworkBoxPrinter) -> float:
    return sum(
        width(Words(p) if isinstance(p, str) else printer.doprint(p))
        for p in parts
        if not isinstance(p, Code)
    ) + width(Words("()"))


#: A step laid out for Typst: the step, its left side, and the lines of its right side.
TypstStep = tuple[Step, Box | None, list[Box]]


def _laid(section: Section, printer: NetworkBoxPrinter) -> list[TypstStep]:
    """Each step of ``section`` with its left side and its right side broken into lines."""
    room = printer.notation.line_width * LETTER_EM
    steps = []
    for step in section.steps:
        lhs = None if step.lhs is None else printer.doprint(step.lhs)
        head = 0.0 if lhs is None else width(lhs) + width(Op("="))
        steps.append((step, lhs, lines(printer.doprint(step.rhs), room - head)))
    return steps


def reasons_beside(sections: list[list[TypstStep]], printer: NetworkBoxPrinter) -> bool:
    """Whether the reasons of a whole document go beside its rows (a last column): when in
    every section the widest line and the widest reason fit in a line side by side. Otherwise
    every reason goes on a row of its own under its step's last line, in every section."""
    room = printer.notation.line_width * LETTER_EM
    for steps in sections:
        widest = max((width(line) for *_, parts in steps for line in parts), default=0.0)
        reasons = max((_reason_width(s.reason, printer) for s, *_ in steps), default=0.0)
        if widest + reasons + 2.0 > room:
            return False
    return True


def section_equations(
    steps: list[TypstStep], printer: NetworkBoxPrinter, number: int, beside: bool
) -> list[str]:
    """The steps of a section (as :func:`_laid` lays them out) as Typst equations: one aligned
    block, or (numbered) one labelled equation per step; each reason beside its step's last
    line (a last column) or, with ``beside`` False, on a row of its own under it."""
    notation = printer.notation
    room = notation.line_width * LETTER_EM
    rows, equations = [], []
    for index, (step, lhs, parts) in enumerate(steps, start=1):
        relation = ":=" if step.relation == ":=" else "="
        own = [f"{'' if lhs is None else typst(lhs)} &{relation} {typst(parts[0])}"]
        own += [f'&quad "" {typst(part)}' for part in parts[1:]]  # "" keeps + binary
        reason = _reason(step.reason, printer)
        if reason and beside:
            own[-1] += f" && quad {reason}"
        elif reason and _reason_width(step.reason, printer) > room - 2.0:  # wraps in a box
            boxed = f"align(left){reason.removeprefix('#')}"
            own.append(f"&quad #box(width: {room - 2.0:.1f}em, {boxed})")
        elif reason:
            own.append(f"&quad {reason}")
        if notation.numbered:
            label = f"<{notation.label_prefix}:{number}.{index}>"
            body = " \\\n  ".join(own)
            equations.append(f'#math.equation(block: true, numbering: "(1)", $ {body} $) {label}')
        rows += own
    if notation.numbered:
        return equations
    return ["$ " + " \\\n  ".join(rows) + " $"] if rows else []


def render_typst(derivation: Derivation, notation: Notation | None = None) -> str:
    """The derivation as Typst markup with no ``set`` rules, for ``#include`` in a paper."""
    notation = document_arguments(derivation, notation)
    printer = NetworkBoxPrinter(derivation.symbols, notation, derivation.roles, derivation.numbers)
    out = [f"== {prose(derivation.title, printer)}", ""]
    laid = [_laid(section, printer) for section in derivation.sections]
    beside = reasons_beside(laid, printer)
    for number, (section, steps) in enumerate(zip(derivation.sections, laid, strict=True), 1):
        out += [f"=== {prose(section.title, printer)}", "", prose(section.intro, printer), ""]
        out += section_equations(steps, printer, number, beside)
        out.append("")
    return "\n".join(out)


def render_typst_document(derivation: Derivation, notation: Notation | None = None) -> str:
    """A whole Typst document: A4 (wider when a matrix has many columns), 11 pt."""
    notation = document_arguments(derivation, notation)
    paper = max(A4_WIDTH_CM, MARGINS_CM + derivation.matrix_columns * COLUMN_CM)
    setup = [
        f"#set page(width: {paper:.1f}cm, height: 29.7cm, margin: 2cm)",
        "#set text(size: 11pt)",
        "",
    ]
    return "\n".join(setup) + render_typst(derivation, notation)
