"""ReLU / leaky ReLU: ``W_z(D) x + b_z(D)`` against an independent forward pass, in its region."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse, random_parameters, random_point
from symcollapse.algebra.piecewise import pattern, piecewise_collapse, region_at, slopes
from symcollapse.errors import SpecError
from symcollapse.spec.grammar import parse_layers
from tests.reference_layers import forward, negative_slopes, random_input, random_values

SPECS = [
    "2 > dense 3 relu > dense 3 relu > dense 1",
    "2 > dense 2 leaky_relu(1/10) > residual(dense 2) > dense 1",
    "4 > conv1d k=2 > dense 2 relu > dense 1",
    "3 > dense 2 relu > dense 2 leaky_relu(1/4) > dense 2",
]


def _rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


@pytest.mark.parametrize("text", SPECS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_W_z_D_matches_the_network_at_points_of_its_region(text: str, seed: int) -> None:
    spec = parse_layers(text)
    result = analyse(spec)
    piecewise = piecewise_collapse(result)
    names = [s.name for s, e in result.entries.items() if e.kind != "x"]
    values = random_values(names, seed)
    rng = random.Random(seed)
    x0 = random_input(spec.input_width, seed)
    pre: list[list[Fraction]] = []
    forward(spec, values, x0, pre)
    masks = [
        [Fraction(1) if z >= 0 else low for z in layer]
        for layer, low in zip(pre, negative_slopes(text), strict=True)
    ]
    table = {sp.Symbol(n): _rational(v) for n, v in values.items()}
    table |= {
        sp.Symbol(f"delta_{j}_{i}"): _rational(m)
        for j, layer in enumerate(masks, start=1)
        for i, m in enumerate(layer, start=1)
    }
    W = piecewise.W_z.xreplace(table)
    b = piecewise.b_z.xreplace(table)
    checked = 0
    for _ in range(30):
        y = [v + Fraction(rng.randint(-5, 5), 20) for v in x0]
        pre_y: list[list[Fraction]] = []
        f = forward(spec, values, y, pre_y)
        same_region = all(
            (z >= 0) == (z0 >= 0)
            for a, a0 in zip(pre_y, pre, strict=True)
            for z, z0 in zip(a, a0, strict=True)
        )
        if same_region:
            checked += 1
            point = sp.ImmutableMatrix([_rational(v) for v in y])
            assert list(W * point + b) == [_rational(v) for v in f]
    assert checked >= 1


def test_masks_are_diagonal_in_delta_symbols() -> None:
    result = analyse(parse_layers("2 > dense 3 relu > dense 1"))
    (mask,) = piecewise_collapse(result).masks
    assert mask == sp.diag(*sp.symbols("delta_1_1:4"))


@pytest.mark.parametrize("text", SPECS)
def test_region_at_a_point_is_the_affine_map_of_its_pattern(text: str) -> None:
    result = analyse(parse_layers(text))
    params = random_parameters(result.entries, seed=3)
    x0 = random_point(result.spec.input_width, random.Random(3))
    region = region_at(result, params, x0, seed=3)
    assert region.value == region.W_z * x0 + region.b_z == result.stages.forward(x0, params)
    at_x0 = dict(zip(result.stages.x, x0, strict=True))
    for z, D in zip(region.preactivations, region.masks, strict=True):
        assert all((v.xreplace(at_x0) >= 0) == (D[i, i] == 1) for i, v in enumerate(z))


@pytest.mark.parametrize(
    ("text", "expected"),
    [(SPECS[0], ((0, 1), (0, 1))), (SPECS[3], ((0, 1), (sp.Rational(1, 4), 1)))],
)
def test_slopes_are_each_activations_below_and_above_zero(text: str, expected: tuple) -> None:
    assert slopes(analyse(parse_layers(text))) == expected


@pytest.mark.parametrize(
    "text", ["2 > dense 2 tanh > dense 1", "4 > dense 4 relu > maxpool 2 > dense 1"]
)
def test_a_network_without_an_activation_pattern_is_refused(text: str) -> None:
    result = analyse(parse_layers(text))
    with pytest.raises(SpecError, match="no activation pattern"):
        pattern(result, sp.ones(result.spec.input_width, 1))
