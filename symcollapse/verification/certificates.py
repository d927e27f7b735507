"""The search for a certificate that a network is not affine, at concrete exact weights.

An affine map ``g`` satisfies ``g(u + v) + g(0) = g(u) + g(v)`` for all ``u, v`` and has every
second derivative zero. For piecewise-linear networks (ReLU, leaky ReLU, max pooling) a pair of
rational inputs where the first identity fails is an exact certificate; for smooth activations
(tanh, sigmoid, a curved user function) a second derivative that is not zero at one point is.
This module finds them and returns what it found as data; the document that shows a certificate
is :mod:`symcollapse.derivations.certificates`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sympy as sp

from symcollapse.algebra.analysis import (
    SHIFTS,
    LayeredCollapse,
    random_parameters,
    random_point,
    unit_parameters,
)
from symcollapse.algebra.network import Entry
from symcollapse.algebra.stages import NonlinearStage
from symcollapse.errors import SpecError, VerificationError

#: A second derivative is reported non-zero only when its absolute value exceeds this at
#: 50 significant digits: far above the evaluation error, so the sign is certain.
NONZERO_THRESHOLD = sp.Rational(1, 10**20)

#: Rational points where an activation's second derivative is tried, to certify it is not zero.
TRIAL_POINTS = (1, -1, sp.Rational(1, 2), 2, -2, 3)

#: Forward passes through one stage that the additivity search may spend in all (about 2 ms
#: each in exact sympy arithmetic, measured on ReLU chains of width 1 to 4: some 10 s at most);
#: a deeper network gets fewer tries per weight set, and the search then ends undecided.
SEARCH_STAGE_PASSES = 5_000

#: Exact weights by symbol.
Parameters = dict[sp.Symbol, sp.Rational]

#: Exact weights and an input point chosen by the user, or None for random ones.
Given = tuple[Parameters, sp.ImmutableMatrix] | None


def certainly_nonzero(value: sp.Expr) -> bool:
    """Exactly non-zero (a rational), or clearly so at 50 significant digits (anything else)."""
    if value.is_Rational:
        return bool(value != 0)
    approximate = sp.N(value, 50)
    return bool(
        approximate.is_Number and approximate.is_finite and abs(approximate) > NONZERO_THRESHOLD
    )


@dataclass(frozen=True)
class Additivity:
    """Weights and inputs ``u, v`` where ``left = f(u + v) + f(0)`` differs from
    ``right = f(u) + f(v)``, exactly."""

    params: Parameters
    u: sp.ImmutableMatrix
    v: sp.ImmutableMatrix
    left: sp.ImmutableMatrix
    right: sp.ImmutableMatrix


def small_parameters(entries: Mapping[sp.Symbol, Entry], period: int) -> Parameters:
    """Small integers, none 0: every shift 1 and every other parameter ``1 + (row + col) mod
    period`` (all 1 for period 1; 1 and 2 in turn for period 2, which tells apart the units
    that all-ones weights make equal, e.g. the two of a max-pooling window). Unlike
    :func:`~symcollapse.algebra.analysis.unit_parameters` no bias is 0, so ``f(0)`` is not 0 and
    every value of the certificate depends on every bias."""
    return {
        symbol: sp.Integer(1 if entry.kind in SHIFTS else 1 + (entry.row + entry.col) % period)
        for symbol, entry in entries.items()
        if entry.kind != "x"
    }


#: Inputs ``u, v`` tried first, as their entries at even and at odd positions. At
#: :func:`small_parameters` a ReLU unit summing ``d`` inputs with weights 1 is on at ``0``, ``u``
#: and ``u + v`` and off at ``v`` for the first pair (``d >= 2``) or the second (``d = 1``), so
#: the four values differ; the third has its maxima at different positions of a window (a max
#: pooling is linear along the all-ones line); ``v = -u`` (which straddles every kink of a
#: positively homogeneous network, at :func:`~symcollapse.algebra.analysis.unit_parameters`)
#: is last, as it makes ``f(u + v) = f(0)``.
STRUCTURED_PAIRS = (((2, 2), (-1, -1)), ((3, 3), (-2, -2)), ((3, 1), (-1, 1)), ((1, 1), (-1, -1)))


def informative(values: tuple[sp.ImmutableMatrix, ...]) -> bool:
    """``f(0), f(u), f(v), f(u + v)`` without a zero entry and pairwise different: then
    dropping, negating or exchanging any of them changes a row of the certificate, so a hand
    edit of one cannot leave the page true."""
    nonzero = all(certainly_nonzero(e) for value in values for e in value)
    return nonzero and len(set(values)) == len(values)


def additivity_pairs(
    result: LayeredCollapse, params: Parameters, seed: int, tries: int = 200
) -> Iterator[tuple[Additivity, bool]]:
    """Rational ``u, v`` with ``f(u + v) + f(0) != f(u) + f(v)`` at ``params``, and whether
    the four values are :func:`informative`, in the order found.

    The pairs of :data:`STRUCTURED_PAIRS` come first, then ``tries`` random pairs of growing
    scale."""
    rng = random.Random(seed)
    d = result.spec.input_width

    def f(x: sp.MatrixBase) -> sp.ImmutableMatrix:
        return result.stages.forward(sp.ImmutableMatrix(x), params)

    def alternating(entries: tuple[int, int]) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix([entries[j % 2] for j in range(d)])

    zero = f(sp.zeros(d, 1))
    structured = [(alternating(u), alternating(v)) for u, v in STRUCTURED_PAIRS]
    for trial, (u, v) in enumerate([*structured, *((None, None) for _ in range(tries))]):
        if u is None or v is None:
            scale = 1 + trial // 20
            u, v = random_point(d, rng) * scale, random_point(d, rng) * scale
        values = (zero, f(u), f(v), f(u + v))
        left, right = values[3] + zero, values[1] + values[2]
        if any(certainly_nonzero(e) for e in left - right):
            yield Additivity(params, u, v, left, right), informative(values)


def find_additivity(
    result: LayeredCollapse, seed: int, params: Parameters | None = None
) -> Additivity | None:
    """At exact weights, inputs on which ``f`` is not additive; None if none were found.

    Without ``params``, several weight sets are tried: :func:`small_parameters`, then
    :func:`~symcollapse.algebra.analysis.unit_parameters`, then random ones (at some, e.g. a
    ReLU that never switches on, ``f`` is affine, which says nothing about generic weights).
    The first :func:`informative` pair is taken; a pair that is not is kept only if the weight
    set it was found at has none.
    """
    candidates = (
        [params]
        if params is not None
        else [
            small_parameters(result.entries, 1),
            small_parameters(result.entries, 2),
            unit_parameters(result.entries),
            *(random_parameters(result.entries, seed + i) for i in range(10)),
        ]
    )
    stages = max(1, len(result.stages.stages))
    tries = max(1, min(200, SEARCH_STAGE_PASSES // (4 * stages * len(candidates))))
    for weights in candidates:
        found = None
        for pair, telling in additivity_pairs(result, weights, seed, tries):
            found = found or pair
            if telling:
                found = pair
                break
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class PoolingWitness:
    """Unit vectors ``e_1, e_2`` on which max pooling is not additive:
    ``left = maxpool(e_1 + e_2)`` differs from ``right = maxpool(e_1) + maxpool(e_2)``."""

    stage: NonlinearStage
    e1: sp.ImmutableMatrix
    e2: sp.ImmutableMatrix
    left: sp.ImmutableMatrix
    right: sp.ImmutableMatrix


def pooling_witness(stage: NonlinearStage) -> PoolingWitness:
    """Max pooling alone is not additive: two units of its first window, checked exactly."""
    width = max(stage.windows[-1]) + 1
    first, second = stage.windows[0][0], stage.windows[0][1]
    e1 = sp.ImmutableMatrix(width, 1, lambda i, _: 1 if i == first else 0)
    e2 = sp.ImmutableMatrix(width, 1, lambda i, _: 1 if i == second else 0)
    left, right = stage.apply(e1 + e2), stage.apply(e1) + stage.apply(e2)
    if left == right:
        raise VerificationError("max pooling turned out additive on e_1, e_2")
    return PoolingWitness(stage, e1, e2, left, right)


@dataclass(frozen=True)
class Curvature:
    """An activation's second derivative in ``z``, and whether it was certified non-zero at
    one of :data:`TRIAL_POINTS`."""

    name: str
    second: sp.Expr
    certified: bool


@dataclass(frozen=True)
class SecondDerivative:
    """The smooth activations' second derivatives, and exact weights and a point where the
    second derivative of the first output in the first input, ``value``, is not zero."""

    curvatures: tuple[Curvature, ...]
    params: Parameters
    point: sp.ImmutableMatrix
    value: sp.Float


def _candidates(
    result: LayeredCollapse, seed: int, given: Given, tries: int = 20
) -> Iterator[tuple[Parameters, sp.ImmutableMatrix]]:
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


def find_second_derivative(
    result: LayeredCollapse, seed: int, given: Given = None
) -> SecondDerivative | None:
    """A smooth activation's ``sigma''`` and a non-zero ``d^2 f_1 / d x_1^2`` at one point;
    None when no such point was found among random ones, :class:`SpecError` when the given
    point has none."""
    smooth = [
        s.activation
        for s in result.nonlinear
        if s.activation is not None and not s.activation.is_piecewise_linear
    ]
    z = sp.Symbol("z")
    curvatures = []
    for act in dict.fromkeys(smooth):  # each activation once, in order
        second = act.second_derivative
        certified = any(certainly_nonzero(second.subs(z, point)) for point in TRIAL_POINTS)
        curvatures.append(Curvature(act.name, second, certified))
    t = sp.Dummy("t")
    for params, point in _candidates(result, seed, given):
        # along the line x = point + t e_1 only t is symbolic: d^2 f_1 / d x_1^2 = d^2 / dt^2 at 0
        line = sp.ImmutableMatrix([point[0] + t, *point[1:]])
        output = result.stages.forward(line, params)[0]
        value = sp.diff(output, t, 2).subs(t, 0)
        if certainly_nonzero(value):
            return SecondDerivative(tuple(curvatures), params, point, sp.N(value, 50))
    if given is not None:
        raise SpecError(
            "at the given weights and point the second derivative of f_1 in x_1 is zero; "
            "choose another point"
        )
    return None
