"""The one forward pass and the one collapse of a chain of affine layers, for any arithmetic.

A matrix is anything with ``@`` and ``+``: sympy matrices of symbols or rationals, numpy arrays
of floats, Python integers or Fractions, the binary rationals of :mod:`symcollapse.algebra.fold`.
``reduce`` is applied to every intermediate result (``expand`` each entry, reduce modulo ``p``,
...). The pass itself is :func:`passes`, through any sequence of maps: :func:`forward` and
:func:`activations` run it through affine layers, ``Stages.forward`` of a layered network through
affine maps, activations and pooling. Callers: :mod:`~symcollapse.algebra.network`,
:mod:`~symcollapse.algebra.collapsing`,
:mod:`~symcollapse.algebra.numeric`, :mod:`~symcollapse.algebra.regression`,
:mod:`~symcollapse.algebra.fold` (from the output side when that is cheaper),
:mod:`~symcollapse.algebra.descent` and :mod:`~symcollapse.algebra.gradients` (the hidden
vectors), :mod:`~symcollapse.algebra.analysis` (a merged run checked against the layers one at a
time) and the layer-by-layer check of :mod:`symcollapse.derivations.numeric`.

Kept apart on purpose, because they exist to check these functions or compute something else:

- the sparse polynomial routes (:mod:`symcollapse.algebra.polynomials`): the forward pass
  against the path sums, in their own arithmetic;
- the modular route (:mod:`symcollapse.verification.random`, exact BLAS arithmetic) and the
  emitted path sums evaluated at its point (:mod:`symcollapse.verification.emitted`);
- onnxruntime and torch (:mod:`symcollapse.verification.runtime`), which check the fold;
- ``LayeredCollapse.merged_forward``, the pass through the merged stages that checks
  ``Stages.forward``; the masks and pre-activations of
  :mod:`symcollapse.derivations.piecewise`, whose ``W_z(D)``, ``b_z(D)`` chain puts a mask
  between the maps and checks a term limit after every product);
- the backward pass of :mod:`~symcollapse.algebra.descent` (a vector times Jacobians, not a
  product of weights) and the matrix-level gradient forms of
  :mod:`~symcollapse.algebra.gradients`, which are evaluated as written because they are what is
  compared with ``diff`` of the loss;
- the products of square layers in :mod:`~symcollapse.algebra.endtoend` (no biases, empty
  products the identity), which state Arora et al.'s theorem rather than collapse a network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, Protocol, TypeVar

M = TypeVar("M")


class Composable(Protocol):
    """What :func:`collapse_chain` multiplies and adds: sympy or numpy matrices, ring elements."""

    def __matmul__(self, other: Any, /) -> Any: ...

    def __add__(self, other: Any, /) -> Any: ...


C = TypeVar("C", bound=Composable)


def _same(value: M) -> M:
    return value


def activations(
    x: M, weights: Sequence[Any], biases: Sequence[Any], reduce: Callable[[M], M] = _same
) -> list[M]:
    """``[h_0, h_1, ..., h_n]`` with ``h_0 = x`` and ``h_k = W_k h_{k-1} + b_k``: every layer's
    output, for callers that need the hidden vectors (backpropagation) and not only ``f(x)``."""
    layers = (partial(_affine, W, b) for W, b in zip(weights, biases, strict=True))
    return passes(x, layers, reduce)


def forward(
    x: M, weights: Sequence[Any], biases: Sequence[Any], reduce: Callable[[M], M] = _same
) -> M:
    """``W_n(...(W_1 x + b_1)...) + b_n``, layer by layer: the last of :func:`activations`."""
    return activations(x, weights, biases, reduce)[-1]


def _affine(W: Any, b: Any, h: M) -> M:
    return W @ h + b


def passes(x: M, maps: Iterable[Callable[[M], M]], reduce: Callable[[M], M] = _same) -> list[M]:
    """``[h_0, h_1, ..., h_n]`` with ``h_0 = x`` and ``h_k = f_k(h_{k-1})``: the forward pass
    through ``maps`` in order, ``reduce`` after each."""
    hs = [x]
    for f in maps:
        hs.append(reduce(f(hs[-1])))
    return hs


def forward_maps(x: M, maps: Iterable[Callable[[M], M]], reduce: Callable[[M], M] = _same) -> M:
    """``f_n(...f_1(x)...)``: the last of :func:`passes`."""
    return passes(x, maps, reduce)[-1]


def collapse_chain(
    weights: Sequence[C],
    biases: Sequence[C],
    reduce: Callable[[C], C] = _same,
    *,
    from_output: bool = False,
) -> tuple[C, C]:
    """``(W_z, b_z)`` with ``W_z = W_n ... W_1`` and ``b_z = sum_k (W_n ... W_{k+1}) b_k``.

    By the recursion of the induction proof, composing one layer at a time:
    ``(W, b) o (V, c) = (W V, W c + b)``. From the input side (the default) the new layer is the
    outer map, ``W_z <- W_k W_z`` and ``b_z <- W_k b_z + b_k``; with ``from_output`` it is the inner
    one, ``b_z <- b_z + W_z b_k`` and ``W_z <- W_z W_k``, so the running ``W_z`` is the suffix
    product ``W_n ... W_{k+1}``. Composition is associative, so both give the same map; they
    differ in cost: from the output side every product has ``d_n`` rows, which is cheaper when
    the output is narrower than the input.
    """
    layers = list(zip(weights, biases, strict=True))

    def compose(outer: tuple[C, C], inner: tuple[C, C]) -> tuple[C, C]:
        (W, b), (V, c) = outer, inner
        return reduce(W @ V), reduce(W @ c + b)

    if from_output:
        total = layers[-1]
        for inner in reversed(layers[:-1]):
            total = compose(total, inner)
    else:
        total = layers[0]
        for outer in layers[1:]:
            total = compose(outer, total)
    return total
