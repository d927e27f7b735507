"""``symcollapse derive``'s arguments."""

from __future__ import annotations

from symcollapse.cli.options import (
    DERIVE_FORMATS,
    convention_option,
    depth_option,
    detail_option,
    diagram_options,
    document_options,
    expansion_option,
    numbers_options,
    typeset_options,
    widths_argument,
)
from symcollapse.cli.types import Parser


def add_arguments(parser: Parser) -> None:
    expansion_option(parser)
    depth_option(parser)
    typeset_options(parser)
    numbers_options(parser, "symbols")
    document_options(parser, DERIVE_FORMATS, "latex")
    widths_argument(parser)
    detail_option(parser)
    convention_option(parser)
    diagram_options(parser)
