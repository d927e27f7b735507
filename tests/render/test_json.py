from __future__ import annotations

import json

import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symcollapse import collapse, derive
from symcollapse.algebra.analysis import analyse
from symcollapse.derivations.layers import derive_layers
from symcollapse.render.json import document_data, render_json
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.layered import verify_layers


@pytest.mark.parametrize("widths", [(1, 1), (2, 3, 3, 1), (12, 2, 3)])
def test_json_round_trips_through_sympify(widths):
    result = collapse(widths)
    data = json.loads(render_json(derive(widths)))
    assert data["widths"] == list(widths)
    names = [data["symbols"]["x"]]
    for k in range(1, len(widths)):
        names += [n for row in data["symbols"][f"W_{k}"] for n in row]
        names += [data["symbols"][f"b_{k}"]]
    flat = [n for group in names for n in (group if isinstance(group, list) else [group])]
    assert all(name.isidentifier() for name in flat)
    local = {name: sp.Symbol(name) for name in flat}
    assert len(local) == len(result.network.entries)
    W_z = sp.Matrix([[sp.sympify(e, locals=local) for e in row] for row in data["W_z"]])
    b_z = sp.Matrix([[sp.sympify(e, locals=local) for e in row] for row in data["b_z"]])
    assert (W_z - result.W_z).applyfunc(sp.expand) == sp.zeros(*result.W_z.shape)
    assert (b_z - result.b_z).applyfunc(sp.expand) == sp.zeros(*result.b_z.shape)
    assert data["terms"] == {
        "per_W_z_entry": result.counts.per_W_z_entry,
        "per_b_z_entry": result.counts.per_b_z_entry,
    }


def test_json_shapes():
    data = json.loads(render_json(derive((2, 3, 1))))
    assert len(data["symbols"]["W_1"]) == 3 and len(data["symbols"]["W_1"][0]) == 2
    assert data["symbols"]["b_1"] == ["b_1_1", "b_1_2", "b_1_3"]
    assert data["symbols"]["x"] == ["x_1", "x_2"]
    assert len(data["W_z"]) == 1 and len(data["W_z"][0]) == 2
    assert len(data["b_z"]) == 1 and len(data["b_z"][0]) == 1


@pytest.mark.parametrize(
    "text",
    ["2 > dense 3 > residual(dense 3) > dense 1", "2 > dense 2 relu > dense 1"],
)
def test_explicit_matrices_parse_back(text: str) -> None:
    derivation = derive_layers(verify_layers(analyse(parse_layers(text))))
    data = json.loads(render_json(derivation))
    assert data == document_data(derivation)
    checked = 0
    for section, raw in zip(derivation.sections, data["sections"], strict=True):
        assert raw["title"] == list(section.title)
        for step, item in zip(section.steps, raw["steps"], strict=True):
            assert item["relation"] == step.relation
            entry_names = isinstance(step.rhs, sp.MatrixBase) and step.rhs.has(MatrixElement)
            if isinstance(step.rhs, sp.MatrixBase) and not entry_names:
                parsed = sp.Matrix(sp.sympify(item["rhs"]))
                assert parsed == sp.Matrix(step.rhs)
                checked += 1
    assert checked > 5
