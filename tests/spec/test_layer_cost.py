"""The layered cost model is an upper bound: estimated terms >= the terms actually built."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.analysis import analyse
from symcollapse.errors import SizeLimitError
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.layer_cost import (
    CURVED_SECONDS,
    MAX_LAYERS,
    check_layered,
    curved_seconds,
    layered_entries,
    layered_terms,
)
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS

LAYER = st.sampled_from(
    [
        "dense 2",
        "dense 3",
        "dense 2 relu",
        "batchnorm",
        "dropout",
        "conv1d k=2 p=1",
        "avgpool 1",
        "maxpool 2",
        "dense 2 tanh",
        "residual(dense 2 > dense 2)",
        "residual(dropout)",
        "residual(batchnorm > conv1d k=3 p=1)",
    ]
)


def _terms(text: str) -> int:
    result = analyse(parse_layers(text), max_terms=10**6)
    return sum(
        len(sp.Add.make_args(e)) for stage in result.affine for e in (*stage.matrix, *stage.bias)
    )


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 3), st.lists(LAYER, min_size=1, max_size=4))
def test_the_estimate_bounds_the_merged_terms(width: int, layers: list[str]) -> None:
    text = " > ".join([str(width), *layers])
    try:
        spec = parse_layers(text)
    except SizeLimitError:
        return
    except Exception:  # a residual block that does not keep the width, etc.
        return
    assert _terms(text) <= layered_terms(spec)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6000 > batchnorm", r"matrices have 72,000,000 entries"),
        ("2" + " > dense 2" * 20, r"collapsed maps may have up to 4,194,302 terms"),
        ("2" + " > dropout" * (MAX_LAYERS + 1), rf"has {MAX_LAYERS + 1} layers"),
        ("2" + " > residual(dropout > dropout)" * 26, r"has 52 layers"),  # a block's layers
        ("2 > dense 2" + " > residual(dense 2 > dense 2 > dense 2)" * 17, r"has 52 layers"),
    ],
)
def test_refused_before_any_matrix_is_built(text: str, message: str) -> None:
    with pytest.raises(SizeLimitError, match=message):
        check_layered(parse_layers(text), 1000)


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        ("2 > dense 3 > dense 1", 6 + 3 + 2),  # 3 x 2, 1 x 3, the merged run 1 x 2
        ("2 > residual(dense 2 > dense 2)", 2 * 4 + 4),  # each layer of the block, the run
        ("3 > residual(dense 3 > dropout > dense 3) > dense 1", 3 * 9 + 3 + 3),
    ],
)
def test_entries_count_every_layer_and_merged_run(text: str, entries: int) -> None:
    assert layered_entries(parse_layers(text)) == entries


@pytest.mark.parametrize(
    ("spec", "measured"),
    [("1" + " > dense 1 tanh" * 4, 0.27), ("1" + " > dense 1 tanh" * 5, 1.09)],
)
def test_curved_seconds_bounds_the_measurements(spec, measured) -> None:
    assert 0.9 * measured <= curved_seconds(parse_layers(spec)) <= 4.5 * measured


@pytest.mark.parametrize(
    "spec",
    [
        "1" + " > dense 1 tanh" * 8,
        "2" + " > dense 2 sigmoid" * 5,
        "3 > dense 3 tanh > residual(dense 3)" + " > dense 3 tanh" * 3 + " > dense 1",
    ],
)
def test_curved_networks_beyond_seconds_are_refused_and_max_terms_raises_it(spec) -> None:
    layers = parse_layers(spec)
    with pytest.raises(SizeLimitError, match=r"^the curved activations would take about"):
        check_layered(layers, DEFAULT_LAYERED_MAX_TERMS)
    check_layered(layers, 10**9)


def test_piecewise_and_affine_activations_cost_nothing_curved() -> None:
    spec = parse_layers("2 > dense 3 relu > dense 3 leaky_relu(1/10) > dense 2 > dense 1")
    assert curved_seconds(spec) == CURVED_SECONDS
