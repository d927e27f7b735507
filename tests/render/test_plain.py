"""The plain printer writes sums and products of matrices as sympy's string printer does,
with signs read from leading coefficients (never by negating and canonicalising a product)."""

from __future__ import annotations

import pytest
import sympy as sp
from sympy.printing.str import StrPrinter

from symcollapse.render.order import PathOrder
from symcollapse.render.plain import NetworkStrPrinter


class SympyStr(PathOrder, StrPrinter):
    """sympy's string printer with the terms in the document's order (as built)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries = {}


A, B, C = (sp.MatrixSymbol(name, 2, 2) for name in "ABC")
x = sp.MatrixSymbol("x", 2, 1)


def _mul(*factors: sp.Basic) -> sp.MatMul:
    return sp.MatMul(*factors, evaluate=False)


def _add(*terms: sp.Basic) -> sp.MatAdd:
    return sp.MatAdd(*terms, evaluate=False)


@pytest.mark.parametrize(
    "expr",
    [
        _mul(A, B, x),
        _mul(-1, A, x),
        _mul(-2, A, B),
        _mul(3, A, _add(B, C)),
        _add(_mul(A, x), _mul(-1, B, x)),
        _add(A, _mul(-1, _add(B, C))),
        _mul(A, _add(_mul(B, _add(C, _mul(-1, A))), C)),
        _mul(sp.Transpose(_add(A, B)), C),
        _add(_mul(A, B), _mul(-3, C)),
        _mul(A, _mul(-1, B)),  # a negative factor is bracketed
        sp.Transpose(_mul(-1, A)),
    ],
)
def test_matrix_sums_and_products_print_as_sympy_prints_them(expr):
    assert NetworkStrPrinter({}).doprint(expr) == SympyStr().doprint(expr)
