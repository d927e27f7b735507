"""``symcollapse gradients D0 ... Dn`` from the command line."""

from __future__ import annotations

import json

import pytest

from symcollapse.cli import main
from tests.conftest import error_line


@pytest.mark.parametrize("fmt", ["latex", "markdown", "text", "json"])
def test_gradients_formats(fmt, capsys):
    assert main(["gradients", "2", "2", "1", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["sections"][2]["title"] == ["Over a data set, without biases"]
    elif fmt == "latex":
        assert r"\frac{\partial L}{\partial W_{1}} &= W_{2}^{T}" in out
    else:
        assert "Backpropagation at matrix level" in out


def test_gradients_notation_options(capsys):
    argv = ["gradients", "2", "1", "--entry-style", "flat", "--names", "W=M", "--detail", "full"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert r"\frac{\partial L}{\partial M_{1,11}}" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["5", "5", "5", "5"], "expand to up to 440,765 terms, above the limit of 20,000"),
        (["2", "0", "1"], "width d_1 must be at least 1, got 0"),
        (["2", "1", "--format", "json", "--numbered"], "typesetting options apply to latex, mark"),
    ],
)
def test_gradients_bad_input(argv, message, capsys):
    assert main(["gradients", *argv]) == 2
    assert message in error_line(capsys)


@pytest.mark.latex
@pytest.mark.parametrize("widths", [("2", "3", "3", "1"), ("4", "4", "3", "1")])
def test_gradients_document_fits_the_page(widths, tmp_path, compile_latex, capsys):
    assert main(["gradients", *widths, "--standalone", "--out", str(tmp_path / "tex")]) == 0
    (path,) = (tmp_path / "tex").iterdir()
    compile_latex(path.read_text(), "gradients")


@pytest.mark.latex
@pytest.mark.parametrize("numbered", [[], ["--numbered"]])
def test_gradients_fit_a_two_column_paper(numbered, tmp_path, compile_latex, capsys):
    """The matrix forms, as a paper prints them, in a column: no overfull box."""
    out = tmp_path / "tex"
    argv = ["gradients", "2", "3", "3", "1", "--two-column", *numbered, "--out", str(out)]
    assert main(argv) == 0
    (path,) = out.iterdir()
    paper = (
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
        f"Text.\n{path.read_text()}\nText.\n\\end{{document}}\n"
    )
    compile_latex(paper, "paper")
