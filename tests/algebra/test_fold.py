"""Exact folding, checked against the nested forward pass in Python Fractions."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.fold import Dyadic, estimate_bytes, fold
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


def test_refused_above_the_memory_estimate():
    tensors = state_dict(dense_layers((20, 20, 5), seed=12))
    model = model_from_state_dict(tensors, "m", "npz", assume_identity_gaps=True)
    estimate = estimate_bytes(model)
    with pytest.raises(SizeLimitError, match=r"^folding m exactly needs about .* MB, above the"):
        fold(model, max_bytes=estimate - 1)
    assert fold(model, max_bytes=estimate).W_z.integers.shape == (5, 20)


def test_a_model_without_layers_is_the_identity():
    model = Model((), 3, np.dtype("float32"), "m", "onnx", (1, 3))
    result = fold(model)
    assert result.W_z_fractions() == [[Fraction(int(i == j)) for j in range(3)] for i in range(3)]
    assert result.b_z_fractions() == [0, 0, 0]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 40),
    st.integers(1, 3),
    st.integers(0, 400),
    st.randoms(use_true_random=False),
)
def test_limb_products_equal_integer_products(rows, inner, cols, bits, rng):
    from symcollapse.algebra.fold import _integer_product

    def matrix(shape, size):
        entries = [rng.randint(-(2**size), 2**size) for _ in range(int(np.prod(shape)))]
        return np.array(entries, dtype=object).reshape(shape)

    left, right = matrix((rows, inner), bits), matrix((inner, cols), rng.randint(0, 80))
    assert (_integer_product(left, right) == left.dot(right)).all()
    vector = matrix((inner,), 60)
    assert (_integer_product(left, vector) == left.dot(vector)).all()


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
