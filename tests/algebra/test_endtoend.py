"""Arora et al.'s end-to-end rule: the chain rule symbolically, the theorem numerically."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra import endtoend as e2e
from symcollapse.errors import OptionError
from symcollapse.verification.endtoend import ARORA_TOLERANCE


@settings(max_examples=10, deadline=None)
@given(st.integers(2, 5), st.integers(2, 4), st.integers(0, 100))
def test_arora_rule_holds_for_balanced_layers(depth, size, seed):
    check = e2e.arora_deviation(depth, size=size, seed=seed, t_flow=0.2)
    assert check.worst < ARORA_TOLERANCE


def test_arora_rule_fails_without_balance():
    """Negative control: the formula needs balancedness; random layers break it."""
    rng = np.random.default_rng(1)
    layers = [rng.standard_normal((3, 3)) for _ in range(3)]
    W_e = layers[2] @ layers[1] @ layers[0]
    gradient = W_e - rng.standard_normal((3, 3))
    difference = e2e.product_velocity(layers, gradient) - e2e.end_to_end_velocity(W_e, gradient, 3)
    assert np.max(np.abs(difference)) > 1e-3


def test_bad_depth():
    with pytest.raises(OptionError, match=r"^the depth must be from 2 to 6, got 1$"):
        e2e.arora_deviation(1)
