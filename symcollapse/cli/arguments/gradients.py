"""``symcollapse gradients``'s arguments."""

from __future__ import annotations

from symcollapse.cli.options import (
    DERIVE_FORMATS,
    convention_option,
    detail_option,
    document_options,
    expansion_option,
    typeset_options,
    widths_argument,
)
from symcollapse.cli.types import Parser


def add_arguments(parser: Parser) -> None:
    expansion_option(parser)
    typeset_options(parser)
    convention_option(parser)
    document_options(parser, DERIVE_FORMATS, "latex", pdf=False)
    widths_argument(parser)
    detail_option(parser)
