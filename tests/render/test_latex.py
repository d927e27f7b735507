from __future__ import annotations

import re

import pytest
import sympy as sp

from symcollapse import Notation, derive
from symcollapse.render.latex import escape_text, render_document, render_fragment
from tests.latex_meaning import entry_sums

SHAPES = [(1, 1), (2, 3, 3, 1), (3, 2, 2, 2, 1), (12, 2, 11, 1)]


def _expected_entries(result) -> dict[str, sp.Expr]:
    expected = {}
    for i in range(result.W_z.rows):
        for j in range(result.W_z.cols):
            expected[f"W_z[{i + 1},{j + 1}]"] = result.W_z[i, j]
        expected[f"b_z[{i + 1}]"] = result.b_z[i]
    return expected


@pytest.mark.parametrize("widths", SHAPES)
def test_fragment_entries_mean_W_z_and_b_z(widths):
    derivation = derive(widths)
    assert entry_sums(render_fragment(derivation)) == _expected_entries(derivation.collapse)


@pytest.mark.parametrize("widths", SHAPES)
def test_document_entries_mean_W_z_and_b_z(widths):
    derivation = derive(widths)
    assert entry_sums(render_document(derivation)) == _expected_entries(derivation.collapse)


def test_long_sums_break_across_lines():
    tex = render_fragment(derive((2, 3, 3, 1)))
    rows = [r for r in tex.split("\\\\\n") if r.startswith(r"&\quad")]
    assert rows, "the 13-term b_z entry must be broken"
    narrow = render_fragment(derive((2, 3, 3, 1)), Notation(line_width=40))
    assert narrow.count(r"&\quad") > tex.count(r"&\quad")


def test_fragment_blocks_are_balanced():
    tex = render_fragment(derive((2, 3, 3, 1)))
    assert tex.count(r"\begin{align*}") == tex.count(r"\end{align*}") == 5
    assert tex.count("{") == tex.count("}")
    assert tex.count(r"\left") == tex.count(r"\right")


def test_escape_text():
    assert escape_text(r"50% of a_b & {c} #1 $ ~ ^ \ ") == (
        r"50\% of a\_b \& \{c\} \#1 \$ \textasciitilde{} \textasciicircum{} \textbackslash{} "
    )


@pytest.mark.latex
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (1, 1), (12, 2, 11, 1), (3, 3, 3, 3, 3)])
def test_document_compiles(widths, compile_latex):
    pdf = compile_latex(render_document(derive(widths)))
    assert pdf.stat().st_size > 1000


@pytest.mark.latex
def test_fragment_compiles_when_input(compile_latex, tmp_path):
    (tmp_path / "fragment.tex").write_text(render_fragment(derive((2, 3, 1))), encoding="utf-8")
    compile_latex(
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
        "\\input{fragment}\n\\end{document}\n"
    )


def test_document_sets_enough_matrix_columns():
    tex = render_document(derive((12, 2, 1), detail="full"))
    assert re.search(r"\\setcounter\{MaxMatrixCols\}\{12\}", tex)
