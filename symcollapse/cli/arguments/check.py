"""``symcollapse check``'s arguments."""

from __future__ import annotations

from pathlib import Path

from symcollapse.cli.types import Parser


def add_arguments(parser: Parser) -> None:
    parser.add_argument("document", type=Path, help="a .tex, .md or .json document")
