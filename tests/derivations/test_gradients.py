"""The gradients document: sections, citations, prose without typed mathematics, LaTeX."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse import gradients
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.render.json import document_data
from symcollapse.render.latex import render_document
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text
from tests.derivations.prose import typed_math


@pytest.mark.parametrize("widths", [(1, 1), (2, 2, 1), (2, 3, 3, 1)])
def test_one_line_per_parameter_and_layer(widths):
    g = gradients(widths)
    doc = derive_gradients(g, "full")
    depth = len(widths) - 1
    titles = [section.title[0] for section in doc.sections]
    assert titles == [
        "The loss",
        "Backpropagation at matrix level",
        "Over a data set, without biases",
        *(f"Every entry of layer {k}" for k in range(1, depth + 1)),
    ]
    assert len(doc.sections[1].steps) == 2 * depth
    parameters = sum(widths[k] * (widths[k - 1] + 1) for k in range(1, len(widths)))
    entries = [step for section in doc.sections[3:] for step in section.steps]
    assert len(entries) == parameters
    assert all(isinstance(step.lhs, sp.Derivative) for step in entries)
    data_steps = doc.sections[2].steps[-depth:]
    assert all("eq. 13" in step.reason[0] for step in data_steps)
    assert typed_math(doc) == []


@pytest.mark.parametrize(
    ("detail", "sections"),
    [
        ("brief", ["The loss", "Backpropagation at matrix level"]),
        (
            "standard",
            ["The loss", "Backpropagation at matrix level", "Over a data set, without biases"],
        ),
    ],
)
def test_the_entries_are_written_out_only_at_full(detail, sections):
    doc = derive_gradients(gradients((2, 3, 3, 1)), detail)
    assert [section.title[0] for section in doc.sections] == sections


def test_the_loss_is_half_the_squared_norm_as_papers_write_it():
    doc = derive_gradients(gradients((2, 2, 1)))
    latex = render_document(doc, Notation())
    assert r"L &\mathrel{:=} \tfrac{1}{2} \left\lVert f(x) - y \right\rVert^{2}" in latex
    loss = document_data(doc)["sections"][0]["steps"][1]["rhs"]
    error = sp.Matrix(sp.symbols("e1 e2"))
    assert sp.sympify(loss.replace("f(x) - y", "e"), {"e": error}) == error.T * error / 2


def test_every_format_renders():
    doc = derive_gradients(gradients([2, 2, 1]))
    notation = Notation()
    assert "Backpropagation at matrix level" in render_text(doc, notation)
    assert "$$" in render_markdown(doc, notation)
    data = document_data(doc)
    assert data["sections"][1]["steps"][0]["rhs"] == "W_2.T*(f(x) - y)*x.T"


@pytest.mark.latex
def test_latex_compiles(compile_latex):
    compile_latex(render_document(derive_gradients(gradients([2, 2, 1])), Notation()))
