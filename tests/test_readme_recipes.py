"""The README's recipes run as printed: each command, the notebook lines, and the paper fragment
compiles in a two-column article."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from symcollapse.cli import main
from tests.model_files import dense_layers, require, write_onnx

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
RECIPES = dict(re.findall(r"<!-- recipe: (\w+) -->\n```(?:sh|py)\n(.*?)```", README, flags=re.S))


def test_every_recipe_is_found() -> None:
    assert set(RECIPES) == {
        "paper",
        "answer",
        "check",
        "reread",
        "notebook",
        "model",
        "typst",
        "page",
        "lecture",
    }


@pytest.mark.parametrize(
    "name", ["paper", "answer", "check", "reread", "model", "typst", "page", "lecture"]
)
def test_command_recipes_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if name == "model":
        require("onnx", "ONNX")
        write_onnx(dense_layers((2, 3, 3, 1), seed=0), tmp_path / "model.onnx")
    for line in RECIPES[name].strip().splitlines():
        words = shlex.split(line)
        assert words[0] == "symcollapse"
        assert main(words[1:]) == 0, line


def test_notebook_recipe_displays_every_result() -> None:
    lines = [line.split("#")[0].strip() for line in RECIPES["notebook"].strip().splitlines()]
    namespace: dict[str, object] = {}
    exec(lines[0], namespace)
    for expression in filter(None, lines[1:]):
        value = eval(expression, namespace)
        assert value._repr_markdown_() and value._repr_latex_()


@pytest.mark.latex
def test_paper_recipe_fits_a_two_column_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compile_latex
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(RECIPES["paper"])[1:]) == 0
    fragment = (tmp_path / "paper" / "collapse-3-4-4-2.tex").read_text()
    assert r"\label{deep:2.4}" in fragment
    document = (
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
        + fragment
        + "\nSee \\eqref{deep:2.4}.\n\\end{document}\n"
    )
    compile_latex(document, name="paper")
