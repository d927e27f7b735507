"""``--help``: every option explains itself and its default; every command has examples that run."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

from symcollapse.cli import main
from symcollapse.cli.help import COMMAND_HELP
from symcollapse.cli.parser import COMMANDS, build_parser
from tests.model_files import dense_layers, state_dict, write_onnx


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_has_help_texts():
    assert set(COMMAND_HELP) == set(COMMANDS) == set(_commands())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_has_help_and_shows_its_default(name, capsys):
    command = _commands()[name]
    for action in command._actions:
        assert action.help, (name, action.dest)
        takes_value = action.nargs != 0 and action.option_strings
        if takes_value:
            assert "default" in command._get_formatter()._get_help_string(action), action.dest
    assert main([name, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert COMMAND_HELP[name].description in text
    assert "examples: symcollapse " + name in text


def test_regress_help_states_the_real_learning_rate(capsys):
    from symcollapse.algebra.descent import DEFAULT_LEARNING_RATE

    assert main(["regress", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    shown = re.search(r"step size for --gd \(default: ([^)]*)\)", text)
    assert shown and float(shown.group(1)) == DEFAULT_LEARNING_RATE


TOP_EXAMPLES = [
    tuple(line.split()[1:]) for line in build_parser().epilog.splitlines()[1:]
]  # fmt: skip
EXAMPLES = [example for text in COMMAND_HELP.values() for example in text.examples] + TOP_EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES, ids=" ".join)
def test_every_example_runs(example, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    layers = dense_layers((2, 3, 1), seed=0)
    np.savez(tmp_path / "model.npz", **state_dict(layers))  # the files fold's examples name
    write_onnx(layers, tmp_path / "model.onnx")
    if example[0] == "check":  # the documents check's examples name
        assert main(["derive", "2", "3", "3", "1", "--out", "paper"]) == 0
        assert main(["derive", "2", "3", "1", "--values", "random", "--format", "markdown",
                     "--out", "answer"]) == 0  # fmt: skip
    assert main(list(example)) == 0
    assert capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["derive", "2", "1", "--format", "pdf"], ["verify"], ["derive", "0", "1"], ["nope"]],
)
def test_usage_and_run_errors_share_one_prefix(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("symcollapse: error: ") and err.count("\n") == 1
