"""``symcollapse example``: the commenter's 2-3-3-1 network, and the layered showcase.

Each as a standalone ``.tex``, a MathJax ``.md`` and a ``.json`` file, written to ``output/``,
with the picture of the paths of the example (``example-paths.tex`` and ``.svg``), and the
example as a page (``example.html``: MathML and the picture, pointing shows an entry's paths).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from symcollapse.algebra.analysis import analyse
from symcollapse.cli.derive import diagram_files
from symcollapse.cli.options import DEFAULT_ENTRY
from symcollapse.cli.output import check_renamed, notation_from
from symcollapse.cli.reread import reread
from symcollapse.derivations.dense import derive
from symcollapse.derivations.layers import derive_layers
from symcollapse.doc.model import Derivation
from symcollapse.io.output_files import write_files
from symcollapse.io.progress import Progress
from symcollapse.render.html import page_roles, render_html
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_document
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.layered import verify_layers

#: The example from the source thread: inputs x_1, x_2, hidden layers of 3 and 3, one output.
EXAMPLE_WIDTHS = (2, 3, 3, 1)

#: The showcase: file stem -> layer string (residual, convolutional, and the 2-3-3-1 ReLU net).
SHOWCASE: dict[str, str] = {
    "layers-residual": "2 > dense 3 > residual(dense 3) > dense 1",
    "layers-conv": "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1",
    "layers-relu": "2 > dense 3 relu > dense 3 relu > dense 1",
}


def showcase_derivations(max_terms: int) -> dict[str, Derivation]:
    """File stem -> the derivation of each network of the showcase."""
    return {
        name: derive_layers(
            verify_layers(analyse(parse_layers(text), max_terms=max_terms), max_terms=max_terms)
        )
        for name, text in SHOWCASE.items()
    }


def showcase_files(
    max_terms: int, notation: Notation, derivations: Mapping[str, Derivation] | None = None
) -> dict[str, str]:
    """File name -> text for the showcase: a standalone ``.tex``, ``.md`` and ``.json`` each."""
    files = {}
    for name, derivation in (derivations or showcase_derivations(max_terms)).items():
        files[f"{name}.tex"] = render_document(derivation, notation)
        files[f"{name}.md"] = render_markdown(derivation, notation)
        files[f"{name}.json"] = render_json(derivation, notation)
    return files


def run(args: argparse.Namespace) -> int:
    notation = notation_from(args)
    with Progress("example") as progress:
        progress.stage("the 2-3-3-1 derivation")
        derivation = derive(EXAMPLE_WIDTHS, max_terms=args.max_terms)
        progress.stage("the layered showcase")
        layered = showcase_derivations(args.max_terms)
        diagram, drawn = diagram_files(EXAMPLE_WIDTHS, DEFAULT_ENTRY, notation, "example")
        roles = set().union(page_roles(derivation), drawn, *(d.roles for d in layered.values()))
        check_renamed("example", notation, roles)  # a name any of its files prints is used
        example = {
            "example.tex": render_document(derivation, notation),
            "example.md": render_markdown(derivation, notation),
            "example.json": render_json(derivation, notation),
            "example.html": render_html(derivation, notation),
        }
        showcase = showcase_files(args.max_terms, notation, layered)
        progress.stage("re-reading every document")
        reread(example, strict=True)
        reread(showcase, strict=False)
    written = write_files(args.out, {**example, **showcase, **diagram})
    for path in written:
        print(path)
    return 0
