"""``batchnorm``: batch normalisation at inference, ``gamma (h - mu) / s + beta`` per unit —
an affine map with a diagonal matrix. Its ONNX counterparts are every per-unit scale and
shift: ``BatchNormalization``, and ``Mul``, ``Div``, ``Add``, ``Sub`` by a constant."""

from __future__ import annotations

from dataclasses import dataclass

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import (
    Affine,
    Defined,
    Equation,
    Explicit,
    Layer,
    LayerKind,
    Map,
    Named,
    Param,
    Root,
    Scalar,
    Shape,
    Sum,
    Term,
)


@dataclass(frozen=True)
class BatchNorm(Layer):
    """Batch normalisation at inference: ``gamma (h - mu) / s + beta`` per unit, ``s`` the
    running standard deviation ``sqrt(var + eps)``; an affine map with a diagonal matrix."""

    def out_width(self, width: int) -> int:
        return width


def _parse(text: str, _: object) -> BatchNorm:
    if text:
        raise SpecError(f"batchnorm takes no arguments, got {text!r}")
    return BatchNorm()


def _maps(layer: BatchNorm, width: int) -> tuple[Map, ...]:
    """The diagonal ``S_k`` of ``gamma_i / s_i`` and the shift ``beta_i - gamma_i mu_i / s_i``."""

    def entry(role: str, i: int) -> Param:
        return Param(role, (i,))

    def scale(i: int) -> Term:
        return Term(1, ((entry("gamma", i), 1), (entry("s", i), -1)))

    def shift(i: int) -> Sum:
        centred = ((entry("gamma", i), 1), (entry("mu", i), 1), (entry("s", i), -1))
        return Sum((Term(1, ((entry("beta", i), 1),)), Term(-1, centred)))

    S = Explicit.of(width, width, lambda i, j: scale(i) if i == j else 0)
    c = Explicit.of(width, 1, lambda i, _: shift(i))
    v = Scalar("v")
    deviation = Equation(entry("s", 0), Root(Sum((v, Scalar("epsilon")))))
    why = ("scale ", scale(0), " per unit, ", deviation, " for the running variance ", v)
    return (
        Affine(
            Defined(Named("S", width, width), S, why),
            Defined(Named("b", width, 1), c, ("shift minus scaled running mean",)),
        ),
    )


KIND = LayerKind(
    word="batchnorm",
    syntax="  (at inference)",
    layer_type=BatchNorm,
    parse=_parse,
    describe=lambda layer: "batchnorm",
    nonlinear=lambda layer: None,
    cost=lambda layer, width: Shape(1, 1, 2),
    maps=_maps,
    examples=("batchnorm",),
    position=5,
    onnx=("BatchNormalization", "Mul", "Div", "Add", "Sub"),
    torch=("BatchNorm1d", "BatchNorm2d"),
    factors=("gamma", "s"),  # the scale and the standard deviation it divides by
    shifts=("mu", "beta"),  # the mean it subtracts and the shift it adds
)

BatchNorm.kind = KIND
