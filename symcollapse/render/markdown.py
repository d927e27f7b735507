"""Markdown with MathJax displays (``$$\\begin{aligned}...\\end{aligned}$$``) for Q&A answers.

Only constructs MathJax knows out of the box: ``aligned``, ``bmatrix``/``pmatrix``, ``\\text``.
Reasons are in one place throughout a document (:func:`symcollapse.render.latex.reason_style`):
a last column beside the rows when every section's widest row leaves room for its widest
reason, otherwise a row of their own under each step, in every section.
How mathematics is marked up is one :class:`MathMarkup`, so GitHub's flavour
(:mod:`symcollapse.render.github`) shares everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from symcollapse.doc.model import Derivation, Text
from symcollapse.doc.prose import written
from symcollapse.render.arguments import document_arguments
from symcollapse.render.latex import section_blocks
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter

#: Characters Markdown (or MathJax, for ``$``) would read as markup in prose.
MARKDOWN_ESCAPES = {c: "\\" + c for c in "\\`*_[]<>#|$"}


@dataclass(frozen=True)
class MathMarkup:
    """How inline mathematics and a display (its lines, without delimiters) are marked up."""

    inline: Callable[[str], str]
    display: Callable[[list[str]], list[str]]


#: ``$...$`` inline and ``$$`` displays: MathJax on Stack Exchange and in Jupyter.
DOLLARS = MathMarkup(inline=lambda math: f"${math}$", display=lambda lines: ["$$", *lines, "$$"])


def _escape(text: str) -> str:
    return "".join(MARKDOWN_ESCAPES.get(c, c) for c in text)


def prose(parts: Text, printer: NetworkLatexPrinter, markup: MathMarkup) -> str:
    """Words escaped, code in backticks, mathematics marked up as ``markup`` says."""
    return written(
        parts, _escape, lambda code: f"`{code}`", lambda math: markup.inline(printer.doprint(math))
    )


def render_math_markdown(
    derivation: Derivation, notation: Notation | None, markup: MathMarkup
) -> str:
    """The derivation as Markdown with mathematics marked up as ``markup`` says."""
    notation = document_arguments(derivation, notation)
    printer = NetworkLatexPrinter(
        derivation.symbols, notation, derivation.roles, derivation.numbers
    )
    out = [f"## {prose(derivation.title, printer, markup)}", ""]
    blocks = section_blocks(derivation.sections, printer, "aligned")
    for section, block in zip(derivation.sections, blocks, strict=True):
        out += [f"### {prose(section.title, printer, markup)}", ""]
        out += [prose(section.intro, printer, markup), ""]
        out += markup.display([block])
        out.append("")
    return "\n".join(out)


def render_markdown(derivation: Derivation, notation: Notation | None = None) -> str:
    """The derivation as Markdown: a heading per section, prose, and one display per section."""
    return render_math_markdown(derivation, notation, DOLLARS)
