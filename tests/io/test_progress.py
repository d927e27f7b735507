"""Progress on stderr: silent unless the stream is a terminal, erased when done."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symcollapse.io.progress import Progress
from tests.cli.test_hostile import TIMEOUT, _limit


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal():
    stream = io.StringIO()
    with Progress("expanding", stream=stream, delay=0) as progress:
        progress(1, 3)
    assert stream.getvalue() == ""


def test_silent_for_short_work_on_a_terminal():
    stream = _Terminal()
    with Progress("expanding", stream=stream, delay=3600) as progress:
        progress(1, 3)
    assert stream.getvalue() == ""


def test_reports_in_place_and_erases_on_a_terminal():
    stream = _Terminal()
    with Progress("expanding", stream=stream, delay=0) as progress:
        progress(1, 12)
        progress(12, 12)
    assert stream.getvalue() == (
        "\rexpanding: 1/12" + "\rexpanding: 12/12" + "\r" + " " * 16 + "\r"
    )


def test_stages_show_at_once_on_a_terminal_only():
    """A stage has no count to wait for: it is shown at once, in place, and erased at the end."""
    stream = _Terminal()
    with Progress("fold", stream=stream, delay=3600) as progress:
        progress.stage("reading m.onnx")
        progress.stage("exact integer products")
    line = "fold: exact integer products"
    assert stream.getvalue() == (
        "\rfold: reading m.onnx" + "\r" + line + "\r" + " " * len(line) + "\r"
    )
    quiet = io.StringIO()
    with Progress("fold", stream=quiet, delay=0) as progress:
        progress.stage("reading m.onnx")
    assert quiet.getvalue() == ""


def test_counts_are_counts_of_the_current_stage():
    stream = _Terminal()
    with Progress("derive", stream=stream, delay=0) as progress:
        progress(1, 4)
        progress.stage("expanding")
        progress(2, 4)
    assert stream.getvalue().split("\r")[1:4] == [
        "derive: 1/4",
        "derive: expanding",
        "derive: expanding 2/4",
    ]


def test_fold_shows_its_stages_on_a_terminal(tmp_path, monkeypatch, capsys):
    """``symcollapse fold`` on a terminal: each stage, then nothing left of them on the line."""
    from symcollapse.cli import main
    from tests.model_files import dense_layers, require, write_onnx

    require("onnx", "ONNX")
    path = write_onnx(dense_layers((2, 3, 1), seed=1), tmp_path / "m.onnx")
    shown: list[str] = []
    monkeypatch.setattr(Progress, "_show", lambda self, line: shown.append(line))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["fold", str(path), "--format", "json"]) == 0
    assert shown[:3] == [
        "fold: reading m.onnx",
        "fold: exact integer products",
        "fold: running the model to check the fold",
    ]


def _on_terminal(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """``symcollapse ARGV`` with stderr on a pseudo-terminal and stdout in a file (a pipe could
    fill while the terminal is read): (status, the terminal's bytes as text, stdout)."""
    master, slave = os.openpty()
    with (cwd / "stdout").open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "symcollapse", *argv],
            stdout=stdout,
            stderr=slave,
            cwd=cwd,
            preexec_fn=_limit,
        )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the command ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=TIMEOUT)
    os.close(master)
    return process.returncode, b"".join(chunks).decode(), (cwd / "stdout").read_text()


#: Every command that may run over a second, and the stages a terminal sees, in order.
STAGES = {
    "derive": (
        ["derive", "2", "3", "1", "--format", "markdown"],
        [
            "derive: expanding",
            "derive: writing the derivation",
            "derive: rendering collapse-2-3-1.md",
            "derive: re-reading",
        ],
    ),
    "derive values": (
        ["derive", "2", "1", "--values", "random"],
        ["derive: reading the numbers", "derive: multiplying", "derive: writing the derivation"],
    ),
    "derive pdf": (
        ["derive", "2", "1", "--pdf", "--out", "pdf"],
        ["derive: rendering collapse-2-1.tex", "derive: compiling collapse-2-1.tex"],
    ),
    "gradients": (
        ["gradients", "2", "1"],
        ["gradients: differentiating", "gradients: writing and checking every entry"],
    ),
    "layers": (
        ["layers", "2 > dense 2 tanh > dense 1"],
        ["layers: deriving and checking every layer", "layers: rendering layers-2-dense"],
    ),
    "regress": (
        ["regress", "2", "1", "--gd", "2"],
        ["regress: sampling and solving exactly", "regress: gradient descent, 2 epochs"],
    ),
    "dynamics": (
        ["dynamics", "arora", "--depth", "2"],
        ["dynamics: checking depth 2 of 2", "dynamics: writing the derivation"],
    ),
    "prove": (
        ["prove", "--instances", "1", "--format", "text"],
        ["prove: checking the Coq development with coqc", "prove: checking the closed forms"],
    ),
    "example": (
        ["example", "--out", "out"],
        ["example: the 2-3-3-1 derivation", "example: the layered showcase"],
    ),
    "check": (["check", "doc.md"], ["check: reading and checking doc.md"]),
}


@pytest.mark.parametrize("case", list(STAGES))
def test_long_commands_show_their_stages_on_a_terminal(case, tmp_path):
    """On a pseudo-terminal each stage shows, in order, and the line is erased before the
    output (stdout, a pipe here, carries none of it)."""
    argv, stages = STAGES[case]
    if case == "check":  # a document to check: the one derive writes
        derived = subprocess.run(
            [sys.executable, "-m", "symcollapse", "derive", "3", "3", "2", "--format", "markdown"],
            capture_output=True,
            text=True,
            check=True,
        )
        (tmp_path / "doc.md").write_text(derived.stdout)
    if "--pdf" in argv and shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    status, terminal, out = _on_terminal(argv, tmp_path)
    assert status == 0, terminal
    lines = terminal.split("\r")
    shown = iter(lines)
    for stage in stages:  # in order: each found after the one before
        assert any(line.startswith(stage) for line in shown), (stage, lines)
    last = max(i for i, line in enumerate(lines) if line.startswith(f"{argv[0]}: "))
    assert set(lines[last + 1]) == {" "}  # erased: blanks, then back to the start of the line
    assert "\r" not in out and f"{argv[0]}: " not in out
