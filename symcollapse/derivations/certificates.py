"""Certificates that a network is not affine, for concrete exact weights.

An affine map ``g`` satisfies ``g(u + v) + g(0) = g(u) + g(v)`` for all ``u, v`` and has every
second derivative zero. For piecewise-linear networks (ReLU, leaky ReLU, max pooling) a pair of
rational inputs where the first identity fails is an exact certificate; for smooth activations
(tanh, sigmoid, a curved user function) a second derivative that is not zero at one point is.

Each line records how it was checked: values are computed by exact evaluation (or sympy's
differentiation) and their difference or non-zero value is certified; the weights and inputs
are choices, which any certificate may make, so they have nothing to check.
"""

from __future__ import annotations

import random

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import product, total
from symcollapse.algebra.layered import (
    LayeredCollapse,
    random_parameters,
    random_point,
    unit_parameters,
)
from symcollapse.algebra.stages import Elementwise, NonlinearStage
from symcollapse.doc.model import Checked, Section, Step, Text, Unchecked
from symcollapse.doc.prose import relation
from symcollapse.errors import SpecError, VerificationError

#: A second derivative is reported non-zero only when its absolute value exceeds this at
#: 50 significant digits: far above the evaluation error, so the sign is certain.
NONZERO_THRESHOLD = sp.Rational(1, 10**20)

#: Rational points where an activation's second derivative is tried, to certify it is not zero.
TRIAL_POINTS = (1, -1, sp.Rational(1, 2), 2, -2, 3)

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


def certainly_nonzero(value: sp.Expr) -> bool:
    """Exactly non-zero (a rational), or clearly so at 50 significant digits (anything else)."""
    if value.is_Rational:
        return value != 0
    approximate = sp.N(value, 50)
    return bool(
        approximate.is_Number and approximate.is_finite and abs(approximate) > NONZERO_THRESHOLD
    )


def _weight_steps(result: LayeredCollapse, params: dict[sp.Symbol, sp.Rational]) -> list[Step]:
    """The merged maps at the chosen exact weights."""
    steps = []
    for (A, a), stage in zip(result.names, result.affine, strict=True):
        steps += [
            Step(A, stage.matrix.xreplace(params), check=WEIGHTS),
            Step(a, stage.bias.xreplace(params), check=WEIGHTS),
        ]
    return steps


def _f(argument: sp.MatrixExpr) -> Elementwise:
    return Elementwise("f", argument)


#: Forward passes through one stage that the additivity search may spend in all (about 2 ms
#: each in exact sympy arithmetic, measured on ReLU chains of width 1 to 4: some 10 s at most);
#: a deeper network gets fewer tries per weight set, and the search then ends undecided.
SEARCH_STAGE_PASSES = 5_000


def additivity_pair(
    result: LayeredCollapse, params: dict[sp.Symbol, sp.Rational], seed: int, tries: int = 200
) -> tuple[sp.ImmutableMatrix, sp.ImmutableMatrix] | None:
    """Rational ``u, v`` with ``f(u + v) + f(0) != f(u) + f(v)``, or None if none was found.

    ``u = (1, ..., 1)`` and ``v = -u`` come first (they straddle every kink of a positively
    homogeneous network), then ``tries`` random pairs of growing scale."""
    rng = random.Random(seed)
    d = result.spec.input_width

    def f(x: sp.MatrixBase) -> sp.ImmutableMatrix:
        return result.stages.forward(sp.ImmutableMatrix(x), params)

    zero = f(sp.zeros(d, 1))
    ones = sp.ImmutableMatrix([1] * d)
    pairs = ((ones, -ones), *((None, None) for _ in range(tries)))
    for trial, (u, v) in enumerate(pairs):
        if u is None:
            scale = 1 + trial // 20
            u, v = random_point(d, rng) * scale, random_point(d, rng) * scale
        if any(certainly_nonzero(e) for e in f(u + v) + zero - f(u) - f(v)):
            return u, v
    return None


def additivity_section(
    result: LayeredCollapse, seed: int, params: dict[sp.Symbol, sp.Rational] | None = None
) -> Section | None:
    """At exact weights, inputs on which ``f`` is not additive; None if none were found.

    Without ``params``, several random weight sets are tried: at some (a ReLU that never
    switches on) ``f`` is affine, which says nothing about generic weights.
    """
    candidates = (
        [params]
        if params is not None
        else [
            unit_parameters(result.entries),
            *(random_parameters(result.entries, seed + i) for i in range(10)),
        ]
    )
    stages = max(1, len(result.stages.stages))
    tries = max(1, min(200, SEARCH_STAGE_PASSES // (4 * stages * len(candidates))))
    found = next(
        (
            (weights, pair)
            for weights in candidates
            if (pair := additivity_pair(result, weights, seed, tries))
        ),
        None,
    )
    if found is None:
        return None
    params, (u, v) = found
    d = result.spec.input_width
    U, V, zero = symbols.matrix("u", d), symbols.matrix("v", d), sp.ZeroMatrix(d, 1)

    def f(x: sp.MatrixBase) -> sp.ImmutableMatrix:
        return result.stages.forward(sp.ImmutableMatrix(x), params)

    left = f(u + v) + f(sp.zeros(d, 1))
    right = f(u) + f(v)
    steps: list[Step] = []
    for stage in result.nonlinear:
        steps += _maxpool_steps(stage)
    steps += _weight_steps(result, params)
    steps += [
        Step(U, u, check=INPUTS),
        Step(V, v, check=INPUTS),
        Step(sp.MatAdd(_f(sp.MatAdd(U, V)), _f(zero), evaluate=False), left, check=EVALUATED),
        Step(sp.MatAdd(_f(U), _f(V), evaluate=False), right, ("different",), check=DIFFERS),
    ]
    return Section(
        title=("No single affine map",),
        intro=_additivity_intro(result),
        steps=tuple(steps),
    )


def _additivity_intro(result: LayeredCollapse) -> Text:
    u, v, f = (symbols.scalar(role) for role in ("u", "v", "f"))
    g = sp.Function("g")
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


def _maxpool_steps(stage: NonlinearStage) -> list[Step]:
    """Max pooling alone: ``maxpool(e_1 + e_2) != maxpool(e_1) + maxpool(e_2)``."""
    if stage.activation is not None:
        return []
    width = max(stage.windows[-1]) + 1
    first, second = stage.windows[0][0], stage.windows[0][1]
    e1 = sp.ImmutableMatrix(width, 1, lambda i, _: 1 if i == first else 0)
    e2 = sp.ImmutableMatrix(width, 1, lambda i, _: 1 if i == second else 0)
    size, rows = len(stage.windows[0]), len(stage.windows)
    left, right = stage.apply(e1 + e2), stage.apply(e1) + stage.apply(e2)
    if left == right:
        raise VerificationError("max pooling turned out additive on e_1, e_2")
    return [
        Step(Elementwise("maxpool", sp.ImmutableMatrix(e1 + e2), size, rows), left, check=POOLED),
        Step(
            sp.MatAdd(
                Elementwise("maxpool", e1, size, rows),
                Elementwise("maxpool", e2, size, rows),
                evaluate=False,
            ),
            right,
            (f"max pooling of layer {stage.layer} is not additive",),
            check=POOLED_DIFFERS,
        ),
    ]


#: Exact weights and an input point chosen by the user, or None for random ones.
Given = tuple[dict[sp.Symbol, sp.Rational], sp.ImmutableMatrix] | None


def _candidates(result: LayeredCollapse, seed: int, given: Given, tries: int = 20):
    """The given weights and point, or random exact ones (several, in case one is degenerate)."""
    if given is not None:
        yield given
        return
    rng = random.Random(seed)
    for trial in range(tries):
        yield (
            random_parameters(result.entries, seed + trial),
            random_point(len(result.stages.x), rng),
        )


def second_derivative_section(
    result: LayeredCollapse, seed: int, given: Given = None
) -> Section | None:
    """A smooth activation's ``sigma''`` and a non-zero ``d^2 f_1 / d x_1^2`` at one point;
    None when no such point was found among random ones."""
    smooth = [
        s.activation
        for s in result.nonlinear
        if s.activation is not None and not s.activation.is_piecewise_linear
    ]
    z = sp.Symbol("z")
    steps: list[Step] = []
    for act in dict.fromkeys(smooth):  # each activation once, in order
        lhs = sp.Derivative(sp.Function(act.name)(z), (z, 2))
        second = act.second_derivative
        somewhere = any(certainly_nonzero(second.subs(z, point)) for point in TRIAL_POINTS)
        check = DIFFERENTIATED if somewhere else NOT_CERTIFIED
        steps.append(Step(lhs, sp.factor(second), ("not identically zero",), check=check))
    x = result.stages.x
    f1 = sp.Function("f_1")(*x)
    t = sp.Dummy("t")
    for params, point in _candidates(result, seed, given):
        # along the line x = point + t e_1 only t is symbolic: d^2 f_1 / d x_1^2 = d^2 / dt^2 at 0
        line = sp.ImmutableMatrix([point[0] + t, *point[1:]])
        output = result.stages.forward(line, params)[0]
        value = sp.diff(output, t, 2).subs(t, 0)
        if certainly_nonzero(value):
            approximate = sp.N(value, 50)
            break
    else:
        if given is not None:
            raise SpecError(
                "at the given weights and point the second derivative of f_1 in x_1 is zero; "
                "choose another point"
            )
        return None
    steps += _weight_steps(result, params)
    steps += [
        Step(result.stages.x_symbol, point, ("the point",), check=POINT),
        Step(
            sp.Derivative(f1, (x[0], 2)),
            sp.Float(approximate, 15),
            ("at the point, rounded to 15 significant digits; certified non-zero exactly",),
            check=NONZERO,
        ),
    ]
    return Section(
        title=("Not affine: a second derivative",),
        intro=(
            "An affine map has every second derivative identically zero. The smooth activations "
            "here have second derivatives that are not, and with random exact rational weights "
            "(below, after the merge) the second derivative of the first output in the first "
            "input is not zero at a random rational point, so no affine map equals ",
            symbols.scalar("f"),
            ".",
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
