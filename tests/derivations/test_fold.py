"""The fold document's numbers: the nearest float of an exact value without double rounding,
the shortest decimals, the float type the stored weights are shown in, and when they are not
shown, with why."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symcollapse.algebra.fold import fold
from symcollapse.derivations.fold import (
    MAX_SHOWN_ENTRIES,
    MAX_SHOWN_WEIGHTS,
    derive_fold,
    hidden_weights,
    nearest,
    shortest,
    stored_type,
)
from symcollapse.spec.model import AffineLayer, Model


def model(widths: tuple[int, ...], dtype: str = "float32", scale: float = 1.0) -> Model:
    """Dense layers of ``widths`` in ``dtype``, the first weight times ``scale``."""
    rng = np.random.default_rng(2)
    layers = tuple(
        AffineLayer(
            f"Linear {k}",
            rng.standard_normal((widths[k + 1], widths[k])).astype(dtype).astype(np.float64),
            rng.standard_normal(widths[k + 1]).astype(dtype).astype(np.float64),
            weight_scale=scale if k == 0 else 1.0,
        )
        for k in range(len(widths) - 1)
    )
    return Model(layers, widths[0], np.dtype(dtype), "test", "pairs", (1, widths[0]))


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_nearest_rounds_once_where_rounding_twice_is_wrong(dtype):
    """Just above the midpoint of two floats, the float64 nearest is the midpoint itself, which
    rounds to the even neighbour below: the nearest float is the one above."""
    precision = np.finfo(dtype).nmant + 1
    low, up = Fraction(1), 1 + Fraction(1, 2 ** (precision - 1))
    value = (low + up) / 2 + Fraction(1, 2**80)
    assert np.dtype(dtype).type(float(value)) == float(low)  # twice: wrong
    assert nearest(value, np.dtype(dtype)) == float(up)
    assert nearest((low + up) / 2 - Fraction(1, 2**80), np.dtype(dtype)) == float(low)
    assert nearest(Fraction(1, 3), np.dtype("float64")) == 1 / 3


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (np.float32(1 / 3), sp.Float("0.33333334", 8)),
        (np.float32(2.0), sp.Integer(2)),
        (np.float32(-1e-30), sp.Float("-1e-30", 2)),
        (np.float16(0.1), sp.Float("0.1", 2)),
    ],
)
def test_shortest_decimals(value, shown):
    assert shortest(value) == shown


@pytest.mark.parametrize(
    ("dtype", "scale", "kind"),
    [
        ("float16", 1.0, "float16"),
        ("float32", 1.0, "float32"),
        ("float32", 0.5, "float32"),  # a power of two: still float32 numbers
        ("float32", float(np.float32(0.1)), "float64"),  # 48 bits: a float64, no float32
        ("float64", 1 / 3, None),  # a float64 times a float64: more bits than float64 has
    ],
)
def test_the_weights_are_shown_in_the_narrowest_type_holding_them(dtype, scale, kind):
    result = fold(model((2, 3, 1), dtype, scale))
    assert stored_type(result) == kind
    assert (hidden_weights(result) is None) == (kind is not None)


@pytest.mark.parametrize(
    ("widths", "shown"),
    [((20, 20, 1), True), ((20, 21, 1), False), ((20, 20, 20, 20), False), ((1, 1), True)],
)
def test_the_weights_are_shown_when_few_enough(widths, shown):
    result = fold(model(widths))
    why = hidden_weights(result)
    assert (why is None) == shown
    if not shown:
        assert f"at most {MAX_SHOWN_WEIGHTS:,} in all and {MAX_SHOWN_ENTRIES} in one" in why
    titles = [section.title for section in derive_fold(result, None).sections]
    assert (("The weights",) in titles) == shown


def test_a_fragment_says_in_reasons_what_a_page_says_in_words():
    result = fold(model((2, 2, 1)))
    page, fragment = derive_fold(result, None), derive_fold(result, None, words=False)
    reasons = [step.reason for section in fragment.sections for step in section.steps]
    assert ("each decimal stands for the float32 number nearest to it",) in reasons
    assert ("the shortest decimals of the nearest float32 numbers",) in reasons
    assert not any(
        "decimal" in str(step.reason) for section in page.sections for step in section.steps
    )
