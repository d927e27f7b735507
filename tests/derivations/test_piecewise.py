"""The piecewise sections: the pattern at a point, given weights and points, and refusals."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse
from symcollapse.derivations.layers import derive_layers
from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.layered import verify_layers
from tests.reference_layers import negative_slopes

SPECS = [
    "2 > dense 3 relu > dense 3 relu > dense 1",
    "2 > dense 2 leaky_relu(1/10) > residual(dense 2) > dense 1",
]


@pytest.mark.parametrize("text", SPECS)
def test_point_section_region_and_value_match_the_reference(text: str) -> None:
    spec = parse_layers(text)
    derivation = derive_layers(verify_layers(analyse(spec)))
    section = next(
        s for s in derivation.sections if s.title == ("The activation pattern at a point",)
    )
    steps = {str(step.lhs): step.rhs for step in section.steps}
    x0 = steps["x"]
    # the weights shown are the merged maps A_j, a_j; evaluate the network from them alone
    h = x0
    j = 1
    slopes = negative_slopes(text)
    while f"A_{j}" in steps:
        h = steps[f"A_{j}"] * h + steps[f"a_{j}"]
        if j <= len(slopes):
            z_formula = steps[f"z_{j}"].xreplace(
                dict(zip(sp.symbols(f"x_1:{len(x0) + 1}"), x0, strict=True))
            )
            assert z_formula == h  # the region's affine pre-activations agree at the point
            h = h.applyfunc(lambda z, low=slopes[j - 1]: z if z >= 0 else low * z)
        j += 1
    assert steps["W_z(D)*x + b_z(D)"] == h


ABS = {"w_1_1_1": 1, "w_1_2_1": -1, "b_1_1": 0, "b_1_2": 0, "w_2_1_1": 1, "w_2_1_2": 1, "b_2_1": 0}


@pytest.mark.parametrize(
    ("x", "mask", "slope"),
    [("2", [1, 0], 1), ("-3/4", [0, 1], -1)],
)
def test_given_weights_and_point_choose_the_pattern(x: str, mask: list[int], slope: int) -> None:
    # f(x) = relu(x) + relu(-x) = |x|: slope 1 for x > 0, -1 for x < 0, no single affine map
    derivation = derive_layers(
        verify_layers(
            analyse(parse_layers("1 > dense 2 relu > dense 1")), parameters=ABS, point=[x]
        )
    )
    section = next(
        s for s in derivation.sections if s.title == ("The activation pattern at a point",)
    )
    steps = {str(step.lhs): step.rhs for step in section.steps}
    assert steps["D_1"] == sp.diag(*mask)
    assert steps["W_z(D)"] == sp.Matrix([[slope]])
    assert steps["b_z(D)"] == sp.Matrix([0])
    assert steps["W_z(D)*x + b_z(D)"] == sp.Matrix([abs(sp.Rational(x))])
    additivity = next(s for s in derivation.sections if s.title == ("No single affine map",))
    assert additivity.steps[-1].rhs != additivity.steps[-2].rhs


@pytest.mark.parametrize(
    ("parameters", "point", "message"),
    [
        (
            {**ABS, "w_9_1_1": 1},
            ["1"],
            r"^parameters must name every weight of the network: unknown parameter 'w_9_1_1'$",
        ),
        (
            {k: v for k, v in ABS.items() if k != "b_2_1"},
            ["1"],
            r"^parameters must name every weight of the network: missing 'b_2_1'$",
        ),
        (
            {**ABS, "b_2_1": "half"},
            ["1"],
            r"^parameter b_2_1 must be a number or a string like '3/4', got 'half'$",
        ),
        (ABS, ["1", "2"], r"^the point needs 1 coordinates, got 2$"),
    ],
)
def test_bad_parameters_or_point_are_spec_errors(parameters, point, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        derive_layers(
            verify_layers(
                analyse(parse_layers("1 > dense 2 relu > dense 1")),
                parameters=parameters,
                point=point,
            )
        )


def test_piecewise_size_limit_is_a_typed_error() -> None:
    # W_z(D): 1 x 2 entries of 9 terms; b_z(D): 13 terms -> 31 in all, estimated beforehand
    message = (
        r"^the collapsed maps may have up to 31 terms, above the limit of 30; raise max_terms$"
    )
    with pytest.raises(SizeLimitError, match=message):
        derive_layers(
            verify_layers(
                analyse(parse_layers("2 > dense 3 relu > dense 3 relu > dense 1"), max_terms=30),
                max_terms=30,
            )
        )


def test_weights_that_make_the_network_affine_are_refused() -> None:
    # relu(0 x + 1) = 1 for every x: this ReLU network is constant at these weights
    constant = {"w_1_1_1": 0, "b_1_1": 1, "w_2_1_1": 1, "b_2_1": 0}
    message = (
        r"^at these weights no pair of inputs breaks additivity, so f may be affine for them; "
        r"choose weights for which some unit switches$"
    )
    with pytest.raises(SpecError, match=message):
        derive_layers(
            verify_layers(analyse(parse_layers("1 > dense 1 relu > dense 1")), parameters=constant)
        )


def test_relu_network_with_a_constant_output_is_reported_as_such() -> None:
    spec = parse_layers("2 > dense 1 relu > conv1d k=1 s=2 p=1")  # sees padding only
    with pytest.raises(
        SpecError, match=r"^the output does not depend on the input .*: f is constant$"
    ):
        derive_layers(verify_layers(analyse(spec)))
