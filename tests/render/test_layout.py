"""Page layout: printed widths measured against pdflatex, wide matrices, labels, decimals."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import symcollapse
from symcollapse.cli import main
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.doc.model import Step
from symcollapse.errors import OptionError
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.lines import LETTER_EM, fitted, layout, rhs_width, visible_width
from symcollapse.render.notation import DELIMITERS, Notation
from symcollapse.render.printer import NetworkLatexPrinter, exact_decimal
from tests.conftest import REQUIRE_PDFLATEX, pdflatex
from tests.model_files import dense_layers, state_dict
from tests.render.test_compile_matrix import shown_numbers

NOTATIONS = [
    Notation(),
    Notation(entry_style="flat", delimiter="pmatrix", index_base=0),
    Notation(entry_style="upper").renamed({"W": "Omega", "b": "omega"}),
]


@pytest.mark.latex
def test_estimated_width_is_never_below_the_printed_width(tmp_path):
    """Every line of four derivations in three notations, measured by ``\\settowidth``."""
    lines: list[str] = []
    derivations = [
        symcollapse.derive((2, 3, 3, 1)),
        symcollapse.prove().derivation,
        symcollapse.derive_values(
            symcollapse.collapse_values(symcollapse.random_values([2, 3, 1], 3))
        ),
        derive_gradients(symcollapse.gradients((2, 2, 1)), "full"),  # squared weights
    ]
    for derivation in derivations:
        for notation in NOTATIONS:
            printer = NetworkLatexPrinter(derivation.symbols, notation)
            for section in derivation.sections:
                for step in section.steps:
                    lines += layout(step, printer, 1000).lines
    lines = list(dict.fromkeys(lines))
    measure = [
        rf"\settowidth{{\w}}{{$\displaystyle {line}$}}\typeout{{WIDTH {i} \the\w}}"
        for i, line in enumerate(lines)
    ]
    log = pdflatex(
        tmp_path,
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\newlength\\w\n\\begin{document}\n"
        + "\n".join(measure)
        + "\n\\end{document}\n",
    )
    printed = {int(i): float(pt) / 10 for i, pt in re.findall(r"WIDTH (\d+) ([\d.]+)pt", log)}
    assert len(printed) == len(lines)
    for i, line in enumerate(lines):
        estimate = visible_width(line) * LETTER_EM  # em of the 10 pt body font
        # TeX rounds to scaled points: a lone 0 measures 0.500002 em against the model's 0.5
        assert printed[i] <= estimate + 1e-5 <= 1.4 * printed[i] + 0.5, (line, printed[i], estimate)


@pytest.mark.parametrize("line_width", [20, 30, 80])
def test_wide_matrices_are_written_entry_by_entry(line_width):
    derivation = symcollapse.derive((12, 3))
    net = derivation.collapse.network
    printer = NetworkLatexPrinter(derivation.symbols, Notation(line_width=line_width))
    W = net.weight_symbols[0]
    steps = fitted((Step(W, net.weights[0], ("definition",)),), printer, line_width)
    entries = {(s.lhs.i, s.lhs.j): s.rhs for s in steps if isinstance(s.rhs, sp.Symbol)}
    if len(steps) == 1:  # fits whole
        assert visible_width(printer.doprint(net.weights[0])) <= line_width
    else:
        assert entries == {(i, j): net.weights[0][i, j] for i in range(3) for j in range(12)}
        assert steps[0].reason == ("definition",)
    for step in steps:
        assert all(
            visible_width(line) <= line_width for line in layout(step, printer, line_width).lines
        )


def test_labels_carry_the_prefix_and_are_unique():
    notation = Notation(numbered=True, label_prefix="net-a")
    fragment = render_fragment(symcollapse.derive((2, 3, 1)), notation)
    labels = re.findall(r"\\label\{([^}]*)\}", fragment)
    assert labels and len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"net-a:\d+\.\d+", label) for label in labels)
    assert "\\label" not in render_fragment(symcollapse.derive((2, 3, 1)), Notation())


@pytest.mark.parametrize(
    "options", [{"label_prefix": "a b"}, {"label_prefix": "1x"}, {"digits": 0}, {"digits": 2.5}]
)
def test_bad_layout_options_are_refused(options):
    with pytest.raises(OptionError):
        Notation(**options)


@given(st.integers(-(10**6), 10**6), st.integers(0, 12), st.integers(0, 12))
def test_exact_decimals_read_back_to_the_same_number(numerator, twos, fives):
    number = sp.Rational(numerator, 2**twos * 5**fives)
    shown = exact_decimal(number)
    if number.q == 1:
        return
    assert shown is not None and sp.Rational(shown) == number


@given(st.integers(-1000, 1000), st.integers(2, 1000), st.integers(1, 8))
def test_digits_round_only_the_display(numerator, denominator, digits):
    number = sp.Rational(numerator, denominator)
    shown = NetworkLatexPrinter({}, Notation(digits=digits)).doprint(number)
    if exact_decimal(number) is None and number.q != 1:
        assert "frac" not in shown
        decimal = re.sub(r"\s*\\cdot 10\^\{(-?\d+)\}", r"e\1", shown)
        assert abs(sp.Rational(decimal) - number) <= abs(number) / 10 ** (digits - 1)
    assert "frac" not in NetworkLatexPrinter({}, Notation()).doprint(sp.Rational(3, 8))


def _compiled_fragment(tmp_path, fragment: str, documentclass: str, after: str = "") -> str:
    """The pdflatex log of ``fragment`` ``\\input`` into ``documentclass`` with amsmath only."""
    (tmp_path / "fragment.tex").write_text(fragment, encoding="utf-8")
    return pdflatex(
        tmp_path,
        f"{documentclass}\n\\usepackage{{amsmath}}\n\\begin{{document}}\n"
        f"\\input{{fragment}}\n{after}\n\\end{{document}}\n",
    )


@pytest.mark.latex
@pytest.mark.parametrize(
    ("argv", "documentclass"),
    [
        (["3", "4", "4", "2", "--names", "W=Omega,b=omega", "--delimiter", "pmatrix",
          "--numbered", "--line-width", "30"], r"\documentclass[twocolumn]{article}"),
        (["3", "4", "4", "2", "--numbered", "--two-column"], r"\documentclass[twocolumn]{article}"),
        (["12", "2", "1", "--numbered"], r"\documentclass{article}"),
        (["12", "2", "1", "--numbered", "--two-column"], r"\documentclass[twocolumn]{article}"),
        (["2", "3", "1", "--values", "random", "--numbered", "--two-column"],
         r"\documentclass[twocolumn]{article}"),
    ],
)  # fmt: skip
def test_issue_fragments_fit_in_a_plain_amsmath_document(tmp_path, capsys, argv, documentclass):
    """The fragments issue 8 reported, ``\\input`` into an article with amsmath only."""
    assert main(["derive", *argv]) == 0
    fragment = capsys.readouterr().out
    log = _compiled_fragment(tmp_path, fragment, documentclass, r"See \eqref{symcollapse:1.1}.")
    assert "Overfull" not in log
    numbers = len(re.findall(r"\\label\{", fragment))
    aux = (tmp_path / "doc.aux").read_text(encoding="latin-1")
    assert len(re.findall(r"\\newlabel\{symcollapse:", aux)) == numbers
    if shutil.which("pdftotext") or REQUIRE_PDFLATEX:  # CI installs pdftotext with pdflatex
        assert shown_numbers(tmp_path / "doc.pdf") >= set(range(1, numbers + 1))


@pytest.mark.latex
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 3, 3, 3, 3)])
def test_flat_standalone_documents_fit(tmp_path, widths):
    source = render_document(symcollapse.derive(widths), Notation(entry_style="flat"))
    assert "Overfull" not in pdflatex(tmp_path, source)


@pytest.mark.parametrize(
    "argv", [["--two-column", "--line-width", "40"], ["--label-prefix", "x:y"], ["--digits", "0"]]
)
def test_cli_refuses_bad_layout_options(capsys, argv):
    assert main(["derive", "2", "2", *argv]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def _long_decimals(rows: int, cols: int, digits: int) -> sp.ImmutableMatrix:
    """Exact decimals of ``digits`` significant digits, as a trained model's products have."""
    return sp.ImmutableMatrix(
        rows, cols, lambda i, j: sp.Rational(int("7" * digits) + 13 * i + j, 10 ** (digits - 1))
    )


@pytest.mark.parametrize("notation", NOTATIONS[:2])
@pytest.mark.parametrize(("cols", "digits", "line_width"), [(6, 12, 40), (4, 25, 80), (9, 8, 30)])
def test_a_matrix_too_wide_for_a_line_is_split_into_blocks_of_whole_columns(
    notation, cols, digits, line_width
):
    """Each block fits; the first opens the bracket, the last closes it; every column once."""
    printer = NetworkLatexPrinter({}, replace(notation, line_width=line_width))
    matrix = _long_decimals(3, cols, digits)
    step = Step(None, matrix, ("multiply",))
    laid = layout(fitted((step,), printer, line_width)[0], printer, line_width)
    assert len(laid.lines) > 1
    assert all(visible_width(line) <= rhs_width(None, line_width) for line in laid.lines)
    left, right = DELIMITERS[notation.delimiter]
    blocks = " ".join(laid.lines)
    assert blocks.startswith(rf"\left{left}\begin{{matrix}}")
    assert blocks.endswith(rf"\end{{matrix}}\right{right}")
    assert blocks.count(r"\right.") == blocks.count(r"\left.") == len(laid.lines) - 1
    shown = [printer.doprint(matrix[0, j]) for j in range(cols)]
    bodies = re.findall(r"\\begin\{matrix\} (.*?) \\end\{matrix\}", blocks)
    first_rows = (re.split(r" \\\\(?:\[3pt\])? ", body)[0] for body in bodies)
    assert " & ".join(first_rows) == " & ".join(shown)


def test_a_chain_value_whose_column_is_too_wide_is_written_entry_by_entry():
    """A continuation row equals the chain's named matrix, so its entries take that name."""
    derivation = symcollapse.derive((2, 1))
    printer = NetworkLatexPrinter(derivation.symbols, Notation(line_width=30))
    b_z = derivation.collapse.b_z_symbol
    value = _long_decimals(1, 1, 40)
    steps = (Step(b_z, derivation.collapse.b_z_expr, ("definition",)), Step(None, value, ("add",)))
    out = fitted(steps, printer, 30)
    assert [(s.lhs, s.rhs) for s in out[1:]] == [
        (None, sp.ImmutableMatrix([[b_z[0, 0]]])),
        (b_z[0, 0], value[0, 0]),
    ]
    assert out[1].reason == ("add",) and out[2].reason == ()


@pytest.mark.latex
@pytest.mark.parametrize("options", [[], ["--two-column", "--numbered"]])
def test_a_trained_models_numbers_fit_the_page(tmp_path, capsys, options):
    """``derive --values MODEL``: float32 products have about 25 digits; nothing overflows."""
    path = tmp_path / "model.npz"
    np.savez(path, **state_dict(dense_layers((4, 5, 5, 3), seed=3)))
    assert main(["derive", "4", "5", "5", "3", "--values", str(path), *options]) == 0
    fragment = capsys.readouterr().out
    assert r"\right." in fragment  # the 25-digit products were split, not left to overflow
    documentclass = r"\documentclass[twocolumn]{article}" if options else r"\documentclass{article}"
    assert "Overfull" not in _compiled_fragment(tmp_path, fragment, documentclass)


@pytest.mark.parametrize("depth", [10, 20, 40])
def test_a_deep_nested_composition_breaks_inside_its_parentheses(depth):
    """``W_n (W_{n-1} (...) + b_{n-1}) + b_n`` is one term: it breaks before its inner operators
    or between factors (continued with a dot), in sized parentheses that may close lines later."""
    derivation = symcollapse.derive((1,) * (depth + 1), max_depth=depth, detail="full")
    printer = NetworkLatexPrinter(derivation.symbols, Notation())
    step = derivation.sections[0].steps[1]  # the composition with identity activations
    laid = layout(step, printer, 80)
    assert len(laid.lines) > 1
    assert all(visible_width(line) <= rhs_width(laid.lhs, 80) for line in laid.lines)
    assert laid.widths == tuple(map(visible_width, laid.lines))
    joined = " ".join(laid.lines).replace(r" \cdot ", " ").replace(r"\bigl(", r"\left(")
    assert joined.replace(r"\bigr)", r"\right)") == printer.doprint(step.rhs)


def test_a_line_holding_a_fraction_or_a_matrix_is_not_broken_inside():
    net = symcollapse.collapse((1, 1)).network
    printer = NetworkLatexPrinter(net.entries, Notation())
    W, x = net.weight_symbols[0], net.x_symbol
    wide = sp.MatMul(W, sp.ImmutableMatrix([[sp.Rational(1, 3)]]), x, evaluate=False)
    laid = layout(Step(None, wide), printer, 5)
    assert not any(r"\bigl" in line for line in laid.lines)


@pytest.mark.latex
@pytest.mark.parametrize(("widths", "options"), [((1,) * 41, []), ((1,) * 61, ["--two-column"])])
def test_deep_networks_fit_the_page(tmp_path, capsys, widths, options):
    """Depth 40 and 60: the nested compositions break across lines; nothing overflows."""
    argv = ["derive", *map(str, widths), "--max-depth", "60", *options]
    assert main(argv) == 0
    documentclass = r"\documentclass[twocolumn]{article}" if options else r"\documentclass{article}"
    assert "Overfull" not in _compiled_fragment(tmp_path, capsys.readouterr().out, documentclass)
