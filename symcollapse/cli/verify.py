"""``symcollapse verify D0 ... Dn``: check f(x) = W_z x + b_z (exact, random points, proof)."""

from __future__ import annotations

import argparse

from symcollapse.errors import OptionError
from symcollapse.io.progress import Progress
from symcollapse.render.verification import render_verification
from symcollapse.verification.methods import verify
from symcollapse.verification.random import DEFAULT_TRIALS


def run(args: argparse.Namespace) -> int:
    flags = " and ".join(
        f for f, v in (("--trials", args.trials), ("--seed", args.seed)) if v is not None
    )
    if args.method in ("exact", "proof") and flags:
        raise OptionError(f"{flags}: used by random points only, not by --method {args.method}")
    with Progress("expanding") as progress:
        result = verify(
            args.widths,
            method=args.method,
            max_terms=args.max_terms,
            trials=DEFAULT_TRIALS if args.trials is None else args.trials,
            seed=args.seed,
            progress=progress,
        )
    if result.method != "random" and flags:
        # auto chose exact: the points asked for were never drawn, so the option did nothing
        raise OptionError(
            f"{flags}: used by random points only, and auto chose exact here "
            f"({result.monomials:,} terms); give --method random to check at random points"
        )
    print(render_verification(result))
    return 0 if result.holds else 1
