"""``symcollapse check``'s arguments."""

from __future__ import annotations

from pathlib import Path

from symcollapse.cli.types import Parser


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
