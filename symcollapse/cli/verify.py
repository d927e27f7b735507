"""``symcollapse verify D0 ... Dn``: check f(x) = W_z x + b_z (exact, random points, proof)."""

from __future__ import annotations

import argparse

from symcollapse.io.progress import Progress
from symcollapse.render.verification import render_verification
from symcollapse.verification.methods import verify


def run(args: argparse.Namespace) -> int:
    with Progress("expanding") as progress:
        result = verify(
            args.widths,
            method=args.method,
            max_terms=args.max_terms,
            trials=args.trials,
            seed=args.seed,
            progress=progress,
            max_bytes=args.max_megabytes * 2**20,
        )
    print(render_verification(result))
    return 0 if result.holds else 1
