"""``symcollapse regress``'s arguments."""

from __future__ import annotations

from symcollapse.cli.options import (
    DOCUMENT_FORMATS,
    convention_option,
    depth_option,
    document_options,
    expansion_option,
    numbers_options,
    typeset_options,
    widths_argument,
)
from symcollapse.cli.types import Parser, learning_rate, positive

#: The learning rate ``regress --gd`` uses (``symcollapse.algebra.descent`` loads numpy, so not
#: imported).
LEARNING_RATE_HELP = "step size for --gd (default: 3e-4)"


def add_arguments(parser: Parser) -> None:
    expansion_option(parser)
    depth_option(parser)
    typeset_options(parser)
    convention_option(parser)
    numbers_options(parser, "random")
    document_options(parser, DOCUMENT_FORMATS, None)
    widths_argument(parser)
    parser.add_argument("--samples", type=positive, help="number of samples (default: d_0 + 3)")
    parser.add_argument(
        "--gd",
        type=positive,
        metavar="EPOCHS",
        help="also run gradient descent in numpy floats (default: no descent)",
    )
    parser.add_argument("--learning-rate", type=learning_rate, help=LEARNING_RATE_HELP)
    parser.add_argument(
        "--report-every",
        type=positive,
        help="print the --gd distance every N epochs (default: 1)",
    )
