"""CLI for paper- and answer-ready output: notation options, --values, regress, --pdf.

(Named apart from ``test_cli.py`` so that it merges cleanly beside the core CLI tests.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp

from symcollapse.algebra.numeric import collapse_values
from symcollapse.cli import main
from symcollapse.io import pdf
from symcollapse.spec.roles import ROLES
from symcollapse.spec.values import random_values


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_notation_options_reach_the_latex(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(
        capsys,
        *("derive", "2", "2", "1", "--names", "W=M,x=y,b_z=c_z", "--entry-style", "flat"),
        *("--index-base", "0", "--delimiter", "pmatrix", "--numbered", "--detail", "full"),
    )
    assert (status, err) == (0, "")
    assert r"\begin{align}" in out and "align*" not in out
    assert r"f(y) &\mathrel{:=} \sigma_{2}\left(M_{2}" in out
    assert r"\begin{pmatrix} M_{1,00} & M_{1,01} \\" in out
    assert r"c_{z} &\mathrel{:=} M_{2} b_{1} + b_{2}" in out


def test_example_takes_notation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = _run(capsys, "example", "--out", str(tmp_path), "--entry-style", "upper")
    assert status == 0
    assert "W^{3}_{11} W^{2}_{11} W^{1}_{11}" in (tmp_path / "example.tex").read_text()
    assert "W^{3}_{11} W^{2}_{11} W^{1}_{11}" in (tmp_path / "example.md").read_text()


def test_values_random(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "derive", "2", "3", "1", "--values", "random", "--seed", "5")
    assert status == 0
    W_z = collapse_values(random_values((2, 3, 1), 5)).W_z
    expected = " & ".join(sp.latex(e) for e in W_z)
    assert rf"\begin{{bmatrix}} {expected} \end{{bmatrix}} \tag*{{(multiply " in out


def test_values_file_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v.json"
    path.write_text('{"weights": [[[1, 2]], [["1/2"]]], "biases": [["0.5"], [1]]}')
    status, out, _ = _run(
        capsys, "derive", "2", "1", "1", "--values", str(path), "--format", "json"
    )
    assert status == 0
    data = json.loads(out)
    assert (data["W_z"], data["b_z"], data["source"]) == ([["1/2", "1"]], [["5/4"]], "given values")


def test_regress_with_values_file_and_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.json"
    path.write_text('{"weights": [[[1, 2]], [["1/2"]]], "biases": [["0.5"], [1]]}')
    status, out, _ = _run(capsys, "regress", "2", "1", "1", "--values", str(path), "--seed", "4")
    assert status == 0
    assert "W_z = [[1/2, 1]]    [rows 2 to the end of Theta, transposed]" in out
    assert "Sample 5 inputs with integer entries from -3 to 3 (seed 4)." in out


def test_regress_text_and_gd(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("regress", "2", "3", "1", "--seed", "2", "--gd", "20", "--report-every", "10")
    status, out, _ = _run(capsys, *argv, "--out", str(tmp_path))
    assert status == 0
    assert out.split() == [
        str(tmp_path / "regress-2-3-1.txt"),
        str(tmp_path / "regress-2-3-1-gd.txt"),
    ]
    text = (tmp_path / "regress-2-3-1.txt").read_text()
    assert "X.T*X*Theta = X.T*Y    [normal equations]" in text
    lines = (tmp_path / "regress-2-3-1-gd.txt").read_text().splitlines()
    assert [line.split(":")[0] for line in lines[1:]] == ["epoch 10", "epoch 20"]


NAME = (
    "name for W must be letters (Greek names such as theta or Θ allowed), got '\\\\alpha'; "
    "LaTeX commands and special characters are refused, not passed through"
)
DIVERGED = r"gradient descent diverged at epoch \d+ with learning rate 0.9; use a smaller "


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ("derive 2 1 --format json --numbered", "typesetting options apply to latex, markdown, "
         "typst and html output, not json: --numbered (of the notation options, json takes "
         "--names)"),
        ("derive 2 1 --format text --numbered", "typesetting options apply to latex, markdown, "
         "typst and html output, not text: --numbered (of the notation options, text takes "
         "--names)"),
        ("derive 2 1 --format markdown --numbered", "--numbered applies to LaTeX output "
         "(MathJax's aligned has no numbers)"),
        ("derive 2 1 --names W=\\alpha", NAME),
        ("derive 2 1 --names W", "--names takes ROLE=NAME pairs separated by commas, got 'W'"),
        ("derive 2 1 --names q=u", "unknown name 'q' to rename; known: " + ", ".join(ROLES)),
        ("derive 2 1 --names x=y,x=v", "--names renames x twice (x=y, x=v); give each role once"),
        ("derive 2 1 --names W=", "--names gives W an empty name, in 'W='"),
        ("derive 2 1 --names W=M,b=", "--names gives b an empty name, in 'b='"),
        ("derive 2 1 --names W=M,", "--names takes ROLE=NAME pairs separated by commas, got ''"),
        ("derive 2 2 1 --names W_z=W_1,b_z=b_2", "name 'W_1' for W_z would read as the weight "
         "matrix W_1; choose another subscript than digits or i, j, k, m, n"),
        ("derive 2 1 --names W=M,b=M", "the names must all differ, got x=x, W=M, b=M"),
        ("derive 2 1 --seed 3", "--seed goes with --values random"),
        ("derive 2 1 --png", "--png goes with --pdf"),
        ("derive 2 1 --pdf --format markdown", "--pdf goes with --format latex or beamer"),
        ("derive 2 1 --values missing.json", "cannot read values file 'missing.json': No such "
         "file or directory"),
        ("regress 2 1 --samples 2", "need at least d_0 + 1 = 3 samples to determine W_z and b_z, "
         "got 2"),
        ("regress 2 1 --report-every 5", "--learning-rate and --report-every go with --gd"),
        ("regress 2 3 1 --gd 50 --learning-rate 0.9",
         DIVERGED + r"learning_rate \(command line: --learning-rate\)"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = _run(capsys, *argv.split(" "))
    pattern = re.escape(message) if r"\d" not in message else message.replace(".", r"\.")
    assert (status, out) == (2, "")
    assert re.fullmatch(f"symcollapse: error: {pattern}\n", err), err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


@pytest.mark.parametrize(
    "argv",
    [
        ["derive", "2", "1", "--index-base", "2"],
        ["derive", "2", "1", "--entry-style", "tensor"],
        ["regress", "2", "1", "--format", "json"],
    ],
)
def test_bad_choices_are_one_line_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice" in err


@pytest.mark.latex
@pytest.mark.parametrize(
    ("argv", "stem", "extra"),
    [
        ("derive 2 2 1 --values random", "collapse-2-2-1-values", []),
        ("regress 2 2 1 --gd 5", "regress-2-2-1", ["regress-2-2-1-gd.txt"]),
    ],
)
def test_pdf_and_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: str, stem: str, extra: list[str]
) -> None:
    status, out, _ = _run(capsys, *argv.split(), "--pdf", "--png", "--out", str(tmp_path))
    assert status == 0
    names = [f"{stem}.{e}" for e in ("tex", "pdf", "png")] + extra
    assert out.split() == [str(tmp_path / name) for name in names]
    assert (tmp_path / f"{stem}.pdf").read_bytes().startswith(b"%PDF")


def test_pdf_without_pdflatex(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    status, _, err = _run(capsys, "derive", "2", "1", "--pdf", "--out", str(tmp_path / "o"))
    assert status == 2
    assert (
        err
        == "symcollapse: error: --pdf needs pdflatex, which is not installed (not found on PATH)\n"
    )
    assert not (tmp_path / "o").exists()


def test_a_values_file_that_is_not_utf8_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("v.json").write_bytes(b"\xff")
    status, out, err = _run(capsys, "derive", "2", "1", "--values", "v.json")
    message = "values file 'v.json' is not UTF-8 text (byte 0xff at position 0)"
    assert (status, out, err) == (2, "", f"symcollapse: error: {message}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["v.json"]


@pytest.mark.parametrize("fmt", ["latex", "json"])
def test_an_empty_names_option_is_refused_not_ignored(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    status, out, err = _run(capsys, "derive", "2", "1", "--format", fmt, "--names", "")
    message = "--names is empty; give ROLE=NAME pairs separated by commas, e.g. W=M"
    assert (status, out, err) == (2, "", f"symcollapse: error: {message}\n")
