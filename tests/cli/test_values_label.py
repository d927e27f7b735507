"""``--values FILE``: the local file name stays out of the document unless ``--values-label``."""

from __future__ import annotations

import json

import pytest

from symcollapse.cli import main
from symcollapse.spec.values import random_values


@pytest.fixture
def values_file(tmp_path):
    path = tmp_path / "my-secret-experiment_v3.json"
    path.write_text(json.dumps(random_values((2, 3, 1), 1).data()))
    return path


@pytest.mark.parametrize("command", ["derive", "regress"])
@pytest.mark.parametrize("fmt", ["markdown", "github", "latex", "text"])
def test_file_name_is_not_in_the_document(command, fmt, values_file, capsys):
    assert main([command, "2", "3", "1", "--values", str(values_file), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "secret" not in out
    assert "given values" in out or fmt == "latex"  # a LaTeX fragment has no title or prose


@pytest.mark.parametrize("fmt", ["markdown", "text", "json"])
def test_values_label_names_the_numbers(fmt, values_file, capsys):
    argv = ["derive", "2", "3", "1", "--values", str(values_file), "--values-label", "table 2"]
    assert main([*argv, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "table 2" in out and "secret" not in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--values-label", "x"], "--values-label goes with --values FILE"),
        (["--values", "random", "--values-label", "x"], "--values-label goes with --values FILE"),
        (["--values", "FILE", "--values-label", " "], "--values-label is empty"),
        (["--values", "FILE", "--values-label", "a" * 81], "--values-label has 81 characters"),
        (["--values", "FILE", "--values-label", "a\nb"], "--values-label contains the control"),
    ],
)
def test_bad_labels_are_one_line_errors(extra, message, values_file, capsys):
    argv = [str(values_file) if word == "FILE" else word for word in extra]
    assert main(["derive", "2", "3", "1", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"symcollapse: error: {message}") and err.count("\n") == 1
