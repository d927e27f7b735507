"""Cost of a layered network (``layers``) estimated from its :class:`LayerSpec` alone.

Checked by :func:`symcollapse.algebra.analysis.analyse` before any symbol or matrix is built;
the default ceiling on terms is :data:`symcollapse.spec.limits.DEFAULT_LAYERED_MAX_TERMS`.
"""

from __future__ import annotations

from math import prod

from symcollapse.errors import SizeLimitError
from symcollapse.spec.cost import check_seconds
from symcollapse.spec.kinds.base import Shape, bias_terms, leaves
from symcollapse.spec.kinds.registry import kind_of
from symcollapse.spec.layers import Layer, LayerSpec
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS

#: Most layers of a layered network (residual blocks count their inner layers): every layer
#: adds a stage, a step and a check of its own.
MAX_LAYERS = 50

#: Most matrix entries sympy may build for a layered network. Model: each affine layer builds
#: a dense ``out x in`` matrix of sympy objects (a diagonal batchnorm too) and each merged run
#: an ``out x in`` product; about 10 microseconds and 1 kB each, so a million entries is
#: seconds and under a gigabyte (``6000 > batchnorm`` alone would be 36 million).
MAX_MATRIX_ENTRIES = 1_000_000


def _shape(layer: Layer, width: int) -> Shape | None:
    """The affine part of ``layer`` at input ``width`` (None for dropout: no stage at all)."""
    return kind_of(layer).cost(layer, width)


def _whole(layer: Layer) -> bool:
    """The layer is a non-linear map alone (max pooling): the run ends before it."""
    return getattr(kind_of(layer).nonlinear(layer), "whole", False)


def _ends_run(layer: Layer, through_masks: bool = False) -> bool:
    """A non-affine stage follows this layer, so the merged affine run ends after it.

    With ``through_masks``, a ReLU or leaky ReLU is a diagonal mask ``D`` that the piecewise
    collapse ``W_z(D)`` multiplies through, so the run goes on.
    """
    nonlinear = kind_of(layer).nonlinear(layer)
    return nonlinear is not None and not (through_masks and nonlinear.masks)


def _piecewise(spec: LayerSpec) -> bool:
    """Every non-affine layer is a ReLU or leaky ReLU: the piecewise collapse is derived."""
    return not any(_ends_run(layer, through_masks=True) for layer in spec.layers)


def layered_terms(spec: LayerSpec, through_masks: bool = False) -> int:
    """Upper bound on the terms of every merged affine map of ``spec``.

    Model: entry ``(i, j)`` of a product ``A_m ... A_1`` is a sum over paths ``j -> i``, one
    product of entries per path, so a row of the product has at most ``prod r_l t_l`` terms
    (``r_l`` nonzeros per row and ``t_l`` terms per entry of layer ``l``); a bias ``a_l`` adds
    ``t'_l`` terms times the paths after it. A zero entry is counted as one term, as the
    check after merging counts it. ``through_masks`` bounds the piecewise ``W_z(D)``, ``b_z(D)``.
    """
    total, shapes, last, run_input = 0, [], len(spec.layers) - 1, spec.input_width
    for k, (layer, width) in enumerate(zip(spec.layers, spec.widths, strict=False)):
        out, pooling = spec.widths[k + 1], _whole(layer)
        shape = _shape(layer, width)
        if shape is not None and not pooling:
            shapes.append(shape)
        if _ends_run(layer, through_masks) or k == last:
            rows = width if pooling else out  # a max pool ends the run before itself
            paths = prod(s.row_nonzeros * s.entry_terms for s in shapes)
            total += rows * (max(paths, run_input) + max(bias_terms(shapes), 1))  # 0 is a term
            shapes, run_input = [], out
    if _ends_run(spec.layers[-1], through_masks):  # then I h + 0 after the last stage
        total += run_input * (run_input + 1)
    return total


def layered_entries(spec: LayerSpec) -> int:
    """Matrix entries sympy builds for ``spec``: ``out x in`` per layer and per merged run."""
    entries, run_input, last = 0, spec.input_width, len(spec.layers) - 1
    for k, (layer, width) in enumerate(zip(spec.layers, spec.widths, strict=False)):
        out, pooling = spec.widths[k + 1], _whole(layer)
        entries += len(leaves((layer,))) * out * width
        if _ends_run(layer) or k == last:
            entries += (width if pooling else out) * run_input
            run_input = out
    return entries


#: Seconds of a network with curved activations (tanh, sigmoid, ...: neither affine nor
#: piecewise linear). Model: each curved layer nests the expressions before it inside a
#: function the checks must evaluate and compare, multiplying the work by about 4 per output
#: unit: ``c * prod(4 w_k)`` over the curved layers. Measured (process time, ``derive_layers``
#: of ``1 > dense 1 tanh > ...``): 4 layers 0.27 s, 5 layers 1.09 s (and 8 layers 76 s as a
#: whole process); ``2 > dense 2 tanh`` x 3 0.51 s, x 4 1.53 s (model 4.3 s: an upper bound).
CURVED_SECONDS = 1.06e-3
CURVED_FACTOR_PER_UNIT = 4


def curved_seconds(spec: LayerSpec) -> float:
    """Estimated seconds spent on the curved activations of ``spec`` (see CURVED_SECONDS)."""
    curved = [  # residual blocks hold affine layers only
        width
        for layer, width in zip(spec.layers, spec.widths[1:], strict=True)
        if getattr(kind_of(layer).nonlinear(layer), "curved", False)
    ]
    return CURVED_SECONDS * prod(CURVED_FACTOR_PER_UNIT * width for width in curved)


def check_layered(spec: LayerSpec, max_terms: int) -> None:
    """Refuse a layered network too deep, too wide or too long to expand, before building it."""
    layers = len(leaves(spec.layers))
    if layers > MAX_LAYERS:
        raise SizeLimitError(
            f"the network has {layers} layers, above the limit of {MAX_LAYERS}; "
            "split it, or check a dense network of its widths with verify"
        )
    entries = layered_entries(spec)
    if entries > MAX_MATRIX_ENTRIES:
        raise SizeLimitError(
            f"the network's matrices have {entries:,} entries, above the limit of "
            f"{MAX_MATRIX_ENTRIES:,}; use narrower layers"
        )
    seconds = curved_seconds(spec)
    check_seconds(seconds, "the curved activations", max_terms, DEFAULT_LAYERED_MAX_TERMS)
    terms = layered_terms(spec)
    if _piecewise(spec):
        terms = max(terms, layered_terms(spec, through_masks=True))
    if terms > max_terms:
        raise SizeLimitError(
            f"the collapsed maps may have up to {terms:,} terms, above the limit of "
            f"{max_terms:,}; raise max_terms",
            parameter="max_terms",
        )
