"""``conv1d k=K [s=S] [p=P] [d=D] [pe=E]``: a one-channel 1-D convolution (cross-correlation)
with a symbolic kernel and one bias; its Toeplitz structure (:meth:`Conv1D.tap`) is the one
description of every convolution read, symbolic in ``layers`` and numeric in ``fold`` (ONNX
``Conv`` and ``ConvTranspose`` of any rank, stride, padding, dilation and groups, axis by axis
and channel by channel; ``Pad`` is a one-tap convolution with its padding)."""

from __future__ import annotations

from dataclasses import dataclass

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import (
    Affine,
    Defined,
    Explicit,
    Layer,
    LayerKind,
    Map,
    Named,
    Param,
    Phrase,
    Shape,
    count,
    options,
)


@dataclass(frozen=True)
class Conv1D(Layer):
    """``y_i = sum_t kappa_t h_{i s - p + t d} + b`` over the input padded with ``padding``
    zeros before and ``padding_end`` (default: ``padding``) after."""

    kernel_size: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    padding_end: int | None = None

    def __post_init__(self) -> None:
        count(self.kernel_size, "conv1d kernel size")
        count(self.stride, "conv1d stride")
        count(self.padding, "conv1d padding", minimum=0)
        count(self.dilation, "conv1d dilation")
        if self.padding_end is not None:
            count(self.padding_end, "conv1d end padding", minimum=0)

    @property
    def end(self) -> int:
        """Zeros after the input."""
        return self.padding if self.padding_end is None else self.padding_end

    @property
    def span(self) -> int:
        """Input positions one output sees, first to last tap: ``d (k - 1) + 1``."""
        return self.dilation * (self.kernel_size - 1) + 1

    def out_width(self, width: int) -> int:
        padded = width + self.padding + self.end
        if self.span > padded:
            spread = "" if self.dilation == 1 else f" spanning {self.span} with dilation"
            raise SpecError(
                f"conv1d kernel size {self.kernel_size}{spread} is larger than its input of "
                f"width {width} with padding {self.padding}"
            )
        return (padded - self.span) // self.stride + 1

    def tap(self, i: int, j: int) -> int | None:
        """The kernel tap that input ``j`` meets at output ``i`` (0-based), or None: the one
        description of the convolution's Toeplitz matrix, symbolic or numeric."""
        offset = j - (i * self.stride - self.padding)
        t, rest = divmod(offset, self.dilation)
        return t if rest == 0 and 0 <= t < self.kernel_size else None

    def reach(self, i: int, width: int) -> range:
        """The inputs output ``i`` can meet (a superset of those with a tap)."""
        start = i * self.stride - self.padding
        return range(max(start, 0), min(start + self.span, width))


def _parse(text: str, _: object) -> Conv1D:
    found = options(text.split(), ("k", "s", "p", "d", "pe"), "conv1d")
    if "k" not in found:
        raise SpecError("conv1d needs a kernel size k=K")
    return Conv1D(
        found["k"], found.get("s", 1), found.get("p", 0), found.get("d", 1), found.get("pe")
    )


def _describe(layer: Conv1D) -> str:
    text = f"conv1d k={layer.kernel_size} s={layer.stride} p={layer.padding}"
    text += "" if layer.dilation == 1 else f" d={layer.dilation}"
    return text + ("" if layer.padding_end is None else f" pe={layer.padding_end}")


def _maps(layer: Conv1D, width: int) -> tuple[Map, ...]:
    """The Toeplitz matrix ``T_k`` of the kernel ``kappa_k`` (:meth:`Conv1D.tap`) and one
    bias shared by every output."""
    K, d = layer.kernel_size, layer.out_width(width)
    kernel = Explicit.of(K, 1, lambda t, _: Param("kappa", (t,)))

    def toeplitz(i: int, j: int) -> Param | int:
        t = layer.tap(i, j)
        return 0 if t is None else Param("kappa", (t,))

    why: Phrase = (
        "Toeplitz matrix of the kernel, stride ",
        layer.stride,
        ", padding ",
        layer.padding,
    )
    if layer.end != layer.padding:
        why += (" before and ", layer.end, " after")
    if layer.dilation != 1:
        why += (", dilation ", layer.dilation)
    T = Defined(Named("T", d, width), Explicit.of(d, width, toeplitz), why)
    shared = Explicit.of(d, 1, lambda i, _: Param("b", (0,)))
    bias = Defined(Named("b", d, 1), shared, ("one bias shared by every position",))
    return (Affine(T, bias, given=(Defined(Named("kappa", K, 1), kernel),)),)


KIND = LayerKind(
    word="conv1d",
    syntax="k=K [s=S] [p=P] [d=D] [pe=E]   (one channel; stride 1, padding 0, dilation 1; "
    "pe= the padding after, default P)",
    layer_type=Conv1D,
    parse=_parse,
    describe=_describe,
    nonlinear=lambda layer: None,
    cost=lambda layer, width: Shape(layer.kernel_size, 1, 1),
    maps=_maps,
    examples=("conv1d k=3", "conv1d k=2 s=2 p=1", "conv1d k=3 d=2 pe=0"),
    position=2,
    onnx=("Conv", "ConvTranspose", "Pad"),
    torch=("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d"),
    factors=("kappa",),  # the kernel
)

Conv1D.kind = KIND
