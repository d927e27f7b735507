"""``symcollapse fold MODEL``: a trained affine model folded exactly to ``W_z x + b_z``.

The model is read, folded exactly, checked by its own runtime and (with ``--export``) written
as one layer and checked again, all before anything is written; exit status 1 if a runtime
deviates from the fold by more than the float rounding bound.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from symcollapse.algebra.fold import Fold, fold
from symcollapse.cli.output import check_renamed, emit, notation_from, stem
from symcollapse.derivations.fold import ROLES, derive_fold
from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.io.output_files import check_target, write_files
from symcollapse.io.progress import Progress
from symcollapse.render.verification import (
    attention_check_text,
    no_bound_text,
    partial_text,
    runtime_check_text,
    stretch_check_lines,
    whole_model_text,
)
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, column_only
from symcollapse.spec.model_readers import read_model
from symcollapse.verification.partial import PartialFold, fold_partial
from symcollapse.verification.runtime import (
    EXPORTS,
    RuntimeCheck,
    check_export,
    check_runtime,
    export_bytes,
)

#: Most decimal digits of one exact numerator or denominator written. Python refuses to convert
#: integers above 4,300 digits by default (the conversion is quadratic); 20,000 take about 0.02 s.
MAX_EXACT_DIGITS = 20_000


@contextmanager
def long_integers(result: Fold) -> Iterator[None]:
    """Let the exact numbers of ``result`` be written, however many digits they have up to
    :data:`MAX_EXACT_DIGITS` (subnormal weights over many layers reach thousands of digits)."""
    bits = max(value.max_bits() + abs(value.exponent) for value in (result.W_z, result.b_z))
    digits = bits * 30103 // 100000 + 2
    if digits > MAX_EXACT_DIGITS:
        raise SizeLimitError(
            f"the exact W_z and b_z need numbers of about {digits:,} digits, above the "
            f"{MAX_EXACT_DIGITS:,} this writes (tiny or huge weights over many layers)"
        )
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0 if previous == 0 else max(previous, digits))
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)


def fold_data(
    result: Fold, checks: list[RuntimeCheck], convention: Convention = DEFAULT_CONVENTION
) -> dict[str, object]:
    """The fold as data: ``W_z`` (rows; in the row convention, of ``x W_z``) and ``b_z`` exactly
    as ``"p/q"`` strings, the checks."""
    W_z = [[str(v) for v in row] for row in result.W_z_fractions()]
    return {
        "source": result.model.source,
        "widths": list(result.model.widths),
        "dtype": str(result.model.dtype),
        "W_z": [list(col) for col in zip(*W_z, strict=True)] if convention == "row" else W_z,
        "b_z": [str(v) for v in result.b_z_fractions()],
        "notes": list(result.model.notes),
        "checks": [
            {
                "runtime": c.runtime,
                "samples": c.samples,
                "max_deviation": c.max_deviation,
                "bound": c.bound,
                "holds": c.holds,
                "independent": c.independent,
            }
            for c in checks
        ],
    }


def partial_data(result: PartialFold) -> dict[str, object]:
    """The partial fold as data: each stretch (nodes, tensors, widths, parameters, whether and
    why it was folded, its checks), the matrix multiplications before and after, the model's
    check. The exact ``W_z`` of a stretch is not listed: the exported model holds it rounded."""

    def check(c: RuntimeCheck | None) -> dict[str, object] | None:
        if c is None:
            return None
        return {
            "runtime": c.runtime,
            "samples": c.samples,
            "max_deviation": c.max_deviation,
            "bound": c.bound,
            "holds": c.holds,
        }

    return {
        "source": result.source,
        "stretches": [
            {
                "nodes": list(s.stretch.names),
                "from": s.stretch.source,
                "to": s.stretch.target,
                "widths": list(s.stretch.widths),
                "layers": list(s.stretch.model.widths),
                "parameters": s.stretch.parameters,
                "folded_parameters": s.stretch.folded_parameters if s.fold else None,
                "folded": s.fold is not None,
                "left_because": s.left,
                "checks": [check(s.original), check(s.replaced)] if s.fold else [],
            }
            for s in result.stretches
        ],
        "attention": [
            {
                "nodes": list(a.pair.names),
                "heads": a.pair.heads,
                "widths": list(a.pair.widths),
                "parameters": a.pair.parameters,
                "folded_parameters": a.pair.folded_parameters if a.fold else None,
                "folded": a.fold is not None,
                "left_because": a.left,
                "check": check(a.check),
            }
            for a in result.attention
        ],
        "attention_unread": [{"node": b.name, "reason": b.reason} for b in result.unread],
        "matrix_multiplications": list(result.matmuls),
        "check": check(result.check),
        "unbounded": result.unbounded,
    }


def run_partial(args: argparse.Namespace) -> int:
    """``fold --partial``: the report on stdout, the checks on stderr, the model with
    ``--export`` (an .onnx) once every check holds."""
    if args.format not in ("text", "json"):
        raise OptionError("--partial reports as --format text or json")
    for flag, value in (("--out", args.out), ("--digits", args.digits)):
        if value is not None:
            raise OptionError(f"{flag} does not apply to --partial, which prints its report")
    if args.export is not None and args.export.suffix.lower() != ".onnx":
        raise OptionError(f"--partial --export writes an .onnx file, got {str(args.export)!r}")
    if args.export is not None:
        check_target(args.export)
    limit = args.max_megabytes * 2**20
    with Progress("fold") as progress:
        progress.stage(f"reading, folding and running {args.model.name} and its folded model")
        result = fold_partial(args.model, max_bytes=limit, seed=args.seed)
    for s in result.stretches:
        for note in s.stretch.model.notes if s.fold else ():
            print(f"symcollapse: note: {note}", file=sys.stderr)
        for line in stretch_check_lines(s):
            print(line, file=sys.stderr)
    for a in result.attention:
        if a.check is not None:
            print(attention_check_text(a.check), file=sys.stderr)
    if result.check is not None:
        print(whole_model_text(result.check), file=sys.stderr)
    elif result.unbounded is not None:
        print(f"symcollapse: note: {no_bound_text(result.unbounded)}", file=sys.stderr)
    if not result.holds:
        print("symcollapse: a fold disagrees with onnxruntime; nothing written", file=sys.stderr)
        return 1
    if args.export is not None and result.content is not None:
        written = write_files(args.export.parent, {args.export.name: result.content})
        print(*written, file=sys.stderr)
    if args.format == "json":
        print(json.dumps(partial_data(result), indent=2))
    else:
        print(partial_text(result), end="")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.partial:  # before any work
        column_only(args.convention, "fold --partial")
    if args.digits is not None and args.format == "json":
        raise OptionError("--digits applies to documents; JSON holds the exact fractions")
    if args.export is not None and args.export.suffix.lower() not in EXPORTS:
        raise OptionError(f"--export writes {', '.join(EXPORTS)} files, got {str(args.export)!r}")
    if args.export is not None:  # a blocked target refused before the work, not after it
        check_target(args.export)
    stated = {
        "assume_identity_gaps": args.assume_identity_gaps,
        "bn_eps": args.bn_eps,
        "weight_layout": args.weight_layout,
        "layers": args.layers,
    }
    if args.model.suffix.lower() == ".onnx" or args.partial:
        given = [name for name, value in stated.items() if value not in (None, False)]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise OptionError(f"{flag} applies to state_dict files; an ONNX file records it")
    if args.partial:
        return run_partial(args)
    notation = notation_from(args, handled=("digits",))
    # names no fold document prints (or cannot print), refused before the model is read
    check_renamed("fold", notation, ROLES)
    limit = args.max_megabytes * 2**20
    with Progress("fold") as progress:  # a terminal sees each stage of a long fold
        progress.stage(f"reading {args.model.name}")
        model = read_model(args.model, max_bytes=limit, max_depth=args.max_depth, **stated)
        progress.stage("exact integer products")
        listed = args.format == "json"  # only JSON lists every entry, exactly
        result = fold(model, max_bytes=limit, listed=listed)
        progress.stage("running the model to check the fold")
        checks = [check_runtime(result, path=args.model, seed=args.seed)]
        content = None
        if args.export is not None:
            progress.stage(f"writing and checking {args.export.name}")
            suffix = args.export.suffix.lower()
            content = export_bytes(result, suffix)
            checks.append(check_export(result, content, suffix))
    for note in model.notes:
        print(f"symcollapse: note: {note}", file=sys.stderr)
    for check in checks:
        print(runtime_check_text(check), file=sys.stderr)
    if not all(check.holds for check in checks):
        print("symcollapse: the fold disagrees with the runtime; nothing written", file=sys.stderr)
        return 1
    if content is not None:
        print(*write_files(args.export.parent, {args.export.name: content}), file=sys.stderr)
    with long_integers(result):
        fragment = args.format == "latex" and not args.standalone  # displays only, no words
        derivation = derive_fold(
            result, checks[0], args.digits, args.convention, words=not fragment
        )
        data = fold_data(result, checks, args.convention) if listed else None
        return emit(
            args,
            derivation,
            notation,
            stem("fold", model.widths),
            data=data,
        )
