"""Convolutions, pooling and padding in ONNX graphs as affine layers, through the layer kinds
``symcollapse layers`` proves affine: :class:`~symcollapse.spec.layers.Conv1D` for the
Toeplitz structure (its ``tap``), :class:`~symcollapse.spec.layers.AvgPool` and
:class:`~symcollapse.spec.layers.MaxPool` for the windows, axis by axis; the spatial axes
together are the Kronecker product of the axes, and channels mix per tap (by groups).

Read, on an activation ``(1, C, ...)``: Conv and ConvTranspose of any rank, kernel, stride,
padding (asymmetric too, or ``auto_pad``), dilation and groups; AveragePool with padding counted
in the mean or not, and GlobalAveragePool; MaxPool over windows of one entry (a selection); Pad
with a constant; ``ceil_mode`` and uneven pads; ConvTranspose's ``output_shape`` where it asks
an even padding. A dense matrix above the byte limit is refused (estimated before it is
built).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.layers import AvgPool, Conv1D, MaxPool
from symcollapse.spec.model import AffineLayer
from symcollapse.spec.onnx_ops import Activation, attribute, constant, integers

#: Most kernel taps per pair of channels read (a 64 x 64 kernel): the matrix is built tap by tap.
MAX_TAPS = 4096


def _estimate(rows: int, columns: int, act: Activation, where: str) -> None:
    if rows * columns * 8 > act.max_bytes:
        raise SizeLimitError(
            f"{where}: its dense matrix would take {rows * columns * 8:,} bytes, above the limit "
            f"of {act.max_bytes:,}",
            parameter="max_bytes",
        )


def _spatial(act: Activation, where: str) -> tuple[int, ...]:
    if act.layout != "tensor" or len(act.shape) < 3:
        raise SpecError(f"{where}: needs an activation (1, channels, ...), got {act.shape}")
    return act.shape[2:]


def _ints(node, name: str, default: list[int], rank: int, where: str) -> list[int]:
    values = attribute(node, name, "ints", default, where)
    if len(values) != rank or any(v < 0 for v in values):
        raise SpecError(f"{where}: attribute {name!r} {values} does not fit {rank} axes")
    return values


def _pads(
    node, rank: int, where: str, auto: tuple[Sequence[int], ...] | None = None
) -> list[tuple[int, int]]:
    """``(begin, end)`` per axis from ``pads``, or from ``auto_pad`` given the axes'
    ``(length, stride, span)`` in ``auto``."""
    mode = attribute(node, "auto_pad", "string", b"NOTSET", where)
    if mode == b"NOTSET":
        pads = _ints(node, "pads", [0] * 2 * rank, 2 * rank, where)
        return list(zip(pads[:rank], pads[rank:], strict=True))
    if mode == b"VALID":
        return [(0, 0)] * rank
    if mode not in (b"SAME_UPPER", b"SAME_LOWER") or auto is None:
        raise SpecError(f"{where}: auto_pad {mode!r} is not read; give explicit pads")
    chosen: list[tuple[int, int]] = []
    for length, stride, span in auto:
        total = max((-(-length // stride) - 1) * stride + span - length, 0)
        small, large = total // 2, total - total // 2
        chosen.append((small, large) if mode == b"SAME_UPPER" else (large, small))
    return chosen


def _ceil(node, where: str) -> bool:
    mode = attribute(node, "ceil_mode", "int", 0, where)
    if mode not in (0, 1):
        raise SpecError(f"{where}: attribute 'ceil_mode' is 0 or 1, got {mode}")
    return bool(mode)


def _output_shape_pads(node, spans, spatial, strides, extra, where: str) -> list[tuple[int, int]]:
    """A ConvTranspose's pads from its ``output_shape``: the total padding each axis needs,
    split evenly; an odd total is refused, since onnx's specification puts the extra position
    at the end (NOTSET) and onnxruntime at the start."""
    shape = attribute(node, "output_shape", "ints", None, where)
    rank = len(spatial)
    if len(shape) not in (rank, rank + 2):
        raise SpecError(f"{where}: attribute 'output_shape' {shape} does not fit {rank} axes")
    totals = [
        s * (n - 1) + e + span - m
        for s, n, e, span, m in zip(strides, spatial, extra, spans, shape[-rank:], strict=True)
    ]
    if any(t < 0 or t % 2 for t in totals):
        raise SpecError(
            f"{where}: attribute 'output_shape' {shape} asks a total padding {totals}; only "
            "even, non-negative totals are read (onnx and onnxruntime split an odd one "
            "differently): give pads"
        )
    return [(t // 2, t // 2) for t in totals]


def _taps(conv: Conv1D, width: int) -> np.ndarray:
    """``S[t, i, j] = 1`` where input ``j`` meets output ``i`` at tap ``t`` (:meth:`Conv1D.tap`)."""
    out = conv.out_width(width)
    taps = np.zeros((conv.kernel_size, out, width))
    for i in range(out):
        for j in conv.reach(i, width):
            t = conv.tap(i, j)
            if t is not None:
                taps[t, i, j] = 1.0
    return taps


def _selection(taps: list[np.ndarray], index: tuple[int, ...]) -> np.ndarray:
    """The Kronecker product over the axes of each axis's tap ``index[a]``."""
    matrix = np.ones((1, 1))
    for axis, t in zip(taps, index, strict=True):
        matrix = np.kron(matrix, axis[t])
    return matrix


def _pairs(taps: list[np.ndarray], index: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The (output, input) positions that meet at tap ``index``: the nonzeros of
    :func:`_selection`, found axis by axis without building it."""
    outputs, inputs = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    for axis, t in zip(taps, index, strict=True):
        o, i = np.nonzero(axis[t])
        outputs = (outputs[:, None] * axis.shape[1] + o[None, :]).reshape(-1)
        inputs = (inputs[:, None] * axis.shape[2] + i[None, :]).reshape(-1)
    return outputs, inputs


def _convs(node, W: np.ndarray, spatial: tuple[int, ...], where: str, transposed: bool) -> list:
    """One :class:`Conv1D` per spatial axis (for a ConvTranspose, the convolution whose
    transpose it is: from its output length back to its input)."""
    rank = len(spatial)
    kernel = list(W.shape[2:])
    if attribute(node, "kernel_shape", "ints", kernel, where) != kernel:
        raise SpecError(f"{where}: kernel_shape differs from the kernel's shape {W.shape}")
    strides = _ints(node, "strides", [1] * rank, rank, where)
    dilations = _ints(node, "dilations", [1] * rank, rank, where)
    if 0 in strides or 0 in dilations:
        raise SpecError(f"{where}: strides {strides} and dilations {dilations} must be positive")
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    if transposed:
        extra = _ints(node, "output_padding", [0] * rank, rank, where)
        if attribute(node, "output_shape", "ints", None, where) is None:
            pads = _pads(node, rank, where)
        else:
            pads = _output_shape_pads(node, spans, spatial, strides, extra, where)
        lengths = [
            s * (n - 1) + e + span - b - f
            for s, n, e, span, (b, f) in zip(strides, spatial, extra, spans, pads, strict=True)
        ]
    else:
        pads = _pads(node, rank, where, tuple(zip(spatial, strides, spans, strict=True)))
        lengths = list(spatial)
    convs = [
        Conv1D(k, s, b, d, f)
        for k, s, d, (b, f) in zip(kernel, strides, dilations, pads, strict=True)
    ]
    if transposed and any(
        n < 1 or c.out_width(n) != m for c, n, m in zip(convs, lengths, spatial, strict=True)
    ):
        raise SpecError(f"{where}: output_padding must be below the stride")
    return [(conv, length) for conv, length in zip(convs, lengths, strict=True)]


def _conv(node, act: Activation, constants, where: str):
    """``y[o, i] = sum_{c, t} W[o, c, t] x[c, i s - p + t d] + B[o]`` (ConvTranspose: the
    transpose, ``W[c, o, t]``), per group of channels, the Toeplitz matrices of :class:`Conv1D`
    along every axis."""
    transposed = node.op_type == "ConvTranspose"
    spatial = _spatial(act, where)
    W = constant(constants, node.input[1], where)
    groups = attribute(node, "group", "int", 1, where)
    c_in = act.shape[1]
    # a Conv's kernel is (out, in / groups, ...), a ConvTranspose's (in, out / groups, ...)
    fits = W.ndim == len(spatial) + 2 and groups >= 1 and c_in % groups == 0
    if transposed:
        fits = fits and W.shape[0] == c_in
        c_out = W.shape[1] * groups
    else:
        fits = fits and W.shape[1] * groups == c_in and W.shape[0] % groups == 0
        c_out = W.shape[0]
    if not fits:
        raise SpecError(f"{where}: a kernel of shape {W.shape} in {groups} groups does not fit")
    axes = _convs(node, W, spatial, where, transposed)
    outs = [length for _, length in axes] if transposed else [c.out_width(n) for c, n in axes]
    _estimate(c_out * math.prod(outs), c_in * math.prod(spatial), act, where)
    taps = [_taps(conv, length) for conv, length in axes]
    if transposed:  # the convolution maps the output back to the input: its transpose
        taps = [t.transpose(0, 2, 1) for t in taps]
    if math.prod(W.shape[2:]) > MAX_TAPS:
        raise SizeLimitError(
            f"{where}: a kernel of {math.prod(W.shape[2:]):,} taps per channel pair is above the "
            f"{MAX_TAPS:,} read"
        )
    size_out, size_in = math.prod(outs), math.prod(spatial)
    weight = np.zeros((c_out * size_out, c_in * size_in))
    per_in, per_out = c_in // groups, c_out // groups
    for index in np.ndindex(*W.shape[2:]):  # each entry meets one tap: every entry set once
        tap = W[(slice(None), slice(None), *index)]
        outputs, inputs = _pairs(taps, index)
        for g in range(groups):
            rows, cols = (
                np.arange(g * per_out, (g + 1) * per_out),
                np.arange(g * per_in, (g + 1) * per_in),
            )
            block = tap[cols].T if transposed else tap[rows]  # (per_out, per_in)
            weight[
                rows[:, None, None] * size_out + outputs[None, None, :],
                cols[None, :, None] * size_in + inputs[None, None, :],
            ] = block[:, :, None]
    bias = np.zeros(c_out)
    if len(node.input) > 2 and node.input[2]:
        bias = constant(constants, node.input[2], where)
        if bias.shape != (c_out,):
            raise SpecError(f"{where}: a bias of shape {bias.shape} does not fit {c_out} channels")
    name = where.split(": ", 1)[1]
    layer = AffineLayer(name, weight, np.repeat(bias, math.prod(outs)), op=node.op_type)
    return [layer], (1, c_out, *outs)


def _windows(pool: AvgPool | MaxPool, length: int) -> np.ndarray:
    """``A[i, j] = 1`` where input ``j`` is in output ``i``'s window."""
    windows = pool.windows(length)
    matrix = np.zeros((len(windows), length))
    for i, positions in enumerate(windows):
        matrix[i, list(positions)] = 1.0
    return matrix


def _pool_matrix(pools, channels: int, spatial, act: Activation, where: str) -> np.ndarray:
    rows = channels * math.prod(p.out_width(n) for p, n in zip(pools, spatial, strict=True))
    _estimate(rows, channels * math.prod(spatial), act, where)
    weight = np.eye(channels)
    for pool, length in zip(pools, spatial, strict=True):
        weight = np.kron(weight, _windows(pool, length))
    return weight


def _average_pool(node, act: Activation, constants, where: str):
    """The mean over each window, channel by channel: along every axis the windows of
    :class:`AvgPool`, together their Kronecker product, divided by the product of the axes'
    divisors (the kernel's size when padding counts, else the entries the window holds):
    ``1/divisor`` is rounded to float64 unless it is a power of two."""
    spatial = _spatial(act, where)
    rank, channels = len(spatial), act.shape[1]
    if node.op_type == "GlobalAveragePool":
        size, strides, pads, counted = list(spatial), list(spatial), [(0, 0)] * rank, 1
        ceil = False
    else:
        size = attribute(node, "kernel_shape", "ints", None, where)
        if size is None or len(size) != rank or min(size) < 1:
            raise SpecError(f"{where}: a kernel_shape {size} does not fit {act.shape}")
        ceil = _ceil(node, where)
        if set(attribute(node, "dilations", "ints", [1] * rank, where)) != {1}:
            raise SpecError(f"{where}: a dilated average pool is not read")
        strides = _ints(node, "strides", [1] * rank, rank, where)
        pads = _pads(node, rank, where, tuple(zip(spatial, strides, size, strict=True)))
        counted = attribute(node, "count_include_pad", "int", 0, where)
    pools = [
        AvgPool(k, s, b, bool(counted), padding_end=e, ceil=ceil)
        for k, s, (b, e) in zip(size, strides, pads, strict=True)
    ]
    weight = _pool_matrix(pools, channels, spatial, act, where)
    divisors = np.ones(1)
    for pool, length in zip(pools, spatial, strict=True):
        divisors = np.multiply.outer(divisors, pool.divisors(length)).reshape(-1)
    divisors = np.tile(divisors, channels)
    name = where.split(": ", 1)[1]
    shape = (1, channels, *(p.out_width(n) for p, n in zip(pools, spatial, strict=True)))
    if (divisors == divisors[0]).all():
        layer = AffineLayer(name, weight, np.zeros(len(weight)), 1 / divisors[0], op="AveragePool")
    else:  # a different divisor per window: each row its own rounded 1/divisor
        layer = AffineLayer(
            name, weight / divisors[:, None], np.zeros(len(weight)), op="AveragePool"
        )
    return [layer], shape


def _max_pool(node, act: Activation, constants, where: str):
    """A maximum over windows of one entry selects it (strided); wider windows are not affine."""
    spatial = _spatial(act, where)
    rank = len(spatial)
    size = attribute(node, "kernel_shape", "ints", None, where)
    if size is None or len(size) != rank:
        raise SpecError(f"{where}: a kernel_shape {size} does not fit {act.shape}")
    if min(size) < 1 or len(node.output) > 1:
        raise SpecError(f"{where}: a kernel_shape {size} or a second output is not read")
    nonlinear = MaxPool.kind.nonlinear(MaxPool(max(size)))  # the kind says why not
    if nonlinear is not None:
        raise SpecError(f"{where} is not affine: {nonlinear.reason}")
    ceil = _ceil(node, where)
    strides = _ints(node, "strides", [1] * rank, rank, where)
    if set(_ints(node, "pads", [0] * 2 * rank, 2 * rank, where)) - {0}:
        raise SpecError(f"{where}: a padded maximum over one entry is not read")
    pools = [MaxPool(1, s, ceil=ceil) for s in strides]
    weight = _pool_matrix(pools, act.shape[1], spatial, act, where)
    shape = (1, act.shape[1], *(p.out_width(n) for p, n in zip(pools, spatial, strict=True)))
    return [
        AffineLayer(where.split(": ", 1)[1], weight, np.zeros(len(weight)), op="MaxPool")
    ], shape


def _pad(node, act: Activation, constants, where: str):
    """Constant padding: along each axis the selection of a one-tap :class:`Conv1D` with that
    padding (``tap(i, j) = 0`` where output ``i`` is input ``j``), the constant on the rest."""
    if attribute(node, "mode", "string", b"constant", where) != b"constant":
        raise SpecError(f"{where}: only constant padding is affine; reflect and edge are not read")
    rank = len(act.shape)
    pads = attribute(node, "pads", "ints", None, where)  # before opset 11
    if pads is None:
        pads = integers(constants, node.input[1], where, "pads") if len(node.input) > 1 else None
    value = attribute(node, "value", "float", 0.0, where)
    if len(node.input) > 2 and node.input[2]:
        given = constant(constants, node.input[2], where)
        if given.size != 1:
            raise SpecError(f"{where}: the constant value must be one number")
        value = float(given.reshape(-1)[0])
    axes = list(range(rank))
    if len(node.input) > 3 and node.input[3]:
        axes = [
            a % rank if -rank <= a < rank else rank
            for a in integers(constants, node.input[3], where, "axes")
        ]
    if pads is None or len(pads) != 2 * len(axes) or rank in axes or len(set(axes)) != len(axes):
        raise SpecError(f"{where}: pads {pads} do not fit the activation {act.shape}")
    if min(pads) < 0:
        raise SpecError(f"{where}: negative pads (cropping) are not read")
    begin, end = [0] * rank, [0] * rank
    for a, b, e in zip(axes, pads[: len(axes)], pads[len(axes) :], strict=True):
        begin[a], end[a] = b, e
    if act.layout != "vector" and (begin[0] or end[0]):
        raise SpecError(f"{where}: padding the batch dimension is not read")
    convs = [Conv1D(1, 1, b, 1, e) for b, e in zip(begin, end, strict=True)]
    shape = tuple(c.out_width(n) for c, n in zip(convs, act.shape, strict=True))
    _estimate(math.prod(shape), act.width, act, where)
    weight = _selection([_taps(c, n) for c, n in zip(convs, act.shape, strict=True)], (0,) * rank)
    bias = value * (1.0 - weight.sum(axis=1))
    return [AffineLayer(where.split(": ", 1)[1], weight, bias, op="Pad")], shape


#: Op -> (fewest inputs, most inputs, positions the activation may take).
CONV_ARITY = {
    "Conv": (2, 3, (0,)),
    "ConvTranspose": (2, 3, (0,)),
    "AveragePool": (1, 1, (0,)),
    "GlobalAveragePool": (1, 1, (0,)),
    "MaxPool": (1, 1, (0,)),
    "Pad": (1, 4, (0,)),
}
CONV_READERS = {
    "Conv": _conv,
    "ConvTranspose": _conv,
    "AveragePool": _average_pool,
    "GlobalAveragePool": _average_pool,
    "MaxPool": _max_pool,
    "Pad": _pad,
}
