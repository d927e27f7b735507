from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symcollapse import derive
from symcollapse.algebra import collapsing
from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.expressions import with_identity_activations
from symcollapse.algebra.paths import PathSum
from symcollapse.derivations.dense import ROUTE_CHECKS, derive_collapse
from symcollapse.errors import VerificationError
from symcollapse.render.json import document_data
from symcollapse.render.latex import render_document
from tests.conftest import explicit

SHAPES = [(1, 1), (2, 1), (2, 3, 3, 1), (3, 2, 2, 2, 1), (1, 2, 1)]


def _sections(widths):
    return {s.title[0]: s for s in derive(widths, detail="full").sections}


@pytest.mark.parametrize("widths", SHAPES)
def test_every_matrix_level_line_is_the_same_vector(widths):
    """Substituting the explicit matrices into each line gives the same expanded vector."""
    derivation = derive(widths, detail="full")
    net = derivation.collapse.network
    target = derivation.collapse.output
    chain = _sections(widths)["Collapsing the composition"].steps
    for step in chain:
        if step.relation == "=" and step.rhs.free_symbols.isdisjoint(
            {derivation.collapse.W_z_symbol, derivation.collapse.b_z_symbol}
        ):
            value = explicit(net, step.rhs).applyfunc(sp.expand)
            assert value == target, step


@pytest.mark.parametrize("widths", SHAPES)
def test_distribution_steps_go_innermost_first(widths):
    chain = _sections(widths)["Collapsing the composition"].steps
    reasons = [s.reason for s in chain if s.reason and s.reason[0] == "distribute "]
    net_symbols = derive(widths, detail="full").collapse.network.weight_symbols
    assert [r[1] for r in reasons] == list(net_symbols[1:])


@pytest.mark.parametrize("widths", SHAPES)
def test_definitions_of_W_z_and_b_z(widths):
    result = collapse(widths)
    steps = _sections(widths)["Collapsing the composition"].steps
    definitions = {s.lhs: s.rhs for s in steps if s.relation == ":="}
    assert definitions[result.W_z_symbol] == result.W_z_expr
    assert definitions[result.b_z_symbol] == result.b_z_expr
    net = result.network
    assert explicit(net, result.W_z_expr).applyfunc(sp.expand) == result.W_z


def test_network_line_has_activations_then_identity():
    first, second = _sections((2, 3, 3, 1))["The network"].steps
    assert with_identity_activations(first.rhs) == second.rhs
    assert "sigma" not in str(second.rhs)


@pytest.mark.parametrize("widths", SHAPES)
def test_entry_steps_are_the_collapse(widths):
    derivation = derive(widths, detail="full")
    result = derivation.collapse
    steps = _sections(widths)["The entries of the collapsed map"].steps
    entries = {s.lhs: s.rhs for s in steps if isinstance(s.lhs, MatrixElement)}
    for i in range(result.W_z.rows):
        for j in range(result.W_z.cols):
            assert entries[result.W_z_symbol[i, j]].as_expr() == result.W_z[i, j]
        assert entries[result.b_z_symbol[i, 0]].as_expr() == result.b_z[i]


@pytest.mark.parametrize("widths", SHAPES)
def test_exact_and_naive_collapses_give_the_same_document(widths):
    """The exact collapse's path sums and the naive collapse's sympy sums print alike."""
    routes = collapse(widths).routes, collapse(widths, method="naive").routes
    exact, naive = (derive_collapse(collapse(widths, method=m), "full") for m in ("exact", "naive"))
    assert render_document(exact) == render_document(naive)
    exact_data, naive_data = document_data(exact), document_data(naive)
    checks = [data["sections"][-1]["steps"][0].pop("check") for data in (exact_data, naive_data)]
    assert exact_data == naive_data  # every expression printed alike, in JSON too
    assert [check["route"] for check in checks] == [ROUTE_CHECKS[r.route].route for r in routes]


def test_derivations_of_the_same_widths_are_equal():
    assert derive((2, 3, 1)) == derive((2, 3, 1)) != derive((2, 3, 2))


def test_check_section_holds_a_computed_zero_vector():
    (step,) = _sections((2, 3, 3, 1))["Check"].steps
    assert step.rhs == sp.zeros(1, 1)
    assert "path sums" in step.check.route


@pytest.mark.parametrize("method", ["exact", "naive"])
def test_a_collapse_whose_routes_disagree_is_not_derived(method):
    """One path dropped from an entry of ``W_z``: the check section refuses the document."""
    result = collapse((2, 3, 1), method=method)
    if method == "exact":
        sums = result.routes.sums
        first = sums.W_z[0][0][:, 1:]
        broken_sums = dataclasses.replace(sums, W_z=((first, *sums.W_z[0][1:]), *sums.W_z[1:]))
        routes = dataclasses.replace(result.routes, sums=broken_sums)
    else:
        W_z = sp.Matrix(result.W_z)
        W_z[0, 0] = W_z[0, 0].args[0]
        routes = dataclasses.replace(result.routes, W_z=sp.ImmutableMatrix(W_z))
    with pytest.raises(VerificationError, match=r"does not expand to zero|not its sum over paths"):
        derive_collapse(dataclasses.replace(result, routes=routes), "full")


@pytest.mark.parametrize("swap", ["entries", "factor"])
def test_a_wrongly_decoded_entry_is_not_printed(swap, monkeypatch):
    """The packed routes agree, but the products read from them are wrong: a term moved to
    another entry, or a factor replaced; the path check refuses the document."""
    decode = collapsing.from_words

    def broken(columns, symbols, keys):
        sums = decode(columns, symbols, keys)
        first, second = sums[0].products, sums[1].products
        if swap == "entries":
            sums[0] = PathSum((second[0], *first[1:]))
        else:
            sums[0] = PathSum(((*first[0][:-1], second[0][0]), *first[1:]))
        return sums

    monkeypatch.setattr(collapsing, "from_words", broken)
    with pytest.raises(VerificationError, match="not its sum over paths"):
        derive((2, 3, 2))


def test_derive_collapse_reuses_a_collapse():
    result = collapse((2, 2))
    assert derive_collapse(result).collapse is result


def test_matrix_columns_for_latex():
    assert derive((12, 2, 1), detail="full").matrix_columns == 12


@pytest.mark.parametrize("widths", [(2, 1), (2, 3, 1)])
def test_a_wrong_removal_of_the_activations_is_not_derived(widths, monkeypatch):
    """The network without its activations is checked against the plain nested composition."""
    from symcollapse.derivations import dense

    def dropped(expr):  # the bug: the outermost bias goes with the activations
        return with_identity_activations(expr).args[0]

    monkeypatch.setattr(dense, "with_identity_activations", dropped)
    with pytest.raises(VerificationError, match="removing the identity activations"):
        derive_collapse(collapse(widths), "full")


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
def test_equal_derivations_hash_alike(detail):
    first, again = derive((2, 3, 1), detail=detail), derive((2, 3, 1), detail=detail)
    assert hash(first) == hash(again) and {first: detail}[again] == detail
