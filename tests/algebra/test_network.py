from __future__ import annotations

import keyword

import pytest
import sympy as sp

from symcollapse.algebra.network import KIND_RANK, PARAMETER_KINDS, Entry, build_network
from symcollapse.spec.kinds.registry import KINDS
from symcollapse.spec.widths import Spec
from tests.conftest import explicit

SHAPES = [(1, 1), (2, 3, 3, 1), (3, 1, 2), (12, 11, 2)]


@pytest.mark.parametrize("widths", SHAPES)
def test_shapes_follow_the_widths(widths):
    net = build_network(Spec(widths))
    assert net.x.shape == (widths[0], 1)
    for k, (W, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        assert W.shape == (widths[k], widths[k - 1])
        assert b.shape == (widths[k], 1)
    for k, (W, b) in enumerate(zip(net.weight_symbols, net.bias_symbols, strict=True), start=1):
        assert W.shape == (widths[k], widths[k - 1])
        assert b.shape == (widths[k], 1)


@pytest.mark.parametrize("widths", SHAPES)
def test_every_entry_is_a_distinct_symbol_with_an_identifier_name(widths):
    net = build_network(Spec(widths))
    symbols = [*net.x, *(s for W in net.weights for s in W), *(s for b in net.biases for s in b)]
    assert all(isinstance(s, sp.Symbol) for s in symbols)
    assert len(set(symbols)) == len(symbols) == len(net.entries)
    names = [s.name for s in symbols]
    assert all(n.isidentifier() and not keyword.iskeyword(n) for n in names)
    assert len(set(names)) == len(names)


def test_names_are_one_based_and_unambiguous():
    net = build_network(Spec((12, 11, 2)))
    assert net.weights[0][10, 0].name == "w_1_11_1"
    assert net.weights[0][0, 10].name == "w_1_1_11"
    assert net.biases[1][1].name == "b_2_2"
    assert net.x[11].name == "x_12"
    assert net.entries[net.weights[0][10, 0]] == Entry("W", 1, 10, 0)


def test_sort_key_puts_outer_layers_first_and_indices_numerically():
    keys = [Entry("W", 1, 9, 0), Entry("W", 1, 1, 0), Entry("W", 2, 0, 0), Entry("b", 2, 0)]
    ordered = sorted(keys, key=lambda e: e.sort_key)
    assert ordered == [
        Entry("W", 2, 0, 0),
        Entry("b", 2, 0),
        Entry("W", 1, 1, 0),
        Entry("W", 1, 9, 0),
    ]


def test_explicit_replaces_matrix_symbols():
    net = build_network(Spec((2, 3, 1)))
    W1, W2 = net.weight_symbols
    product = explicit(net, W2 * W1 * net.x_symbol)
    assert product == sp.ImmutableMatrix(net.weights[1] * net.weights[0] * net.x)


def test_forward_is_the_nested_composition():
    net = build_network(Spec((2, 2, 1)))
    W1, W2 = net.weights
    b1, b2 = net.biases
    assert net.forward() == sp.ImmutableMatrix(W2 * (W1 * net.x + b1) + b2)


def test_the_entry_kinds_are_the_networks_and_the_layer_kinds_parameters():
    """Each layer kind declares its parameters' roles in its own file; no second list here."""
    declared = {role for kind in KINDS for role in (*kind.factors, *kind.shifts)}
    assert declared == PARAMETER_KINDS and set(KIND_RANK) == declared | {"W", "b", "x", "y", "f"}
    assert all(KIND_RANK[role] == 1 for kind in KINDS for role in kind.shifts)


@pytest.mark.parametrize("kind", ["zeta", "w", "D", ""])
def test_an_entry_of_an_undeclared_kind_is_refused(kind):
    with pytest.raises(ValueError, match=r"^no matrix of entries"):
        Entry(kind, 1, 0)
