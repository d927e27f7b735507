"""The one forward pass and the one collapse of a chain of affine layers, for any arithmetic.

A matrix is anything with ``@`` and ``+``: sympy matrices of symbols or rationals, numpy arrays
of floats, Python integers or Fractions. ``reduce`` is applied to every intermediate result
(``expand`` each entry, reduce modulo ``p``, ...). The forward pass itself is
:func:`forward_maps`, through any sequence of maps: :func:`forward` runs it through affine
layers, the stages of a layered network (:meth:`symcollapse.algebra.stages.Stages.forward`)
through affine maps, activations and pooling. Every caller that computes ``f(x)`` or ``W_z``,
``b_z`` from weights uses these functions, except the routes that exist to check them and
are kept apart on purpose: the sparse polynomial routes (:mod:`symcollapse.algebra.polynomials`:
the forward pass against the path sums) and the modular route
(:mod:`symcollapse.verification.random`, with its exact BLAS arithmetic).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, TypeVar

M = TypeVar("M")


def _same(value: M) -> M:
    return value


def forward(
    x: M, weights: Sequence[Any], biases: Sequence[Any], reduce: Callable[[M], M] = _same
) -> M:
    """``W_n(...(W_1 x + b_1)...) + b_n``, layer by layer."""
    layers = (partial(_affine, W, b) for W, b in zip(weights, biases, strict=True))
    return forward_maps(x, layers, reduce)


def _affine(W: Any, b: Any, h: M) -> M:
    return W @ h + b


def forward_maps(x: M, maps: Iterable[Callable[[M], M]], reduce: Callable[[M], M] = _same) -> M:
    """``f_n(...f_1(x)...)``: the forward pass through ``maps`` in order, ``reduce`` after each."""
    h = x
    for f in maps:
        h = reduce(f(h))
    return h


def collapse_chain(
    weights: Sequence[M], biases: Sequence[M], reduce: Callable[[M], M] = _same
) -> tuple[M, M]:
    """``(W_z, b_z)`` with ``W_z = W_n ... W_1`` and ``b_z = sum_k (W_n ... W_{k+1}) b_k``.

    By the recursion of the induction proof: ``W_z <- W_k W_z`` and ``b_z <- W_k b_z + b_k``,
    which is the closed form (each weight multiplies every bias below it).
    """
    W_z, b_z = weights[0], biases[0]
    for W, b in zip(weights[1:], biases[1:], strict=True):
        W_z, b_z = reduce(W @ W_z), reduce(W @ b_z + b)
    return W_z, b_z
