"""Exact folding, checked against the nested forward pass in Python Fractions."""

from __future__ import annotations

import itertools
import random
import tracemalloc
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.affine import collapse_chain
from symcollapse.algebra.fold import Dyadic, _limb_bytes, estimate_bytes, fold
from symcollapse.errors import SizeLimitError
from symcollapse.spec.model import AffineLayer, Model
from symcollapse.spec.state_dict import model_from_state_dict
from tests.model_files import dense_layers, forward_fractions, state_dict

WIDTHS = [(2, 3, 3, 1), (1, 1), (4, 1), (1, 4), (3, 5, 2, 4), (2, 2, 2, 2, 2, 2)]


def folded(layers) -> tuple[list[list[Fraction]], list[Fraction]]:
    tensors = state_dict(layers)
    stated = {"weight_layout": "out-in", "assume_identity_gaps": True}
    result = fold(model_from_state_dict(tensors, "m", "npz", **stated))
    return result.W_z_fractions(), result.b_z_fractions()


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_fold_equals_the_nested_pass_in_fractions(widths, dtype):
    layers = dense_layers(widths, seed=sum(widths), dtype=dtype)
    W_z, b_z = folded(layers)
    rng = random.Random(0)
    for _ in range(3):
        x = [Fraction(rng.randint(-99, 99), rng.randint(1, 99)) for _ in range(widths[0])]
        expected = forward_fractions(layers, x)
        assert [
            sum(r * v for r, v in zip(row, x, strict=True)) + c
            for row, c in zip(W_z, b_z, strict=True)
        ] == expected


def test_the_zero_input_gives_b_z_and_unit_inputs_give_columns():
    layers = dense_layers((3, 4, 2), seed=11)
    W_z, b_z = folded(layers)
    assert forward_fractions(layers, [Fraction(0)] * 3) == b_z
    for j in range(3):
        unit = [Fraction(int(i == j)) for i in range(3)]
        column = [a - c for a, c in zip(forward_fractions(layers, unit), b_z, strict=True)]
        assert column == [row[j] for row in W_z]


def test_layer_scales_are_exact():
    W = np.array([[0.1, -3.0], [2.5, 1e-30]])
    layer = AffineLayer("g", W, np.array([0.3, -0.7]), weight_scale=0.5, bias_scale=3.0)
    model = Model((layer,), 2, np.dtype("float64"), "m", "onnx", (1, 2))
    result = fold(model)
    assert result.W_z_fractions() == [[Fraction(0.5) * Fraction(w) for w in row] for row in W]
    assert result.b_z_fractions() == [Fraction(3.0) * Fraction(0.3), Fraction(3.0) * Fraction(-0.7)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=6))
def test_dyadic_holds_floats_exactly(values):
    exact = Dyadic.of(np.array(values))
    assert exact.fractions().tolist() == [Fraction(v) for v in values]
    assert exact.floats().tolist() == [float(v) for v in values]


@pytest.mark.parametrize(
    "values", [np.zeros((0, 3)), np.array([[5e-324, 1e308], [-0.0, 3.0]]), np.full((1, 4), -2.5)]
)
def test_dyadic_holds_any_shape_and_range_exactly(values):
    exact = Dyadic.of(values)
    assert exact.shape == values.shape
    assert exact.fractions().tolist() == [[Fraction(v) for v in row] for row in values.tolist()]


def test_refused_above_the_memory_estimate():
    tensors = state_dict(dense_layers((20, 20, 5), seed=12))
    model = model_from_state_dict(tensors, "m", "npz", assume_identity_gaps=True)
    estimate = estimate_bytes(model)
    with pytest.raises(SizeLimitError, match=r"^folding m exactly needs about .* MB, above the"):
        fold(model, max_bytes=estimate - 1)
    assert fold(model, max_bytes=estimate).W_z.shape == (5, 20)


@pytest.mark.parametrize("widths", [(64, 64, 64), (8, 96, 96, 3), (50, 4, 50)])
def test_the_listing_estimate_covers_listing_every_entry(widths):
    """JSON lists every entry exactly: ``listed`` counts that before any product, above what
    folding and listing take (traced), and refuses where the fold alone would pass."""
    tensors = state_dict(dense_layers(widths, seed=3))
    model = model_from_state_dict(
        tensors, "m", "npz", assume_identity_gaps=True, weight_layout="out-in"
    )
    alone, listed = estimate_bytes(model), estimate_bytes(model, listed=True)
    tracemalloc.start()
    try:
        result = fold(model, max_bytes=listed, listed=True)
        text = [[str(v) for v in row] for row in result.W_z_fractions()]
        text.append([str(v) for v in result.b_z_fractions()])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= listed
    with pytest.raises(SizeLimitError):
        fold(model, max_bytes=alone, listed=True)
    assert fold(model, max_bytes=alone).W_z.shape == (widths[-1], widths[0])


def test_a_model_without_layers_is_the_identity():
    model = Model((), 3, np.dtype("float32"), "m", "onnx", (1, 3))
    result = fold(model)
    assert result.W_z_fractions() == [[Fraction(int(i == j)) for j in range(3)] for i in range(3)]
    assert result.b_z_fractions() == [0, 0, 0]


@dataclass(frozen=True)
class Exact:
    """The reference: integer object matrices times a power of two, multiplied by numpy's
    object ``dot`` of Python integers (what the fold computed before the modular route)."""

    integers: np.ndarray
    exponent: int

    @classmethod
    def of(cls, floats: np.ndarray, scale: float) -> Exact:
        value, factor = Dyadic.of(floats), Dyadic.of(np.array([scale]))
        return cls(value.integers * factor.integers[0], value.exponent + factor.exponent)

    def __matmul__(self, other: Exact) -> Exact:
        return Exact(self.integers.dot(other.integers), self.exponent + other.exponent)

    def __add__(self, other: Exact) -> Exact:
        low = min(self.exponent, other.exponent)
        left = self.integers * (1 << (self.exponent - low))
        return Exact(left + other.integers * (1 << (other.exponent - low)), low)


def floats(rng: np.random.Generator, shape: tuple[int, ...], kind: str) -> np.ndarray:
    """Random weights: ``kind`` adds subnormals, exponents far apart, zeros, or rounds."""
    x = rng.standard_normal(shape)
    if kind == "subnormal":
        x = np.where(rng.random(shape) < 0.3, np.ldexp(5e-324, rng.integers(0, 40, shape)), x)
    elif kind == "wide":  # integers of over a thousand bits
        x = np.ldexp(x, rng.integers(-600, 600, shape))
    elif kind == "zeros":
        x = np.where(rng.random(shape) < 0.5, 0.0, x)
    elif kind == "all zero":
        x = np.zeros(shape)
    elif kind in ("float16", "float32"):
        x = (x / shape[-1]).astype(kind).astype(np.float64)
    return x


KINDS = ["normal", "subnormal", "wide", "zeros", "all zero", "float16", "float32"]


@pytest.mark.parametrize(
    "widths", [(3, 3, 3), (5, 2, 7, 1), (1, 6, 6, 6), (40, 64, 64, 3), (8, 33, 2), (4, 4)]
)
@pytest.mark.parametrize("kind", KINDS)
def test_fold_is_bit_identical_to_integer_object_products(widths, kind):
    rng = np.random.default_rng([sum(widths), KINDS.index(kind)])
    scales = [(1.0, 1.0), (0.5, 3.0), (0.1, 1e-300), (0.0, 2.0**-1074)]
    layers = []
    for k in range(len(widths) - 1):
        weight = floats(rng, (widths[k + 1], widths[k]), kind)
        bias = floats(rng, (widths[k + 1],), KINDS[(KINDS.index(kind) + k) % len(KINDS)])
        layers.append(AffineLayer(f"l{k}", weight, bias, *scales[k % len(scales)]))
    model = Model(tuple(layers), widths[0], np.dtype("float64"), "m", "onnx", (1, widths[0]))
    result = fold(model, max_bytes=2**40)
    W = [Exact.of(layer.weight, layer.weight_scale) for layer in layers]
    b = [Exact.of(layer.bias, layer.bias_scale) for layer in layers]
    W_z, b_z = collapse_chain(W, b, from_output=widths[-1] < widths[0])
    for got, expected in ((result.W_z, W_z), (result.b_z, b_z)):
        assert got.exponent == expected.exponent
        assert got.integers.shape == expected.integers.shape
        assert got.integers.tolist() == expected.integers.tolist()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=5),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["float16", "float32", "float64"]),
)
def test_fold_equals_fractions_for_any_widths(widths, seed, dtype):
    layers = dense_layers(tuple(widths), seed=seed, dtype=dtype)
    W_z, b_z = folded(layers)
    assert forward_fractions(layers, [Fraction(0)] * widths[0]) == b_z
    x = [Fraction(j + 1, 3) for j in range(widths[0])]
    got = [
        sum((w * v for w, v in zip(row, x, strict=True)), Fraction(0)) + c
        for row, c in zip(W_z, b_z, strict=True)
    ]
    assert got == forward_fractions(layers, x)


@pytest.mark.parametrize("exponent", [-10, -1077, -1100, -1134, 0, 900])
def test_floats_round_each_exact_entry_once(exponent):
    """The fast rounding (an integer to float, then scaled) agrees with rounding the exact
    fraction, where the integers need rounding, and where the result is subnormal."""
    from symcollapse.algebra.multimodular import Digits, garner_digit, primes_for

    # 2**54 + 5 at 2**-1077: rounded to float first, then to the subnormal grid, it would be
    # rounded twice (to 2**54 + 4, then down to 2**54): once, it goes up to 2**54 + 8
    integers = [2**60 + 1, 2**60 + 2**7, 2**60 + 2**8 - 1, -(2**70 + 12345), 3, 0, 2**54 + 5]
    primes = primes_for(2**80, 2)
    digits = np.empty((len(primes), len(integers)), dtype=np.int32)
    for i, p in enumerate(primes):
        garner_digit(digits, i, np.array([float(m % p) for m in integers]), primes)
    value = Dyadic(Digits(digits, primes), exponent)
    expected = [float(Fraction(m) * Fraction(2) ** exponent) for m in integers]
    assert value.floats().tolist() == expected


def extreme(dtype: str) -> st.SearchStrategy[float]:
    """Floats of ``dtype``: subnormals, zeros, magnitudes up to the largest (1e30 in float32
    and float64), and the largest odd significand (an integer just below ``2**53``, whose
    residues need the two-word reduction), as the layer's weights would hold them."""
    width = {"float16": 16, "float32": 32, "float64": 64}[dtype]
    info = np.finfo(dtype)
    tiny, odd = float(info.smallest_subnormal), float(2 ** (info.nmant + 1) - 1)
    return st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, width=width),
        st.sampled_from([0.0, tiny, -3 * tiny, 1e30 if width > 16 else 6e4, -1.5, odd, -odd]),
    )


@st.composite
def chains(draw: st.DrawFn) -> list[AffineLayer]:
    """Small chains of layers whose dtypes may differ from layer to layer."""
    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    layers = []
    for k in range(len(widths) - 1):
        dtype = draw(st.sampled_from(["float16", "float32", "float64"]))
        shape = (widths[k + 1], widths[k])
        weight = draw(
            st.lists(extreme(dtype), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1])
        )
        bias = draw(st.lists(extreme(dtype), min_size=shape[0], max_size=shape[0]))
        layers.append(AffineLayer(f"l{k}", np.array(weight).reshape(shape), np.array(bias)))
    return layers


@settings(max_examples=60, deadline=None)
@given(chains(), st.sampled_from([1, 3, 2**21]))
def test_fold_equals_fraction_products_at_extreme_exponents(layers, block):
    """``W_z`` and ``b_z`` against products and sums of Fractions, a product computed in
    blocks of ``block`` entries' width (several blocks, a ragged last one, or one)."""
    widths = [layers[0].weight.shape[1]] + [layer.weight.shape[0] for layer in layers]
    model = Model(tuple(layers), widths[0], np.dtype("float64"), "m", "onnx", (1, widths[0]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("symcollapse.algebra.fold.BLOCK", block)
        result = fold(model, max_bytes=2**40)
    W_z = [[Fraction(int(i == j)) for j in range(widths[0])] for i in range(widths[0])]
    b_z = [Fraction(0)] * widths[0]
    for layer in layers:
        W = [[Fraction(float(w)) for w in row] for row in layer.weight]
        W_z = [
            [sum((r[k] * W_z[k][j] for k in range(len(r))), Fraction(0)) for j in range(widths[0])]
            for r in W
        ]
        b_z = [
            sum((r[k] * b_z[k] for k in range(len(r))), Fraction(0)) + Fraction(float(c))
            for r, c in zip(W, layer.bias, strict=True)
        ]
    assert result.W_z_fractions() == W_z
    assert result.b_z_fractions() == b_z


SHAPES = [(300, 200, 100), (20, 400, 400, 3), (8, 600, 600), (500, 1)]


@pytest.mark.parametrize(
    ("widths", "kind"),
    [(w, k) for w in SHAPES for k in ("float32", "normal")] + [((30, 20, 10), "wide")],
)
@pytest.mark.parametrize("block", [2**10, 2**21])
def test_the_estimate_covers_the_traced_peak(widths, kind, block, monkeypatch):
    """What fold and the result's float64 rounding allocate stays under the estimate, and the
    estimate is not a blind ceiling: within a few times the peak. Small blocks leave the
    digits and the held residues most of the peak."""
    monkeypatch.setattr("symcollapse.algebra.fold.BLOCK", block)
    rng = np.random.default_rng(len(widths))
    layers = tuple(
        AffineLayer(f"l{k}", floats(rng, (out, width), kind), floats(rng, (out,), kind))
        for k, (width, out) in enumerate(itertools.pairwise(widths))
    )
    model = Model(layers, widths[0], np.dtype("float64"), "m", "onnx", (1, widths[0]))
    estimate = estimate_bytes(model)
    tracemalloc.start()
    try:
        result = fold(model, max_bytes=estimate)
        _ = result.W_z.floats(), result.b_z.floats(), result.W_z.max_bits()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= estimate <= 4 * peak


@pytest.mark.parametrize("widths", [(600, 600, 600), (900, 300, 200)])
def test_rounding_and_bit_lengths_make_no_python_integer_per_entry(widths):
    """The float64 rounding and the largest bit length of a result take the floats' 8 bytes an
    entry and one piece's limbs (what the estimate counts), not a Python integer an entry."""
    rng = np.random.default_rng(len(widths))
    layers = tuple(
        AffineLayer(f"l{k}", floats(rng, (out, width), "float32"), floats(rng, (out,), "float32"))
        for k, (width, out) in enumerate(itertools.pairwise(widths))
    )
    model = Model(layers, widths[0], np.dtype("float32"), "m", "onnx", (1, widths[0]))
    result = fold(model)
    tracemalloc.start()
    try:
        rounded, bits = result.W_z.floats(), result.W_z.max_bits()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    primes = len(result.W_z.value.primes)
    assert peak <= rounded.nbytes + _limb_bytes(primes, result.W_z.size)
    assert bits == max(abs(int(m)).bit_length() for m in result.W_z.integers.flat)
