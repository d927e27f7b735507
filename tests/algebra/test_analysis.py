"""Layered networks: merged maps and the collapse against an independent Fraction forward pass."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symcollapse.algebra.analysis import analyse
from symcollapse.derivations.layers import derive_layers
from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.activations import custom_activation
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.layers import Dense, LayerSpec
from symcollapse.verification.layered import verify_layers
from tests.reference_layers import forward, random_input, random_values

AFFINE = [
    "2 > dense 3 > dense 1",
    "2 > dense 3 > residual(dense 3) > dense 1",
    "3 > residual(dense 2 > dense 3) > dense 2",
    "5 > conv1d k=2 > dense 1",
    "6 > conv1d k=3 s=2 p=1 > dense 2",
    "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1",
    "4 > avgpool 2 s=1 > dropout 0.3 > dense 2",
    "3 > batchnorm > dense 1 > dense 3",
    "4 > maxpool 1 > dense 2",
    "3 > residual(conv1d k=3 p=1) > dense 1",
]

PIECEWISE = [
    "2 > dense 3 relu > dense 3 relu > dense 1",
    "2 > dense 2 leaky_relu(1/10) > residual(dense 2) > dense 1",
    "4 > conv1d k=2 > dense 2 relu > dense 1",
]


def _values(result, seed: int) -> dict[str, Fraction]:
    return random_values([s.name for s, e in result.entries.items() if e.kind != "x"], seed)


def _substitute(matrix: sp.MatrixBase, values: dict[str, Fraction], x=None) -> list[Fraction]:
    table = {sp.Symbol(n): sp.Rational(v.numerator, v.denominator) for n, v in values.items()}
    if x is not None:
        table |= {
            sp.Symbol(f"x_{i + 1}"): sp.Rational(v.numerator, v.denominator)
            for i, v in enumerate(x)
        }
    return [Fraction(int(sp.Rational(e).p), int(sp.Rational(e).q)) for e in matrix.xreplace(table)]


@pytest.mark.parametrize("text", AFFINE)
@pytest.mark.parametrize("seed", [1, 2])
def test_affine_networks_collapse_to_W_z_x_plus_b_z(text: str, seed: int) -> None:
    spec = parse_layers(text)
    result = analyse(spec)
    assert result.verdict == "affine"
    (stage,) = result.affine
    values = _values(result, seed)
    x = random_input(spec.input_width, seed)
    collapsed = _substitute(stage.matrix * result.stages.x + stage.bias, values, x)
    assert collapsed == forward(spec, values, x)


@pytest.mark.parametrize("text", PIECEWISE)
def test_merged_maps_equal_the_layers(text: str) -> None:
    spec = parse_layers(text)
    result = analyse(spec)
    assert len(result.affine) == len(result.nonlinear) + 1
    values = _values(result, 3)
    for seed in range(4):
        x = random_input(spec.input_width, seed)
        point = sp.ImmutableMatrix([sp.Rational(v.numerator, v.denominator) for v in x])
        assert _substitute(result.merged_forward(point), values) == forward(spec, values, x)


@pytest.mark.parametrize(
    ("text", "verdict", "affine_maps"),
    [
        ("2 > dense 3 > residual(dense 3) > dense 1", "affine", 1),
        ("2 > dense 3 relu > dense 3 > dense 3 relu > dense 1", "piecewise affine", 3),
        ("2 > dense 3 tanh > dense 1", "not affine", 2),
        ("2 > dense 3 sigmoid > dense 2 > dense 1", "not affine", 2),
        ("4 > dense 4 > maxpool 2 > dense 1", "not affine", 2),
        ("4 > maxpool 2 > dense 1", "not affine", 2),
    ],
)
def test_verdict_and_number_of_affine_maps(text: str, verdict: str, affine_maps: int) -> None:
    result = analyse(parse_layers(text))
    assert result.verdict == verdict
    assert len(result.affine) == affine_maps


def test_residual_block_matrix_is_identity_plus_inner_matrix() -> None:
    result = analyse(parse_layers("3 > residual(dense 3)"))
    (stage,) = result.affine
    W = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"w_1_{i + 1}_{j + 1}"))
    assert stage.matrix == sp.eye(3) + W
    assert str(stage.name) == "I + W_1"


@pytest.mark.parametrize(
    ("text", "bound", "bottleneck"),
    [
        ("3 > dense 1 > dense 3", 1, True),
        ("4 > dense 2 > dense 2 > dense 4", 2, True),
        ("2 > dense 3 > dense 1", 1, False),
    ],
)
def test_rank_bound_is_stated_when_there_is_a_bottleneck(
    text: str, bound: int, bottleneck: bool
) -> None:
    result = analyse(parse_layers(text))
    assert (result.rank_bound, result.has_bottleneck) == (bound, bottleneck)
    titles = [
        s.title[0] for s in derive_layers(verify_layers(analyse(parse_layers(text)))).sections
    ]
    assert ("Rank bound" in titles) == bottleneck
    if bottleneck:
        (stage,) = result.affine
        values = _values(result, 5)
        W_z = sp.Matrix(stage.matrix.rows, stage.matrix.cols, _substitute(stage.matrix, values))
        assert W_z.rank() <= bound


@pytest.mark.parametrize(
    ("max_terms", "message"),
    [
        (30, r"^the collapsed maps may have up to 31 terms, above the limit of 30; raise "),
        (20, r"^the collapsed maps may have up to 31 terms, above the limit of 20; raise "),
    ],
)
def test_size_limit_is_a_typed_error(max_terms: int, message: str) -> None:
    with pytest.raises(SizeLimitError, match=message):
        analyse(parse_layers("2 > dense 3 > dense 3 > dense 1"), max_terms=max_terms)


@pytest.mark.parametrize("text", [*AFFINE[:3], *PIECEWISE[:1], "2 > dense 2 tanh > dense 1"])
def test_derivation_title_carries_the_verdict(text: str) -> None:
    derivation = derive_layers(verify_layers(analyse(parse_layers(text))))
    assert derivation.title[-1].endswith(analyse(parse_layers(text)).verdict)
    assert all(section.steps for section in derivation.sections)


def test_affine_user_activation_collapses() -> None:
    from symcollapse.spec.activations import custom_activation
    from symcollapse.spec.layers import Dense, LayerSpec

    phi = custom_activation(lambda z: 2 * z + 1, "phi")
    spec = LayerSpec(2, (Dense(3, phi), Dense(1)))
    result = analyse(spec)
    assert result.verdict == "affine"
    (stage,) = result.affine
    values = _values(result, 7)
    table = {sp.Symbol(n): sp.Rational(v.numerator, v.denominator) for n, v in values.items()}
    W1 = sp.Matrix(3, 2, lambda i, j: sp.Symbol(f"w_1_{i + 1}_{j + 1}")).xreplace(table)
    b1 = sp.Matrix(3, 1, lambda i, _: sp.Symbol(f"b_1_{i + 1}")).xreplace(table)
    W2 = sp.Matrix(1, 3, lambda _, j: sp.Symbol(f"w_2_1_{j + 1}")).xreplace(table)
    b2 = sp.Matrix([sp.Symbol("b_2_1")]).xreplace(table)
    # f(x) = W2 phi(W1 x + b1) + b2 = 2 W2 W1 x + (2 W2 b1 + W2 1 + b2)
    assert stage.matrix.xreplace(table) == 2 * W2 * W1
    assert stage.bias.xreplace(table) == 2 * W2 * b1 + W2 * sp.ones(3, 1) + b2


@given(
    width=st.integers(1, 9),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    pool=st.integers(1, 3),
    seed=st.integers(0, 10**6),
)
@settings(max_examples=40, deadline=None)
def test_conv_and_pool_shapes_collapse(width, kernel, stride, padding, pool, seed) -> None:
    """Any valid convolution + pooling shape: W_z x + b_z equals the sliding-window reference."""
    assume(kernel <= width + 2 * padding)
    conv_width = (width + 2 * padding - kernel) // stride + 1
    assume(pool <= conv_width)
    spec = parse_layers(f"{width} > conv1d k={kernel} s={stride} p={padding} > avgpool {pool}")
    result = analyse(spec)
    (stage,) = result.affine
    values = _values(result, seed)
    x = random_input(width, seed)
    collapsed = _substitute(stage.matrix * result.stages.x + stage.bias, values, x)
    assert collapsed == forward(spec, values, x)


def test_rank_section_factors_W_z_at_the_narrowest_layer() -> None:
    derivation = derive_layers(
        verify_layers(analyse(parse_layers("4 > dense 4 > dense 2 > dense 3 > dense 4")))
    )
    section = next(s for s in derivation.sections if s.title == ("Rank bound",))
    shown = [(str(step.lhs), str(step.rhs)) for step in section.steps]
    assert shown == [
        ("W_z", "L*R"),
        ("L", "W_4*W_3"),
        ("R", "W_2*W_1"),
        ("rank(W_z)", "2"),
    ]


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        (lambda z: sp.Piecewise((z, z > 0), (2 * z, True)), "not decided"),
        (lambda z: sp.sign(z) * sp.Abs(z), "not decided"),  # which is z: affine after all
        (lambda z: sp.Max(z, 3 * z), "not decided"),
        (lambda z: z**3 + z, "not affine"),
        (lambda z: (z + 1) ** 2 - z**2, "affine"),  # 2 z + 1
    ],
)
@pytest.mark.parametrize("widths", [(2, 2, 1), (3, 2, 4)])
def test_analyse_classifies_only_what_the_formula_proves(formula, verdict, widths) -> None:
    phi = custom_activation(formula, "phi")
    spec = LayerSpec(widths[0], (Dense(widths[1], phi), Dense(widths[2])))
    result = analyse(spec)
    assert result.verdict == verdict
    if verdict == "affine":  # then W_z holds no z: the activation's slope is a number
        assert not any(e.has(sp.Symbol("z")) for e in result.affine[0].matrix)


def test_a_not_decided_network_is_certified_or_refused() -> None:
    kinked = custom_activation(lambda z: sp.Piecewise((z, z > 0), (2 * z, True)), "kinked")
    derivation = derive_layers(verify_layers(analyse(LayerSpec(2, (Dense(2, kinked), Dense(1))))))
    assert derivation.title[-1] == ": not affine"
    assert derivation.sections[-1].title == ("No single affine map",)
    odd = custom_activation(lambda z: sp.sign(z) * sp.Abs(z), "odd")
    with pytest.raises(SpecError, match=r"^no certificate that the network is not affine"):
        derive_layers(verify_layers(analyse(LayerSpec(2, (Dense(2, odd), Dense(1))))))
