"""The collapse itself: ``f(x) = W_z x + b_z`` for a concrete network, with both sides expanded.

Two independent routes are computed so that they can check each other:

- ``output``: the nested forward pass ``W_n(...(W_1 x + b_1)...) + b_n``, expanded;
- ``W_z`` and ``b_z``: suffix products ``P_k = W_n ... W_{k+1}`` built from the outer layer inward,
  with ``W_z = P_0`` and the closed form ``b_z = sum_k P_k b_k``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symcollapse.network import Network, build_network
from symcollapse.size import DEFAULT_MAX_TERMS, TermCounts, check_size
from symcollapse.spec import Spec, parse_widths


def _expand(matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(matrix.applyfunc(sp.expand))


@dataclass(frozen=True)
class Collapse:
    """A network together with its expanded output and collapsed ``W_z``, ``b_z``."""

    network: Network
    counts: TermCounts
    output: sp.ImmutableMatrix
    W_z: sp.ImmutableMatrix
    b_z: sp.ImmutableMatrix

    @property
    def widths(self) -> tuple[int, ...]:
        return self.network.widths

    @property
    def x(self) -> sp.ImmutableMatrix:
        return self.network.x

    @property
    def weights(self) -> tuple[sp.ImmutableMatrix, ...]:
        return self.network.weights

    @property
    def biases(self) -> tuple[sp.ImmutableMatrix, ...]:
        return self.network.biases

    @property
    def W_z_symbol(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol("W_z", self.widths[-1], self.widths[0])

    @property
    def b_z_symbol(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol("b_z", self.widths[-1], 1)

    @property
    def W_z_expr(self) -> sp.MatrixExpr:
        """``W_n W_{n-1} ... W_1`` as a matrix expression (unevaluated product)."""
        return _product(self.network.weight_symbols[::-1])

    @property
    def b_z_expr(self) -> sp.MatrixExpr:
        """``sum_k (W_n ... W_{k+1}) b_k`` as a matrix expression, terms in order k = 1..n."""
        W = self.network.weight_symbols
        b = self.network.bias_symbols
        terms = [_product([*W[k + 1 :][::-1], b[k]]) for k in range(len(b))]
        return terms[0] if len(terms) == 1 else sp.MatAdd(*terms, evaluate=False)

    def residual(self) -> sp.ImmutableMatrix:
        """``f(x) - (W_z x + b_z)``, expanded entrywise: the zero vector when the collapse holds."""
        return _expand(self.output - (self.W_z * self.x + self.b_z))

    def _repr_latex_(self) -> str:
        from symcollapse.derivation import derive_collapse

        return derive_collapse(self)._repr_latex_()

    def _repr_markdown_(self) -> str:
        from symcollapse.derivation import derive_collapse

        return derive_collapse(self)._repr_markdown_()


def _product(factors: Sequence[sp.MatrixExpr]) -> sp.MatrixExpr:
    return factors[0] if len(factors) == 1 else sp.MatMul(*factors, evaluate=False)


def collapse(widths: Sequence[object], *, max_terms: int = DEFAULT_MAX_TERMS) -> Collapse:
    """Build the symbolic network for ``widths`` and collapse it to ``W_z x + b_z``.

    Raises :class:`~symcollapse.errors.SpecError` for invalid widths and
    :class:`~symcollapse.errors.SizeLimitError` when the expansion would exceed ``max_terms``.
    """
    spec = Spec(parse_widths(widths))
    counts = check_size(spec.widths, max_terms)
    network = build_network(spec)

    suffix = sp.eye(spec.widths[-1])  # P_n = I
    b_z = sp.zeros(spec.widths[-1], 1)
    for W, b in zip(reversed(network.weights), reversed(network.biases), strict=True):
        b_z += suffix * b
        suffix = _expand(suffix * W)
    return Collapse(
        network=network,
        counts=counts,
        output=_expand(network.forward()),
        W_z=suffix,
        b_z=_expand(b_z),
    )
