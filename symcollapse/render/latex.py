"""LaTeX output: an ``align*`` fragment for ``\\input`` and a standalone document for pdflatex."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import sympy as sp

from symcollapse.derivations.proof import ProofDerivation
from symcollapse.doc.model import Derivation, Section, Step, Text
from symcollapse.doc.prose import written
from symcollapse.render.arguments import document_arguments
from symcollapse.render.lines import LETTER_EM, StepLines, fitted, layout, visible_width
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter

#: Characters that are special in LaTeX text mode and how to write them literally.
TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "\u2013": "--",  # the en dash of width chains (chain() in derivations.steps)
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",  # in the default OT1 encoding a bare < or > prints as an inverted ! or ?
    ">": r"\textgreater{}",
}

#: Page width: A4, or wider when a matrix has so many columns (about COLUMN_CM each) that it
#: would stick out of an A4 page; a derivation is read on screen at that size.
A4_WIDTH_CM = 21.0
MARGINS_CM = 4.0
COLUMN_CM = 1.35

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[paperwidth=%(paper)scm,paperheight=29.7cm,margin=2cm]{geometry}
\usepackage{amsmath%(packages)s}
%(theorems)s\setcounter{MaxMatrixCols}{%(columns)d}
\title{%(title)s}
\author{symcollapse}
\date{}
\begin{document}
\maketitle
"""


def escape_code(text: str) -> str:
    """Escape code for ``\\texttt``, where the typewriter font has ``<``, ``>`` of its own."""
    return "".join(c if c in "<>" else TEXT_ESCAPES.get(c, c) for c in text)


def escape_text(text: str) -> str:
    """Escape LaTeX-special characters in prose."""
    return "".join(TEXT_ESCAPES.get(c, c) for c in text)


def _printer(derivation: Derivation, notation: Notation) -> NetworkLatexPrinter:
    return NetworkLatexPrinter(derivation.symbols, notation, derivation.roles, derivation.numbers)


def text(parts: Text, printer: NetworkLatexPrinter) -> str:
    """Prose with inline mathematics: words escaped, code in ``\\texttt``, mathematics in
    ``$...$``."""
    return written(
        parts,
        escape_text,
        lambda code: rf"\texttt{{{escape_code(code)}}}",
        lambda math: f"${printer.doprint(math)}$",
    )


def math_text(parts: Text, printer: NetworkLatexPrinter) -> str:
    """Prose inside a display: words in ``\\text{}``, sympy objects as mathematics."""
    return written(
        parts,
        lambda words: rf"\text{{{escape_text(words)}}}",
        lambda code: rf"\texttt{{{escape_code(code)}}}",
        printer.doprint,
    )


#: Where a step's reason goes: ``\\tag*{}`` (unnumbered ``align*``; LaTeX moves it below a line
#: that leaves no room), a last column, or a row of its own under the step.
ReasonStyle = Literal["tag", "column", "row"]

#: Room an equation number ``(25)`` takes with the space before it, and the least space
#: between the equations and a column of reasons, in letters of ``line_width``.
NUMBER_WIDTH, COLUMN_SEPARATION = 8.0, 3.0
INDENT = r"\quad "
#: Indents the later lines of a reason broken over rows, under its first word.
PHANTOM_PARENTHESIS = r"\phantom{(}"


def step_rows(laid: StepLines, reason: str | list[str], style: ReasonStyle) -> list[str]:
    """Rows of an ``align``/``aligned`` block for one laid-out step.

    ``reason`` is prose with ``$...$`` for ``tag`` and math-mode LaTeX otherwise; for ``row``
    a list of lines, set in parentheses over as many rows, or one row's LaTeX as is (a reason
    boxed by :func:`boxed_reason`).
    """
    relation = r"\mathrel{:=}" if laid.relation == ":=" else "="
    rows = [f"{laid.lhs or ''} &{relation} {laid.lines[0]}"]
    rows += [rf"&\quad {line}" for line in laid.lines[1:]]
    if reason and style == "tag":
        rows[-1] += rf" \tag*{{({reason})}}"
    elif reason and style == "column":
        rows[-1] += rf" && ({reason})"  # plain: \left( would grow with a superscript
    elif isinstance(reason, str) and reason:
        rows.append(rf"&\qquad {reason}")
    elif len(reason) == 1:
        rows.append(rf"&\qquad ({reason[0]})")
    elif reason:
        last = len(reason) - 1
        opening = ["(", *[PHANTOM_PARENTHESIS] * last]
        rows += [
            rf"&\qquad {opening[k]}{line}{')' if k == last else ''}"
            for k, line in enumerate(reason)
        ]
    return rows


def boxed_reason(reason: Text, printer: NetworkLatexPrinter, room: float) -> str:
    """A reason of words too long for one line, in parentheses in one ``\\parbox`` ``room``
    letters wide, its later lines under its first word: one box, which no page or column break
    splits, and whose words read on as one phrase. (A reason with mathematics is set in rows,
    kept together: the rows of a derivation read back carry its ranges and cases.)"""
    width = room * LETTER_EM
    hanging = r"\hangindent=0.39em \hangafter=1 "  # the width of "("
    return (
        rf"\text{{\parbox[t]{{{width:.1f}em}}{{\raggedright {hanging}({text(reason, printer)})}}}}"
    )


def reason_lines(reason: Text, printer: NetworkLatexPrinter, room: float) -> list[str]:
    """A reason as math-mode lines no wider than ``room`` letters where words allow: broken
    between words, never inside a formula; no lines for no reason."""
    words: list[str | sp.Basic] = []
    for part in reason:
        words += re.findall(r"\S+\s*|\s+", part) if isinstance(part, str) else [part]
    lines: list[list[str | sp.Basic]] = []
    for word in words:
        if lines and visible_width(math_text((*lines[-1], word), printer)) <= room:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [math_text(_joined(line), printer) for line in lines]


def _joined(words: list[str | sp.Basic]) -> Text:
    """Consecutive words as one string, so each run of words is one ``\\text{}``; without the
    space that ended the line (the reason reads on with one space, not two)."""
    out: list[str | sp.Basic] = []
    for word in words:
        if isinstance(word, str) and out and isinstance(out[-1], str):
            out[-1] += word
        else:
            out.append(word)
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return tuple(out)


#: The most a row's printed width can differ from its left side's plus its line's, measured
#: apart: the spacing of a sign or relation where the two meet (2 em at most), in letters.
JOIN_SLACK = 5.0


def _wider_than(laid: list[StepLines], limit: float) -> bool:
    """Whether a row of laid-out steps prints wider than ``limit`` letters. The layout measured
    every line; a row is measured whole only when its left side plus its line comes within
    :data:`JOIN_SLACK` of ``limit`` (measuring every row of a long sum again cost seconds)."""
    near = []
    for step in laid:
        for k, (line, width) in enumerate(zip(step.lines, step.widths, strict=True)):
            prefix = f"{step.lhs or ''} = {INDENT if k else ''}"
            estimate = _prefix_width(prefix) + width
            if estimate > limit + JOIN_SLACK:
                return True
            if estimate >= limit - JOIN_SLACK:
                near.append(prefix + line)
    return any(visible_width(row) > limit for row in near)


@lru_cache(maxsize=4096)
def _prefix_width(prefix: str) -> float:
    return visible_width(prefix)


#: A section laid out: its lines per step, its steps as fitted, the width they were fitted to.
Laid = tuple[list[StepLines], list[Step], float]


def _laid(section: Section, printer: NetworkLatexPrinter, environment: str, every: bool) -> Laid:
    """A section's steps laid out for ``environment``, the steps as fitted, and the width they
    were fitted to: in a numbered ``align``, a step that carries a number (every step, or with
    ``every`` False the key equations) keeps room for it on its last line; the others, whose
    rows are ``\\notag``, have the whole line."""
    whole = printer.notation.line_width
    width = whole - (NUMBER_WIDTH if environment == "align" else 0.0)
    steps = fitted(section.steps, printer, width)
    laid = [layout(step, printer, width if every or step.key else whole) for step in steps]
    return laid, steps, width


def reason_style(
    sections: list[Laid], printer: NetworkLatexPrinter, environment: str
) -> ReasonStyle:
    """Where the reasons of a whole document (its sections laid out) go, so that they are in
    one place throughout: ``tag`` in ``align*``; else a column right of the widest line when
    every section's reasons fit there beside its equations and numbers, and otherwise rows of
    their own everywhere."""
    if environment == "align*":
        return "tag"
    for laid, _, width in sections:
        reasons = [math_text(step.reason, printer) for step in laid]
        reason = max((visible_width(rf"\left({r}\right)") for r in reasons if r), default=0.0)
        if _wider_than(laid, width - COLUMN_SEPARATION - reason):
            return "row"
    return "column"


def display_rows(
    laid_out: Laid,
    printer: NetworkLatexPrinter,
    environment: str,
    number: int,
    every: bool,
    style: ReasonStyle,
) -> list[str]:
    """The rows of one section's display in ``environment`` (``align*``, ``align``, ``aligned``),
    from the section as :func:`_laid` lays it out.

    Reasons go as ``style`` says (:func:`reason_style`, chosen once for a whole document). A
    numbered ``align`` keeps each number on its equation's last line. In ``align``/``align*``
    a page or column may break after any row of an equation (``\\displaybreak[0]``: a step may
    be taller than a column) but never between an equation and its reason, nor inside a reason;
    numbered steps carry ``\\label{<label_prefix>:<number>.<step>}``: every step, or with
    ``every`` False only the key equations (:attr:`Step.key`).
    """
    notation = printer.notation
    laid, steps, width = laid_out
    lhs = max((visible_width(step.lhs or "") for step in laid), default=0.0)
    room = max(notation.line_width - lhs - visible_width(r"= \qquad ()"), width / 2)
    rows: list[str] = []
    kept: set[int] = set()  # rows that must stay on the page of the row after them
    for index, step in enumerate(laid, start=1):
        reason: str | list[str] = ""
        if style == "tag":
            reason = text(step.reason, printer)
        elif style == "row":
            reason = reason_lines(step.reason, printer, room)
            words = all(isinstance(part, str) for part in step.reason)
            if environment == "align" and words and len(reason) > 1:  # not in MathJax's aligned
                reason = boxed_reason(step.reason, printer, room)
        else:
            reason = math_text(step.reason, printer)
        step_lines = step_rows(step, reason, style)
        if environment == "align":  # one number per step, on the equation's last line
            last = len(step.lines) - 1 if every or steps[index - 1].key else -1
            label = rf" \label{{{notation.label_prefix}:{number}.{index}}}"
            step_lines = [
                row + (label if k == last else r" \notag") for k, row in enumerate(step_lines)
            ]
        kept.update(range(len(rows) + len(step.lines) - 1, len(rows) + len(step_lines) - 1))
        rows += step_lines
    if environment in ("align", "align*"):  # as \allowdisplaybreaks does, outside reasons
        rows = [
            row if k in kept else row + r" \displaybreak[0]" for k, row in enumerate(rows[:-1])
        ] + rows[-1:]
    return rows


def _block(
    laid_out: Laid,
    printer: NetworkLatexPrinter,
    environment: str,
    number: int,
    every: bool,
    style: ReasonStyle,
) -> str:
    rows = display_rows(laid_out, printer, environment, number, every, style)
    body = " \\\\\n".join(rows)
    return f"\\begin{{{environment}}}\n{body}\n\\end{{{environment}}}"


def section_blocks(
    sections: tuple[Section, ...],
    printer: NetworkLatexPrinter,
    environment: str,
    every: bool = True,
) -> list[str]:
    """One display block per section, the reasons in one place for all of them (as
    :func:`reason_style` says for the whole document): what a reader sees beside the rows in
    one section is beside them in every other."""
    laid = [_laid(section, printer, environment, every) for section in sections]
    style = reason_style(laid, printer, environment)
    return [
        _block(one, printer, environment, number, every, style)
        for number, one in enumerate(laid, start=1)
    ]


def numbers_every_row(derivation: Derivation, notation: Notation) -> bool:
    """``--numbered all``, or a document that marks no key equations: every row gets a number;
    else only the key equations (the collapse, ``W_z``, ``b_z``, the scalar form)."""
    marked = any(step.key for section in derivation.sections for step in section.steps)
    return notation.numbered == "all" or not marked


def _display(notation: Notation) -> str:
    """The display environment for a document: numbered ``align`` or unnumbered ``align*``."""
    return "align" if notation.numbered else "align*"


def render_fragment(
    derivation: Derivation, notation: Notation | None = None, environment: str | None = None
) -> str:
    """All steps as consecutive display blocks (needs amsmath), ready for ``\\input``.

    ``environment`` defaults to ``align`` or ``align*`` as ``notation.numbered`` says.
    """
    notation = document_arguments(derivation, notation)
    printer = _printer(derivation, notation)
    chosen = environment or _display(notation)
    every = numbers_every_row(derivation, notation)
    blocks = section_blocks(derivation.sections, printer, chosen, every)
    columns = derivation.matrix_columns
    if columns > 10:  # amsmath's default; raised, never lowered, in the author's document
        raise_limit = (
            rf"\ifnum\value{{MaxMatrixCols}}<{columns} \setcounter{{MaxMatrixCols}}{{{columns}}}\fi"
        )
        blocks.insert(0, raise_limit)
    return "\n".join(blocks)


def render_display(derivation: Derivation, notation: Notation | None = None) -> str:
    """One ``$$...$$`` display per section, for notebooks (Jupyter's ``_repr_latex_``).

    Separate displays, because two ``aligned`` blocks in one display sit side by side.
    """
    printer = _printer(derivation, document_arguments(derivation, notation))
    blocks = section_blocks(derivation.sections, printer, "aligned")
    return "\n".join(f"$${block}$$" for block in blocks)


#: The amsthm environments of a standalone proof (:class:`ProofDerivation`), and the stretch
#: its prose needs around Coq names (``\\texttt`` words never hyphenate).
THEOREMS = "\\newtheorem{theorem}{Theorem}\n\\newtheorem{lemma}{Lemma}\n\\emergencystretch=1.5em\n"


def _lemma_title(title: str) -> str:
    """``Lemma: closed forms`` -> ``closed forms``, the optional argument of ``lemma``."""
    return title.split(": ", 1)[1] if ": " in title else title


def _proof_body(
    derivation: ProofDerivation, printer: NetworkLatexPrinter, sections: list[str]
) -> list[str]:
    """A proof's sections (each already set as heading, intro and display) in amsthm's
    environments: the theorem stated before the first ``proof`` section, consecutive ``proof``
    sections in one ``proof`` (their titles as run-in headings), a ``lemma`` in its own, and
    the ``proof`` after it."""
    parts: list[str] = []
    kinds = derivation.kinds
    stated = False
    for index, (kind, section) in enumerate(zip(kinds, derivation.sections, strict=True)):
        title = text(section.title, printer)
        body = sections[index]
        previous = kinds[index - 1] if index else None
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if kind == "section":
            parts.append(f"\\section*{{{title}}}\n{body}")
            continue
        if kind == "lemma":
            parts.append(f"\\begin{{lemma}}[{_lemma_title(title)}]\n{body}\n\\end{{lemma}}")
            continue
        if previous != "proof":
            if not stated:
                theorem = text(derivation.theorem, printer)
                parts.append(f"\\begin{{theorem}}\n{theorem}\n\\end{{theorem}}")
                stated = True
            parts.append("\\begin{proof}")
        # a lemma's proof is headed "Proof." by amsthm alone
        parts.append(body if previous == "lemma" else f"\\emph{{{title}.}} {body}")
        if following != "proof":
            parts.append("\\end{proof}")
    return parts


def render_document(derivation: Derivation, notation: Notation | None = None) -> str:
    """A complete article that compiles with pdflatex (amsmath and geometry only; a proof in
    amsthm's ``theorem``, ``lemma`` and ``proof``)."""
    printer = _printer(derivation, document_arguments(derivation, notation))
    every = numbers_every_row(derivation, printer.notation)
    chosen = _display(printer.notation)
    blocks = section_blocks(derivation.sections, printer, chosen, every)
    columns = derivation.matrix_columns
    proof = isinstance(derivation, ProofDerivation)
    parts = [
        PREAMBLE
        % {
            "columns": max(10, columns),
            "paper": f"{max(A4_WIDTH_CM, MARGINS_CM + columns * COLUMN_CM):.1f}",
            "title": text(derivation.title, printer),
            "packages": ",amsthm" if proof else "",
            "theorems": THEOREMS if proof else "",
        }
    ]
    sections = [
        text(section.intro, printer) + "\n" + block
        for section, block in zip(derivation.sections, blocks, strict=True)
    ]
    if isinstance(derivation, ProofDerivation):
        parts += _proof_body(derivation, printer, sections)
    else:
        for section, body in zip(derivation.sections, sections, strict=True):
            parts.append(f"\\section*{{{text(section.title, printer)}}}\n{body}\n")
    parts.append("\\end{document}\n")
    return "\n".join(parts)
