"""The search for a certificate that a network is not affine: what it finds holds when
evaluated by hand from the merged maps, and a pooling that is additive is refused."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse, random_parameters
from symcollapse.algebra.stages import NonlinearStage
from symcollapse.errors import SpecError, VerificationError
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.certificates import (
    additivity_pair,
    certainly_nonzero,
    find_additivity,
    find_second_derivative,
    pooling_witness,
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
    u, v = additivity_pair(result, params, 0)

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
