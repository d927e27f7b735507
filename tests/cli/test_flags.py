"""Errors from below the CLI name API parameters; the CLI names its flag for each."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

import symcollapse
from symcollapse.cli import FLAGS, main
from symcollapse.cli.parser import build_parser
from symcollapse.errors import OptionError, SizeLimitError

PACKAGE = Path(symcollapse.__file__).parent
BELOW_CLI = ["spec", "algebra", "verification", "doc", "derivations", "render", "io"]
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _raised_strings(path: Path) -> list[str]:
    """Every string constant inside a ``raise`` statement of ``path``."""
    tree = ast.parse(path.read_text())
    raises = [node for node in ast.walk(tree) if isinstance(node, ast.Raise)]
    return [
        node.value
        for r in raises
        for node in ast.walk(r)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


@pytest.mark.parametrize("layer", BELOW_CLI)
def test_no_error_below_the_cli_names_a_flag(layer):
    for path in sorted((PACKAGE / layer).glob("*.py")):
        for text in _raised_strings(path):
            assert not FLAG.search(text), f"{path.name}: {text!r} names a command-line flag"


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of its subcommands, at any depth."""
    out = set()
    for action in parser._actions:
        out |= set(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out |= _options(sub)
    return out


def test_every_mapped_flag_exists():
    assert set(FLAGS.values()) <= _options(build_parser())


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            SizeLimitError("too big; raise max_terms", "max_terms"),
            "too big; raise max_terms (command line: --max-terms)",
        ),
        (
            OptionError("diverged; use a smaller learning_rate", "learning_rate"),
            "diverged; use a smaller learning_rate (command line: --learning-rate)",
        ),
        (OptionError("no parameter"), "no parameter"),
        (
            OptionError("a parameter the CLI has no flag for", "widths"),
            "a parameter the CLI has no flag for",
        ),
    ],
)
def test_the_cli_adds_the_flag_of_the_parameter_an_error_names(error, line, capsys, monkeypatch):
    def fail(_):
        raise error

    monkeypatch.setattr("symcollapse.cli.derive.run", fail)
    assert main(["derive", "2", "1"]) == 2
    assert capsys.readouterr().err == f"symcollapse: error: {line}\n"
