"""MathML Core from layout boxes: exact markup for small formulas."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse import derive
from symcollapse.algebra import symbols
from symcollapse.cli import main
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.mathml import mathml
from symcollapse.render.mathtree import Fenced, Frac, Ident, Num, Row, tall
from symcollapse.render.names import GREEK, spelled
from symcollapse.render.notation import Notation

COLLAPSE = derive((2, 3, 1)).collapse
ENTRIES = COLLAPSE.network.entries
FLAT = '<mo stretchy="false">'


def markup(expr: object, notation: Notation | None = None) -> str:
    return mathml(NetworkBoxPrinter(ENTRIES, notation).doprint(expr))


def entry(kind: str, layer: int, row: int, col: int = 0) -> sp.Symbol:
    return next(
        s for s, e in ENTRIES.items() if (e.kind, e.layer, e.row, e.col) == (kind, layer, row, col)
    )


def test_a_weight_entry_is_a_subsup_with_its_layer_in_parentheses():
    assert markup(entry("W", 2, 0, 2)) == (
        f"<msubsup><mi>w</mi><mn>13</mn><mrow>{FLAT}(</mo><mn>2</mn>{FLAT})</mo></mrow></msubsup>"
    )


def test_capital_greek_names_are_upright_and_small_ones_italic():
    assert markup(entry("b", 1, 1), Notation().renamed({"b": "beta"})).startswith(
        "<msubsup><mi>β</mi><mn>2</mn>"
    )
    W_1 = symbols.matrix("W", 3, 2, 1)
    assert markup(W_1, Notation().renamed({"W": "Theta"})) == (
        '<msub><mi mathvariant="normal">Θ</mi><mn>1</mn></msub>'
    )


@pytest.mark.parametrize("name", sorted(GREEK))
def test_every_greek_name_is_its_unicode_letter(name: str):
    """``lambda`` too, which Unicode spells LAMDA (a weight renamed lambda crashed the page)."""
    W_1 = symbols.matrix("W", 3, 2, 1)
    letter = markup(W_1, Notation().renamed({"W": name})).split("</mi>")[0][-1]
    assert spelled(letter) == name


@pytest.mark.parametrize(("i", "j"), [(0, 0), (0, 1)])
def test_an_entry_of_W_z_is_tagged_for_the_page(i, j):
    element = symbols.matrix("W_z", 1, 2)[i, j]
    assert markup(element).startswith(f'<mrow class="entry" data-entry="W_z {i + 1} {j + 1}">')


def test_matrices_are_tables_in_growing_brackets():
    assert markup(sp.Matrix([[1, 2], [3, 4]])) == (
        "<mrow><mo>[</mo><mtable><mtr><mtd><mn>1</mn></mtd><mtd><mn>2</mn></mtd></mtr>"
        "<mtr><mtd><mn>3</mn></mtd><mtd><mn>4</mn></mtd></mtr></mtable><mo>]</mo></mrow>"
    )


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        (Row((Ident("x"), Num("1"))), False),
        (Fenced(Row((Ident("x"),))), False),
        (Row((Ident("x"), Frac(Num("1"), Num("3")))), True),
        (Fenced(Fenced(Frac(Num("1"), Num("3")))), True),
    ],
)
def test_only_tall_content_gets_growing_delimiters(box, expected):
    assert tall(box) is expected
    assert ('stretchy="false"' in mathml(Fenced(box))) is not expected


def test_a_function_is_applied_to_its_arguments_and_a_product_is_not():
    """``f&#x2061;(x)``: MathML's function application between a function and its argument
    list, so neither a reader nor the layout takes it for a product; a product has none."""
    applied = markup(sp.Function("f")(sp.Symbol("x")))
    assert applied == (
        f"<mrow><mi>f</mi><mo>&#x2061;</mo><mrow>{FLAT}(</mo><mi>x</mi>{FLAT})</mo></mrow></mrow>"
    )
    product = markup(
        symbols.matrix("W", 1, 2, 2) * (symbols.matrix("x", 2, 1) + symbols.matrix("b", 2, 1, 1))
    )
    assert "&#x2061;" not in product


@pytest.mark.parametrize("names", [(), ("--names", "f=q")])
def test_a_function_of_any_name_reads_back_applied(names, tmp_path, capsys):
    """The application mark says ``q(x_1, x_2)`` is the network map applied, whatever its
    letter: the page with ``f`` renamed is read and checked like the default one (it exited 3:
    the reader took only ``f``, ``g``, ``sigma`` for functions)."""
    out = tmp_path / "doc"
    assert main(["derive", "2", "3", "1", "--format", "html", "--out", str(out), *names]) == 0
    (page,) = out.iterdir()
    capsys.readouterr()
    assert main(["check", str(page)]) == 0
    assert "10 identities checked" in capsys.readouterr().out
