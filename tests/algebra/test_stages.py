"""Stages: the non-linear maps and their expression type, merging affine stages, and the forward
pass through the stages."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra.stage_rules import build_stages
from symcollapse.algebra.stages import Elementwise, NonlinearStage, merge
from symcollapse.render.notation import Notation
from symcollapse.render.plain import NetworkStrPrinter
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.layers import MaxPool


def test_maxpool_windows_and_shape() -> None:
    stage = NonlinearStage(3, windows=MaxPool(2, 1).windows(4))
    x = sp.Matrix([3, -1, 5, 2])
    assert stage.apply(x) == sp.Matrix([3, 5, 5])
    assert stage.expression(sp.MatrixSymbol("h", 4, 1)).shape == (3, 1)


@pytest.mark.parametrize(
    ("expr", "latex", "text"),
    [
        (
            Elementwise("relu", sp.MatrixSymbol("h", 2, 1)),
            r"\operatorname{ReLU}\left(h\right)",
            "relu(h)",
        ),
        (
            Elementwise("leaky_relu", sp.MatrixSymbol("h", 2, 1), sp.Rational(1, 10)),
            r"\operatorname{LeakyReLU}_{0.1}\left(h\right)",
            "leaky_relu[1/10](h)",
        ),
        (
            Elementwise("maxpool", sp.MatrixSymbol("h", 4, 1), 2, 2),
            r"\operatorname{maxpool}_{2}\left(h\right)",
            "maxpool[2](h)",
        ),
        (Elementwise("cube", sp.MatrixSymbol("h", 2, 1)), r"cube\left(h\right)", "cube(h)"),
        (sp.Identity(3), "I", "I"),
    ],
)
def test_printing_of_layered_expressions(expr, latex: str, text: str) -> None:
    assert NetworkLatexPrinter({}, Notation()).doprint(expr) == latex
    assert NetworkStrPrinter({}).doprint(expr) == text


@pytest.mark.parametrize(
    "layers", ["3 > dense 2 > conv1d k=2 > batchnorm", "2 > residual(dense 2) > avgpool 2 s=1"]
)
def test_merged_stages_are_the_stages_applied_in_order(layers: str) -> None:
    stages = build_stages(parse_layers(layers)).stages
    h = sp.Matrix(sp.symbols(f"h_1:{stages[0].matrix.cols + 1}"))
    sequential = h
    for stage in stages:
        sequential = stage.apply(sequential)
    merged = merge(list(stages), h.rows)
    assert (merged.apply(h) - sequential).applyfunc(sp.expand) == sp.zeros(*sequential.shape)
    assert merge([], 3).apply(sp.Matrix([1, 2, 3])) == sp.Matrix([1, 2, 3])


@pytest.mark.parametrize(
    "layers",
    ["2 > dense 3 relu > dense 1", "4 > dense 4 tanh > maxpool 2 > dense 1 leaky_relu(1/10)"],
)
def test_forward_at_numbers_is_the_symbolic_forward_with_numbers_put_in(layers: str) -> None:
    stages = build_stages(parse_layers(layers))
    params = {
        s: sp.Rational(i % 7 - 3, 2) for i, s in enumerate(stages.entries) if s.name[0] != "x"
    }
    x = sp.ImmutableMatrix([sp.Rational(i - 1, 3) for i in range(stages.x.rows)])
    at_x = dict(zip(stages.x, x, strict=True))
    assert stages.forward(x, params) == stages.forward().xreplace(params | at_x)
    assert stages.expression().shape == (stages.spec.widths[-1], 1)
