"""Convolutions and average pooling in ONNX graphs as affine layers, through the layer kinds
``symcollapse layers`` proves affine (:class:`~symcollapse.spec.layers.Conv1D` for the
Toeplitz structure, :class:`~symcollapse.spec.layers.AvgPool` for the windows), per channel.

Read: Conv on ``(1, C, L)`` with any kernel, stride and symmetric padding, and on ``(1, C, ...)``
with a kernel of ones (a 1x1 convolution mixes channels at every position); AveragePool on
``(1, C, ...)`` without padding. Groups, dilations, ``auto_pad`` and ``ceil_mode`` are refused,
as is a dense matrix above the byte limit (estimated before it is built).
"""

from __future__ import annotations

import math

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.layers import AvgPool, Conv1D
from symcollapse.spec.model import AffineLayer
from symcollapse.spec.onnx_ops import Activation, attribute, constant


def _plain(node, where: str, rank: int) -> tuple[list[int], list[int]]:
    """Strides and (symmetric) pads of a Conv or AveragePool; refuse what is not read."""
    for name, default in (("group", 1), ("ceil_mode", 0)):
        if attribute(node, name, "int", default, where) != default:
            raise SpecError(f"{where}: attribute {name!r} other than {default} is not read")
    if attribute(node, "auto_pad", "string", b"NOTSET", where) != b"NOTSET":
        raise SpecError(f"{where}: auto_pad is not read; give explicit pads")
    if set(attribute(node, "dilations", "ints", [1] * rank, where)) != {1}:
        raise SpecError(f"{where}: dilations are not read")
    strides = attribute(node, "strides", "ints", [1] * rank, where)
    pads = attribute(node, "pads", "ints", [0] * 2 * rank, where)
    if len(strides) != rank or len(pads) != 2 * rank or pads[:rank] != pads[rank:]:
        raise SpecError(f"{where}: strides {strides} and pads {pads} are not read")
    return strides, pads[:rank]


def _estimate(rows: int, columns: int, act: Activation, where: str) -> None:
    if rows * columns * 8 > act.max_bytes:
        raise SizeLimitError(
            f"{where}: its dense matrix would take {rows * columns * 8:,} bytes, above the limit "
            f"of {act.max_bytes:,}",
            parameter="max_bytes",
        )


def _conv(node, act: Activation, constants, where: str):
    """``y[o, i] = sum_{c, t} W[o, c, t] x[c, i s - p + t] + B[o]``, the Toeplitz matrix of
    :class:`Conv1D` for every pair of channels."""
    W = constant(constants, node.input[1], where)
    rank = len(act.shape) - 2
    if rank < 1:
        raise SpecError(f"{where}: a convolution of an activation of shape {act.shape}")
    strides, pads = _plain(node, where, rank)
    if W.ndim != rank + 2 or W.shape[1] != act.shape[1]:
        raise SpecError(f"{where}: a kernel of shape {W.shape} does not fit {act.shape}")
    kernel = list(W.shape[2:])
    if attribute(node, "kernel_shape", "ints", kernel, where) != kernel:
        raise SpecError(f"{where}: kernel_shape differs from the kernel's shape {W.shape}")
    if rank > 1 and (set(kernel) != {1} or set(strides) != {1} or set(pads) != {0}):
        raise SpecError(f"{where}: a {rank}-d convolution is read only with a 1x1 kernel")
    length = math.prod(act.shape[2:])
    conv = Conv1D(kernel[0], strides[0], pads[0]) if rank == 1 else Conv1D(1)
    out_length = conv.out_width(length)
    c_out, c_in = W.shape[0], act.shape[1]
    _estimate(c_out * out_length, c_in * length, act, where)
    taps = W.reshape(c_out, c_in, -1)
    matrix = np.zeros((c_out, out_length, c_in, length))
    for i in range(out_length):
        start = i * conv.stride - conv.padding  # the window input i's taps can reach
        for j in range(max(start, 0), min(start + conv.kernel_size, length)):
            matrix[:, i, :, j] = taps[:, :, conv.tap(i, j)]
    bias = np.zeros(c_out)
    if len(node.input) > 2 and node.input[2]:
        bias = constant(constants, node.input[2], where)
        if bias.shape != (c_out,):
            raise SpecError(f"{where}: a bias of shape {bias.shape} does not fit {c_out} channels")
    shape = (1, c_out, out_length) if rank == 1 else (1, c_out, *act.shape[2:])
    weight = matrix.reshape(c_out * out_length, c_in * length)
    name = where.split(": ", 1)[1]
    return [AffineLayer(name, weight, np.repeat(bias, out_length), op="Conv")], shape


def _average_pool(node, act: Activation, constants, where: str):
    """The mean over each window, channel by channel: along every spatial axis the windows of
    :class:`AvgPool`, together their Kronecker product; ``1/prod(k)`` is the layer's scale
    (rounded to float64 unless it is a power of two)."""
    rank = len(act.shape) - 2
    size = attribute(node, "kernel_shape", "ints", None, where)
    if rank < 1 or size is None or len(size) != rank:
        raise SpecError(f"{where}: a kernel_shape {size} does not fit {act.shape}")
    strides, pads = _plain(node, where, rank)
    if set(pads) != {0}:
        raise SpecError(f"{where}: a padded average pool is not read")
    channels, spatial = act.shape[1], act.shape[2:]
    axes = [
        AvgPool(k, s).windows(length) for k, s, length in zip(size, strides, spatial, strict=True)
    ]
    rows = channels * math.prod(len(w) for w in axes)
    _estimate(rows, channels * math.prod(spatial), act, where)
    weight = np.eye(channels)
    for windows, length in zip(axes, spatial, strict=True):
        window = np.zeros((len(windows), length))
        for i, positions in enumerate(windows):
            window[i, list(positions)] = 1.0
        weight = np.kron(weight, window)
    name = where.split(": ", 1)[1]
    scale = 1 / math.prod(size)
    layer = AffineLayer(name, weight, np.zeros(len(weight)), scale, op="AveragePool")
    return [layer], (1, channels, *(len(w) for w in axes))


CONV_ARITY = {"Conv": (2, 3, (0,)), "AveragePool": (1, 1, (0,))}
CONV_READERS = {"Conv": _conv, "AveragePool": _average_pool}
