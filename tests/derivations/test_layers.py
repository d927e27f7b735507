"""Whole derivations for random small layered networks: every renderer works, nothing but a
one-line SpecError ever escapes, and every section has steps."""

from __future__ import annotations

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
