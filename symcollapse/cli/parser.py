"""The ``symcollapse`` parser: each command's arguments come from its declaration module.

``symcollapse.cli.arguments.NAME`` declares what ``symcollapse NAME`` accepts and
``symcollapse.cli.NAME`` runs it; nothing heavy is imported here (no sympy, no numpy).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from symcollapse._version import __version__
from symcollapse.cli.arguments import (
    check,
    completion,
    derive,
    dynamics,
    example,
    fold,
    gradients,
    layers,
    prove,
    regress,
    verify,
)
from symcollapse.cli.help import COMMAND_HELP
from symcollapse.cli.types import Parser

#: Every command, in the order ``--help`` lists them, with the function declaring its arguments.
COMMANDS: dict[str, Callable[[Parser], None]] = {
    "example": example.add_arguments,
    "derive": derive.add_arguments,
    "verify": verify.add_arguments,
    "prove": prove.add_arguments,
    "regress": regress.add_arguments,
    "layers": layers.add_arguments,
    "fold": fold.add_arguments,
    "check": check.add_arguments,
    "completion": completion.add_arguments,
    "gradients": gradients.add_arguments,
    "dynamics": dynamics.add_arguments,
}


def build_parser() -> Parser:
    """The ``symcollapse`` parser with every subcommand."""
    parser = Parser(
        prog="symcollapse",
        description="Collapse identity-activation networks to W_z x + b_z, with derivations.",
        epilog="examples:\n  symcollapse example\n  symcollapse derive 2 3 3 1 --format markdown",
    )
    parser.add_argument("--version", action="version", version=f"symcollapse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, add_arguments in COMMANDS.items():
        text = COMMAND_HELP[name]
        add_arguments(
            commands.add_parser(
                name, help=text.summary, description=text.description, epilog=text.epilog
            )
        )
    return parser


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of command ``name``."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[name]


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its subcommands, at any depth."""
    out: set[str] = set()
    for action in parser._actions:
        out |= set(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= option_strings(sub)
    return out
