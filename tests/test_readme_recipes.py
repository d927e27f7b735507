"""What the recipes promise beyond running (tests/test_docs.py runs them): the README has one
recipe per user, the notebook lines display themselves, and the paper fragment compiles in a
two-column article."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from symcollapse.cli import main

ROOT = Path(__file__).resolve().parents[1]
README, RECIPES_PAGE = (ROOT / "README.md", ROOT / "docs" / "recipes.md")


def _recipes(page: Path) -> dict[str, str]:
    text = page.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- recipe: (\w+) -->\n```(?:sh|py)\n(.*?)```", text, flags=re.S))


def test_the_readme_has_a_recipe_per_user() -> None:
    assert set(_recipes(README)) == {"paper", "check", "answer", "model"}
    assert set(_recipes(RECIPES_PAGE)) == {"typst", "random", "notebook", "lecture"}


def test_notebook_recipe_displays_every_result() -> None:
    code = _recipes(RECIPES_PAGE)["notebook"]
    lines = [line.split("#")[0].strip() for line in code.strip().splitlines()]
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
    assert main(shlex.split(_recipes(README)["paper"])[1:]) == 0
    fragment = (tmp_path / "paper" / "collapse-3-4-4-2.tex").read_text()
    assert r"\label{deep:2.4}" in fragment
    document = (
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
        + fragment
        + "\nSee \\eqref{deep:2.4}.\n\\end{document}\n"
    )
    compile_latex(document, name="paper")
