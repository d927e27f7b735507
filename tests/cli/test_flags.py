"""Errors from below the CLI name API parameters; the CLI names its flag for each."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import symcollapse
from symcollapse.cli import main
from symcollapse.cli.app import FLAGS
from symcollapse.cli.parser import build_parser, option_strings
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


def test_every_mapped_flag_exists():
    assert set(FLAGS.values()) <= option_strings(build_parser())


@pytest.mark.parametrize(
    ("command", "error", "line"),
    [
        (
            "derive",
            SizeLimitError("too big; raise max_terms", "max_terms"),
            "too big; raise max_terms (command line: --max-terms)",
        ),
        (
            "regress",
            OptionError("diverged; use a smaller learning_rate", "learning_rate"),
            "diverged; use a smaller learning_rate (command line: --learning-rate)",
        ),
        ("derive", OptionError("no parameter"), "no parameter"),
        ("derive", OptionError("no flag for it", "widths"), "no flag for it"),
        ("derive", SizeLimitError("raise max_bytes", "max_bytes"), "raise max_bytes"),  # fold's
        (
            "fold",
            SizeLimitError("raise max_bytes", "max_bytes"),
            "raise max_bytes (command line: --max-megabytes)",
        ),
    ],
)
def test_the_cli_names_the_flag_of_the_parameter_when_the_command_has_it(
    command, error, line, capsys, monkeypatch
):
    def fail(_):
        raise error

    monkeypatch.setattr(f"symcollapse.cli.{command}.run", fail)
    argv = {
        "derive": ["derive", "2", "1"],
        "regress": ["regress", "2", "1"],
        "fold": ["fold", "m.onnx"],
    }
    assert main(argv[command]) == 2
    assert capsys.readouterr().err == f"symcollapse: error: {line}\n"
