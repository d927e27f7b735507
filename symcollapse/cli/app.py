"""The command line behind :func:`symcollapse.cli.main`: parse, run the command, one line per error.

Each command NAME lives in ``symcollapse.cli.NAME`` with a ``run(args) -> int`` and declares its
arguments in ``symcollapse.cli.arguments.NAME``; only the chosen command's ``run`` module is
imported, so ``symcollapse verify`` starts without loading sympy. Imported by ``main`` inside its
guard, so Ctrl-C while this loads is one line too.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from symcollapse.cli.environment import decoded_arguments, robust_streams
from symcollapse.cli.parser import build_parser, option_strings, subcommand
from symcollapse.cli.types import one_line
from symcollapse.errors import SymcollapseError
from symcollapse.io.output_files import check_directory

#: API keyword an error names (``SymcollapseError.parameter``) -> the flag that sets it here.
FLAGS = {
    "max_terms": "--max-terms",
    "max_depth": "--max-depth",
    "epochs": "--gd",
    "samples": "--samples",
    "trials": "--trials",
    "timeout": "--timeout",
    "learning_rate": "--learning-rate",
    "max_bytes": "--max-megabytes",
    "method": "--method",
    "export": "--export",
    "plot": "--plot",
    "assume_identity_gaps": "--assume-identity-gaps",
    "bn_eps": "--bn-eps",
    "weight_layout": "--weight-layout",
    "layers": "--layers",
    "convention": "--convention",
    "names": "--names",
}


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like KeyboardInterrupt, so ``finally`` blocks clean up."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _message(error: SymcollapseError, options: set[str]) -> str:
    """The error's one line, with the flag for the parameter it names when the command has it
    (``options``; a model file read by ``derive --values`` has a size limit but no flag there)."""
    text = one_line(str(error))
    flag = FLAGS.get(getattr(error, "parameter", None) or "")
    if flag in options:
        text += f" (command line: {flag})"
    return text


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (see :mod:`symcollapse.cli`); Ctrl-C propagates as
    KeyboardInterrupt to ``main``, after the ``finally`` blocks have cleaned up."""
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _terminate)
        problem = robust_streams()
        if problem is not None:
            print(f"symcollapse: error: {problem}", file=sys.stderr)
            return 2
        return _run(sys.argv[1:] if argv is None else list(argv))
    except Terminated:
        print("symcollapse: terminated; no file was left half-written", file=sys.stderr)
        return 143
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.dup2(devnull, sys.stderr.fileno())
        return 141
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(argv: list[str]) -> int:
    try:
        argv = decoded_arguments(argv)
    except SymcollapseError as error:
        print(f"symcollapse: error: {one_line(str(error))}", file=sys.stderr)
        return 2
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):  # what to type, before the one-line error
        sys.stderr.write(parser.format_usage())
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed as one line
        return stop.code if isinstance(stop.code, int) else 2
    try:
        if getattr(args, "out", None) is not None:  # a blocked --out refused before the work
            check_directory(args.out)
        return int(importlib.import_module(f"symcollapse.cli.{args.command}").run(args))
    except BrokenPipeError:
        raise
    except SymcollapseError as error:
        options = option_strings(subcommand(parser, args.command))
        print(f"symcollapse: error: {_message(error, options)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"symcollapse: error: cannot write output: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # InternalError, or anything untyped: a bug either way
        first = one_line(str(error).split("\n", 1)[0][:200])
        print(
            f"symcollapse: internal error ({type(error).__name__}: {first}); "
            "this is a bug in symcollapse, please report it with the command line",
            file=sys.stderr,
        )
        return 3
