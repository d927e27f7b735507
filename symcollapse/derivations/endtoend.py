"""The document for Arora, Cohen and Hazan's end-to-end dynamics of balanced linear layers.

Every reproduced formula cites the paper; every reason says whether the step was checked
symbolically (sympy, exactly) or numerically (scipy, with the tolerance used).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symcollapse.algebra import endtoend as e2e
from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import product
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.dynamics import ARORA, LEGEND, SYMBOLIC, number, t
from symcollapse.doc.model import Derivation, Section, Step
from symcollapse.doc.prose import Applied
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.verification.endtoend import ARORA_TOLERANCE, CheckedArora


def derive_arora(checked: CheckedArora, convention: Convention = DEFAULT_CONVENTION) -> Derivation:
    """Arora et al.'s end-to-end dynamics for ``depth`` layers, and the numerical checks, as
    :func:`~symcollapse.verification.endtoend.verify_arora` checked them; in ``convention``
    (``row``: ``W_e = W_1 \\cdots W_N``, every statement transposed)."""
    check_convention(convention)
    depth, checks = checked.depth, checked.checks
    derivation = Derivation(
        title=(f"End-to-end dynamics of a linear network of depth {depth}",),
        sections=(_chain_section(depth), _balanced_section(depth), _arora_numbers(checks)),
        symbols={},
    )
    return in_convention(derivation, convention)


_G, _W_e = symbols.matrix("G", 3, 3), symbols.matrix("W_e", 3, 3)


def _layers(depth: int) -> list[sp.MatrixSymbol]:
    return [symbols.matrix("W", 3, 3, j) for j in range(1, depth + 1)]


def _after(layers: list[sp.MatrixSymbol], j: int) -> sp.MatrixExpr | None:
    """``W_N ... W_{j+1}``, or ``None`` for the identity."""
    later = layers[j:]
    return product(*later[::-1]) if later else None


def _before(layers: list[sp.MatrixSymbol], j: int) -> sp.MatrixExpr | None:
    """``W_{j-1} ... W_1``, or ``None`` for the identity."""
    earlier = layers[: j - 1]
    return product(*earlier[::-1]) if earlier else None


def _mul(*factors: sp.MatrixExpr | None) -> sp.MatrixExpr:
    return product(*(f for f in factors if f is not None))


def _T(expr: sp.MatrixExpr | None) -> sp.MatrixExpr | None:
    return None if expr is None else sp.Transpose(expr)


_j, _N = symbols.scalar("layer"), symbols.scalar("N")
_P, _Q = symbols.matrix("after", 3, 3, _j), symbols.matrix("before", 3, 3, _j)


def _chain_section(depth: int) -> Section:
    layers = _layers(depth)
    steps = [Step(_W_e, product(*layers[::-1]), ("end-to-end matrix",), ":=")]
    steps += [
        Step(
            sp.Derivative(layers[j - 1], t),
            sp.MatMul(-1, _mul(_T(_after(layers, j)), _G, _T(_before(layers, j))), evaluate=False),
            ("gradient flow on layer ", sp.Integer(j)),
        )
        for j in range(1, depth + 1)
    ]
    chain_sum = sp.Sum(
        sp.Mul(product(_P, sp.Transpose(_P)), _G, product(sp.Transpose(_Q), _Q), evaluate=False),
        (_j, 1, _N),
    )
    steps.append(
        Step(
            sp.Derivative(_W_e, t),
            -chain_sum,
            ("product rule; " + SYMBOLIC + " at ", sp.Eq(_N, depth), ", two by two layers"),
        )
    )
    return Section(
        title=("The chain rule",),
        intro=(
            "Each layer descends the gradient of a loss of the end-to-end matrix, with ",
            _G,
            " the gradient of the loss at the current product ",
            _W_e,
            ". In the sum, ",
            _P,
            " is the product of the layers after layer ",
            _j,
            " and ",
            _Q,
            " that of the layers before it (the identity when there are none), and ",
            sp.Eq(_N, depth),
            "." + LEGEND,
        ),
        steps=tuple(steps),
    )


def _balanced_section(depth: int) -> Section:
    layers = _layers(depth)
    left, right = product(_W_e, sp.Transpose(_W_e)), product(sp.Transpose(_W_e), _W_e)
    imbalances = [symbols.matrix("imbalance", 3, 3, k) for k in range(1, depth)]
    steps = [
        Step(
            imbalances[k - 1],
            sp.MatAdd(
                product(sp.Transpose(layers[k]), layers[k]),
                sp.MatMul(-1, layers[k - 1], sp.Transpose(layers[k - 1]), evaluate=False),
                evaluate=False,
            ),
            ("imbalance of layers ", sp.Integer(k), " and ", sp.Integer(k + 1)),
            ":=",
        )
        for k in range(1, depth)
    ]
    steps += [
        Step(
            sp.Derivative(imbalance, t),
            sp.ZeroMatrix(3, 3),
            (SYMBOLIC + ", by the flows of the layers",),
        )
        for imbalance in imbalances
    ]
    steps += [
        Step(
            product(sp.Transpose(layers[k]), layers[k]),
            product(layers[k - 1], sp.Transpose(layers[k - 1])),
            (ARORA + ", balanced at the start",),
        )
        for k in range(1, depth)
    ]
    later, earlier = sp.MatPow(left, (_N - _j) / _N), sp.MatPow(right, (_j - 1) / _N)
    substituted = -sp.Sum(sp.Mul(later, _G, earlier, evaluate=False), (_j, 1, _N))
    formula = -sp.Sum(
        sp.Mul(
            sp.MatPow(left, (_j - 1) / _N), _G, sp.MatPow(right, (_N - _j) / _N), evaluate=False
        ),
        (_j, 1, _N),
    )
    steps += [
        Step(product(_P, sp.Transpose(_P)), later, (SYMBOLIC + " from the balanced layers",)),
        Step(product(sp.Transpose(_Q), _Q), earlier, (SYMBOLIC + " from the balanced layers",)),
        Step(sp.Derivative(_W_e, t), substituted, ("substituted",)),
        Step(None, formula, (ARORA + ", Theorem 1, terms in reverse order; numeric",)),
    ]
    return Section(
        title=("Balanced layers",),
        intro=(
            "Gradient flow keeps the imbalance of neighbouring layers as it is, so layers that "
            "start balanced stay balanced. Then the singular "
            "vectors of neighbouring layers line up and their singular values agree, so ",
            product(_P, sp.Transpose(_P)),
            " is a fractional power of ",
            left,
            " and ",
            product(sp.Transpose(_Q), _Q),
            " one of ",
            right,
            ": the velocity depends on the end-to-end matrix alone. The theorem has a learning "
            "rate and weight decay; here the rate is one and there is no decay.",
        ),
        steps=tuple(steps),
    )


def _arora_numbers(checks: Sequence[e2e.AroraCheck]) -> Section:
    steps = [
        Step(
            Applied(symbols.scalar("velocity_deviation"), check.depth),
            number(check.velocity),
            ("numeric; powers ", number(check.powers), ", imbalance ", number(check.imbalance)),
        )
        for check in checks
    ]
    return Section(
        title=("Numerical check",),
        intro=(
            "For each depth: random balanced layers of size three, the loss half the squared "
            "distance to a random target, the product's velocity from the chain rule against "
            "the formula with fractional powers from eigendecompositions; again after "
            "integrating the layers' flow (an adaptive Runge-Kutta method of scipy). Each line "
            "gives the largest entry of the velocity's difference at either time, of the "
            "fractional-power identities above, and of the imbalance after the flow; the "
            "tolerance is ",
            number(ARORA_TOLERANCE),
            ".",
        ),
        steps=tuple(steps),
    )
