"""Whole derivations for random small layered networks: every renderer works, nothing but a
one-line SpecError ever escapes, and every section has steps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.analysis import analyse
from symcollapse.derivations.layers import derive_layers
from symcollapse.errors import SpecError
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_document
from symcollapse.render.markdown import render_markdown
from symcollapse.render.text import render_text
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.layered import verify_layers

LAYER = st.sampled_from(
    [
        "dense 2",
        "dense 2 relu",
        "dense 1 leaky_relu(1/5)",
        "dense 2 tanh",
        "conv1d k=2 s=1 p=1",
        "avgpool 2",
        "maxpool 2",
        "maxpool 1",
        "batchnorm",
        "dropout",
        "residual(dense 2)",
    ]
)


@given(width=st.integers(1, 3), layers=st.lists(LAYER, min_size=1, max_size=3))
@settings(max_examples=25, deadline=None)
def test_random_networks_derive_and_render(width: int, layers: list[str]) -> None:
    try:
        derivation = derive_layers(
            verify_layers(analyse(parse_layers(" > ".join([str(width), *layers]))))
        )
    except SpecError as error:  # shapes that do not fit, or a constant output
        assert "\n" not in str(error)
        return
    assert all(section.steps for section in derivation.sections)
    for render in (render_document, render_markdown, render_text, render_json):
        assert render(derivation)


DROPPED = " Dropout at inference is the identity map and does not appear below."


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("4 > dense 4", 0),
        ("4 > dropout > dense 4", 1),
        ("4 > dropout > dropout 1/4 > dense 4", 1),
        ("4 > residual(dense 4 > dropout) > dense 2", 1),
        ("4 > residual(dense 4 > dropout) > dropout", 1),
    ],
)
def test_an_identity_layer_is_said_once_in_its_kinds_words(spec: str, said: int) -> None:
    """Dropout, at the top or inside a block, is named once where the network is described."""
    intro = derive_layers(verify_layers(analyse(parse_layers(spec)))).sections[0].intro
    assert intro.count(DROPPED) == said
