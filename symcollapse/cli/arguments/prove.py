"""``symcollapse prove``'s arguments."""

from __future__ import annotations

from symcollapse.cli.options import (
    DOCUMENT_FORMATS,
    convention_option,
    document_options,
    typeset_options,
)
from symcollapse.cli.types import Parser, positive


def add_arguments(parser: Parser) -> None:
    typeset_options(parser)
    convention_option(parser)
    document_options(parser, (*DOCUMENT_FORMATS, "coq"), "latex", pdf=False)
    parser.add_argument(
        "--instances",
        type=positive,
        help="check the closed forms at depths 1..N (default: 6)",
    )
