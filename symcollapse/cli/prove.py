"""``symcollapse prove``: the induction proof for all depths and widths, or its Coq development."""

from __future__ import annotations

import argparse
import sys

from symcollapse.cli.output import TYPESET_OPTIONS, emit, notation_from
from symcollapse.derivations.proof import prove
from symcollapse.errors import OptionError
from symcollapse.io.output_files import write_files
from symcollapse.io.progress import Progress
from symcollapse.render.verification import coq_verdict_text, proof_text
from symcollapse.spec.convention import column_only
from symcollapse.verification.coq import FILE_NAME, development
from symcollapse.verification.coqc import CoqVerdict, check
from symcollapse.verification.statements import STATEMENTS


def _coq(args: argparse.Namespace) -> None:
    """Write the Coq development to stdout or ``--out``; the document options do not apply."""
    if args.standalone or args.instances is not None:
        flag = "--standalone" if args.standalone else "--instances"
        raise OptionError(f"{flag} does not apply to --format coq")
    typeset = [*TYPESET_OPTIONS, "names", "two_column"]
    given = [name for name in typeset if getattr(args, name, None) not in (None, False)]
    if given:
        flag = "--" + given[0].replace("_", "-")
        raise OptionError(f"{flag} does not apply to --format coq (the Coq names are fixed)")
    text = development()
    if args.out is None:
        sys.stdout.write(text)
    else:
        print(*write_files(args.out, {FILE_NAME: text}))


def _checked() -> CoqVerdict:
    """coqc's verdict on the development (seconds when coqc runs, shown on a terminal)."""
    with Progress("prove") as progress:
        progress.stage("checking the Coq development with coqc")
        return check(development(), len(STATEMENTS.theorems))


def run(args: argparse.Namespace) -> int:
    if args.format == "coq":
        column_only(args.convention, "the Coq development")  # before any work
        _coq(args)
        verdict = _checked()
    else:  # coqc first: the document says "machine-checked" only if it checked this file
        verdict = _checked()
        instances = {} if args.instances is None else {"instances": args.instances}
        with Progress("prove") as progress:
            progress.stage("checking the closed forms at small depths")
            proof = prove(coq=verdict, convention=args.convention, **instances)
        status = emit(args, proof.derivation, notation_from(args), "proof")
        print(proof_text(proof), file=sys.stderr)
        if status:
            return status
    print(coq_verdict_text(verdict), file=sys.stderr)
    return 1 if verdict.status == "failed" else 0
