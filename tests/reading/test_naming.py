"""The entry convention: the symbol indexed ij sits in row i, column j."""

from __future__ import annotations

import pytest

from symcollapse.reading.latex import parse
from symcollapse.reading.naming import misnamed


@pytest.mark.parametrize(
    ("lhs", "rhs", "base", "wrong"),
    [
        ("W_{1}", r"\begin{bmatrix} w^{(1)}_{11} & w^{(1)}_{12} \end{bmatrix}", 1, None),
        ("W_{1}", r"\begin{bmatrix} W_{1,00} & W_{1,01} \end{bmatrix}", 0, None),
        ("x", r"\begin{bmatrix} x_{1} \\ x_{2} \end{bmatrix}", 1, None),
        ("W_{1}", r"\begin{bmatrix} w^{(1)}_{11} \end{bmatrix}", 1, None),  # 1x1: two indices
        ("W_{1}", r"\begin{bmatrix} w^{(1)}_{11} & w^{(1)}_{21} \end{bmatrix}", 1,
         "the entry at (1, 2) of W_{1} is named w_{21}^{(1)}"),
        ("T", r"\begin{bmatrix} k_{1} & k_{2} \\ 0 & k_{1} \end{bmatrix}", 1, None),  # not distinct
        (r"\left(W_{1}\right)_{1,2}", r"w^{(1)}_{2,1}", 1, "the entry 1,2 is named w_{2,1}^{(1)}"),
    ],
)  # fmt: skip
def test_misnamed(lhs: str, rhs: str, base: int, wrong: str | None) -> None:
    assert misnamed(parse(lhs), parse(rhs), base) == wrong
