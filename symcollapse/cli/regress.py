"""``symcollapse regress D0 ... Dn``: recover W_z, b_z from samples by exact least squares."""

from __future__ import annotations

import argparse

from symcollapse.algebra.descent import DEFAULT_LEARNING_RATE, descend
from symcollapse.algebra.numeric import collapse_values
from symcollapse.algebra.regression import regress
from symcollapse.cli.derive import values_from
from symcollapse.cli.output import emit, notation_from, stem
from symcollapse.derivations.regression import derive_regression
from symcollapse.errors import OptionError
from symcollapse.io.progress import Progress
from symcollapse.render.text import render_descent
from symcollapse.spec.widths import Spec


def run(args: argparse.Namespace) -> int:
    if args.format is None:  # a terminal summary, unless a document was asked for
        args.format = "latex" if args.standalone or args.pdf else "text"
    if args.values_label is not None and args.values in (None, "random"):
        raise OptionError("--values-label goes with --values FILE")
    if args.gd is None and (args.learning_rate, args.report_every) != (None, None):
        raise OptionError("--learning-rate and --report-every go with --gd")
    notation = notation_from(args)
    seed = args.seed or 0
    extra = {}
    with Progress("regress") as progress:
        progress.stage("multiplying the numbers exactly")
        numeric = collapse_values(
            values_from(args, args.values or "random", Spec(args.widths).widths),
            max_terms=args.max_terms,
            max_depth=args.max_depth,
        )
        progress.stage("sampling and solving exactly")
        result = regress(numeric, samples=args.samples, seed=seed, max_terms=args.max_terms)
        name = stem("regress", numeric.widths)
        if args.gd is not None:
            progress.stage(f"gradient descent, {args.gd} epochs")
            rate = DEFAULT_LEARNING_RATE if args.learning_rate is None else args.learning_rate
            descent = descend(result, args.gd, learning_rate=rate, seed=seed)
            extra[f"{name}-gd.txt"] = render_descent(descent, args.report_every or 1)
        progress.stage("writing the derivation")
        derivation = derive_regression(result, args.convention)
    return emit(args, derivation, notation, name, extra=extra)
