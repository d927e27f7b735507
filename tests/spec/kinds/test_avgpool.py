"""The average pool's windows and divisors (the one description ``layers`` and ``fold`` share),
against torch's ``avg_pool1d`` with ``ceil_mode`` and padding counted or not."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.layers import AvgPool
from tests.model_files import require

CASES = [
    (width, size, stride, padding, ceil, counted)
    for width, size, stride, padding, ceil, counted in itertools.product(
        (5, 6, 7), (2, 3), (1, 2, 3), (0, 1), (False, True), (False, True)
    )
    if 2 * padding <= size
]


def _matrix(pool: AvgPool, width: int) -> np.ndarray:
    rows = [
        np.isin(np.arange(width), list(window)) / divisor
        for window, divisor in zip(pool.windows(width), pool.divisors(width), strict=True)
    ]
    return np.array(rows)


@pytest.mark.parametrize(("width", "size", "stride", "padding", "ceil", "counted"), CASES)
def test_windows_and_divisors_are_torchs(width, size, stride, padding, ceil, counted):
    torch = require("torch", "TORCH")
    pool = AvgPool(size, stride, padding, counted, ceil=ceil)
    expected = torch.nn.functional.avg_pool1d(
        torch.eye(width, dtype=torch.float64)[:, None, :],
        size,
        stride,
        padding,
        ceil_mode=ceil,
        count_include_pad=counted,
    )[:, 0, :].T.numpy()
    assert pool.out_width(width) == expected.shape[0]
    assert np.allclose(_matrix(pool, width), expected)


@pytest.mark.parametrize(("counted", "divisors"), [(True, (3, 3, 2)), (False, (3, 3, 1))])
def test_a_ceil_window_past_uneven_padding(counted, divisors):
    """Width 5, size 3, stride 2, padding (0, 1), ceil_mode: the last window starts at 4 and
    covers the input's last entry and the one position of padding after it (what onnxruntime
    divides by when padding counts)."""
    pool = AvgPool(3, 2, 0, counted, padding_end=1, ceil=True)
    assert pool.windows(5) == (range(0, 3), range(2, 5), range(4, 5))
    assert pool.divisors(5) == divisors


def test_end_padding_as_wide_as_the_window_is_refused():
    with pytest.raises(SpecError, match="pool end padding 3 must be below the size 3"):
        AvgPool(3, 1, 0, padding_end=3)
