"""The collapse with concrete numbers: ``W_z`` and ``b_z`` as rational matrices, checked exactly.

Two routes are computed from the same :class:`~symcollapse.spec.values.Values`: the products
``W_z = W_n ... W_1`` and ``b_z = sum_k (W_n ... W_{k+1}) b_k``, and the nested forward pass
``W_n(...(W_1 x + b_1)...) + b_n`` with a symbolic input ``x``, expanded. They must agree
exactly; when the symbolic collapse is small enough, its ``W_z`` and ``b_z`` with the numbers
substituted must agree too.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symcollapse.algebra.affine import collapse_chain
from symcollapse.algebra.collapsing import Collapse, collapse
from symcollapse.algebra.expressions import expand_entries, vanishes
from symcollapse.algebra.network import Network, build_network, nested_forward
from symcollapse.display import Displayable
from symcollapse.errors import SpecError, VerificationError
from symcollapse.spec.cost import check_document_width
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH, DEFAULT_MAX_TERMS, check_depth, term_counts
from symcollapse.spec.values import Values, check_count, check_digits
from symcollapse.spec.widths import Spec


@dataclass(frozen=True)
class NumericCollapse(Displayable):
    """``f(x) = W_z x + b_z`` for one network with exact rational weights and biases."""

    network: Network
    values: Values
    W_z: sp.ImmutableMatrix
    b_z: sp.ImmutableMatrix
    output: sp.ImmutableMatrix
    symbolic: Collapse | None

    @property
    def widths(self) -> tuple[int, ...]:
        return self.values.widths

    def residual(self) -> sp.ImmutableMatrix:
        """``f(x) - (W_z x + b_z)`` expanded: the zero vector when the collapse holds."""
        return expand_entries(self.output - (self.W_z * self.network.x + self.b_z))

    def substitution(self) -> dict[sp.Symbol, sp.Rational]:
        """Entry symbol -> its number, for every weight and bias."""
        pairs: dict[sp.Symbol, sp.Rational] = {}
        for symbolic, numbers in zip(
            (*self.network.weights, *self.network.biases),
            (*self.values.weights, *self.values.biases),
            strict=True,
        ):
            pairs.update(zip(symbolic, numbers, strict=True))
        return pairs


def collapse_values(
    values: Values, *, max_terms: int = DEFAULT_MAX_TERMS, max_depth: int = DEFAULT_MAX_DEPTH
) -> NumericCollapse:
    """Collapse the network with ``values`` by products and by the forward pass; check both.

    The symbolic collapse is computed as a third route only when it has at most ``max_terms``
    monomials; the first two routes always run (they are linear in the size of the network).
    More than ``max_depth`` layers raise :class:`SizeLimitError`: the derivation shows a step
    per layer, each as long as the depth.
    """
    if not isinstance(values, Values):
        raise SpecError(f"expected Values (see load_values), got {type(values).__name__}")
    check_count(values.widths, max_terms)  # however the numbers were made
    check_digits(values)
    check_depth(values.widths, max_depth)
    check_document_width(values.widths)
    network = build_network(Spec(values.widths))
    W_z, b_z = collapse_chain(values.weights, values.biases)
    symbolic = collapse(values.widths) if term_counts(values.widths).total <= max_terms else None
    result = NumericCollapse(
        network=network,
        values=values,
        W_z=sp.ImmutableMatrix(W_z),
        b_z=sp.ImmutableMatrix(b_z),
        output=expand_entries(nested_forward(network.x, values.weights, values.biases)),
        symbolic=symbolic,
    )
    if not vanishes(result.residual()):
        raise VerificationError(f"with {values.source}, f(x) - (W_z x + b_z) is not zero")
    if symbolic is not None:
        numbers = result.substitution()
        if symbolic.W_z.xreplace(numbers) != result.W_z or (
            symbolic.b_z.xreplace(numbers) != result.b_z
        ):
            raise VerificationError(f"with {values.source}, the symbolic W_z, b_z disagree")
    return result
