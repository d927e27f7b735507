"""Stages: each layer's explicit matrix against its definition, and the new expression types."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra.network import Entry
from symcollapse.algebra.stages import AffineStage, Elementwise, NonlinearStage, build_stages
from symcollapse.render.notation import Notation
from symcollapse.render.plain import NetworkStrPrinter
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.activations import activation, custom_activation
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.layers import Dense, LayerSpec, MaxPool


@pytest.mark.parametrize(
    ("width", "kernel", "stride", "padding"),
    [(5, 2, 1, 0), (6, 3, 2, 1), (4, 3, 1, 2), (7, 1, 3, 0)],
)
def test_toeplitz_row_i_holds_the_kernel_at_offset_i_s_minus_p(width, kernel, stride, padding):
    stages = build_stages(parse_layers(f"{width} > conv1d k={kernel} s={stride} p={padding}"))
    (stage,) = stages.stages
    kappa = sp.symbols(f"kappa_1_1:{kernel + 1}")
    for i in range(stage.matrix.rows):
        # output i is the dot product of the kernel with padded inputs i s .. i s + K - 1
        row = [0] * (width + 2 * padding)
        row[i * stride : i * stride + kernel] = kappa
        assert list(stage.matrix.row(i)) == row[padding : padding + width]
    assert set(stage.bias) == {sp.Symbol("b_1_1")}


def test_batchnorm_is_gamma_times_centred_input_over_s_plus_beta() -> None:
    stages = build_stages(parse_layers("3 > batchnorm"))
    (stage,) = stages.stages
    h = sp.Matrix(sp.symbols("h_1:4"))
    gamma, s, mu, beta = (sp.Matrix(sp.symbols(f"{k}_1_1:4")) for k in ("gamma", "s", "mu", "beta"))
    expected = sp.Matrix([gamma[i] * (h[i] - mu[i]) / s[i] + beta[i] for i in range(3)])
    assert (stage.apply(h) - expected).applyfunc(sp.simplify) == sp.zeros(3, 1)


def test_stages_of_a_mixed_network() -> None:
    stages = build_stages(parse_layers("4 > dense 4 relu > dropout > maxpool 2 > dense 1"))
    kinds = [type(s).__name__ for s in stages.stages]
    assert kinds == ["AffineStage", "NonlinearStage", "NonlinearStage", "AffineStage"]
    assert [s.layer for s in stages.stages] == [1, 1, 3, 4]  # dropout (layer 2) has no stage
    assert stages.entries[sp.Symbol("w_4_1_2")] == Entry("W", 4, 0, 1)


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


def test_new_parameter_kinds_print_with_their_letters() -> None:
    stages = build_stages(parse_layers("3 > conv1d k=2 > batchnorm"))
    printer = NetworkLatexPrinter(stages.entries, Notation())
    shown = [
        printer.doprint(sp.Symbol(n))
        for n in ("kappa_1_2", "gamma_2_1", "s_2_2", "mu_2_1", "beta_2_2")
    ]
    assert shown == [
        r"\kappa^{(1)}_{2}",
        r"\gamma^{(2)}_{1}",
        r"s^{(2)}_{2}",
        r"\mu^{(2)}_{1}",
        r"\beta^{(2)}_{2}",
    ]


def test_affine_activation_becomes_an_affine_stage() -> None:
    spec = LayerSpec(2, (Dense(2, custom_activation(lambda z: 3 * z - 1, "phi")),))
    stages = build_stages(spec).stages
    assert all(isinstance(s, AffineStage) for s in stages)
    assert stages[1].matrix == 3 * sp.eye(2)
    assert stages[1].bias == -sp.ones(2, 1)
    assert activation("tanh").is_affine is False
