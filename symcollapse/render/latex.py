"""LaTeX output: an ``align*`` fragment for ``\\input`` and a standalone document for pdflatex."""

from __future__ import annotations

from symcollapse.derivation import Derivation, Section, Text
from symcollapse.notation import Notation
from symcollapse.render.lines import StepLines, layout
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
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",  # in the default OT1 encoding a bare < or > prints as an inverted ! or ?
    ">": r"\textgreater{}",
}

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{amsmath}
\setcounter{MaxMatrixCols}{%(columns)d}
\allowdisplaybreaks
\title{%(title)s}
\author{symcollapse}
\date{}
\begin{document}
\maketitle
"""


def escape_text(text: str) -> str:
    """Escape LaTeX-special characters in prose."""
    return "".join(TEXT_ESCAPES.get(c, c) for c in text)


def _printer(derivation: Derivation, notation: Notation) -> NetworkLatexPrinter:
    return NetworkLatexPrinter(derivation.symbols, notation)


def text(parts: Text, printer: NetworkLatexPrinter) -> str:
    """Prose with inline mathematics: words escaped, sympy objects in ``$...$``."""
    return "".join(
        escape_text(p) if isinstance(p, str) else f"${printer.doprint(p)}$" for p in parts
    )


def math_text(parts: Text, printer: NetworkLatexPrinter) -> str:
    """Prose inside a display: words in ``\\text{}``, sympy objects as mathematics."""
    return "".join(
        rf"\text{{{escape_text(p)}}}" if isinstance(p, str) else printer.doprint(p) for p in parts
    )


def step_rows(laid: StepLines, reason: str) -> list[str]:
    """Rows of an ``align``/``aligned`` block for one laid-out step, ``reason`` in a last column."""
    relation = r"\mathrel{:=}" if laid.relation == ":=" else "="
    lhs = laid.lhs or ""
    rows = [f"{lhs} &{relation} {laid.lines[0]}"]
    rows += [rf"&\quad {line}" for line in laid.lines[1:]]
    if reason:
        rows[-1] += rf" && \left({reason}\right)"
    return rows


def _block(section: Section, printer: NetworkLatexPrinter, environment: str) -> str:
    width = printer.notation.line_width
    rows: list[str] = []
    for step in section.steps:
        laid = layout(step, printer, width)
        rows += step_rows(laid, math_text(laid.reason, printer))
    body = " \\\\\n".join(rows)
    return f"\\begin{{{environment}}}\n{body}\n\\end{{{environment}}}"


def render_fragment(
    derivation: Derivation, notation: Notation | None = None, environment: str = "align*"
) -> str:
    """All steps as consecutive display blocks (needs amsmath), ready for ``\\input``."""
    printer = _printer(derivation, notation or Notation())
    return "\n".join(_block(s, printer, environment) for s in derivation.sections)


def render_document(derivation: Derivation, notation: Notation | None = None) -> str:
    """A complete article that compiles with pdflatex (amsmath and geometry only)."""
    printer = _printer(derivation, notation or Notation())
    columns = max(10, derivation.matrix_columns)
    parts = [PREAMBLE % {"columns": columns, "title": escape_text(derivation.title)}]
    for section in derivation.sections:
        parts.append(f"\\section*{{{escape_text(section.title)}}}")
        parts.append(text(section.intro, printer))
        parts.append(_block(section, printer, "align*"))
        parts.append("")
    parts.append("\\end{document}\n")
    return "\n".join(parts)
