"""Cost of a layered network (``layers``) estimated from its :class:`LayerSpec` alone.

Checked by :func:`symcollapse.algebra.layered.analyse` before any symbol or matrix is built;
the default ceiling on terms is :data:`symcollapse.spec.limits.DEFAULT_LAYERED_MAX_TERMS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.spec.cost import check_seconds
from symcollapse.spec.layers import (
    AvgPool,
    BatchNorm,
    Conv1D,
    Dense,
    Dropout,
    Layer,
    LayerSpec,
    MaxPool,
    Residual,
)
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS

#: Most layers of a layered network (residual blocks count their inner layers): every layer
#: adds a stage, a step and a check of its own.
MAX_LAYERS = 50

#: Most matrix entries sympy may build for a layered network. Model: each affine layer builds
#: a dense ``out x in`` matrix of sympy objects (a diagonal batchnorm too) and each merged run
#: an ``out x in`` product; about 10 microseconds and 1 kB each, so a million entries is
#: seconds and under a gigabyte (``6000 > batchnorm`` alone would be 36 million).
MAX_MATRIX_ENTRIES = 1_000_000


@dataclass(frozen=True)
class _Shape:
    """What one affine layer contributes: nonzeros per row, terms per entry and per bias."""

    row_nonzeros: int
    entry_terms: int
    bias_terms: int


def _shape(layer: Layer, width: int) -> _Shape | None:
    """The affine part of ``layer`` at input ``width`` (None for dropout: no stage at all)."""
    if isinstance(layer, Dense):
        act = layer.activation  # an affine sigma(z) = a z + c adds c to every bias entry
        shift = act.is_affine and act.affine_coefficients[1] != 0
        return _Shape(width, 1, 1 + shift)
    if isinstance(layer, Conv1D):
        return _Shape(layer.kernel_size, 1, 1)
    if isinstance(layer, AvgPool | MaxPool):
        return _Shape(layer.size, 1, 0)
    if isinstance(layer, BatchNorm):
        return _Shape(1, 1, 2)
    if isinstance(layer, Residual):
        shapes, inner = [], width
        for sub in layer.layers:
            shape = _shape(sub, inner)
            inner = sub.out_width(inner)
            if shape is not None:
                shapes.append(shape)
        if not shapes:  # a block of dropouts: h + h
            return _Shape(1, 1, 1)
        per_entry = prod(s.row_nonzeros * s.entry_terms for s in shapes[1:]) * shapes[0].entry_terms
        return _Shape(width, per_entry + 1, _bias_terms(shapes))
    if isinstance(layer, Dropout):
        return None
    raise OptionError(f"not a layer: {layer!r:.60}")


def _bias_terms(shapes: list[_Shape]) -> int:
    """Terms per entry of the merged bias: each bias times the paths after its layer."""
    total = 0
    for shape in shapes:
        total = total * shape.row_nonzeros * shape.entry_terms + shape.bias_terms
    return total


def _ends_run(layer: Layer, through_masks: bool = False) -> bool:
    """A non-affine stage follows this layer, so the merged affine run ends after it.

    With ``through_masks``, a ReLU or leaky ReLU is a diagonal mask ``D`` that the piecewise
    collapse ``W_z(D)`` multiplies through, so the run goes on.
    """
    if isinstance(layer, Dense):
        act = layer.activation
        return not (act.is_affine or (through_masks and act.is_piecewise_linear))
    return isinstance(layer, MaxPool) and layer.size > 1


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
        out, pooling = spec.widths[k + 1], isinstance(layer, MaxPool) and layer.size > 1
        shape = _shape(layer, width)
        if shape is not None and not pooling:
            shapes.append(shape)
        if _ends_run(layer, through_masks) or k == last:
            rows = width if pooling else out  # a max pool ends the run before itself
            paths = prod(s.row_nonzeros * s.entry_terms for s in shapes)
            total += rows * (max(paths, run_input) + max(_bias_terms(shapes), 1))  # 0 is a term
            shapes, run_input = [], out
    if _ends_run(spec.layers[-1], through_masks):  # then I h + 0 after the last stage
        total += run_input * (run_input + 1)
    return total


def layered_entries(spec: LayerSpec) -> int:
    """Matrix entries sympy builds for ``spec``: ``out x in`` per layer and per merged run."""
    entries, run_input, last = 0, spec.input_width, len(spec.layers) - 1
    for k, (layer, width) in enumerate(zip(spec.layers, spec.widths, strict=False)):
        out, pooling = spec.widths[k + 1], isinstance(layer, MaxPool) and layer.size > 1
        inner = layer.layers if isinstance(layer, Residual) else (layer,)
        entries += len(inner) * out * width
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
        if isinstance(layer, Dense)
        and not (layer.activation.is_affine or layer.activation.is_piecewise_linear)
    ]
    return CURVED_SECONDS * prod(CURVED_FACTOR_PER_UNIT * width for width in curved)


def check_layered(spec: LayerSpec, max_terms: int) -> None:
    """Refuse a layered network too deep, too wide or too long to expand, before building it."""
    layers = sum(len(x.layers) if isinstance(x, Residual) else 1 for x in spec.layers)
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
