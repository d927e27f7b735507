"""``symcollapse dynamics saxe|arora``: learning curves and end-to-end dynamics, checked."""

from __future__ import annotations

import argparse
import sys

from symcollapse.algebra import dynamics as dyn
from symcollapse.cli.output import emit, notation_from
from symcollapse.errors import OptionError, SymcollapseError
from symcollapse.io.output_files import check_target, write_files
from symcollapse.io.progress import Progress
from symcollapse.render.notation import Notation
from symcollapse.spec.numerals import parse_rational
from symcollapse.spec.text import shown


def number(text: str, option: str) -> float:
    """A finite decimal number in the strict grammar (ASCII digits: ``float`` would also read
    Arabic-Indic or full-width digits), or :class:`OptionError` naming the option."""
    try:
        value = float(parse_rational(text, option))
    except SymcollapseError:
        raise OptionError(f"{option} expects a number, got {shown(text)}") from None
    except OverflowError:
        raise OptionError(f"{option} expects a number within floating point range") from None
    return value


def strengths(text: str) -> list[float]:
    """``"3,2,1"`` -> ``[3.0, 2.0, 1.0]``; more than ``MAX_MODES`` is refused before parsing."""
    parts = text.split(",")
    if len(parts) > dyn.MAX_MODES:
        raise OptionError(f"--strengths takes at most {dyn.MAX_MODES} values, got {len(parts)}")
    return [number(part.strip(), "--strengths") for part in parts]


def dynamics_notation(args: argparse.Namespace) -> Notation:
    """The notation the options ask for, refusing an upper-case name for the time (``t=T``):
    a document's upper-case letters are matrices (``T`` is also the transpose's), so a reader
    would not read it as the scalar every flow is differentiated by."""
    notation = notation_from(args)
    time = notation.names.get("t")
    if time is not None and time[:1].isupper():
        raise OptionError(
            f"name {time!r} for t (time) is refused: the documents write matrices in upper case "
            "(and T for the transpose), so the time takes a lower-case name (s, tau)",
            "names",
        )
    return notation


def saxe_data(run: dyn.SaxeRun) -> dict[str, object]:
    """The times and, per mode, eq. 12 and the simulated strengths at those times."""
    return {
        "tau": run.tau,
        "u0": run.u0,
        "t": run.times.tolist(),
        "modes": [
            {"s": s, "closed_form": run.closed[i].tolist(), "simulated": run.simulated[i].tolist()}
            for i, s in enumerate(run.strengths)
        ],
        "max_deviation": run.deviation,
    }


def run(args: argparse.Namespace) -> int:
    if args.model == "arora":
        from symcollapse.algebra import endtoend
        from symcollapse.derivations.endtoend import derive_arora
        from symcollapse.verification.endtoend import verify_arora

        if args.depth > endtoend.MAX_DEPTH:
            raise OptionError(f"--depth must be from 2 to {endtoend.MAX_DEPTH}, got {args.depth}")
        notation = dynamics_notation(args)
        with Progress("dynamics") as progress:
            checks = []
            for depth in range(2, args.depth + 1):
                progress.stage(f"checking depth {depth} of {args.depth}")
                checks.append(endtoend.arora_deviation(depth))
            progress.stage("writing the derivation")
            derivation = derive_arora(verify_arora(args.depth, checks), args.convention)
        return emit(args, derivation, notation, f"arora-{args.depth}")
    from symcollapse.derivations.dynamics import derive_saxe
    from symcollapse.verification.dynamics import verify_saxe

    modes = strengths(args.strengths)
    u0, tau, t_max = (
        number(getattr(args, k), f"--{k.replace('_', '-')}") for k in ("u0", "tau", "t_max")
    )
    notation = dynamics_notation(args)
    if args.plot is not None:  # a blocked target refused before the work, not after it
        from symcollapse.io.plot import plot_format

        fmt = plot_format(args.plot.name)
        check_target(args.plot)
    with Progress("dynamics") as progress:
        progress.stage("simulating the gradient flow")
        result = dyn.simulate_saxe(modes, u0, tau, t_max, n_times=args.times, seed=args.seed)
        progress.stage("checking the formulas and the simulation")
        checked = verify_saxe(result)
        progress.stage("writing the derivation")
        derivation = derive_saxe(checked, args.convention)
    status = emit(args, derivation, notation, "saxe", data=saxe_data(result))
    if args.plot is not None:  # after the document, so a refused document leaves no plot
        from symcollapse.io.plot import learning_curves

        written = write_files(args.plot.parent, {args.plot.name: learning_curves(result, fmt)})
        print(*written, file=sys.stderr)  # stdout stays the document (JSON parses)
    return status
