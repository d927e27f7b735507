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
        # a name repeated by hand: w_{12} in row 2, column 1 too (it skipped the check, as a
        # convolution's repeated kernel does; found by benchmarks/hand_edits.py)
        ("W_{1}", r"\begin{bmatrix} w^{(1)}_{11} & w^{(1)}_{12} \\ "
                  r"w^{(1)}_{12} & w^{(1)}_{22} \end{bmatrix}", 1,
         "the entry at (2, 1) of W_{1} is named w_{12}^{(1)}"),
        ("W_{1}", r"\begin{bmatrix} W^{1}_{11} & W^{1}_{11} \\ "
                  r"W^{1}_{21} & W^{1}_{22} \end{bmatrix}", 1,
         "the entry at (1, 2) of W_{1} is named W_{11}^{1}"),
        ("W_{1}", r"\begin{bmatrix} w_{1,11} & w_{1,12} \\ w_{1,11} & w_{1,22} \end{bmatrix}", 1,
         "the entry at (2, 1) of W_{1} is named w_{1,11}"),
        ("T", r"\begin{bmatrix} k_{1} & k_{2} \\ k_{2} & k_{1} \end{bmatrix}", 1, None),  # 1 index
        (r"\left(W_{1}\right)_{1,2}", r"w^{(1)}_{2,1}", 1, "the entry 1,2 is named w_{2,1}^{(1)}"),
    ],
)  # fmt: skip
def test_misnamed(lhs: str, rhs: str, base: int, wrong: str | None) -> None:
    assert misnamed(parse(lhs), parse(rhs), base) == wrong
