"""The Σ forms as LaTeX: summation signs, entries with symbolic indices, in every notation."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra import sigma, symbols
from symcollapse.algebra.collapsing import collapse
from symcollapse.doc.prose import Applied, IndexRange
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.render.typst import typst as typst_math


def _latex(expr, widths=(2, 3, 3, 1), **notation) -> str:
    printer = NetworkLatexPrinter(collapse(widths).network.entries, Notation(**notation))
    return printer.doprint(expr)


@pytest.mark.parametrize(
    ("notation", "expected"),
    [
        ({}, r"\sum_{k_{1}=1}^{d_{1}} \sum_{k_{2}=1}^{d_{2}} w^{(3)}_{i\,k_{2}} "
             r"w^{(2)}_{k_{2}\,k_{1}} w^{(1)}_{k_{1}\,j}"),
        ({"index_base": 0}, r"\sum_{k_{1}=0}^{d_{1} - 1} \sum_{k_{2}=0}^{d_{2} - 1} "
                            r"w^{(3)}_{i\,k_{2}} w^{(2)}_{k_{2}\,k_{1}} w^{(1)}_{k_{1}\,j}"),
        ({"entry_style": "flat"}, r"\sum_{k_{1}=1}^{d_{1}} \sum_{k_{2}=1}^{d_{2}} "
                                  r"W_{3,i\,k_{2}} W_{2,k_{2}\,k_{1}} W_{1,k_{1}\,j}"),
    ],
)  # fmt: skip
def test_weight_sum_in_each_notation(notation: dict, expected: str) -> None:
    assert _latex(sigma.weight_sum(3), **notation) == expected


def test_more_than_three_hidden_indices_share_one_sign() -> None:
    text = _latex(sigma.weight_sum(5), widths=(2, 2, 2, 2, 2, 1))
    assert text.startswith(r"\sum_{k_{1}, \dots, k_{4}} w^{(5)}_{i\,k_{4}} w^{(4)}_{k_{4}\,k_{3}}")
    assert text.count(r"\sum") == 1


def test_collapsed_entries_and_the_applied_map() -> None:
    assert (
        _latex(sigma.collapsed_entry("W_z", 1, sigma.column_index())) == r"\left(W_{z}\right)_{1j}"
    )
    assert _latex(sigma.collapsed_entry("b_z", 2), index_base=0) == r"\left(b_{z}\right)_{1}"
    net = collapse((6, 1)).network
    assert _latex(Applied(symbols.scalar("f"), *net.x), widths=(6, 1)) == r"f(x_{1}, \dots, x_{6})"


K, N = symbols.scalar("k"), symbols.scalar("n")
TERM = symbols.matrix("W", 3, 3, K)


@pytest.mark.parametrize(
    ("index", "last", "base", "latex", "typst"),
    [
        (sigma.unit_index(1), sigma.width(1), 0, r"k_{1} = 0, \dots, d_{1} - 1", "k_(1) = 0"),
        (sigma.unit_index(1), sigma.width(1), 1, r"k_{1} = 1, \dots, d_{1}", "k_(1) = 1"),
        (sigma.row_index(), sigma.width(3), 0, r"i = 0, \dots, d_{3} - 1", "i = 0"),
        (K, N, 0, r"k = 1, \dots, n", "k = 1"),  # layers count from 1 in every notation
        (symbols.scalar("layer"), symbols.scalar("N"), 0, r"j = 1, \dots, N", "j = 1"),
    ],
)
def test_entry_ranges_follow_the_index_base_and_layer_ranges_do_not(
    index, last, base, latex, typst
) -> None:
    over = IndexRange(index, 1, last)
    assert _latex(over, index_base=base) == latex
    boxes = NetworkBoxPrinter({}, Notation(index_base=base))
    assert typst_math(boxes.doprint(over)).startswith(typst)
    first = latex.split(",")[0].replace(" = ", "=")
    assert _latex(sp.Sum(TERM, (index, 1, last)), index_base=base).startswith(rf"\sum_{{{first}}}")
    assert typst_math(boxes.doprint(sp.Sum(TERM, (index, 1, last)))).startswith(f"sum_({typst})")
