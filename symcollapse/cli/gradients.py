"""``symcollapse gradients D0 ... Dn``: dL/dW_k and dL/db_k of the squared loss, checked."""

from __future__ import annotations

import argparse

from symcollapse.algebra.gradients import gradients
from symcollapse.cli.output import emit, notation_from, stem
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.io.progress import Progress

#: Default line width of gradient documents: their entries hold squares, ``(w)^2``, which print
#: wider than the letter count of the line-breaking estimate (80 let 2-3-3-1 overflow by 9pt).
LINE_WIDTH = 72


def run(args: argparse.Namespace) -> int:
    notation = notation_from(args)
    if args.line_width is None and not args.two_column:  # --two-column sets its own
        notation = notation.merged(line_width=LINE_WIDTH)
    with Progress("gradients") as progress:
        progress.stage("differentiating")
        result = gradients(args.widths, max_terms=args.max_terms)
        progress.stage("writing and checking every entry")
        derivation = derive_gradients(result, args.detail, args.convention)
    return emit(args, derivation, notation, stem("gradients", result.network.widths))
