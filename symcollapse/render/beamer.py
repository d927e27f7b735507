"""Slides: a beamer document with a frame per stage whose steps are revealed one at a time.

A lecture shows a derivation the way a teacher writes it on the board: the stage's sentence,
then one step after another. Each section becomes one frame, or several ``(continued)`` frames
when its displays are taller than a slide; inside a frame, step ``i`` is uncovered on overlay
``i`` (``\\uncover<i->`` around each cell of its rows: ``\\pause`` does not work inside amsmath's
``align*``, which typesets its body twice). Lines are broken for the frame's text width.
"""

from __future__ import annotations

import re

from symcollapse.doc.model import Derivation, Section
from symcollapse.render.arguments import document_arguments
from symcollapse.render.latex import step_rows, text
from symcollapse.render.lines import StepLines, fitted, layout
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter

#: The frame's text width in letters of ``Notation.line_width`` (0.43 em): beamer's 128 mm
#: frame less its 1 cm margins is 108 mm, 27.8 em of its 11 pt font; 58 leaves room for a
#: relation sign and a continuation indent.
FRAME_LINE_WIDTH = 58

#: Display lines that fit below a frame title (a matrix counts one per row), and how many
#: letters of prose make a line of the frame's intro.
FRAME_LINES, PROSE_LETTERS = 12, 75

PREAMBLE = r"""\documentclass[11pt]{beamer}
\usefonttheme[onlymath]{serif}
\setbeamertemplate{navigation symbols}{}
\usepackage{amsmath}
\setcounter{MaxMatrixCols}{%(columns)d}
\title{%(title)s}
\author{symcollapse}
\date{}
\begin{document}
\begin{frame}
\titlepage
\end{frame}
"""


def _height(laid: StepLines) -> int:
    """Display lines a laid-out step takes: a matrix as many as its rows, a sum with limits
    or a fraction two, a reason one more."""
    tall = (r"\sum_", r"\frac")
    lines = sum(
        1 + line.count(r"\\") + (1 if any(t in line for t in tall) else 0) for line in laid.lines
    )
    return lines + (1 if laid.reason else 0)


def _frames(section: Section, printer: NetworkLatexPrinter) -> list[list[StepLines]]:
    """The section's steps laid out and grouped into frames of at most :data:`FRAME_LINES`."""
    width = printer.notation.line_width
    laid = [layout(step, printer, width) for step in fitted(section.steps, printer, width)]
    letters = sum(len(p) if isinstance(p, str) else 4 for p in section.intro)
    intro = -(-letters // PROSE_LETTERS)
    frames: list[list[StepLines]] = [[]]
    room = FRAME_LINES - min(intro, FRAME_LINES // 2)
    for step in laid:
        if frames[-1] and _height(step) > room:
            frames.append([])
            room = FRAME_LINES
        frames[-1].append(step)
        room -= _height(step)
    return frames


def _uncovered(row: str, overlay: int) -> str:
    """A row of ``align*`` whose cells appear from ``overlay`` on (the alignment stays)."""
    body, tag, reason = row.partition(r" \tag*{")
    cells = _cells(body)
    shown = "&".join(rf"\uncover<{overlay}->{{{cell}}}" if cell.strip() else cell for cell in cells)
    if tag:
        shown += rf" \tag*{{\uncover<{overlay}->{{{reason.removesuffix('}')}}}}}"
    return shown


def _cells(row: str) -> list[str]:
    """The row's cells: split at the alignment's own ``&``, not at those of a matrix inside a
    cell (between ``\\begin`` and ``\\end``) nor inside braces; ``\\&`` is a character."""
    cells, braces, environments, start = [], 0, 0, 0
    for match in re.finditer(r"\\(?:begin|end)(?=\{)|\\[{}&]|[{}&]", row):
        token = match.group()
        if token == r"\begin":
            environments += 1
        elif token == r"\end":
            environments -= 1
        elif token in "{}":
            braces += 1 if token == "{" else -1
        elif token == "&" and braces == environments == 0:
            cells.append(row[start : match.start()])
            start = match.end()
    return [*cells, row[start:]]


def _frame(title: str, intro: str, steps: list[StepLines], printer: NetworkLatexPrinter) -> str:
    rows = [
        _uncovered(row, overlay)
        for overlay, step in enumerate(steps, start=1)
        for row in step_rows(step, text(step.reason, printer), "tag")
    ]
    body = " \\\\\n".join(rows)
    parts = [f"\\begin{{frame}}{{{title}}}", intro, f"\\begin{{align*}}\n{body}\n\\end{{align*}}"]
    return "\n".join([*(p for p in parts if p), "\\end{frame}"])


def render_beamer(derivation: Derivation, notation: Notation | None = None) -> str:
    """A complete beamer document (amsmath only) that compiles with pdflatex."""
    notation = document_arguments(derivation, notation)
    framed = notation.merged(line_width=min(notation.line_width, FRAME_LINE_WIDTH))
    printer = NetworkLatexPrinter(derivation.symbols, framed, derivation.roles, derivation.numbers)
    parts = [
        PREAMBLE
        % {"columns": max(10, derivation.matrix_columns), "title": text(derivation.title, printer)}
    ]
    for section in derivation.sections:
        title = text(section.title, printer)
        for index, steps in enumerate(_frames(section, printer)):
            heading = title if index == 0 else rf"{title} (continued)"
            intro = text(section.intro, printer) if index == 0 else ""
            parts.append(_frame(heading, intro, steps, printer))
    parts.append("\\end{document}\n")
    return "\n".join(parts)
