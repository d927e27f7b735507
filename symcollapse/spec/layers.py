"""A general feed-forward network: an input width and a sequence of layers.

Each layer kind (dense, conv1d, avgpool, maxpool, batchnorm, dropout, residual) is described
once, in its own module of :mod:`symcollapse.spec.kinds`, its layers subclasses of
:class:`Layer`; this module names the kinds for the package's users and holds the network
(:class:`LayerSpec`). The algebra turns what a layer computes, data in its kind's module, into
sympy (:mod:`symcollapse.algebra.stage_rules`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.avgpool import AvgPool
from symcollapse.spec.kinds.base import Layer, count
from symcollapse.spec.kinds.batchnorm import BatchNorm
from symcollapse.spec.kinds.conv1d import Conv1D
from symcollapse.spec.kinds.dense import Dense
from symcollapse.spec.kinds.dropout import Dropout
from symcollapse.spec.kinds.maxpool import MaxPool
from symcollapse.spec.kinds.registry import describe, kind_of
from symcollapse.spec.kinds.residual import Residual

__all__ = [
    "AvgPool",
    "BatchNorm",
    "Conv1D",
    "Dense",
    "Dropout",
    "Layer",
    "LayerSpec",
    "MaxPool",
    "Residual",
    "describe",
]


@dataclass(frozen=True)
class LayerSpec:
    """Input width and layers; ``widths`` are the widths between top-level layers."""

    input_width: int
    layers: tuple[Layer, ...]
    widths: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        count(self.input_width, "input width")
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise SpecError("a network needs at least one layer")
        widths = [self.input_width]
        for position, layer in enumerate(self.layers, start=1):
            kind_of(layer, f"layer {position} is not a layer")
            widths.append(layer.out_width(widths[-1]))
        object.__setattr__(self, "widths", tuple(widths))

    def describe(self) -> str:
        return " > ".join([str(self.input_width), *(describe(x) for x in self.layers)])
