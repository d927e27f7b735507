"""``dense UNITS [ACTIVATION]``: ``sigma(W h + b)``, torch's ``Linear`` (and its activation),
ONNX's ``Gemm`` or ``MatMul``; a ReLU-like activation multiplies by masks of entries ``delta``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from symcollapse.errors import SpecError
from symcollapse.spec.activations import IDENTITY, ActivationFunction, activation
from symcollapse.spec.kinds.base import (
    Activation,
    Affine,
    Defined,
    Explicit,
    Layer,
    LayerKind,
    Map,
    Named,
    Nonlinear,
    Param,
    Scaled,
    Shape,
    count,
    integer,
)

_ACTIVATION = re.compile(r"^(?P<name>[a-z_]+)(?:\((?P<alpha>[^()]*)\))?$")


@dataclass(frozen=True)
class Dense(Layer):
    """``sigma(W h + b)`` with ``units`` outputs."""

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


def _maps(layer: Dense, width: int) -> tuple[Map, ...]:
    """``W h + b``, then the activation: nothing more for the identity, an affine map
    ``a I h + c 1`` for another affine one, else a non-linear stage."""
    d = layer.units
    W = Explicit.of(d, width, lambda i, j: Param("W", (i, j)))
    b = Explicit.of(d, 1, lambda i, _: Param("b", (i,)))
    weights = Affine(Defined(Named("W", d, width), W), Defined(Named("b", d, 1), b))
    act = layer.activation
    if act.name == "identity":
        return (weights,)
    if _nonlinear(layer) is not None:
        return (weights, Activation(act))
    slope, shift = act.affine_coefficients
    scaled = Explicit.of(d, d, lambda i, j: slope if i == j else 0)
    law = Defined(Scaled(slope, d), scaled, ("the activation ", act, " is affine"))
    ones = Defined(Scaled(shift, d, ones=True), Explicit.of(d, 1, lambda i, _: shift), shown=False)
    return (weights, Affine(law, None if shift == 0 else ones))


KIND = LayerKind(
    word="dense",
    syntax="UNITS [identity | relu | leaky_relu(ALPHA) | tanh | sigmoid]",
    layer_type=Dense,
    parse=_parse,
    describe=_describe,
    nonlinear=_nonlinear,
    cost=_cost,
    maps=_maps,
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
