"""Checks of a piecewise collapse ``W_z(D) x + b_z(D)`` before a document shows it: symbolically
through the masked composition, and at random exact weights and inputs against the network."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from symcollapse.algebra.analysis import LayeredCollapse, random_parameters, random_point
from symcollapse.algebra.expressions import vanishes
from symcollapse.algebra.piecewise import (
    PiecewiseCollapse,
    pattern,
    piecewise_collapse,
    with_values,
)
from symcollapse.errors import VerificationError


def check_symbolic(result: LayeredCollapse, piecewise: PiecewiseCollapse) -> None:
    """The masked composition, expanded, equals ``W_z(D) x + b_z(D)``."""
    x = result.stages.x
    h = x
    for j, stage in enumerate(result.affine):
        h = stage.apply(h)
        if j < len(piecewise.masks):
            h = piecewise.masks[j] * h
    if not vanishes(h - piecewise.W_z * x - piecewise.b_z):
        raise VerificationError("the masked composition is not W_z(D) x + b_z(D)")


def check_masks_at_random_points(
    result: LayeredCollapse, piecewise: PiecewiseCollapse, seed: int, points: int = 5
) -> int:
    """At random exact weights and inputs, the masks read off the layers put into ``W_z(D)``,
    ``b_z(D)`` give ``f(x)``; returns how many points were checked."""
    rng = random.Random(seed)
    for trial in range(points):
        params = random_parameters(result.entries, seed + 100 + trial)
        numeric = with_values(result, params)
        x = random_point(result.spec.input_width, rng)
        masks = pattern(numeric, x)
        values = {
            s: m[i, i]
            for symbolic, m in zip(piecewise.masks, masks, strict=True)
            for i, s in enumerate(symbolic.diagonal())
        }
        values |= params
        f = result.stages.forward(x, params)
        collapsed = (piecewise.W_z * x + piecewise.b_z).xreplace(values)
        if not vanishes(f - collapsed):
            raise VerificationError(f"W_z(D) x + b_z(D) differs from f at x = {list(x)}")
    return points


def checked_rank(matrix: sp.MatrixBase, bound: int) -> int:
    """The rank of ``matrix`` (numbers), after checking it is at most ``bound``, the narrowest
    width the map passes through."""
    rank = int(matrix.rank())
    if rank > bound:
        raise VerificationError(f"rank {rank} exceeds the bound {bound}")
    return rank


@dataclass(frozen=True)
class CheckedPiecewise:
    """A piecewise collapse checked symbolically and at ``points`` random exact weights and
    inputs against the network."""

    piecewise: PiecewiseCollapse
    points: int


def verify_piecewise(result: LayeredCollapse, seed: int, max_terms: int) -> CheckedPiecewise:
    """The piecewise collapse of ``result``, checked (:func:`check_symbolic`,
    :func:`check_masks_at_random_points`); :class:`VerificationError` if a check fails."""
    piecewise = piecewise_collapse(result, max_terms)
    check_symbolic(result, piecewise)
    return CheckedPiecewise(piecewise, check_masks_at_random_points(result, piecewise, seed))
