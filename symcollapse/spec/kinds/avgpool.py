"""``avgpool SIZE [s=S] [p=P] [c=0|1]``: the mean over each window, a fixed linear map;
torch's ``AvgPool1d``/``AvgPool2d``, ONNX's ``AveragePool`` (and ``GlobalAveragePool``), with
padding counted in the divisor (``c=1``, torch's default) or not (``c=0``, ONNX's default)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import Affine, Defined, Explicit, LayerKind, Map, Named, Shape
from symcollapse.spec.kinds.pooling import Pool, describe_pool, parse_pool


@dataclass(frozen=True)
class AvgPool(Pool):
    """Mean over windows of ``size``; with ``count_padding`` a window that overlaps the
    padding divides by the positions it covers up to the end of the padding (``size``, but
    for a ceil window past it), without it by the entries it holds."""

    count_padding: bool = True

    def divisors(self, width: int) -> tuple[int, ...]:
        """What each window's sum is divided by."""
        if not self.count_padding:
            return tuple(len(w) for w in self.windows(width))
        return tuple(min(s + self.size, width + self.end) - s for s in self.starts(width))


def _parse(text: str, _: object) -> AvgPool:
    size, found = parse_pool(text, "avgpool", ("s", "p", "c"))
    if found.get("c", 1) not in (0, 1):
        raise SpecError(f"avgpool option c= is 0 or 1, got {found['c']}")
    return AvgPool(size, found.get("s"), found.get("p", 0), bool(found.get("c", 1)))


def _describe(layer: AvgPool) -> str:
    counted = layer.count_padding or not layer.padding
    return describe_pool("avgpool", layer) + ("" if counted else " c=0")


def _maps(layer: AvgPool, width: int) -> tuple[Map, ...]:
    """The matrix ``P_k`` of the means: ``1 / divisor`` where an input is in a window."""
    windows, divisors = layer.windows(width), layer.divisors(width)
    P = Explicit.of(
        len(windows), width, lambda i, j: Fraction(1, divisors[i]) if j in windows[i] else 0
    )
    counted = layer.count_padding or not layer.padding
    padding = "" if counted else ", of those inside the input (the padding is not counted)"
    why = ("mean over windows of ", layer.size, f" entries{padding}")
    return (Affine(Defined(Named("P", len(windows), width), P, why)),)


KIND = LayerKind(
    word="avgpool",
    syntax="SIZE [s=S] [p=P] [c=0|1]   (stride defaults to SIZE; c=0: the padding is not "
    "counted in the mean)",
    layer_type=AvgPool,
    parse=_parse,
    describe=_describe,
    nonlinear=lambda layer: None,
    cost=lambda layer, width: Shape(layer.size, 1, 0),
    maps=_maps,
    examples=("avgpool 2", "avgpool 3 s=1 p=1", "avgpool 3 s=2 p=1 c=0"),
    position=3,
    onnx=("AveragePool", "GlobalAveragePool"),
    torch=("AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d"),
)

AvgPool.kind = KIND
