"""The option groups commands share: ceilings, notation, numbers, document formats, diagrams.

Each function adds one group to a command's parser, declared once here and called by the commands'
declarations (:mod:`symcollapse.cli.arguments`); nothing heavy is imported (no sympy, numpy).
"""

from __future__ import annotations

import argparse
from typing import Literal, get_args

from symcollapse.cli.types import (
    Parser,
    directory,
    index_base,
    positive,
    seed,
)
from symcollapse.render.notation import DELIMITERS, ENTRY_STYLES, Notation
from symcollapse.spec.convention import CONVENTIONS, DEFAULT_CONVENTION
from symcollapse.spec.detail import DEFAULT_DETAIL, DETAILS
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH, DEFAULT_MAX_TERMS

#: A ``--format`` of every document, JSON aside (it needs a concrete collapse: not ``prove``,
#: ``regress``).
DocumentFormat = Literal["beamer", "github", "html", "latex", "markdown", "text", "typst"]
#: A ``--format`` of ``derive``: every document format and JSON.
Format = Literal[DocumentFormat, "json"]

#: ``--format`` choices of ``derive`` and of the documents without JSON, in alphabetical order.
DERIVE_FORMATS: tuple[Format, ...] = tuple(sorted(get_args(Format)))
DOCUMENT_FORMATS: tuple[DocumentFormat, ...] = get_args(DocumentFormat)

#: The entry of W_z whose paths ``--diagram`` highlights, unless ``--diagram-entry`` says.
DEFAULT_ENTRY = "1,1"


def limit_option(parser: Parser, flag: str, default: int, what: str) -> None:
    """One positive-integer ceiling such as ``--max-terms``."""
    parser.add_argument(flag, type=positive, default=default, help=f"{what} (default: {default:,})")


def expansion_option(parser: Parser) -> None:
    """``--max-terms`` of the symbolic expansions (derive, regress, gradients, example)."""
    limit_option(
        parser, "--max-terms", DEFAULT_MAX_TERMS, "refuse expansions with more monomials than this"
    )


def depth_option(parser: Parser) -> None:
    """``--max-depth`` of the derivations."""
    limit_option(
        parser, "--max-depth", DEFAULT_MAX_DEPTH, "refuse derivations of more layers than this"
    )


#: ``--two-column``: the line width, in letters, that fits a 10pt ``twocolumn`` article column.
TWO_COLUMN_LINE_WIDTH = 50


def typeset_options(parser: Parser) -> None:
    """Notation options for LaTeX and Markdown; unset ones keep the Notation defaults."""
    group = parser.add_argument_group("notation (LaTeX and Markdown output)")
    group.add_argument(
        "--delimiter", choices=DELIMITERS, help=f"matrix brackets (default: {Notation.delimiter})"
    )
    group.add_argument(
        "--entry-style",
        choices=sorted(ENTRY_STYLES),
        help="weight entries: "
        + ", ".join(f"{k} {v}" for k, v in ENTRY_STYLES.items())
        + f" (default: {Notation.entry_style})",
    )
    group.add_argument(
        "--index-base",
        type=index_base,
        choices=(0, 1),
        help=f"first entry index (default: {Notation.index_base})",
    )
    group.add_argument(
        "--names",
        metavar="ROLE=NAME,...",
        help="rename any symbol's role, e.g. x=y,W=M,W_z=M_eff,Theta=B (letters or Greek names, "
        "spelled or in Unicode; default: x, W, b, W_z, b_z, ...)",
    )
    group.add_argument(
        "--numbered",
        nargs="?",
        const=True,
        type=_numbered,
        metavar="all",
        help="number the key equations (the collapse, W_z, b_z, the scalar form); --numbered all: "
        "every row (LaTeX only; default: unnumbered)",
    )
    widths = group.add_mutually_exclusive_group()
    widths.add_argument(
        "--line-width",
        type=positive,
        help=f"break lines wider than this many letters (default: {Notation.line_width}, a "
        "10pt article)",
    )
    widths.add_argument(
        "--two-column",
        action="store_true",
        help=f"fit a column of a twocolumn article (--line-width {TWO_COLUMN_LINE_WIDTH})",
    )
    group.add_argument(
        "--label-prefix",
        help="numbered equations get \\label{PREFIX:section.step} "
        f"(default: {Notation.label_prefix})",
    )
    group.add_argument(
        "--digits",
        type=positive,
        help="show numbers that are not exact decimals rounded to this many significant digits "
        "(default: exact)",
    )


def _numbered(text: str) -> str:
    """The one word ``--numbered`` takes."""
    if text != "all":
        raise argparse.ArgumentTypeError(f"takes 'all' or nothing, got {text!r}")
    return text


def detail_option(parser: Parser) -> None:
    """``--detail brief|standard|full``: how much the derivation says."""
    parser.add_argument(
        "--detail",
        choices=DETAILS,
        default=DEFAULT_DETAIL,
        help="brief: what a textbook prints (hidden units, the collapse, W_z and b_z, an entry in "
        "sum form, the scalar form); standard: also every entry written out and the check; "
        f"full: every step and matrix (default: {DEFAULT_DETAIL})",
    )


def convention_option(parser: Parser) -> None:
    """``--convention column|row``: how the document writes vectors."""
    parser.add_argument(
        "--convention",
        choices=CONVENTIONS,
        default=DEFAULT_CONVENTION,
        help="column: h = W h + b, so W_z = W_n ... W_1 (default); row: h = h W + b with W_k "
        "of d_(k-1) rows and d_k columns, as nn.Linear and many ML papers write it, so "
        "W_z = W_1 ... W_n",
    )


def numbers_options(parser: Parser, unset: str) -> None:
    """``--values``, ``--values-label``, ``--seed``; ``unset``: what no ``--values`` means."""
    parser.add_argument(
        "--values",
        metavar="random|FILE",
        help='exact numbers: "random" (with --seed) or a JSON file {"weights": [...], '
        f'"biases": [...]}} (default: {unset})',
    )
    parser.add_argument(
        "--values-label",
        metavar="TEXT",
        help="with --values FILE: where the numbers came from, as the document should say "
        '(default: "given values"; the file name stays out of the document)',
    )
    parser.add_argument(
        "--seed", type=seed, help="seed for random numbers and samples (default: 0)"
    )


def document_options(
    parser: Parser, formats: tuple[str, ...], default: Format | None, pdf: bool = True
) -> None:
    """``--format``, ``--standalone``, ``--out`` and (optionally) ``--pdf``/``--png``."""
    parser.add_argument(
        "--format",
        choices=formats,
        default=default,
        help="markdown: $ and $$ for MathJax (Stack Exchange, Jupyter); github: ```math fences "
        "and $`...`$ for GitHub"
        + ("" if default else " (default: text on a terminal, latex with --standalone)"),
    )
    parser.add_argument(
        "--standalone",
        action="store_true",
        help="a complete document (with --format latex or typst)",
    )
    parser.add_argument(
        "--out", type=directory, help="write files under this directory (default: standard output)"
    )
    if pdf:
        parser.add_argument("--pdf", action="store_true", help="compile with pdflatex")
        parser.add_argument("--png", action="store_true", help="with --pdf: a PNG of page 1")


def widths_argument(parser: Parser) -> None:
    """The positional widths ``d_0 d_1 ... d_n``."""
    parser.add_argument("widths", nargs="+", metavar="D", help="widths d_0 d_1 ... d_n")


def diagram_options(parser: Parser) -> None:
    """``--diagram`` and ``--diagram-entry``: the picture of the paths behind one W_z entry."""
    group = parser.add_argument_group("diagram of the paths")
    group.add_argument(
        "--diagram",
        action="store_true",
        help="also write a TikZ (.tex) and an SVG picture of the network, with the paths "
        "behind one entry of W_z highlighted",
    )
    group.add_argument(
        "--diagram-entry",
        metavar="I,J",
        default=DEFAULT_ENTRY,
        help="the entry of W_z whose paths are highlighted (1-based), or b_z:I for entry I of b_z",
    )
    group.add_argument(
        "--diagram-png",
        action="store_true",
        help="with --diagram: also a PNG of the picture (pdflatex with TikZ, and pdftoppm)",
    )
    group.add_argument(
        "--diagram-labels",
        action="store_true",
        help="with --diagram: label every edge with its weight (by default only when no layer "
        "is wider than 3: more labels crowd into unreadable type)",
    )
    group.add_argument(
        "--diagram-caption",
        action="store_true",
        help="with --diagram: a sentence under the TikZ picture saying what is highlighted "
        "(off: a paper's figure has its own \\caption)",
    )
