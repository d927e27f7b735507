from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
import sympy as sp

from symcollapse.cli import main
from symcollapse.cli.parser import COMMANDS
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH
from tests.conftest import error_line


def test_example_writes_the_example_and_the_showcase(tmp_path, capsys):
    assert main(["example", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            *(
                f"{stem}.{ext}"
                for stem in ("example", "layers-conv", "layers-relu", "layers-residual")
                for ext in ("json", "md", "tex")
            ),
            "example-paths.svg",
            "example-paths.tex",
            "example.html",
        ]
    )
    assert r"\begin{document}" in (tmp_path / "example.tex").read_text()
    assert json.loads((tmp_path / "example.json").read_text())["widths"] == [2, 3, 3, 1]
    assert str(tmp_path / "example.tex") in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("latex", r"\begin{align*}"),
        ("markdown", "$$"),
        ("text", "Check\n-----"),
        ("json", '"W_z"'),
        ("typst", "sum_(k_(1)"),
        ("html", "<math"),
    ],
)
def test_derive_to_stdout(fmt, marker, capsys):
    assert main(["derive", "2", "3", "1", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert marker in out
    assert r"\documentclass" not in out


def test_derive_standalone_and_out(tmp_path, capsys):
    assert main(["derive", "2", "2", "--standalone", "--out", str(tmp_path)]) == 0
    path = tmp_path / "collapse-2-2.tex"
    assert path.read_text().startswith(r"\documentclass")
    assert capsys.readouterr().out.strip() == str(path)


def test_derive_json_file_parses(tmp_path):
    assert main(["derive", "1", "2", "1", "--format", "json", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "collapse-1-2-1.json").read_text())
    assert sp.sympify(data["b_z"][0][0]) == sp.sympify("w_2_1_1*b_1_1 + w_2_1_2*b_1_2 + b_2_1")


def test_verify_reports_what_was_checked(capsys):
    assert main(["verify", "2", "3", "3", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("f(x) = W_z x + b_z holds for widths 2 3 3 1: ")
    assert "31 monomials compared" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive", "2", "0", "1"], "symcollapse: error: width d_1 must be at least 1, got 0"),
        (["derive", "2", "x"], "symcollapse: error: width d_1 must be an integer, got 'x'"),
        (
            ["derive", "2"],
            "symcollapse: error: need at least two widths (input and output), got 1: "
            "give d_0 d_1 ... d_n with n >= 1",
        ),
        (["verify", "-3", "1"], "symcollapse: error: width d_0 must be at least 1, got -3"),
        (["verify"], "symcollapse: error: the following arguments are required: D"),
        (
            ["derive", "2", "1", "--format", "pdf"],
            "symcollapse: error: argument --format: "
            "invalid choice: 'pdf' (choose from 'beamer', 'github', 'html', 'json', 'latex', "
            "'markdown', 'text', 'typst')",
        ),
        (
            ["frobnicate"],
            "symcollapse: error: argument COMMAND: invalid choice: 'frobnicate' (choose from "
            + ", ".join(f"'{name}'" for name in COMMANDS)
            + ")",
        ),
        (["derive", "2", "1", "--colour"], "symcollapse: error: unrecognized arguments: --colour"),
        (
            ["derive", "2", "1", "--format", "text", "--standalone"],
            "symcollapse: error: --standalone goes with --format latex or typst",
        ),
        (
            ["derive", "2", "1", "--max-terms", "0"],
            "symcollapse: error: argument --max-terms: expected a positive integer, got 0",
        ),
        (
            ["derive", "3", "3", "3", "3", "3", "3", "3", "3", "3", "3", "3", "3"],
            "symcollapse: error: widths 3 3 3 3 3 3 3 3 3 3 3 3 expand to 797,160 terms "
            "(59,049 per W_z entry, 88,573 per b_z entry), above the limit of 20,000; "
            "raise max_terms (command line: --max-terms)",
        ),
        (["derive", "²", "1"], "symcollapse: error: width d_0 must be an integer, got '²'"),
        (
            ["verify", "2", "2", "--method", "random", "--seed", "-1"],
            "symcollapse: error: argument --seed: expected an integer >= 0, got -1",
        ),
        (
            ["verify", "2", "2", "--method", "random", "--trials", "100000000"],
            "symcollapse: error: the number of trials must be an integer from 1 to 1000, "
            "got 100000000",
        ),
        (
            ["derive", *["1"] * 152, "--values", "random"],
            "symcollapse: error: a derivation of 151 layers is above the limit of 60 (it has a "
            "step per layer, each growing with the depth and each checked); check the identity "
            "alone with verify, or raise max_depth (command line: --max-depth)",
        ),
        (
            ["regress", *["1"] * 30, "--max-depth", "5"],
            "symcollapse: error: a derivation of 29 layers is above the limit of 5 (it has a "
            "step per layer, each growing with the depth and each checked); check the identity "
            "alone with verify, or raise max_depth (command line: --max-depth)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert error_line(capsys) == message
    assert list(tmp_path.iterdir()) == []  # nothing written, not even an empty output/


def test_no_arguments_print_the_usage_then_the_error(capsys):
    assert main([]) == 2
    assert capsys.readouterr().err == (
        "usage: symcollapse [-h] [--version] COMMAND ...\n"
        "symcollapse: error: the following arguments are required: COMMAND\n"
    )


def test_no_file_when_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["derive", "4", "4", "4", "4", "4", "4", "4", "4", "--out", str(out)]) == 2
    assert not out.exists()
    error_line(capsys)


def test_unwritable_output_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["example", "--out", str(blocker / "sub")]) == 2
    assert error_line(capsys).endswith(f"{str(blocker)!r} is not a directory")


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "example" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "symcollapse", "verify", "1", "2", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "holds for widths 1 2 1" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "symcollapse", "verify", "1", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "symcollapse: error: width d_1 must be at least 1, got 0\n",
    )


def test_depth_limit_is_one_line_and_can_be_raised(capsys):
    assert main(["derive", *["1"] * (DEFAULT_MAX_DEPTH + 2)]) == 2  # one layer too many
    line = f"symcollapse: error: a derivation of {DEFAULT_MAX_DEPTH + 1} layers"
    assert error_line(capsys).startswith(line)
    assert main(["derive", "1", "1", "1", "1", "--max-depth", "2"]) == 2
    assert error_line(capsys).startswith("symcollapse: error: a derivation of 3 layers")
    assert main(["derive", "1", "1", "1", "1", "--max-depth", "3", "--format", "text"]) == 0
    assert "Check" in capsys.readouterr().out


def test_a_reader_that_goes_away_ends_the_output_quietly() -> None:
    """``symcollapse prove 2>&1 | head -0``: exit 141 (as after SIGPIPE), nothing more written.
    The reader is gone before the first write, so the verdict does not depend on how fast the
    machine is (a reader that reads one line first races the writer of a short document)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "symcollapse", "prove", "--format", "text"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    process.stdout.close()
    assert process.wait(timeout=120) == 141


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_declared_command_has_its_run(name):
    """``symcollapse NAME`` runs ``symcollapse.cli.NAME.run``: a command declared in
    :mod:`symcollapse.cli.parser` without that module would fail only when typed."""
    assert callable(importlib.import_module(f"symcollapse.cli.{name}").run)
