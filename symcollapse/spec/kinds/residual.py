"""``residual(LAYER > ...)``: ``h + g(h)`` for a block ``g`` of affine layers that keeps the
width; the matrix ``I + W`` of the merged block. ONNX's ``Add`` of two affine branches."""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import (
    Layer,
    LayerKind,
    Shape,
    Skip,
    bias_terms,
    describe,
    kind_of,
)


@dataclass(frozen=True)
class Residual(Layer):
    """``h + g(h)`` for a block ``g`` of affine layers that keeps the width."""

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise SpecError("a residual block needs at least one layer inside")
        for layer in self.layers:
            kind = kind_of(layer, "a residual block holds layers, not")
            if kind.layer_type is Residual:
                raise SpecError("residual blocks do not nest")
            nonlinear = kind.nonlinear(layer)
            if nonlinear is not None:
                raise SpecError(
                    f"a residual block holds affine layers only, got {kind.describe(layer)}: "
                    f"{nonlinear.reason}"
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

    @property
    def inner(self) -> tuple[Layer, ...]:
        return self.layers


def _parse(text: str, read_sequence: Any) -> Residual:
    if not (text.startswith("(") and text.endswith(")")):
        raise SpecError(f"a residual block is residual(LAYER > ...), got {text!r:.60}")
    inner = text[1:-1]
    if not inner.strip():
        raise SpecError("a residual block needs at least one layer inside")
    return Residual(read_sequence(inner))


def _cost(layer: Residual, width: int) -> Shape:
    shapes, inner = [], width
    for sub in layer.layers:
        shape = kind_of(sub).cost(sub, inner)
        inner = sub.out_width(inner)
        if shape is not None:
            shapes.append(shape)
    if not shapes:  # a block of dropouts: h + h
        return Shape(1, 1, 1)
    per_entry = prod(s.row_nonzeros * s.entry_terms for s in shapes[1:]) * shapes[0].entry_terms
    return Shape(width, per_entry + 1, bias_terms(shapes))


KIND = LayerKind(
    word="residual",
    syntax="(LAYER (> LAYER)*)   (h + g(h), g affine; blocks do not nest)",
    layer_type=Residual,
    parse=_parse,
    describe=lambda layer: "residual(" + " > ".join(map(describe, layer.layers)) + ")",
    nonlinear=lambda layer: None,
    cost=_cost,
    maps=lambda layer, width: (Skip(layer.layers),),
    examples=("residual(dense 8)", "residual(conv1d k=3 p=1 > batchnorm > dropout)"),
    position=7,
    onnx=("Add",),
)

Residual.kind = KIND
