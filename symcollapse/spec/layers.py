"""Layer kinds of a general feed-forward network, and the network as a sequence of them.

A network (:class:`LayerSpec`) is an input width and a tuple of layers. Each layer knows the
width it produces from the width it receives (:meth:`out_width`) and refuses shapes that make
no sense with a :class:`~symcollapse.errors.SpecError`; what a layer *computes* is the algebra's
business (:mod:`symcollapse.algebra.layer_stages`). The entrywise functions a dense layer
applies are in :mod:`symcollapse.spec.activations`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from symcollapse.errors import SpecError
from symcollapse.spec.activations import IDENTITY, ActivationFunction
from symcollapse.spec.values import exact_number
from symcollapse.spec.widths import MAX_WIDTH


def _count(value: object, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{what} must be an integer, got {value!r}")
    if value < minimum:
        raise SpecError(f"{what} must be at least {minimum}, got {value}")
    if value > MAX_WIDTH:
        raise SpecError(f"{what} = {value} is larger than the maximum {MAX_WIDTH}")
    return value


@dataclass(frozen=True)
class Dense:
    """``sigma(W h + b)`` with ``units`` outputs."""

    units: int
    activation: ActivationFunction = IDENTITY

    def __post_init__(self) -> None:
        _count(self.units, "dense units")
        if not isinstance(self.activation, ActivationFunction):
            raise SpecError(f"activation is not a function: got {self.activation!r}")

    def out_width(self, width: int) -> int:
        return self.units


@dataclass(frozen=True)
class Conv1D:
    """One-channel 1-D convolution (cross-correlation) with a symbolic kernel and one bias."""

    kernel_size: int
    stride: int = 1
    padding: int = 0

    def __post_init__(self) -> None:
        _count(self.kernel_size, "conv1d kernel size")
        _count(self.stride, "conv1d stride")
        _count(self.padding, "conv1d padding", minimum=0)

    def out_width(self, width: int) -> int:
        padded = width + 2 * self.padding
        if self.kernel_size > padded:
            raise SpecError(
                f"conv1d kernel size {self.kernel_size} is larger than its input of width "
                f"{width} with padding {self.padding}"
            )
        return (padded - self.kernel_size) // self.stride + 1

    def tap(self, i: int, j: int) -> int | None:
        """The kernel tap that input ``j`` meets at output ``i`` (0-based), or None: the one
        description of the convolution's Toeplitz matrix, symbolic or numeric."""
        t = j - (i * self.stride - self.padding)
        return t if 0 <= t < self.kernel_size else None


@dataclass(frozen=True)
class _Pool:
    size: int
    stride: int | None = None

    def __post_init__(self) -> None:
        _count(self.size, "pool size")
        if self.stride is not None:
            _count(self.stride, "pool stride")

    @property
    def step(self) -> int:
        return self.size if self.stride is None else self.stride

    def out_width(self, width: int) -> int:
        if self.size > width:
            raise SpecError(f"pool size {self.size} is larger than its input of width {width}")
        return (width - self.size) // self.step + 1

    def windows(self, width: int) -> tuple[range, ...]:
        """Input positions of each output (0-based): ``[i s, i s + size)``."""
        return tuple(
            range(i * self.step, i * self.step + self.size) for i in range(self.out_width(width))
        )


@dataclass(frozen=True)
class AvgPool(_Pool):
    """Mean over windows of ``size`` (stride defaults to ``size``): a fixed linear map."""


@dataclass(frozen=True)
class MaxPool(_Pool):
    """Maximum over windows of ``size`` (stride defaults to ``size``): not additive."""


@dataclass(frozen=True)
class BatchNorm:
    """Batch normalisation at inference: ``gamma (h - mu) / s + beta`` per unit, ``s`` the
    running standard deviation ``sqrt(var + eps)``; an affine map with a diagonal matrix."""

    def out_width(self, width: int) -> int:
        return width


@dataclass(frozen=True)
class Dropout:
    """Dropout at inference: the identity (inverted dropout scales during training only)."""

    rate: sp.Rational = field(default=sp.Rational(1, 2))

    def __post_init__(self) -> None:
        rate = exact_number(self.rate, "dropout rate")
        if not 0 <= rate < 1:
            raise SpecError(f"dropout rate must lie in [0, 1), got {self.rate}")
        object.__setattr__(self, "rate", rate)

    def out_width(self, width: int) -> int:
        return width


@dataclass(frozen=True)
class Residual:
    """``h + g(h)`` for a block ``g`` of affine layers that keeps the width."""

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise SpecError("a residual block needs at least one layer inside")
        for layer in self.layers:
            if not isinstance(layer, LAYER_TYPES):
                raise SpecError(f"a residual block holds layers, got {layer!r}")
            if (
                isinstance(layer, Residual)
                or (isinstance(layer, MaxPool) and layer.size > 1)
                or (isinstance(layer, Dense) and not layer.activation.is_affine)
            ):
                raise SpecError(
                    "a residual block holds affine layers only (dense with an affine activation, "
                    f"conv1d, avgpool, batchnorm, dropout), got {describe(layer)}"
                )

    def out_width(self, width: int) -> int:
        inner = width
        for layer in self.layers:
            inner = layer.out_width(inner)
        if inner != width:
            raise SpecError(
                f"a residual block must keep the width: input {width}, block output {inner}"
            )
        return width


Layer = Dense | Conv1D | AvgPool | MaxPool | BatchNorm | Dropout | Residual

LAYER_TYPES = (Dense, Conv1D, AvgPool, MaxPool, BatchNorm, Dropout, Residual)


def describe(layer: object) -> str:
    """A short human description of ``layer`` (also the layer-string syntax)."""
    describers: dict[type, Callable[[object], str]] = {
        Dense: lambda d: (
            f"dense {d.units}"
            + ("" if d.activation.name == "identity" else f" {_activation_text(d.activation)}")
        ),
        Conv1D: lambda c: f"conv1d k={c.kernel_size} s={c.stride} p={c.padding}",
        AvgPool: lambda p: f"avgpool {p.size}" + ("" if p.stride is None else f" s={p.stride}"),
        MaxPool: lambda p: f"maxpool {p.size}" + ("" if p.stride is None else f" s={p.stride}"),
        BatchNorm: lambda _: "batchnorm",
        Dropout: lambda d: f"dropout {d.rate}",
        Residual: lambda r: "residual(" + " > ".join(describe(x) for x in r.layers) + ")",
    }
    rule = describers.get(type(layer))
    return repr(layer) if rule is None else rule(layer)


def _activation_text(act: ActivationFunction) -> str:
    return f"leaky_relu({act.alpha})" if act.name == "leaky_relu" else act.name


@dataclass(frozen=True)
class LayerSpec:
    """Input width and layers; ``widths`` are the widths between top-level layers."""

    input_width: int
    layers: tuple[Layer, ...]
    widths: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        _count(self.input_width, "input width")
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise SpecError("a network needs at least one layer")
        widths = [self.input_width]
        for position, layer in enumerate(self.layers, start=1):
            if not isinstance(layer, LAYER_TYPES):
                raise SpecError(f"layer {position} is not a layer: {layer!r}")
            widths.append(layer.out_width(widths[-1]))
        object.__setattr__(self, "widths", tuple(widths))

    def describe(self) -> str:
        return " > ".join([str(self.input_width), *(describe(x) for x in self.layers)])
