"""``dropout [RATE]``: dropout at inference, the identity (inverted dropout scales during
training only); no stage at all. torch's ``Dropout`` and ``Identity``, ONNX's ``Dropout`` and
``Identity``."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import Layer, LayerKind
from symcollapse.spec.values import exact_number


@dataclass(frozen=True)
class Dropout(Layer):
    """Dropout at inference: the identity (inverted dropout scales during training only)."""

    rate: sp.Rational = field(default=sp.Rational(1, 2))

    def __post_init__(self) -> None:
        rate = exact_number(self.rate, "dropout rate")
        if not 0 <= rate < 1:
            raise SpecError(f"dropout rate must lie in [0, 1), got {self.rate}")
        object.__setattr__(self, "rate", rate)

    def out_width(self, width: int) -> int:
        return width


def _parse(text: str, _: object) -> Dropout:
    words = text.split()
    if len(words) > 1:
        raise SpecError(f"dropout takes at most a rate, got {text!r}")
    return Dropout(words[0]) if words else Dropout()


KIND = LayerKind(
    word="dropout",
    syntax="[RATE]   (at inference: the identity)",
    layer_type=Dropout,
    parse=_parse,
    describe=lambda layer: f"dropout {layer.rate}",
    nonlinear=lambda layer: None,
    cost=lambda layer, width: None,
    maps=lambda layer, width: (),  # the identity at inference: no map at all
    examples=("dropout", "dropout 1/4"),
    position=6,
    onnx=("Dropout", "Identity"),
    torch=("Dropout", "Identity"),
    vanishes="Dropout at inference",
)

Dropout.kind = KIND
