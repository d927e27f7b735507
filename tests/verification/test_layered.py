"""An analysed layered network is checked before a document shows it: its merged maps against
its layers, its piecewise collapse, and the weights and point its document examines."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse
from symcollapse.errors import OptionError, VerificationError
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.layered import verify_layers


@pytest.mark.parametrize(
    ("text", "piecewise"),
    [
        ("3 > dense 2 > conv1d k=2 s=1 p=0 > dense 1", False),
        ("2 > dense 3 relu > dense 1", True),
        ("2 > dense 2 tanh > dense 1", False),
    ],
)
def test_a_network_is_checked_with_what_its_document_examines(text, piecewise):
    result = analyse(parse_layers(text))
    checked = verify_layers(result, seed=4)
    assert (checked.result, checked.seed, checked.given) == (result, 4, False)
    assert checked.x0.shape == (result.spec.input_width, 1)
    assert set(checked.params) == set(result.entries) - set(result.stages.x)
    assert (checked.piecewise is not None) == piecewise
    if piecewise:
        assert checked.piecewise.points == 5


@pytest.mark.parametrize("text", ["2 > dense 2 > dense 1", "2 > dense 3 relu > dense 1"])
def test_merged_maps_that_disagree_with_the_layers_are_refused(text):
    result = analyse(parse_layers(text))
    first = result.affine[0]
    wrong = dataclasses.replace(first, matrix=first.matrix + sp.ones(*first.matrix.shape))
    tampered = dataclasses.replace(result, affine=(wrong, *result.affine[1:]))
    with pytest.raises(VerificationError, match=r"^merged maps disagree with the layers at x = "):
        verify_layers(tampered)


def test_a_point_for_an_affine_network_is_refused():
    with pytest.raises(OptionError, match=r"this network is affine$"):
        verify_layers(analyse(parse_layers("2 > dense 2 > dense 1")), point=["1", "2"])


def test_given_weights_and_point_are_kept():
    checked = verify_layers(analyse(parse_layers("1 > dense 1 relu > dense 1")), point=["3"])
    assert checked.given and list(checked.x0) == [3]
