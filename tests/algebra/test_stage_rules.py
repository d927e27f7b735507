"""Layer stages: each layer kind's explicit matrix against its definition, and the stages a
mixed network becomes."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra.network import Entry
from symcollapse.algebra.stage_rules import build_stages
from symcollapse.algebra.stages import AffineStage
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.activations import activation, custom_activation
from symcollapse.spec.grammar import parse_layer, parse_layers
from symcollapse.spec.kinds.registry import KINDS, kind_of
from symcollapse.spec.layers import Dense, LayerSpec


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


@pytest.mark.parametrize(
    "text", [text for kind in KINDS for text in kind.examples], ids=lambda text: text
)
def test_every_kind_has_stages_that_agree_with_its_description(text):
    """Each kind of the registry becomes stages through the one rule, affine exactly when its
    description says so."""
    layer = parse_layer(text)
    stages = build_stages(LayerSpec(8, (layer,))).stages
    affine = all(isinstance(stage, AffineStage) for stage in stages)
    assert affine == (kind_of(layer).nonlinear(layer) is None)


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ("avgpool 3 s=1 p=1", [sp.Rational(1, 3)] * 2 + [0, 0]),
        ("avgpool 3 s=1 p=1 c=0", [sp.Rational(1, 2)] * 2 + [0, 0]),
        ("conv1d k=2 d=2 p=1 pe=0", [0, sp.Symbol("kappa_1_2"), 0, 0]),  # taps at -1 and 1
    ],
)
def test_padded_pools_and_dilated_convolutions_as_matrices(text, row):
    stage = build_stages(parse_layers(f"4 > {text}")).stages[0]
    assert list(stage.matrix.row(0)) == row


@pytest.mark.parametrize(
    ("text", "layers"),
    [
        ("3 > dense 3 > residual(dense 3) > dense 2", [1, 2, 3]),
        ("3 > residual(dense 3 > batchnorm) > dropout > dense 1", [1, 4]),
        ("4 > conv1d k=2 > residual(batchnorm > dropout) > maxpool 3", [1, 2, 4]),
    ],
)
def test_a_blocks_layers_take_numbers_and_the_block_none(text, layers):
    """A skip connection's map is numbered as its first inner layer; dropout takes a number
    and no stage."""
    stages = build_stages(parse_layers(text))
    assert [stage.layer for stage in stages.stages] == layers
