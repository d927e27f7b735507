"""``symcollapse example``'s arguments."""

from __future__ import annotations

from pathlib import Path

from symcollapse.cli.options import expansion_option, typeset_options
from symcollapse.cli.types import Parser, directory


def add_arguments(parser: Parser) -> None:
    expansion_option(parser)
    typeset_options(parser)
    parser.add_argument("--out", type=directory, default=Path("output"), help="directory")
