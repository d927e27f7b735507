"""Checks of the forms a textbook document prints for the collapsed map: a Σ form against the
path sums of every entry, and the scalar form ``f(x) = a_1 x_1 + ... + c`` against
``W_z x + b_z``."""

from __future__ import annotations

from collections import Counter

import sympy as sp

from symcollapse.algebra import sigma, symbols
from symcollapse.algebra.collapsing import Collapse
from symcollapse.algebra.expressions import vanishes
from symcollapse.algebra.network import Network
from symcollapse.algebra.paths import PathSum
from symcollapse.errors import VerificationError


def check_sum_form(
    form: sp.Expr, printed: PathSum | sp.Expr, net: Network, bound: dict[sp.Symbol, int]
) -> None:
    """Raise unless the Σ ``form`` at the indices ``bound``, run over its ranges, has exactly
    the products of the ``printed`` entry (a path sum or a sympy sum)."""
    found = Counter(frozenset(p) for p in sigma.paths(form, net, bound))
    if isinstance(printed, PathSum):
        expected = Counter(frozenset(p) for p in printed.products)
    else:
        expected = Counter(frozenset(sp.Mul.make_args(t)) for t in sp.Add.make_args(printed))
    if found != expected:
        raise VerificationError(f"the sum form of the entry at {bound} is not its path sum")


def check_scalar_form(result: Collapse, rhs: sp.Expr, row: sp.Symbol) -> None:
    """Raise unless ``rhs`` (in ``a_j`` or ``(W_z)_{row j}``, ``c`` or ``(b_z)_row`` and the
    inputs) is ``W_z x + b_z`` entry by entry, reading ``a_j``, ``c`` as the entries."""
    net = result.network
    d, x_symbol = net.widths, net.x_symbol
    W_z, b_z = result.W_z_symbol, result.b_z_symbol
    matrices = {"W_z": W_z, "b_z": b_z, "x": x_symbol}
    matrices["a"] = sp.Transpose(W_z)  # one output: a_j is (W_z)_{1j}
    for r in range(d[-1]):
        names = {symbols.scalar("c"): b_z[r, 0], row: r + 1}
        names |= {e: x_symbol[c, 0] for c, e in enumerate(net.x)}
        value = rhs.subs(names).subs({symbols.scalar("d", 0): d[0]}).doit()
        value = sigma.as_elements(value, matrices)
        # entry r of W_z x + b_z by the definition of the product (sympy's ``as_explicit``
        # reaches the same sum through a Sum over a dummy index: most of this check's time)
        explicit = sp.Add(*(W_z[r, c] * x_symbol[c, 0] for c in range(d[0])), b_z[r, 0])
        if not vanishes(sp.expand(value - explicit)):
            raise VerificationError(f"the scalar form of output {r + 1} is not W_z x + b_z")
