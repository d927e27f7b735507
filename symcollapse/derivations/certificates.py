"""Certificates that a network is not affine, as document sections.

The search for one, at concrete exact weights, is :mod:`symcollapse.verification.certificates`;
here what it found is written out. Each line records how it was checked: values are computed by
exact evaluation (or sympy's differentiation) and their difference or non-zero value is
certified; the weights and inputs are choices, which any certificate may make, so they have
nothing to check.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.analysis import LayeredCollapse
from symcollapse.algebra.expressions import product, total
from symcollapse.algebra.network import Entry
from symcollapse.algebra.stages import Elementwise
from symcollapse.doc.model import Checked, Section, Step, Text, Unchecked
from symcollapse.doc.numbers import rounded
from symcollapse.doc.prose import Applied, relation
from symcollapse.errors import SpecError
from symcollapse.spec.activations import at
from symcollapse.verification.certificates import (
    Given,
    Parameters,
    PoolingWitness,
    find_additivity,
    find_second_derivative,
    pooling_witness,
)

#: The first output ``f_1``, whose second derivative certifies a curved network: an entry symbol,
#: so that ``--index-base 0`` writes it ``f_0`` beside ``x_0`` (a fixed ``f_1`` was the second).
FIRST_OUTPUT = sp.Symbol(Entry("f", 0, 0).name)

#: What :data:`FIRST_OUTPUT` stands for, for the derivation's entry symbols.
OUTPUT_ENTRIES = {FIRST_OUTPUT: Entry("f", 0, 0)}

EVALUATED = Checked("exact rational evaluation of the layers")
DIFFERS = Checked("exact rational evaluation of the layers; an entry differs from the line before")
POOLED = Checked("exact evaluation of max pooling")
POOLED_DIFFERS = Checked("exact evaluation of max pooling; an entry differs from the line before")
DIFFERENTIATED = Checked("sympy's differentiation; certified non-zero at a rational point")
NONZERO = Checked(
    "sympy's differentiation at the exact weights and point; certified non-zero at 50 digits"
)
WEIGHTS = Unchecked(
    ("a choice: one set of exact weights, put into the merged maps, is all a certificate needs",)
)
INPUTS = Unchecked(
    ("a choice: one pair of inputs where the identity fails is all a certificate needs",)
)
POINT = Unchecked(
    ("a choice: one point where the second derivative is not zero is all a certificate needs",)
)
NOT_CERTIFIED = Unchecked(
    (
        "sympy's differentiation; not certified non-zero at the points tried: the non-zero "
        "second derivative of the network output below certifies the network instead",
    )
)


def _weight_steps(result: LayeredCollapse, params: Parameters) -> list[Step]:
    """The merged maps at the chosen exact weights."""
    steps = []
    for (A, a), stage in zip(result.names, result.affine, strict=True):
        steps += [
            Step(A, stage.matrix.xreplace(params), check=WEIGHTS),
            Step(a, stage.bias.xreplace(params), check=WEIGHTS),
        ]
    return steps


def _f(argument: sp.MatrixExpr) -> Applied:
    """``f(argument)``, its name the role ``f`` (renamed as ``--names`` says, like the
    definition's ``f(x)``; an :class:`Elementwise` prints its name as given)."""
    return Applied(symbols.scalar("f"), argument)


def additivity_section(
    result: LayeredCollapse, seed: int, params: Parameters | None = None
) -> Section | None:
    """At exact weights, inputs on which ``f`` is not additive; None if none were found
    (see :func:`~symcollapse.verification.certificates.find_additivity`)."""
    found = find_additivity(result, seed, params)
    if found is None:
        return None
    d = result.spec.input_width
    U, V, zero = symbols.matrix("u", d), symbols.matrix("v", d), sp.ZeroMatrix(d, 1)
    steps: list[Step] = []
    for stage in result.nonlinear:
        if stage.activation is None:
            steps += _pooling_steps(pooling_witness(stage))
    steps += _weight_steps(result, found.params)
    steps += [
        Step(U, found.u, check=INPUTS),
        Step(V, found.v, check=INPUTS),
        Step(sp.Add(_f(sp.MatAdd(U, V)), _f(zero), evaluate=False), found.left, check=EVALUATED),
        Step(sp.Add(_f(U), _f(V), evaluate=False), found.right, ("different",), check=DIFFERS),
    ]
    return Section(
        title=("No single affine map",),
        intro=_additivity_intro(result),
        steps=tuple(steps),
    )


def _additivity_intro(result: LayeredCollapse) -> Text:
    u, v, f = (symbols.scalar(role) for role in ("u", "v", "f"))

    def g(argument: object) -> Applied:
        return Applied(symbols.scalar("g"), argument)

    rows, cols = result.spec.widths[-1], result.spec.input_width
    W_z, b_z = symbols.matrix("W_z", rows, cols), symbols.matrix("b_z", rows)
    collapsed = total(product(W_z, symbols.matrix("x", cols)), b_z)
    return (
        "Every affine map ",
        symbols.scalar("g"),
        " has ",
        relation(g(u + v) + g(0), "=", g(u) + g(v)),
        ". With the exact rational weights of the merged maps shown, ",
        f,
        " breaks this identity for the inputs ",
        u,
        " and ",
        v,
        " below, so no affine map equals ",
        f,
        ": the collapse to one ",
        collapsed,
        " fails.",
    )


def _pooling_steps(witness: PoolingWitness) -> list[Step]:
    """Max pooling alone: ``maxpool(e_1 + e_2) != maxpool(e_1) + maxpool(e_2)``."""
    stage, e1, e2 = witness.stage, witness.e1, witness.e2
    size, rows = stage.pooling(e1.rows), len(stage.windows)  # the stride, where not the size
    return [
        Step(
            Elementwise("maxpool", sp.ImmutableMatrix(e1 + e2), size, rows),
            witness.left,
            check=POOLED,
        ),
        Step(
            sp.MatAdd(
                Elementwise("maxpool", e1, size, rows),
                Elementwise("maxpool", e2, size, rows),
                evaluate=False,
            ),
            witness.right,
            (f"max pooling of layer {stage.layer} is not additive",),
            check=POOLED_DIFFERS,
        ),
    ]


def second_derivative_section(
    result: LayeredCollapse, seed: int, given: Given = None
) -> Section | None:
    """A smooth activation's ``sigma''`` and a non-zero ``d^2 f_1 / d x_1^2`` at one point;
    None when no such point was found among random ones (see
    :func:`~symcollapse.verification.certificates.find_second_derivative`)."""
    found = find_second_derivative(result, seed, given)
    if found is None:
        return None
    z = symbols.scalar("z")
    steps = [
        Step(
            sp.Derivative(sp.Function(curvature.name)(z), (z, 2)),
            sp.factor(at(curvature.second, z)),
            ("not identically zero",),
            check=DIFFERENTIATED if curvature.certified else NOT_CERTIFIED,
        )
        for curvature in found.curvatures
    ]
    x = result.stages.x
    steps += _weight_steps(result, found.params)
    steps += [
        Step(result.stages.x_symbol, found.point, ("the point",), check=POINT),
        Step(
            sp.Derivative(Applied(FIRST_OUTPUT, *x), (x[0], 2)),
            rounded(found.value, 15),
            ("at the point, rounded to 15 significant digits; not zero",),
            check=NONZERO,
        ),
    ]
    piecewise = any(
        s.activation is None or s.activation.is_piecewise_linear for s in result.nonlinear
    )
    pieces = (  # a ReLU or max pooling beside the curve: f is smooth near the point
        " Near the point every (leaky) ReLU or max pooling unit stays on one linear piece (none "
        "is at its kink there), so this second derivative exists."
        if piecewise
        else ""
    )
    return Section(
        title=("Not affine: a second derivative",),
        intro=(
            "An affine map has every second derivative identically zero. The smooth activations "
            "here have second derivatives that are not, and with random exact rational weights "
            "(below, after the merge) the second derivative of the first output in the first "
            "input is not zero at a random rational point, so no affine map equals ",
            symbols.scalar("f"),
            "." + pieces,
        ),
        steps=tuple(steps),
    )


def certificate_sections(result: LayeredCollapse, seed: int, given: Given = None) -> list[Section]:
    """The certificate for a network that is not (piecewise) affine, at ``given`` weights and
    point when there are some."""
    smooth = any(
        s.activation is not None and not s.activation.is_piecewise_linear for s in result.nonlinear
    )
    section = second_derivative_section(result, seed, given) if smooth else None
    if section is None:
        section = additivity_section(result, seed, params=None if given is None else given[0])
    if section is None:
        names = sorted({s.activation.name for s in result.nonlinear if s.activation is not None})
        raise SpecError(
            "no certificate that the network is not affine was found "
            f"(activations: {', '.join(names) or 'none'}); it may be affine after all"
        )
    return [section]
