"""The shared sign test (leading coefficient) against sympy's own, on many matrix expressions."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.printing.latex import LatexPrinter

from symcollapse.algebra.network import build_network
from symcollapse.render.notation import Notation
from symcollapse.render.order import is_vector, minus_sign, present_roles, term_key
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.widths import Spec

NET = build_network(Spec((2, 2, 2, 2)))
SQUARE = [*NET.weight_symbols, sp.MatrixSymbol("A", 2, 2)]
VECTORS = [NET.x_symbol, *NET.bias_symbols]
COEFFICIENTS = st.sampled_from([1, -1, 2, -3, sp.Rational(-1, 2), sp.Rational(5, 3)])


def _products(vector: st.SearchStrategy[sp.MatrixExpr]) -> st.SearchStrategy[sp.MatrixExpr]:
    """``c * M_1 ... M_k v``, unevaluated as the derivations build them, or sympy's own."""
    return st.builds(
        lambda c, matrices, v, evaluate: sp.MatMul(c, *matrices, v, evaluate=evaluate),
        COEFFICIENTS,
        st.lists(st.sampled_from(SQUARE), max_size=4),
        vector,
        st.booleans(),
    )


def _sums(vector: st.SearchStrategy[sp.MatrixExpr]) -> st.SearchStrategy[sp.MatrixExpr]:
    return st.lists(_products(vector), min_size=2, max_size=4).map(
        lambda terms: sp.MatAdd(*terms, evaluate=False)
    )


EXPRESSIONS = st.recursive(
    st.sampled_from(VECTORS),
    lambda inner: _products(inner) | _sums(inner),
    max_leaves=8,
)


class SympySigns(NetworkLatexPrinter):
    """The project's printer with sympy's sign and precedence handling put back."""

    parenthesize = LatexPrinter.parenthesize
    _print_MatMul = LatexPrinter._print_MatMul

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        return str(LatexPrinter._print_Add(self, expr))


@settings(max_examples=150, deadline=None)
@given(EXPRESSIONS)
def test_minus_sign_is_sympys_could_extract_minus_sign(expr):
    assert minus_sign(expr) == expr.could_extract_minus_sign()


@settings(max_examples=150, deadline=None)
@given(EXPRESSIONS)
def test_latex_is_what_sympys_sign_handling_prints(expr):
    notation = Notation()
    fast = NetworkLatexPrinter(NET.entries, notation).doprint(expr)
    assert fast == SympySigns(NET.entries, notation).doprint(expr)


def test_terms_read_as_the_closed_form_inputs_then_biases_inward_then_constants():
    """``W_z x`` terms first, then ``b_1``'s, ``b_2``'s, ... and constants after every path."""
    W, b, x = NET.weights, NET.biases, NET.x
    terms = [
        sp.Integer(7),
        b[2][0],
        W[2][0, 1] * b[1][1],
        W[2][0, 0] * W[1][0, 1] * b[0][1],
        W[2][0, 0] * W[1][0, 0] * W[0][0, 1] * x[1],
        W[2][0, 0] * W[1][0, 0] * W[0][0, 0] * x[0],
    ]
    ordered = sorted(terms, key=lambda t: term_key(t, NET.entries))
    assert ordered == terms[::-1]


def test_vectors_take_one_index_and_matrices_two():
    assert [is_vector(m) for m in (NET.x_symbol, NET.bias_symbols[0], NET.weight_symbols[0])] == [
        True,
        True,
        False,
    ]


def test_a_printer_names_the_documents_roles_and_every_entry_kind():
    assert present_roles(NET.entries, None) >= {"W", "b", "x", "W_z", "b_z"}
    assert present_roles(NET.entries, {"Theta"}) == {"Theta", "W", "b", "x"}
