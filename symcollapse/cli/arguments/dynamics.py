"""``symcollapse dynamics saxe|arora``'s arguments; numbers are checked by the command, not here."""

from __future__ import annotations

from pathlib import Path

from symcollapse.cli.help import HelpFormatter
from symcollapse.cli.options import (
    DERIVE_FORMATS,
    DOCUMENT_FORMATS,
    convention_option,
    document_options,
    typeset_options,
)
from symcollapse.cli.types import Parser, integer_at_least, positive, seed


def add_arguments(parser: Parser) -> None:
    models = parser.add_subparsers(
        dest="model", required=True, metavar="MODEL", help="saxe or arora"
    )

    def model(name: str, summary: str) -> Parser:
        command: Parser = models.add_parser(
            name, help=summary, description=summary, formatter_class=HelpFormatter
        )
        typeset_options(command)
        convention_option(command)
        return command

    saxe = model(
        "saxe", "Saxe et al.'s exact learning curves against the full matrix gradient flow"
    )
    document_options(saxe, DERIVE_FORMATS, "text", pdf=False)
    saxe.add_argument("--strengths", default="3,2,1", help="singular values s of the data")
    saxe.add_argument("--u0", default="0.001", help="starting strength of every mode")
    saxe.add_argument("--tau", default="1", help="time constant")
    saxe.add_argument("--t-max", default="6", help="last time")
    saxe.add_argument("--times", type=positive, default=61, help="number of times")
    saxe.add_argument("--seed", type=seed, default=0, help="seed of U, V, R")
    saxe.add_argument(
        "--plot", type=Path, metavar="FILE", help="draw the curves: .png or .pdf (default: none)"
    )
    arora = model(
        "arora", "Arora et al.'s end-to-end dynamics of balanced layers, checked for depths 2 to N"
    )
    document_options(arora, (*DOCUMENT_FORMATS, "json"), "text", pdf=False)
    arora.add_argument("--depth", type=integer_at_least(2, "a depth of at least 2"), default=3)
