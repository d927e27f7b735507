"""The search for a certificate that a network is not affine: what it finds holds when
evaluated by hand from the merged maps, and a pooling that is additive is refused."""

from __future__ import annotations

from itertools import combinations

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse, random_parameters
from symcollapse.algebra.stages import NonlinearStage
from symcollapse.errors import SpecError, VerificationError
from symcollapse.spec.activations import custom_activation
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.layers import Dense, LayerSpec
from symcollapse.verification.certificates import (
    additivity_pairs,
    certainly_nonzero,
    find_additivity,
    find_second_derivative,
    pooling_witness,
    small_parameters,
)


def _merged(result, params):
    """``f`` from the merged maps at ``params``, independently of the stages' forward pass."""

    def f(x: sp.MatrixBase) -> sp.MatrixBase:
        h = x
        for j, stage in enumerate(result.affine):
            h = stage.matrix.xreplace(params) * h + stage.bias.xreplace(params)
            if j < len(result.nonlinear):
                h = result.nonlinear[j].apply(h)
        return h

    return f


@pytest.mark.parametrize(
    "text",
    [
        "4 > dense 4 > maxpool 2 > dense 1",
        "2 > dense 3 relu > dense 3 relu > dense 1",
        "3 > dense 2 leaky_relu(1/5) > dense 2",
    ],
)
def test_additivity_pair_fails_additivity_by_plain_evaluation(text: str) -> None:
    result = analyse(parse_layers(text))
    params = random_parameters(result.entries, 0)
    found, _ = next(additivity_pairs(result, params, 0))
    u, v = found.u, found.v

    f = _merged(result, params)
    zero = sp.zeros(len(u), 1)
    assert f(u + v) + f(zero) != f(u) + f(v)


@pytest.mark.parametrize(
    "text",
    ["2 > dense 3 relu > dense 3 relu > dense 1", "4 > dense 4 > maxpool 2 > dense 1"],
)
def test_found_additivity_is_what_the_merged_maps_give(text: str) -> None:
    result = analyse(parse_layers(text))
    found = find_additivity(result, 0)
    assert found is not None
    f = _merged(result, found.params)
    assert found.left == f(found.u + found.v) + f(sp.zeros(len(found.u), 1))
    assert found.right == f(found.u) + f(found.v)
    assert found.left != found.right


#: Networks the additivity certificate serves, of every kind and shape: at the first pair tried,
#: ``1 > dense 2 leaky_relu(1/2) > dense 1`` has ``f(v) = 0`` and ``|.|`` has ``f(v) = f(0)``.
TELLING = {
    text: parse_layers(text)
    for text in (
        "2 > dense 3 relu > dense 1",
        "2 > dense 3 relu > dense 2",
        "1 > dense 1 relu > dense 1 relu > dense 1",
        "3 > dense 2 leaky_relu(1/5) > dense 2",
        "1 > dense 2 leaky_relu(1/2) > dense 1",
        "4 > dense 4 > maxpool 2 > dense 1",
        "3 > maxpool 3 > dense 2",
        "8 > conv1d k=3 > maxpool 2 > dense 2",
        "2 > dense 2 relu > residual(dense 2) > dense 1",
        "3 > dense 2 relu > batchnorm > dense 1",
    )
} | {"|.|": LayerSpec(1, (Dense(1, custom_activation(sp.Abs, "absval")), Dense(1)))}


@pytest.mark.parametrize("spec", TELLING.values(), ids=TELLING)
def test_every_value_of_the_additivity_certificate_tells(spec: LayerSpec) -> None:
    """``f(0), f(u), f(v), f(u + v)`` with no zero entry and no two equal: a hand edit that
    drops, negates or exchanges one of them makes a row false (with ``f(v) = 0`` dropping
    ``+ f(v)`` left the page true)."""
    result = analyse(spec)
    found = find_additivity(result, 0)
    assert found is not None
    f = _merged(result, found.params)
    values = [f(sp.zeros(len(found.u), 1)), f(found.u), f(found.v), f(found.u + found.v)]
    assert all(entry != 0 for value in values for entry in value)
    assert all(a != b for a, b in combinations(values, 2))
    assert values[3] + values[0] != values[1] + values[2]


@pytest.mark.parametrize("text", [t for t in TELLING if t != "|.|" and "1/2" not in t])
def test_the_additivity_certificate_is_small_integers(text: str) -> None:
    """Weights 1 or 2 and inputs of at most 3 for ReLU, leaky ReLU and max pooling: a reader can
    redo the rows by hand (a max pooling after equal units needs the weights 1 and 2)."""
    found = find_additivity(analyse(parse_layers(text)), 0)
    assert found is not None
    assert set(found.params.values()) <= {1, 2}
    assert all(entry.is_Integer and abs(entry) <= 3 for entry in (*found.u, *found.v))


def test_an_output_relu_keeps_its_certificate_with_a_zero_value() -> None:
    """``relu`` at the output is 0 wherever it is off: no pair has four non-zero values that
    break the identity, and the first pair that breaks it is still shown."""
    result = analyse(parse_layers("1 > dense 1 relu"))
    found = find_additivity(result, 0)
    assert found is not None and found.left != found.right
    assert (found.u, found.v) == (sp.ImmutableMatrix([3]), sp.ImmutableMatrix([-2]))


@pytest.mark.parametrize("period", [1, 2])
def test_small_parameters_are_small_integers_with_no_zero_shift(period: int) -> None:
    result = analyse(parse_layers("3 > dense 2 relu > batchnorm > conv1d k=2 s=1 p=0"))
    values = small_parameters(result.entries, period)
    assert set(values) == {s for s, e in result.entries.items() if e.kind != "x"}
    assert all(values[s] == 1 for s in values if result.entries[s].kind in ("b", "mu", "beta"))
    assert {v for s, v in values.items() if result.entries[s].kind == "W"} == set(
        range(1, period + 1)
    )


@pytest.mark.parametrize(("size", "width"), [(2, 4), (3, 6)])
def test_pooling_witness_is_not_additive(size: int, width: int) -> None:
    windows = tuple(range(i, i + size) for i in range(0, width, size))
    witness = pooling_witness(NonlinearStage(1, None, windows))
    assert witness.left != witness.right


def test_a_pooling_that_is_additive_is_refused() -> None:
    class Additive(NonlinearStage):  # the bug the check guards against: a linear "pooling"
        def apply(self, h: sp.MatrixBase) -> sp.ImmutableMatrix:
            return sp.ImmutableMatrix([sum(h[j] for j in w) for w in self.windows])

    with pytest.raises(VerificationError, match="additive"):
        pooling_witness(Additive(1, None, (range(0, 2),)))


@pytest.mark.parametrize("text", ["2 > dense 2 tanh > dense 1", "1 > dense 2 sigmoid > dense 1"])
def test_second_derivative_is_certified_non_zero(text: str) -> None:
    result = analyse(parse_layers(text))
    found = find_second_derivative(result, 0)
    assert found is not None
    assert all(c.certified for c in found.curvatures)
    assert certainly_nonzero(found.value)


def test_a_given_point_without_curvature_is_a_spec_error() -> None:
    result = analyse(parse_layers("1 > dense 1 tanh > dense 1"))
    params = {s: sp.Integer(0) for s, e in result.entries.items() if e.kind != "x"}
    with pytest.raises(SpecError, match="choose another point"):
        find_second_derivative(result, 0, (params, sp.ImmutableMatrix([0])))
