"""``dense UNITS [ACTIVATION]``: ``sigma(W h + b)``, torch's ``Linear`` (and its activation),
ONNX's ``Gemm`` or ``MatMul``; a ReLU-like activation multiplies by masks of entries ``delta``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from symcollapse.errors import SpecError
from symcollapse.spec.activations import IDENTITY, ActivationFunction, activation
from symcollapse.spec.kinds.base import LayerKind, Nonlinear, Shape, count, integer

_ACTIVATION = re.compile(r"^(?P<name>[a-z_]+)(?:\((?P<alpha>[^()]*)\))?$")


@dataclass(frozen=True)
class Dense:
    """``sigma(W h + b)`` with ``units`` outputs."""

    kind: ClassVar[LayerKind]

    units: int
    activation: ActivationFunction = IDENTITY

    def __post_init__(self) -> None:
        count(self.units, "dense units")
        if not isinstance(self.activation, ActivationFunction):
            raise SpecError(f"activation is not a function: got {self.activation!r}")

    def out_width(self, width: int) -> int:
        return self.units


def _parse(text: str, _: object) -> Dense:
    words = text.split()
    if not 1 <= len(words) <= 2:
        raise SpecError(f"dense takes UNITS [ACTIVATION], got {text!r}")
    units = integer(words[0], "dense units")
    if len(words) == 1:
        return Dense(units)
    match = _ACTIVATION.match(words[1])
    if match is None:
        raise SpecError(f"cannot read activation {words[1]!r}")
    return Dense(units, activation(match["name"], match["alpha"]))


def _describe(layer: Dense) -> str:
    act = layer.activation
    if act.name == "identity":
        return f"dense {layer.units}"
    name = f"leaky_relu({act.alpha})" if act.name == "leaky_relu" else act.name
    return f"dense {layer.units} {name}"


def _nonlinear(layer: Dense) -> Nonlinear | None:
    act = layer.activation
    if act.is_affine:
        return None
    if act.is_piecewise_linear:
        return Nonlinear(f"{act.name} is piecewise affine, not affine", masks=True)
    return Nonlinear(f"{act.name} is not affine", curved=True)


def _cost(layer: Dense, width: int) -> Shape:
    act = layer.activation  # an affine sigma(z) = a z + c adds c to every bias entry
    shift = act.is_affine and act.affine_coefficients[1] != 0
    return Shape(width, 1, 1 + shift)


KIND = LayerKind(
    word="dense",
    syntax="UNITS [identity | relu | leaky_relu(ALPHA) | tanh | sigmoid]",
    layer_type=Dense,
    parse=_parse,
    describe=_describe,
    nonlinear=_nonlinear,
    cost=_cost,
    examples=("dense 3", "dense 2 relu", "dense 4 leaky_relu(1/10)", "dense 1 tanh"),
    position=1,
    onnx=("Gemm", "MatMul"),
    torch=("Linear",),
    refuses=(
        ("Relu", Dense(1, activation("relu"))),
        ("LeakyRelu", Dense(1, activation("leaky_relu", "1/100"))),
        ("Tanh", Dense(1, activation("tanh"))),
        ("Sigmoid", Dense(1, activation("sigmoid"))),
    ),
    factors=("delta",),  # the masks of a ReLU-like activation
)

Dense.kind = KIND
