"""``batchnorm``: batch normalisation at inference, ``gamma (h - mu) / s + beta`` per unit —
an affine map with a diagonal matrix. Its ONNX counterparts are every per-unit scale and
shift: ``BatchNormalization``, and ``Mul``, ``Div``, ``Add``, ``Sub`` by a constant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import LayerKind, Shape


@dataclass(frozen=True)
class BatchNorm:
    """Batch normalisation at inference: ``gamma (h - mu) / s + beta`` per unit, ``s`` the
    running standard deviation ``sqrt(var + eps)``; an affine map with a diagonal matrix."""

    kind: ClassVar[LayerKind]

    def out_width(self, width: int) -> int:
        return width


def _parse(text: str, _: object) -> BatchNorm:
    if text:
        raise SpecError(f"batchnorm takes no arguments, got {text!r}")
    return BatchNorm()


KIND = LayerKind(
    word="batchnorm",
    syntax="  (at inference)",
    layer_type=BatchNorm,
    parse=_parse,
    describe=lambda layer: "batchnorm",
    nonlinear=lambda layer: None,
    cost=lambda layer, width: Shape(1, 1, 2),
    examples=("batchnorm",),
    position=5,
    onnx=("BatchNormalization", "Mul", "Div", "Add", "Sub"),
    torch=("BatchNorm1d", "BatchNorm2d"),
    factors=("gamma", "s"),  # the scale and the standard deviation it divides by
    shifts=("mu", "beta"),  # the mean it subtracts and the shift it adds
)

BatchNorm.kind = KIND
