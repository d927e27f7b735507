"""Numbers in words: readable at every size, never a float overflow."""

from __future__ import annotations

import pytest

from symcollapse.spec.amounts import amount, gigabytes, seconds
from symcollapse.spec.cost import exact_bytes


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"),
        (12_345, "12,345"),
        (10**15, "about 1.0e+15"),
        (3 * 10**2000, "about 3.0e+2000"),
        (10**400 - 1, "about 1.0e+400"),
    ],
)
def test_amount(number: int, text: str) -> None:
    assert amount(number) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (3 * 2**29, "about 1.5 GB"),
        (exact_bytes((64,) * 1001), "more than 1,000,000,000 GB"),
    ],
)
def test_gigabytes(size: int, text: str) -> None:
    assert gigabytes(size) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (17, "about 17 s"),
        (10**12 - 1, "about 999,999,999,999 s"),
        (10**40, "more than 1,000,000,000,000 s"),
    ],
)
def test_seconds(count: int, text: str) -> None:
    assert seconds(count) == text
