"""``symcollapse layers``'s arguments."""

from __future__ import annotations

from pathlib import Path

from symcollapse.cli.options import (
    DERIVE_FORMATS,
    convention_option,
    document_options,
    limit_option,
    typeset_options,
)
from symcollapse.cli.types import Parser, positive, seed
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS


def add_arguments(parser: Parser) -> None:
    limit_option(
        parser, "--max-terms", DEFAULT_LAYERED_MAX_TERMS, "refuse merged maps with more terms"
    )
    typeset_options(parser)
    convention_option(parser)
    document_options(parser, DERIVE_FORMATS, "latex")
    parser.add_argument("spec", nargs="?", help='layer string, e.g. "2 > dense 3 relu > dense 1"')
    parser.add_argument(
        "--spec-file", type=Path, help="read the layer string from this file (default: SPEC)"
    )
    parser.add_argument(
        "--function",
        metavar="FILE.py:NAME",
        help="a Python forward function using W[k], b[k], relu/tanh/sigmoid (needs --widths; "
        "default: none)",
    )
    parser.add_argument(
        "--widths",
        nargs="+",
        metavar="D",
        help="widths d_0 ... d_n for --function (default: none)",
    )
    parser.add_argument(
        "--timeout",
        type=positive,
        metavar="SECONDS",
        help="stop --function (importing and deriving the user's code) after this long "
        "(default: 60)",
    )
    parser.add_argument("--seed", type=seed, default=0, help="seed of the random exact checks")
    parser.add_argument(
        "--parameters",
        type=Path,
        help='JSON file {"w_1_1_1": "1/2", ...}: exact weights for the ReLU pattern at a point '
        "(default: symbols)",
    )
    parser.add_argument(
        "--point",
        help="input for the ReLU pattern, comma-separated: --point=-1/2,3 (default: none)",
    )
