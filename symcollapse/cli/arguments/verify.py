"""``symcollapse verify``'s arguments."""

from __future__ import annotations

from symcollapse.cli.options import limit_option, widths_argument
from symcollapse.cli.types import Parser, positive, seed
from symcollapse.verification.defaults import (
    DEFAULT_EXACT_MAX_TERMS,
    METHODS,
    RANDOM_MAX_BYTES,
    REFERENCE_TRIALS,
)


def add_arguments(parser: Parser) -> None:
    limit_option(parser, "--max-terms", DEFAULT_EXACT_MAX_TERMS, "most monomials to expand exactly")
    widths_argument(parser)
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="exact expansion, random points, the induction proof, or auto (exact when the "
        "term count is within --max-terms, else random)",
    )
    parser.add_argument(
        "--trials",
        type=positive,
        help="random points (default with random: as many as reach the error bound of "
        f"{REFERENCE_TRIALS} at the largest prime below 2**28)",
    )
    parser.add_argument(
        "--seed",
        type=seed,
        help="seed for the random points (default: fresh randomness on every run)",
    )
    parser.add_argument(
        "--max-megabytes",
        type=positive,
        default=RANDOM_MAX_BYTES // 2**20,
        help="most memory random points may hold, in MB (default: %(default)s)",
    )
