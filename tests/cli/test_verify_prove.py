"""CLI for issue 3: ``verify --method`` and ``prove``; bad input is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.derivations.proof import DEFAULT_INSTANCES


def _run(argv: list[str]) -> int:
    """``main(argv)``, with argparse's own exit (usage errors) turned into its status."""
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code)


def _error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["verify", "3", "3", "3", "--method", "exact"], "holds for widths 3 3 3: exact ("),
        (["verify", "3", "3", "3", "--method", "random", "--seed", "4"], "3 3 3: random (4 trial"),
        (["verify", "3", "3", "3", "--method", "proof"], "3 3 3: proof (induction proof"),
        (["verify", "3", "3", "3", "--method", "random", "--trials", "1"], "random (1 trial(s)"),
    ],
)
def test_verify_methods(argv, start, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert start in out.splitlines()[0]


def test_verify_auto_says_what_it_chose(capsys):
    assert main(["verify", "3", "3", "3", "3", "3", "--max-terms", "100", "--seed", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ": random (" in lines[0]
    assert lines[1] == (
        "method chosen automatically: 363 terms when expanded, above the exact limit of 100 "
        "(--max-terms)"
    )


def test_prove_writes_a_document_and_reports_unchecked_steps(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["prove", "--standalone", "--out", str(out), "--instances", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out / "proof.tex")
    assert captured.err.splitlines()[0] == "20 steps checked by sympy"
    assert captured.err.splitlines()[1].startswith("not checked by sympy: closed forms of W_z(n)")
    assert (out / "proof.tex").read_text().startswith(r"\documentclass")


@pytest.mark.parametrize(("fmt", "marker"), [("markdown", "### Inductive step"), ("text", "[")])
def test_prove_to_stdout(fmt, marker, capsys):
    assert main(["prove", "--format", fmt, "--instances", "1"]) == 0
    assert marker in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["verify", "2", "1", "--method", "naive"],
            "symcollapse: error: argument --method: invalid choice: 'naive' "
            "(choose from 'auto', 'exact', 'random', 'proof')",
        ),
        (
            ["verify", "2", "1", "--trials", "0"],
            "symcollapse: error: argument --trials: expected a positive integer, got 0",
        ),
        (
            ["verify", "3", "3", "3", "3", "3", "--method", "exact", "--max-terms", "100"],
            "symcollapse: error: widths 3 3 3 3 3 expand to 363 terms (27 per W_z entry, "
            "40 per b_z entry), above the limit of 100; raise max_terms (command line: "
            "--max-terms)",
        ),
        (
            ["verify", "10000", "10000", "2", "--method", "random"],
            "symcollapse: error: widths needing about 1,241 MB are too large for random-point "
            "verification (limit 1,024 MB) (command line: --max-megabytes)",
        ),
        (
            ["prove", "--format", "json"],
            "symcollapse: error: argument --format: invalid choice: 'json' "
            "(choose from 'beamer', 'github', 'html', 'latex', 'markdown', 'text', 'typst', "
            "'coq')",
        ),
        (
            ["prove", "--instances", "31"],
            "symcollapse: error: instances must be from 1 to 30, got 31",
        ),
        (
            ["prove", "--format", "text", "--standalone"],
            "symcollapse: error: --standalone goes with --format latex or typst",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _run(argv) == 2
    assert _error_line(capsys) == message
    assert list(tmp_path.iterdir()) == []


def test_failed_proof_output_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["prove", "--format", "text", "--standalone", "--out", str(out)]) == 2
    assert not out.exists()
    _error_line(capsys)


def test_verify_does_not_load_sympy():
    code = (
        "import sys\n"
        "from symcollapse.cli import main\n"
        "assert main(['verify', '3', '3', '3', '--method', 'exact']) == 0\n"
        "assert main(['verify', '3', '3', '3', '--method', 'random']) == 0\n"
        "print('sympy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False"


def test_prove_help_states_the_real_default(capsys):
    assert _run(["prove", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {DEFAULT_INSTANCES})" in help_text
