from __future__ import annotations

import itertools
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


#: Documents and widths where some sections' reasons fit beside their rows and others' do not.
MIXED = [((2, 3, 3, 1), "brief", 80), ((2, 3, 3, 1), "full", 50), ((3, 4, 4, 2), "standard", 50)]


def _rows(tex: str) -> list[str]:
    return [row for block in tex.split(r"\begin{align}")[1:] for row in block.split("\\\\\n")]


@pytest.mark.parametrize(("widths", "detail", "line_width"), MIXED)
def test_reasons_are_in_one_place_throughout_a_document(widths, detail, line_width):
    notation = Notation(numbered=True, line_width=line_width)
    rows = _rows(render_fragment(derive(widths, detail=detail), notation))
    beside = [row for row in rows if r" && \left(" in row]
    below = [row for row in rows if row.startswith(r"&\qquad ")]
    assert below and not beside


@pytest.mark.parametrize(("widths", "detail", "line_width"), MIXED)
def test_a_reason_stays_on_the_page_of_its_equation(widths, detail, line_width):
    """No page or column break between an equation and its reason, nor inside a reason: only a
    row that no reason row follows allows one (``\\displaybreak``)."""
    notation = Notation(numbered=True, line_width=line_width)
    rows = _rows(render_fragment(derive(widths, detail=detail), notation))
    for row, following in itertools.pairwise(rows):
        if following.startswith(r"&\qquad "):
            assert r"\displaybreak" not in row, (row, following)


def test_a_reason_of_words_is_one_box_reading_as_one_phrase():
    notation = Notation(numbered=True, line_width=50)
    tex = render_fragment(derive((2, 3, 3, 1), detail="full"), notation)
    assert r"\text{\parbox[t]{" not in tex  # "(every activation is the identity)" fits
    narrow = render_fragment(derive((2, 3, 3, 1), detail="full"), notation.merged(line_width=30))
    assert re.search(
        r"&\\qquad \\text\{\\parbox\[t\]\{[\d.]+em\}\{\\raggedright \\hangindent=0.39em "
        r"\\hangafter=1 \(every activation is the identity\)\}\}",
        narrow,
    )
