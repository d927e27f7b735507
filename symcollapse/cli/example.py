"""``symcollapse example``: the commenter's 2-3-3-1 network, as .tex, .md and .json files."""

from __future__ import annotations

import argparse

from symcollapse.cli.output import json_of, notation_from
from symcollapse.derivation import derive
from symcollapse.files import write_files
from symcollapse.render.latex import render_document
from symcollapse.render.markdown import render_markdown

#: The example from the source thread: inputs x_1, x_2, hidden layers of 3 and 3, one output.
EXAMPLE_WIDTHS = (2, 3, 3, 1)


def run(args: argparse.Namespace) -> int:
    notation = notation_from(args)
    derivation = derive(EXAMPLE_WIDTHS, max_terms=args.max_terms)
    written = write_files(
        args.out,
        {
            "example.tex": render_document(derivation, notation),
            "example.md": render_markdown(derivation, notation),
            "example.json": json_of(derivation),
        },
    )
    for path in written:
        print(path)
    return 0
