"""``symcollapse completion``'s arguments."""

from __future__ import annotations

from symcollapse.cli.types import Parser

#: Shells ``symcollapse completion`` writes scripts for.
SHELLS = ("bash", "zsh", "tcsh", "fish")


def add_arguments(parser: Parser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
