"""``symcollapse check``'s arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from symcollapse.cli.types import Parser, positive

#: The most significant digits a document's numbers are shown to (``--digits`` of the
#: commands that write them takes the same range).
MAX_DIGITS = 50


def digits(text: str) -> int:
    """``--digits``: an integer from 1 to :data:`MAX_DIGITS`."""
    value = positive(text)
    if value > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_DIGITS} digits, got {value}")
    return value


def add_arguments(parser: Parser) -> None:
    parser.add_argument("document", type=Path, help="a .tex, .md, .json, .typ or .html document")
    parser.add_argument(
        "--widths",
        nargs="+",
        type=int,
        metavar="D",
        help="widths d_0 ... d_n the document does not state: a brief LaTeX fragment's rows in "
        "sum form are checked at them (default: only the widths the document gives)",
    )
    parser.add_argument(
        "--digits",
        type=digits,
        help="the document's numbers are shown rounded to this many significant digits (as "
        "--digits wrote them): rows need hold only to that precision (default: what the "
        "document says in words, 'rounded to N significant digits', else exact)",
    )
