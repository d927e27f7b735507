from __future__ import annotations

import re

import pytest

from symcollapse import Notation, derive
from symcollapse.render.markdown import render_markdown
from tests.latex_meaning import entry_sums

from .kinds import MIXED_REASONS, reasons_in_one_place

#: Environments MathJax 3 supports without extensions that we may emit.
MATHJAX_ENVIRONMENTS = {"aligned", "bmatrix", "pmatrix"}


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (1, 1), (3, 2, 2)])
def test_markdown_is_mathjax_safe(widths):
    md = render_markdown(derive(widths))
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.S | re.M)
    assert len(blocks) == 5
    assert md.count("$$") == 2 * len(blocks)
    for block in blocks:
        assert set(re.findall(r"\\begin\{(\w+\*?)\}", block)) <= MATHJAX_ENVIRONMENTS
        assert block.count("{") == block.count("}")
        assert block.count(r"\left") == block.count(r"\right")
        assert "align*" not in block


def test_markdown_entries_mean_W_z_and_b_z():
    derivation = derive((2, 3, 3, 1))
    sums = entry_sums(render_markdown(derivation))
    result = derivation.collapse
    assert sums == {
        "W_z[1,1]": result.W_z[0, 0],
        "W_z[1,2]": result.W_z[0, 1],
        "b_z[1]": result.b_z[0],
    }


def test_markdown_prose_uses_inline_math_and_headings():
    md = render_markdown(derive((2, 3, 3, 1)))
    assert md.startswith("## Collapse of the 2\u20133\u20133\u20131 network")
    assert "### The entries" in md
    assert "each entry of $W_{z}$ has 9 products" in md


@pytest.mark.parametrize(("widths", "detail", "line_width"), MIXED_REASONS)
def test_reasons_are_in_one_place_throughout_a_document(widths, detail, line_width):
    """Beside the rows (a last column) in every section, or below them in every section."""
    md = render_markdown(derive(widths, detail=detail), Notation(line_width=line_width))
    placed = reasons_in_one_place(md, r" && \\left\(", r"^&\\qquad ")
    assert min(placed) == 0 < max(placed), placed
