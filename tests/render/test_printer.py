from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra.network import build_network
from symcollapse.doc.model import Decimals
from symcollapse.doc.prose import Rounded
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.notation import Notation
from symcollapse.render.plain import NetworkStrPrinter
from symcollapse.render.printer import NetworkLatexPrinter, shown_number
from symcollapse.spec.widths import Spec


@pytest.fixture
def big():
    """Widths with two-digit indices, where sorting names as text goes wrong."""
    return build_network(Spec((12, 11, 2)))


def _latex(net, expr, **options):
    return NetworkLatexPrinter(net.entries, Notation().merged(**options)).doprint(expr)


@pytest.mark.parametrize(
    ("pick", "tex"),
    [
        (lambda n: n.weights[0][0, 1], "w^{(1)}_{1,2}"),  # W_1 is 11 x 12: commas throughout
        (lambda n: n.weights[1][1, 0], "w^{(2)}_{2,1}"),  # W_2 is 2 x 11
        (lambda n: n.weights[0][10, 1], "w^{(1)}_{11,2}"),
        (lambda n: n.biases[1][1], "b^{(2)}_{2}"),
        (lambda n: n.x[11], "x_{12}"),
    ],
)
def test_entry_symbols(big, pick, tex):
    assert _latex(big, pick(big)) == tex


def test_no_commas_in_small_matrices():
    net = build_network(Spec((2, 3, 9)))
    assert _latex(net, net.weights[1][8, 2]) == "w^{(2)}_{93}"
    assert _latex(net, net.weights[1][8, 2], index_base=0) == "w^{(2)}_{82}"


def test_zero_based_indices(big):
    assert _latex(big, big.weights[0][10, 1], index_base=0) == "w^{(1)}_{10,1}"
    assert _latex(big, big.x[0], index_base=0) == "x_{0}"


def test_terms_in_numeric_not_text_order(big):
    b = big.biases[0]
    expr = b[9] + b[1] + b[10] + b[0]  # sympy's own order would be b_1_1, b_1_10, b_1_11, b_1_2
    assert _latex(big, expr) == "b^{(1)}_{1} + b^{(1)}_{2} + b^{(1)}_{10} + b^{(1)}_{11}"
    assert NetworkStrPrinter(big.entries).doprint(expr) == "b_1_1 + b_1_2 + b_1_10 + b_1_11"


def test_factors_outer_layer_first_and_groups_by_innermost_factor():
    net = build_network(Spec((1, 1, 1)))
    (w1,), (w2,) = net.weights[0], net.weights[1]
    (b1,), (b2,) = net.biases[0], net.biases[1]
    (x,) = net.x
    expr = b2 + w2 * b1 + w2 * w1 * x
    assert _latex(net, expr) == (
        "w^{(2)}_{11} w^{(1)}_{11} x_{1} + w^{(2)}_{11} b^{(1)}_{1} + b^{(2)}_{1}"
    )
    assert NetworkStrPrinter(net.entries).doprint(expr) == (
        "w_2_1_1*w_1_1_1*x_1 + w_2_1_1*b_1_1 + b_2_1"
    )


def test_coefficients_and_signs():
    net = build_network(Spec((1, 1)))
    (w,), (b,), (x,) = net.weights[0], net.biases[0], net.x
    expr = -3 * w * x + sp.Rational(1, 2) * b - 1
    printer = NetworkLatexPrinter(net.entries, Notation())
    assert printer.doprint(expr) == r"-3 w^{(1)}_{11} x_{1} + 0.5 b^{(1)}_{1} - 1"
    assert printer.terms(expr) == [
        ("-", "3 w^{(1)}_{11} x_{1}"),
        ("+", r"0.5 b^{(1)}_{1}"),
        ("-", "1"),
    ]


def test_matrix_elements_and_matrices():
    net = build_network(Spec((2, 1)))
    W_z = sp.MatrixSymbol("W_z", 1, 2)
    b_z = sp.MatrixSymbol("b_z", 1, 1)
    assert _latex(net, W_z[0, 1]) == r"\left(W_{z}\right)_{12}"
    assert _latex(net, b_z[0, 0]) == r"\left(b_{z}\right)_{1}"
    assert _latex(net, net.x) == r"\begin{bmatrix} x_{1} \\ x_{2} \end{bmatrix}"
    assert (
        _latex(net, net.x, delimiter="pmatrix") == r"\begin{pmatrix} x_{1} \\ x_{2} \end{pmatrix}"
    )
    assert NetworkStrPrinter(net.entries).doprint(W_z[0, 1]) == "W_z[1,2]"


#: (number, the document's number format, LaTeX, plain text): each printer formats a document's
#: exact numbers as the document says, and nothing else rewrites them.
SHOWN = [
    (sp.Rational(1, 2**30), None, r"\frac{1}{1073741824}", "1/1073741824"),  # 21 digits
    (
        sp.Rational(1, 2**30),
        Decimals(),
        r"9.31322574615478515625 \cdot 10^{-10}",
        "9.31322574615478515625e-10",
    ),
    (sp.Rational(-3, 8), Decimals(), "-0.375", "-0.375"),
    (sp.Rational(1, 3), Decimals(), r"\frac{1}{3}", "1/3"),  # not a decimal: stays exact
    (sp.Rational(1, 3), Decimals(dtype="float32"), "0.33333334", "0.33333334"),
    (sp.Rational(1, 3), Decimals(dtype="float64"), "0.3333333333333333", "0.3333333333333333"),
    (sp.Rational(2, 3), Decimals(digits=3), "0.667", "0.667"),
    (sp.Rational(16777217, 1), Decimals(), "16777217", "16777217"),
]


@pytest.mark.parametrize(("number", "numbers", "tex", "text"), SHOWN)
def test_a_documents_numbers_are_formatted_by_its_printers(number, numbers, tex, text):
    net = build_network(Spec((1, 1)))
    assert NetworkLatexPrinter(net.entries, Notation(), None, numbers).doprint(number) == tex
    assert NetworkStrPrinter(net.entries, None, None, numbers).doprint(number) == text
    boxes = NetworkBoxPrinter(net.entries, None, None, numbers).doprint(number)
    assert boxes == NetworkBoxPrinter(net.entries).doprint(shown_number(number, numbers))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (sp.Rational(40849, 10**19), "4.08e-15"),  # a float of 3 digits' precision says 4.09
        (sp.Rational(40851, 10**19), "4.09e-15"),
        (sp.Rational(12351, 10**8), "0.000124"),
    ],
)
def test_a_rounded_number_is_correctly_rounded(value, shown):
    """A measured deviation is shown to three digits, rounded once from its exact value."""
    net = build_network(Spec((1, 1)))
    rounded = Rounded(value, 3)
    assert NetworkStrPrinter(net.entries).doprint(rounded) == shown


@pytest.mark.parametrize(
    ("value", "digits", "decimal", "tex"),
    [
        (sp.Rational(396, 41141), 3, "0.00963", "0.00963"),  # 0.0096254: Float says 0.00962
        (sp.Rational(-647013, 6505), 2, "-99", "-99.0"),  # -99.46: Float says -1.0 10^2
        (sp.Rational(40849, 10**19), 3, "4.08e-15", r"4.08 \cdot 10^{-15}"),
        (sp.Rational(2, 3), 3, "0.667", "0.667"),
    ],
)
def test_digits_round_each_number_once(value, digits, decimal, tex):
    """``--digits`` shows a number rounded once from its exact value, in every printer (a
    number one unit off is outside the interval ``check`` holds the page to)."""
    net = build_network(Spec((1, 1)))
    notation = Notation(digits=digits)
    assert NetworkLatexPrinter(net.entries, notation).doprint(value) == tex
    boxes = NetworkBoxPrinter(net.entries, notation).doprint(value)
    assert boxes == NetworkBoxPrinter(net.entries).doprint(sp.Float(decimal, digits))
