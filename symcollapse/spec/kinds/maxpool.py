"""``maxpool SIZE [s=S]``: the maximum over each window; affine only over windows of one
entry (a selection), else not additive. torch's ``MaxPool1d``, ONNX's ``MaxPool``."""

from __future__ import annotations

from dataclasses import dataclass

from symcollapse.spec.kinds.base import (
    Affine,
    Defined,
    Explicit,
    LayerKind,
    Map,
    Maximum,
    Named,
    Nonlinear,
    Shape,
)
from symcollapse.spec.kinds.pooling import Pool, describe_pool, parse_pool


@dataclass(frozen=True)
class MaxPool(Pool):
    """Maximum over windows of ``size`` (stride defaults to ``size``): not additive."""


def _parse(text: str, _: object) -> MaxPool:
    size, found = parse_pool(text, "maxpool", ("s",))
    return MaxPool(size, found.get("s"))


def _nonlinear(layer: MaxPool) -> Nonlinear | None:
    if layer.size == 1:
        return None
    return Nonlinear(f"a maximum over windows of {layer.size} is not additive", whole=True)


def _maps(layer: MaxPool, width: int) -> tuple[Map, ...]:
    """The maximum over each window; over windows of one entry, the 0/1 matrix ``P_k`` that
    selects them."""
    windows = layer.windows(width)
    if _nonlinear(layer) is not None:
        return (Maximum(windows),)
    P = Explicit.of(len(windows), width, lambda i, j: 1 if j in windows[i] else 0)
    return (
        Affine(
            Defined(Named("P", len(windows), width), P, ("a maximum over one entry selects it",))
        ),
    )


KIND = LayerKind(
    word="maxpool",
    syntax="SIZE [s=S]",
    layer_type=MaxPool,
    parse=_parse,
    describe=lambda layer: describe_pool("maxpool", layer),
    nonlinear=_nonlinear,
    cost=lambda layer, width: Shape(layer.size, 1, 0),
    maps=_maps,
    examples=("maxpool 2", "maxpool 1 s=2"),
    position=4,
    onnx=("MaxPool",),
    torch=("MaxPool1d",),
)

MaxPool.kind = KIND
