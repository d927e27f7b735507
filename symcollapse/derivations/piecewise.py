"""ReLU and leaky ReLU: the sections of the piecewise collapse ``f(x) = W_z(D) x + b_z(D)``.

One section derives the collapse with symbolic masks ``D_j`` (:func:`symbolic_section`), one
shows the pattern, the affine map and the inequalities of its region at a concrete point for
concrete weights (:func:`point_section`), and an additivity certificate says why no single
affine map fits. The mathematics is :mod:`symcollapse.algebra.piecewise`, its checks
:mod:`symcollapse.verification.piecewise`.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.analysis import LayeredCollapse
from symcollapse.algebra.expressions import output_symbol, product, total
from symcollapse.algebra.piecewise import region_at, slopes
from symcollapse.algebra.stages import Held
from symcollapse.derivations.certificates import additivity_section
from symcollapse.derivations.steps import explicit_steps
from symcollapse.doc.model import Section, Step, Text
from symcollapse.errors import SpecError
from symcollapse.verification.piecewise import CheckedPiecewise, checked_rank


def symbolic_section(result: LayeredCollapse, checked: CheckedPiecewise) -> Section:
    """``f = W_z(D) x + b_z(D)`` with symbolic masks, as checked at random points in their
    regions (:func:`~symcollapse.verification.piecewise.verify_piecewise`)."""
    piecewise = checked.piecewise
    names = result.names
    D = [symbols.matrix("D", m.rows, m.cols, j) for j, m in enumerate(piecewise.masks, 1)]
    h: sp.MatrixExpr = result.stages.x_symbol
    for j, (A, a) in enumerate(names):
        h = total(product(A, h), a)
        if j < len(D):
            h = Held(D[j], h)
    rows, cols = piecewise.W_z.shape
    W_zD, b_zD = (
        symbols.matrix("W_z", rows, cols, argument="D"),
        symbols.matrix("b_z", rows, argument="D"),
    )
    factors = [names[-1][0]]
    for j in range(len(D) - 1, -1, -1):
        factors += [D[j], names[j][0]]
    masked = Held(*factors)
    bias_terms = []
    for j in range(len(names)):
        outer = [f for i in range(len(D), j, -1) for f in (names[i][0], D[i - 1])]
        term = Held(*outer, names[j][1]) if outer else names[j][1]
        bias_terms.append(term)
    steps = [
        Step(
            output_symbol(result.spec.widths[-1]),
            h,
            (
                "each activation acts as ",
                symbols.scalar("D", symbols.scalar("j")),
                " on the region",
            ),
        ),
        Step(
            None,
            total(product(W_zD, result.stages.x_symbol), b_zD),
            ("distribute and group",),
        ),
        Step(W_zD, masked, ("definition",), ":="),
        Step(b_zD, sp.MatAdd(*bias_terms, evaluate=False), ("definition",), ":="),
    ]
    steps += [Step(Dj, mask) for Dj, mask in zip(D, piecewise.masks, strict=True)]
    steps += explicit_steps(W_zD, piecewise.W_z) + explicit_steps(b_zD, piecewise.b_z)
    sets: Text = ()
    for low, high in sorted(set(slopes(result))):
        sets += (*((" or ",) if sets else ()), sp.FiniteSet(low, high))
    return Section(
        title=("Piecewise collapse",),
        intro=(
            "Fix the activation pattern: each mask entry ",
            symbols.scalar("delta"),
            " takes a value in ",
            *sets,
            ": the slope of its unit's activation, 1 where the "
            "pre-activation is non-negative. On the region of inputs with that pattern every "
            "activation is multiplication by a diagonal matrix, and the identity-activation "
            "collapse goes through with the masks inserted. Checked by expansion, and at "
            f"{checked.points} random exact rational weights and inputs against the layers, with "
            "the masks read off at each point.",
        ),
        steps=tuple(steps),
    )


def point_section(
    result: LayeredCollapse, params: dict[sp.Symbol, sp.Rational], x0: sp.MatrixBase, seed: int
) -> Section:
    """Concrete weights and point: the pattern, ``W_z(D)``, ``b_z(D)`` and the region."""
    region = region_at(result, params, x0, seed)
    masks, W_z, b_z = region.masks, region.W_z, region.b_z
    names = result.names
    steps = []
    for (A, a), stage in zip(names, region.network.affine, strict=True):
        steps += [Step(A, stage.matrix), Step(a, stage.bias)]
    steps.append(Step(result.stages.x_symbol, x0, ("the point",)))
    for j, (D, z) in enumerate(zip(masks, region.preactivations, strict=False), start=1):
        signs = ", ".join("non-negative" if D[i, i] == 1 else "negative" for i in range(D.rows))
        steps.append(Step(symbols.matrix("z", z.rows, 1, j), z, (f"region: entries {signs}",)))
        steps.append(Step(symbols.matrix("D", D.rows, D.cols, j), D))
    rows, cols = W_z.shape
    W_zD, b_zD = (
        symbols.matrix("W_z", rows, cols, argument="D"),
        symbols.matrix("b_z", rows, argument="D"),
    )
    steps += [Step(W_zD, W_z), Step(b_zD, b_z)]
    f = output_symbol(result.spec.widths[-1])
    steps.append(
        Step(
            total(product(W_zD, result.stages.x_symbol), b_zD),
            region.value,
            ("at the point, equal to ", f),
        )
    )
    if result.has_bottleneck:
        rank = checked_rank(W_z, result.rank_bound)
        steps.append(
            Step(
                sp.Function("rank")(W_zD),
                sp.Integer(rank),
                (f"at most the narrowest width, {result.rank_bound}",),
            )
        )
    return Section(
        title=("The activation pattern at a point",),
        intro=(
            "Exact rational weights and a point; the pre-activations ",
            symbols.scalar("z", symbols.scalar("j")),
            ", as affine functions of ",
            result.stages.x_symbol,
            " with the pattern fixed, must keep the signs listed: these inequalities cut out the "
            "region (a polyhedron) on which ",
            symbols.scalar("f"),
            " equals the affine map below. Checked exactly at the point and at "
            f"{region.nearby} nearby points that satisfy the inequalities.",
        ),
        steps=tuple(steps),
    )


def piecewise_sections(
    result: LayeredCollapse,
    checked: CheckedPiecewise,
    params: dict[sp.Symbol, sp.Rational],
    x0: sp.MatrixBase,
    seed: int,
    given: bool = False,
) -> list[Section]:
    """Symbolic piecewise collapse, the pattern at ``x0`` for the weights ``params``, and why no
    single affine map fits."""
    sections = [symbolic_section(result, checked), point_section(result, params, x0, seed)]
    certificate = additivity_section(result, seed, params if given else None)
    if certificate is None:  # possible for chosen weights, e.g. every unit always active
        raise SpecError(
            "at these weights no pair of inputs breaks additivity, so f may be affine for them; "
            "choose weights for which some unit switches"
        )
    return [*sections, certificate]
