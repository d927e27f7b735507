"""The textbook rows (Σ form, scalar form) mean what they say: evaluated at random rationals they
agree with a plain nested forward pass in Fractions; a wrong row is refused when it is made."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy as sp

from symcollapse.algebra import sigma, symbols
from symcollapse.algebra.collapsing import collapse
from symcollapse.derivations.dense import derive
from symcollapse.derivations.textbook import MAX_WRITTEN_FACTORS, scalar_section, sigma_steps
from symcollapse.doc.prose import Applied
from symcollapse.errors import OptionError, VerificationError
from symcollapse.render.latex import render_document, render_fragment
from tests.conftest import forward_fractions, random_rationals

SHAPES = [(2, 3, 3, 1), (3, 3, 3), (2, 2), (1, 4, 1), (8, 2, 1), (2, 3, 2)]


def _fraction(value: sp.Rational) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _affine(widths: tuple[int, ...], seed: int):
    """W_z and b_z read off the nested forward pass in Fractions: b_z = f(0), column j of W_z
    is f(e_j) - f(0), at random weights and biases."""
    net = collapse(widths).network
    params = random_rationals([s for s, e in net.entries.items() if e.kind != "x"], seed)

    def f(x: list[int]) -> list[Fraction]:
        values = params | {s: sp.Integer(v) for s, v in zip(net.x, x, strict=True)}
        return forward_fractions(net, values)

    zero = f([0] * widths[0])
    columns = [f([int(c == j) for c in range(widths[0])]) for j in range(widths[0])]
    W_z = [[columns[j][i] - zero[i] for j in range(widths[0])] for i in range(widths[-1])]
    return net, params, W_z, zero, f


def _value(path_products, params) -> Fraction:
    return sum((_product(p, params) for p in path_products), Fraction(0))


def _product(path, params) -> Fraction:
    out = Fraction(1)
    for s in path:
        out *= _fraction(params[s])
    return out


@pytest.mark.parametrize("widths", SHAPES)
def test_sigma_form_evaluates_to_the_forward_pass(widths: tuple[int, ...]) -> None:
    net, params, W_z, b_z, _ = _affine(widths, seed=sum(widths))
    weight, bias = (step.rhs for step in sigma_steps(collapse(widths)))
    i, j = sigma.row_index(), sigma.column_index()
    for r in range(widths[-1]):
        for c in range(widths[0]):
            paths = sigma.paths(weight, net, {i: r + 1, j: c + 1})
            assert _value(paths, params) == W_z[r][c]
        assert _value(sigma.paths(bias, net, {i: r + 1}), params) == b_z[r]


@pytest.mark.parametrize("widths", SHAPES)
def test_scalar_form_evaluates_to_the_forward_pass(widths: tuple[int, ...]) -> None:
    net, _, W_z, b_z, f = _affine(widths, seed=7 * len(widths))
    step, *coefficients = scalar_section(collapse(widths)).steps
    assert len(coefficients) == (2 if widths[-1] == 1 else 0)  # a_j := (W_z)_{1j}, c := (b_z)_1
    assert isinstance(step.lhs, Applied) and list(step.lhs.arguments) == list(net.x)
    x = [3 - 2 * k for k in range(widths[0])]
    i, d_0 = sigma.row_index(), symbols.scalar("d", 0)
    for r in range(widths[-1]):
        names: dict[sp.Basic, object] = {i: r + 1, d_0: widths[0]}
        names |= {symbols.scalar("c"): b_z[r]}
        names |= {s: v for s, v in zip(net.x, x, strict=True)}
        value = step.rhs.subs(names).doit()

        def number(entry: sp.Indexed, r: int = r) -> sp.Rational:
            role = symbols.role_of(entry.base.label).role
            at = [int(k) - 1 for k in entry.indices]
            table = {"W_z": lambda: W_z[at[0]][at[1]], "b_z": lambda: b_z[at[0]]}
            table |= {"a": lambda: W_z[r][at[0]], "x": lambda: x[at[0]]}
            return sp.Rational(table[role]())

        value = value.replace(lambda e: isinstance(e, sp.Indexed), number)
        assert sp.Rational(value) == f(x)[r]


def test_a_sigma_form_that_misses_a_path_is_refused() -> None:
    result = collapse((2, 3, 1))
    W_sums, b_sums = result.entry_sums()
    broken = ((W_sums[0][1], W_sums[0][1]),), b_sums  # entry (1, 1) shows (1, 2)'s paths
    routes = dataclasses.replace(result.routes)
    object.__setattr__(routes, "entry_sums", lambda: broken)
    with pytest.raises(VerificationError, match="sum form of the entry"):
        sigma_steps(dataclasses.replace(result, routes=routes))


def test_brief_2_3_3_1_is_at_most_ten_rows_and_says_the_regression() -> None:
    text = render_fragment(derive((2, 3, 3, 1), detail="brief"))
    rows = text.count(r"\\") + text.count(r"\begin{align*}")
    assert rows <= 12  # with a_j := (W_z)_{1j} and c := (b_z)_1, what a reader learns them from
    assert r"f(x_{1}, x_{2}) &= a_{1} x_{1} + a_{2} x_{2} + c" in text
    assert (
        r"\left(W_{z}\right)_{ij} &= \sum_{k_{1}=1}^{d_{1}} \sum_{k_{2}=1}^{d_{2}} "
        r"w^{(3)}_{i\,k_{2}} w^{(2)}_{k_{2}\,k_{1}} w^{(1)}_{k_{1}\,j}"
    ) in text
    assert "definition" not in text and "bmatrix" not in text


@pytest.mark.parametrize("detail", ["brief", "standard"])
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 3, 3), (2, 2), (1, 4, 1)])
def test_no_row_says_a_equals_a(detail: str, widths: tuple[int, ...]) -> None:
    for section in derive(widths, detail=detail).sections:
        for step in section.steps:
            assert step.lhs != step.rhs


def test_brief_says_how_many_parameters_act_through_how_few() -> None:
    (words,) = [s.intro for s in derive((2, 3, 3, 1), detail="brief").sections[-1:]]
    assert (
        "The 25 parameters of the network act through one affine map with 3 parameters"
        in (words[0])
    )


def test_an_unknown_detail_is_an_option_error() -> None:
    with pytest.raises(
        OptionError, match=r"^detail must be one of brief, standard, full, got 'terse'$"
    ):
        derive((2, 1), detail="terse")  # type: ignore[arg-type]


def test_numbered_numbers_the_key_equations_and_all_every_row() -> None:
    from symcollapse.render.notation import Notation

    derivation = derive((2, 3, 3, 1), detail="brief")
    key = render_fragment(derivation, Notation(numbered=True))
    every = render_fragment(derivation, Notation(numbered="all"))
    steps = sum(len(section.steps) for section in derivation.sections)
    assert key.count(r"\label{") == 4  # the collapse, W_z, b_z, the scalar form
    assert every.count(r"\label{") == steps == 12


def _factors(widths: tuple[int, ...]) -> int:
    result = collapse(widths)
    rows, cols = result.W_z_symbol.shape
    counts = result.counts
    return rows * (cols * counts.per_W_z_entry + counts.per_b_z_entry) * result.network.depth


@pytest.mark.parametrize("depth", [9, 10, 12])
def test_entries_too_many_to_typeset_are_written_in_sigma_form(depth: int) -> None:
    widths = (2,) * (depth + 1)
    derivation = derive(widths)
    entries = derivation.sections[2].steps[2:]  # after the general Σ form of W_z and b_z
    written = _factors(widths) <= MAX_WRITTEN_FACTORS
    assert written == (depth == 9)
    assert len(entries) == 2 * 2 + 2
    assert all(isinstance(step.rhs, sp.Sum | sp.Add) != written for step in entries[:4])
    if not written:
        assert entries[0].reason == (f"{2 ** (depth - 1):,} products",)
        assert "too many to typeset" in "".join(map(str, derivation.sections[2].intro))


@pytest.mark.latex
@pytest.mark.parametrize(("depth", "detail"), [(9, "standard"), (12, "standard"), (12, "full")])
def test_the_largest_accepted_documents_compile(depth: int, detail: str, compile_latex) -> None:
    """Widths 2 x 10 are the last written out (54 pages); 2 x 13 (16,382 terms, inside the
    default limit) used to exhaust pdflatex's memory and now writes its entries in Σ form."""
    compile_latex(render_document(derive((2,) * (depth + 1), detail=detail)))
