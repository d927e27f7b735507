"""Typst output: exact strings for small formulas, and every document kind compiled by the
typst compiler (the ``typst`` package), its first page saved as a PNG to look at."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from symcollapse import derive
from symcollapse.algebra import symbols
from symcollapse.cli import main
from symcollapse.doc.model import Derivation, Section, Step
from symcollapse.doc.prose import IndexRange, SumOver
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.notation import Notation
from symcollapse.render.typst import render_typst, render_typst_document, typst
from tests.model_files import dense_layers, require, write_onnx

from .kinds import KINDS, MIXED_REASONS, argv, reasons_in_one_place

COLLAPSE = derive((2, 3, 3, 1)).collapse
ENTRIES = COLLAPSE.network.entries


def typeset(expr: object, notation: Notation | None = None) -> str:
    return typst(NetworkBoxPrinter(ENTRIES, notation).doprint(expr))


def weight(layer: int, row: int, col: int) -> sp.Symbol:
    return next(
        s
        for s, e in ENTRIES.items()
        if e.kind == "W" and (e.layer, e.row, e.col) == (layer, row, col)
    )


@pytest.mark.parametrize(
    ("notation", "expected"),
    [
        (Notation(), "w_(13)^((2))"),
        (Notation(entry_style="upper"), "W_(13)^(2)"),
        (Notation(entry_style="flat"), "W_(2 , 13)"),
        (Notation(index_base=0), "w_(02)^((2))"),
        (Notation().renamed({"W": "M"}), "m_(13)^((2))"),
        (Notation().renamed({"W": "Theta"}), "theta_(13)^((2))"),
    ],
)
def test_weight_entries_in_the_authors_notation(notation, expected):
    assert typeset(weight(2, 0, 2), notation) == expected


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (symbols.scalar("d", symbols.scalar("k") - 1), "d_(k - 1)"),
        (  # factors in path order (outer layers first), terms in path order
            weight(1, 1, 0) * weight(2, 0, 1) * weight(3, 0, 0)
            + weight(1, 0, 0) * weight(2, 0, 0) * weight(3, 0, 0),
            "w_(11)^((3)) w_(11)^((2)) w_(11)^((1)) + w_(11)^((3)) w_(12)^((2)) w_(21)^((1))",
        ),
        (sp.Rational(1, 3) * sp.Symbol("x") ** 2 - sp.Rational(1, 4), "frac(1, 3) x^(2) - 0.25"),
        (
            SumOver(
                symbols.matrix("b", 3, 1, symbols.scalar("k")),
                IndexRange(symbols.scalar("k"), 1, symbols.scalar("n")),
            ),
            "sum_(k = 1)^(n) b_(k)",
        ),
        (
            sp.Sum(sp.IndexedBase("a")[symbols.scalar("k")], (symbols.scalar("k"), 1, 3)),
            "sum_(k = 1)^(3) a_(k)",
        ),
        (sp.Matrix([[1, sp.Rational(-1, 3)], [0, 2]]), 'mat(delim: "[", 1, - frac(1, 3); 0, 2)'),
        (sp.Matrix([[weight(1, 0, 0)]]), 'mat(delim: "[", w_(11)^((1)))'),
    ],
)
def test_formulas(expr, expected):
    assert typeset(expr) == expected


def test_a_long_sum_breaks_before_a_sign_and_keeps_it_binary():
    text = render_typst(derive((3, 4, 4, 2)), Notation(line_width=40))
    continued = [line for line in text.splitlines() if line.lstrip().startswith('&quad "" + ')]
    assert continued, text
    assert all(line.count("w_") <= 9 for line in continued)


@pytest.fixture(scope="module")
def compiler():
    return require("typst", "TYPST")


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    require("onnx", "ONNX")
    path = tmp_path_factory.mktemp("model") / "student.onnx"
    return write_onnx(dense_layers((2, 3, 3, 1), seed=7), path, "matmul_add")


#: Appended to a standalone document: the natural width of every display and the text width
#: (the page less the document's 2 cm margins), in points, for ``typst.query``.
WIDTHS = """
#context [#metadata((
  displays: query(math.equation.where(block: true)).map(e => measure(e).width.pt()),
  text: (page.width - 4cm).pt(),
)) <widths>]
"""


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_kind_compiles_and_fits_its_page(kind, compiler, model, tmp_path, capsys):
    assert main(argv(kind, model, "--format", "typst", "--standalone")) == 0
    source = tmp_path / f"{kind}.typ"
    source.write_text(capsys.readouterr().out + WIDTHS)
    compiler.compile(str(source), output=str(tmp_path / f"{kind}-{{p}}.png"), format="png", ppi=60)
    assert (tmp_path / f"{kind}-1.png").stat().st_size > 1000
    measured = compiler.query(str(source), "<widths>", field="value", one=True)
    measured = json.loads(measured) if isinstance(measured, str) else measured
    wide = [round(w) for w in measured["displays"] if w > measured["text"]]
    assert not wide, f"displays wider than the {measured['text']:.0f} pt text: {wide}"


def _pdf_text(compiler, source: str, directory: Path) -> str:
    (directory / "doc.typ").write_text(source)
    compiler.compile(str(directory / "doc.typ"), output=str(directory / "doc.pdf"))
    result = subprocess.run(
        ["pdftotext", str(directory / "doc.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.mark.parametrize("renamed", [False, True])
def test_numbered_equations_have_labels_a_reference_resolves(compiler, tmp_path, renamed):
    notation = Notation(numbered=True, label_prefix="deep")
    notation = notation.renamed({"W": "Theta"}) if renamed else notation
    derivation = derive((2, 3, 1))
    source = render_typst_document(derivation, notation) + "\nSee @deep:2.3.\n"
    assert "<deep:2.3>" in source
    text = _pdf_text(compiler, source, tmp_path)
    steps = sum(len(s.steps) for s in derivation.sections)
    referenced = len(derivation.sections[0].steps) + 3  # equations are numbered through
    assert f"({steps})" in text and f"See Equation {referenced}." in text


def test_prose_with_markup_characters_prints_as_written(compiler, tmp_path):
    words = "a #b $c *d* _e_ `f` <g> @h [i] ~j // k -- l + m = n 'o' \"p\" \\q"
    step = Step(sp.Symbol("y"), sp.Integer(1), reason=(words,))
    derivation = Derivation((words,), (Section((words,), (words,), (step,)),), {})
    text = _pdf_text(compiler, render_typst_document(derivation), tmp_path)
    assert text.count(words) == 3, text


@pytest.mark.parametrize(
    "notation",
    [
        Notation(delimiter="pmatrix", index_base=0, entry_style="flat"),
        Notation(entry_style="upper").renamed({"W": "Theta", "b": "beta", "x": "xi"}),
    ],
)
def test_two_digit_indices_and_every_notation_compile(notation, compiler, tmp_path):
    text = _pdf_text(compiler, render_typst_document(derive((2, 11, 1)), notation), tmp_path)
    assert "11" in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a", "a"),
        ("a_12", "a_(12)"),
        ("v_3_1_2", "v_(3 , 1 , 2)"),
        ("Sigma_yx", 'Sigma_(op("yx"))'),
    ],
)
def test_other_symbols_keep_their_subscripts(name, expected):
    assert typeset(sp.Symbol(name)) == expected


@pytest.mark.parametrize(("widths", "detail", "line_width"), MIXED_REASONS)
def test_reasons_are_in_one_place_throughout_a_document(widths, detail, line_width):
    """Beside the rows (a last column) in every section, or below them in every section."""
    out = render_typst(derive(widths, detail=detail), Notation(line_width=line_width))
    below = r"^\s*&quad #(?:\[\(|box\()"
    placed = reasons_in_one_place(out, r" && quad #\[\(", below)
    assert min(placed) == 0 < max(placed), placed


def test_a_deep_sum_shares_one_sign_and_fits_its_page(compiler, tmp_path):
    """More than three hidden indices share one sign (``sum_(k_(1) , dots , k_(6))``), as in
    LaTeX, and fewer are written outermost first, as LaTeX writes them: a seven-layer Σ form
    with a sign per index was wider than the page."""
    derivation = derive((2, 3, 3, 3, 3, 3, 3, 1), detail="brief")
    source = render_typst_document(derivation)
    assert "sum_(k_(1) , dots , k_(6)) w_(i , k_(6))^((7))" in source
    assert "sum_(k_(5) = 1)^(d_(5)) sum_(k_(6) = 1)^(d_(6)) w_(i , k_(6))^((7))" in source
    path = tmp_path / "deep.typ"
    path.write_text(source + WIDTHS)
    measured = compiler.query(str(path), "<widths>", field="value", one=True)
    measured = json.loads(measured) if isinstance(measured, str) else measured
    assert max(measured["displays"]) <= measured["text"]


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
def test_a_function_touches_its_argument_list_and_a_product_keeps_its_space(detail):
    """``f(x)``, ``sigma_2(W_2 ...)`` as typesetters write them; ``W_2 (W_1 x + b_1)`` is a
    product, spaced (Typst sets both alike, the source says which is which)."""
    text = render_typst(derive((2, 3, 1), detail=detail), Notation())
    assert "f(x)" in text and "f (x)" not in text
    assert "W_(2) (W_(1) x + b_(1))" in text
    if detail == "full":
        assert "sigma_(2)(W_(2) sigma_(1)(W_(1) x + b_(1)) + b_(2))" in text
    assert not re.search(r"\b(?:f|sigma_\(\d\)) \(", text)
