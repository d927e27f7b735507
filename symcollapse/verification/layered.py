"""Checks of an analysed layered network before a document shows it: its merged maps against
its layers at random exact points, and for a piecewise-affine network its piecewise collapse
(:mod:`symcollapse.verification.piecewise`); with the weights and the point its document
examines, refused where they cannot say anything."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

from symcollapse.algebra.analysis import (
    LayeredCollapse,
    concrete_values,
    random_parameters,
    random_point,
)
from symcollapse.algebra.expressions import vanishes
from symcollapse.errors import OptionError, SpecError, VerificationError
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS, check_limit, check_seed
from symcollapse.verification.piecewise import CheckedPiecewise, verify_piecewise


@dataclass(frozen=True)
class CheckedLayers:
    """An analysed network whose merged maps agree with its layers at random exact points, with
    the exact weights ``params`` and the point ``x0`` its document examines (``given`` when the
    reader chose them, else drawn from ``seed``) and, when piecewise affine, its checked
    piecewise collapse: what :func:`~symcollapse.derivations.layers.derive_layers` shows."""

    result: LayeredCollapse
    seed: int
    params: dict[sp.Symbol, sp.Rational]
    x0: sp.ImmutableMatrix
    given: bool
    piecewise: CheckedPiecewise | None = None


def check_at_random_points(result: LayeredCollapse, seed: int, points: int = 3) -> None:
    """Layer-by-layer and merged evaluation agree at random exact parameters and inputs."""
    rng = random.Random(seed)
    for trial in range(points):
        params = random_parameters(result.entries, seed + trial)
        x = random_point(result.spec.input_width, rng)
        direct = result.stages.forward(x, params)
        merged = result.merged_forward(x, params)
        if not vanishes(direct - merged):
            raise VerificationError(f"merged maps disagree with the layers at x = {list(x)}")


def verify_layers(
    result: LayeredCollapse,
    *,
    max_terms: int = DEFAULT_LAYERED_MAX_TERMS,
    seed: int = 0,
    parameters: Mapping[str, object] | None = None,
    point: Sequence[object] | None = None,
) -> CheckedLayers:
    """Check ``result`` (from :func:`~symcollapse.algebra.analysis.analyse`) and choose what its
    document examines. For networks that are not affine, ``parameters`` (exact values by symbol
    name) and ``point`` choose the weights and the input of the ReLU activation pattern or of
    the certificate; by default both are random exact rationals drawn from ``seed``. For an
    affine network they are an :class:`~symcollapse.errors.OptionError`."""
    if not isinstance(result, LayeredCollapse):
        raise SpecError(f"expected a LayeredCollapse (see analyse), got {result!r:.60}")
    check_seed(seed)
    check_limit(max_terms, "max_terms")
    params, x0 = concrete_values(result, parameters, point, seed)
    given = parameters is not None or point is not None
    if result.verdict != "affine" and not result.depends_on_input:
        raise SpecError(
            "the output does not depend on the input (every path from x is cut, e.g. by a "
            "convolution that only sees padding): f is constant"
        )
    if given and result.verdict == "affine":
        raise OptionError(
            "weights and a point choose where a non-affine network is examined; "
            "this network is affine"
        )
    smooth = any(
        s.activation is not None and not s.activation.is_piecewise_linear for s in result.nonlinear
    )
    if point is not None and result.verdict == "not affine" and not smooth:
        raise OptionError(
            "a point has no effect here: that this network (max pooling) is not affine is shown "
            "by additivity at unit vectors, not at a point"
        )
    check_at_random_points(result, seed)
    piecewise = None
    if result.verdict == "piecewise affine":
        piecewise = verify_piecewise(result, seed, max_terms)
    return CheckedLayers(result, seed, params, x0, given, piecewise)
