"""``symcollapse completion SHELL``: a completion script generated from the argparse parser.

bash, zsh and tcsh come from shtab; shtab has no fish backend, so the fish script is generated
here from the same parser: one ``complete`` line per command and per option.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys

import shtab

from symcollapse.cli.help import COMMAND_HELP
from symcollapse.cli.parser import build_parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Command name -> its parser, in the order ``--help`` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _fish_line(condition: str, action: argparse.Action) -> str:
    """``complete`` for one option: long and short names, its choices, whether it takes a value."""
    words = ["complete", "-c", "symcollapse", "-n", shlex.quote(condition)]
    for flag in action.option_strings:
        words += ["-l", flag[2:]] if flag.startswith("--") else ["-s", flag[1:]]
    if action.choices:
        words += ["-x", "-a", shlex.quote(" ".join(map(str, action.choices or ())))]
    elif action.nargs != 0:
        words += ["-r", "-F"]
    if action.help:
        words += ["-d", shlex.quote(re.split(r"\s*[(;] ?default", action.help)[0])]
    return " ".join(words)


def fish_script(parser: argparse.ArgumentParser) -> str:
    """Fish completions for ``parser``: commands first, then each command's options."""
    commands = _subcommands(parser)
    lines = ["# fish completion for symcollapse, generated from its argparse parser", ""]
    lines.append("complete -c symcollapse -f")
    top = "__fish_use_subcommand"
    lines += [_fish_line(top, a) for a in parser._actions if a.option_strings]
    for name in commands:
        summary = shlex.quote(COMMAND_HELP[name].summary)
        lines.append(f"complete -c symcollapse -n {top} -a {name} -d {summary}")
    for name, command in commands.items():
        seen = f"__fish_seen_subcommand_from {name}"
        lines += [_fish_line(seen, a) for a in command._actions if a.option_strings]
        positional = [a for a in command._actions if not a.option_strings and a.choices]
        for action in positional:
            choices = shlex.quote(" ".join(map(str, action.choices or ())))
            lines.append(f"complete -c symcollapse -n {shlex.quote(seen)} -a {choices}")
    for name, action, _ in _paths(parser):  # a file argument without a flag (fold MODEL)
        if not action.option_strings:
            seen = shlex.quote(f"__fish_seen_subcommand_from {name}")
            lines.append(f"complete -c symcollapse -n {seen} -F")
    return "\n".join(lines) + "\n"


#: Arguments that name a file, and ``--out``, a directory: completed with the shell's file names.
FILES = frozenset({"model", "values", "spec_file", "function", "parameters", "export", "plot"})
DIRECTORIES = frozenset({"out"})


def _paths(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action, str]]:
    """(command, action, "file" or "directory") for every argument that names a path."""
    found = []
    for name, command in _subcommands(parser).items():
        for action in command._actions:
            if action.choices:  # dynamics MODEL is saxe or arora, not a file
                continue
            if action.dest in FILES:
                found.append((name, action, "file"))
            elif action.dest in DIRECTORIES:
                found.append((name, action, "directory"))
    return found


def completion_script(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh, tcsh or fish); arguments that name a
    file or a directory complete the shell's file names."""
    parser = build_parser()
    if shell == "fish":
        return fish_script(parser)
    for _, action, kind in _paths(parser):
        # shtab reads its hint from an attribute argparse's Action does not declare
        action.complete = shtab.FILE if kind == "file" else shtab.DIRECTORY  # type: ignore[attr-defined]
    return shtab.complete(parser, shell=shell)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(args.shell))
    return 0
