"""Command line: ``symcollapse COMMAND ...``; bad input is one line on stderr and exit status 2.

Each command lives in its own module with a ``run(args) -> int``; only the chosen command's
module is imported, so ``symcollapse verify`` starts without loading sympy.

Exit statuses: 0 done, 1 an identity failed, 2 bad input (a :class:`SymcollapseError`), 3 a bug
in symcollapse (an :class:`InternalError`), 130 interrupted (SIGINT), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from symcollapse.cli.parser import build_parser, option_strings, subcommand
from symcollapse.cli.types import one_line
from symcollapse.errors import SymcollapseError

#: Command name -> module holding its ``run``.
COMMANDS = {
    "example": "symcollapse.cli.example",
    "derive": "symcollapse.cli.derive",
    "verify": "symcollapse.cli.verify",
    "prove": "symcollapse.cli.prove",
    "regress": "symcollapse.cli.regress",
    "layers": "symcollapse.cli.layers",
    "fold": "symcollapse.cli.fold",
    "check": "symcollapse.cli.check",
    "completion": "symcollapse.cli.completion",
    "gradients": "symcollapse.cli.gradients",
    "dynamics": "symcollapse.cli.dynamics",
}

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (see the module docstring)."""
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("symcollapse: interrupted; no file was left half-written", file=sys.stderr)
        return 130
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


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already printed as one line
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return int(importlib.import_module(COMMANDS[args.command]).run(args))
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
