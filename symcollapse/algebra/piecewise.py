"""ReLU and leaky ReLU: the piecewise collapse ``f(x) = W_z(D) x + b_z(D)`` and its regions.

On the set of inputs where every pre-activation keeps its sign, ReLU multiplies entrywise by a
fixed 0/1 mask (``alpha``/1 for leaky ReLU): ``D_j = diag(delta^{(j)})``. There the network is
``A_{m+1} D_m A_m ... D_1 A_1 x`` plus a bias: the identity-activation collapse with the masks
inserted. Here with symbolic masks (:func:`piecewise_collapse`), and for concrete weights at a
concrete point with the pre-activations whose signs cut out its region (:func:`region_at`);
each checked against the layers. The derivation's sections are
:mod:`symcollapse.derivations.piecewise`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import sympy as sp

from symcollapse.algebra.analysis import LayeredCollapse
from symcollapse.algebra.network import Entry
from symcollapse.errors import SizeLimitError, SpecError, VerificationError
from symcollapse.spec.limits import DEFAULT_MAX_TERMS


@dataclass(frozen=True)
class PiecewiseCollapse:
    """``W_z(D)``, ``b_z(D)`` as explicit matrices in the weights and mask symbols ``delta``."""

    masks: tuple[sp.ImmutableMatrix, ...]
    W_z: sp.ImmutableMatrix
    b_z: sp.ImmutableMatrix
    entries: dict[sp.Symbol, Entry]


@dataclass(frozen=True)
class Region:
    """The activation pattern at the point ``x0`` for concrete weights: the masks, the affine map
    ``W_z(D) x + b_z(D)`` there, the pre-activations ``z_j`` as affine functions of ``x`` whose
    signs cut out the region, ``f(x0)``, and how many nearby points of the region were checked."""

    network: LayeredCollapse
    masks: tuple[sp.ImmutableMatrix, ...]
    W_z: sp.ImmutableMatrix
    b_z: sp.ImmutableMatrix
    preactivations: tuple[sp.ImmutableMatrix, ...]
    value: sp.ImmutableMatrix
    nearby: int


def mask_symbols(result: LayeredCollapse) -> dict[sp.Symbol, Entry]:
    """One symbol ``delta^{(j)}_i`` per unit of every non-linear layer ``j``."""
    return {
        sp.Symbol(entry.name): entry
        for j, stage in enumerate(result.affine[:-1], start=1)
        for entry in (Entry("delta", j, i) for i in range(stage.matrix.rows))
    }


def piecewise_collapse(
    result: LayeredCollapse, max_terms: int = DEFAULT_MAX_TERMS
) -> PiecewiseCollapse:
    """Insert symbolic masks between the merged affine maps and multiply out."""
    deltas = mask_symbols(result)
    masks = tuple(
        sp.ImmutableMatrix(sp.diag(*(s for s, e in deltas.items() if e.layer == j)))
        for j in range(1, len(result.affine))
    )
    W_z, b_z = masked_collapse(result, masks, max_terms)
    return PiecewiseCollapse(masks, W_z, b_z, {**result.entries, **deltas})


def masked_collapse(
    result: LayeredCollapse,
    masks: tuple[sp.ImmutableMatrix, ...],
    max_terms: int = DEFAULT_MAX_TERMS,
) -> tuple[sp.ImmutableMatrix, sp.ImmutableMatrix]:
    """``W_z(D) = A_{m+1} D_m ... D_1 A_1`` and ``b_z(D)``, expanded; refused past ``max_terms``."""
    W, b = result.affine[0].matrix, result.affine[0].bias
    for D, stage in zip(masks, result.affine[1:], strict=True):
        W = (stage.matrix * D * W).applyfunc(sp.expand)
        b = (stage.matrix * D * b + stage.bias).applyfunc(sp.expand)
        terms = sum(len(sp.Add.make_args(e)) for e in (*W, *b))
        if terms > max_terms:
            raise SizeLimitError(
                f"W_z(D) and b_z(D) have {terms:,} terms, above the limit of {max_terms:,}; "
                "raise max_terms",
                parameter="max_terms",
            )
    return sp.ImmutableMatrix(W), sp.ImmutableMatrix(b)


def slopes(result: LayeredCollapse) -> tuple[tuple[sp.Rational, sp.Rational], ...]:
    """Each activation's slopes below and above 0; :class:`SpecError` unless every one is
    piecewise linear (ReLU, leaky ReLU): only then has the network an activation pattern."""
    found = []
    for stage in result.nonlinear:
        if stage.activation is None or not stage.activation.is_piecewise_linear:
            raise SpecError(
                f"layer {stage.layer} is not a ReLU or leaky ReLU: the network has no "
                "activation pattern"
            )
        found.append(stage.activation.slopes)
    return tuple(found)


def pattern(result: LayeredCollapse, x: sp.MatrixBase) -> tuple[sp.ImmutableMatrix, ...]:
    """The masks ``D_j`` at the point ``x`` (numeric weights): slope of each unit's activation."""
    masks = []
    h = x
    for stage, act, (low, high) in zip(
        result.affine, result.nonlinear, slopes(result), strict=False
    ):
        z = stage.apply(h)
        masks.append(sp.ImmutableMatrix(sp.diag(*(high if v >= 0 else low for v in z))))
        h = act.apply(z)
    return tuple(masks)


def preactivations(
    result: LayeredCollapse, masks: tuple[sp.ImmutableMatrix, ...], x: sp.MatrixBase
) -> list[sp.ImmutableMatrix]:
    """Pre-activations ``z_j`` of each non-linear layer, affine in ``x`` once masks are fixed."""
    out = []
    h = x
    for stage, D in zip(result.affine, masks, strict=False):
        z = stage.apply(h).applyfunc(sp.expand)
        out.append(sp.ImmutableMatrix(z))
        h = D * z
    return out


def in_region(zs: list[sp.ImmutableMatrix], masks: tuple[sp.ImmutableMatrix, ...]) -> bool:
    """Every pre-activation has the sign its mask entry assumes (``>= 0`` for slope 1)."""
    return all(
        (v >= 0) == (D[i, i] == 1) for z, D in zip(zs, masks, strict=True) for i, v in enumerate(z)
    )


def with_values(result: LayeredCollapse, params: dict[sp.Symbol, sp.Rational]) -> LayeredCollapse:
    """The same network with every parameter replaced by its value."""
    return replace(result, affine=tuple(stage.at(params) for stage in result.affine))


def region_at(
    result: LayeredCollapse, params: dict[sp.Symbol, sp.Rational], x0: sp.MatrixBase, seed: int
) -> Region:
    """The pattern at ``x0`` for the weights ``params`` and its affine map, checked exactly at
    ``x0`` and at the nearby points (of 40 random ones) that lie in the same region."""
    numeric = with_values(result, params)
    rng = random.Random(seed)
    masks = pattern(numeric, x0)
    W_z, b_z = masked_collapse(numeric, masks)
    zs = preactivations(numeric, masks, result.stages.x)
    if not in_region(preactivations(numeric, masks, x0), masks):
        raise VerificationError("the point is not in the region of its own pattern")
    f0 = result.stages.forward(x0, params)
    if W_z * x0 + b_z != f0:
        raise VerificationError("W_z(D) x0 + b_z(D) differs from f(x0)")
    inside = 0
    for _ in range(40):
        step = sp.ImmutableMatrix([sp.Rational(rng.randint(-9, 9), 40) for _ in x0])
        y = x0 + step
        if in_region(preactivations(numeric, masks, y), masks):
            inside += 1
            if result.stages.forward(y, params) != W_z * y + b_z:
                raise VerificationError(f"W_z(D) y + b_z(D) differs from f(y) at y = {list(y)}")
    return Region(numeric, masks, W_z, b_z, tuple(zs), f0, inside)
