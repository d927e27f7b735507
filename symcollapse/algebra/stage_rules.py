"""From layers to stages: the rule by which each layer kind becomes affine and non-linear maps.

A dense layer is ``W_k h + b_k`` and its activation (an affine activation is one more affine
map); a convolution its Toeplitz matrix ``T_k`` with a shared bias; average pooling and max
pooling of one entry a fixed 0/1 or mean matrix ``P_k``, wider max pooling a non-linear stage;
batch normalisation at inference the diagonal ``S_k`` and a shift; dropout at inference
nothing; a residual block ``I + W`` of its merged inner maps. Every parameter symbol made on
the way is recorded with its :class:`~symcollapse.algebra.network.Entry`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.network import Entry, Kind
from symcollapse.algebra.stages import AffineStage, Definition, NonlinearStage, Stage, Stages, merge
from symcollapse.errors import VerificationError
from symcollapse.spec.kinds.registry import describe, kind_of
from symcollapse.spec.layers import (
    AvgPool,
    BatchNorm,
    Conv1D,
    Dense,
    Dropout,
    Layer,
    LayerSpec,
    MaxPool,
    Residual,
)


@dataclass
class _Builder:
    """Numbers leaf layers 1, 2, ... and records every parameter symbol it makes."""

    entries: dict[sp.Symbol, Entry] = field(default_factory=dict)
    layer: int = 0

    def vector(self, kind: Kind, rows: int) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(rows, 1, lambda i, _: self.symbol(Entry(kind, self.layer, i)))

    def symbol(self, entry: Entry) -> sp.Symbol:
        s = sp.Symbol(entry.name)
        self.entries[s] = entry
        return s

    def stages(self, layer: Layer, width: int) -> list[Stage]:
        if not isinstance(layer, Residual):  # a block's layers are numbered, not the block
            self.layer += 1
        return STAGE_RULES[kind_of(layer).word](self, layer, width)

    def dense(self, layer: Dense, width: int) -> list[Stage]:
        k, d = self.layer, layer.units
        W = sp.ImmutableMatrix(d, width, lambda i, j: self.symbol(Entry("W", k, i, j)))
        b = self.vector("b", d)
        W_k, b_k = symbols.matrix("W", d, width, k), symbols.matrix("b", d, 1, k)
        stages: list[Stage] = [
            AffineStage(k, W_k, b_k, W, b, (Definition(W_k, W), Definition(b_k, b)))
        ]
        act = layer.activation
        if act.name == "identity":
            return stages
        if kind_of(layer).nonlinear(layer) is not None:
            return [*stages, NonlinearStage(k, activation=act)]
        slope, shift = act.affine_coefficients
        name = sp.MatMul(slope, sp.Identity(d)) if slope != 1 else sp.Identity(d)
        bias_name = None if shift == 0 else sp.MatMul(shift, sp.OneMatrix(d, 1))
        z = symbols.scalar("z")
        law = sp.Eq(sp.Function(act.name)(z), act(z), evaluate=False)
        step = Definition(name, sp.ImmutableMatrix(slope * sp.eye(d)), "affine activation", (law,))
        return [
            *stages,
            AffineStage(k, name, bias_name, slope * sp.eye(d), shift * sp.ones(d, 1), (step,)),
        ]

    def conv1d(self, layer: Conv1D, width: int) -> list[Stage]:
        k, K, s, p = self.layer, layer.kernel_size, layer.stride, layer.padding
        d = layer.out_width(width)
        kernel = [self.symbol(Entry("kappa", k, t)) for t in range(K)]
        bias = self.symbol(Entry("b", k, 0))

        def toeplitz(i: int, j: int) -> sp.Expr:
            t = layer.tap(i, j)
            return sp.Integer(0) if t is None else kernel[t]

        T = sp.ImmutableMatrix(d, width, toeplitz)
        T_k, b_k = symbols.matrix("T", d, width, k), symbols.matrix("b", d, 1, k)
        steps = (
            Definition(symbols.matrix("kappa", K, 1, k), sp.ImmutableMatrix(kernel)),
            Definition(
                T_k, T, "toeplitz", tuple(map(sp.Integer, (s, p, layer.end, layer.dilation)))
            ),
            Definition(b_k, bias * sp.ones(d, 1), "shared bias"),
        )
        return [AffineStage(k, T_k, b_k, T, sp.ImmutableMatrix(bias * sp.ones(d, 1)), steps)]

    def avgpool(self, layer: AvgPool, width: int) -> list[Stage]:
        windows, divisors = layer.windows(width), layer.divisors(width)
        P = sp.ImmutableMatrix(
            len(windows), width, lambda i, j: sp.Rational(1, divisors[i]) if j in windows[i] else 0
        )
        P_k = symbols.matrix("P", len(windows), width, self.layer)
        counted = layer.count_padding or not layer.padding
        step = Definition(
            P_k, P, "mean" if counted else "mean of the entries", (sp.Integer(layer.size),)
        )
        zero = sp.ImmutableMatrix(sp.zeros(len(windows), 1))
        return [AffineStage(self.layer, P_k, None, P, zero, (step,))]

    def maxpool(self, layer: MaxPool, width: int) -> list[Stage]:
        windows = layer.windows(width)
        if kind_of(layer).nonlinear(layer) is not None:
            return [NonlinearStage(self.layer, windows=windows)]
        P = sp.ImmutableMatrix(len(windows), width, lambda i, j: 1 if j in windows[i] else 0)
        P_k = symbols.matrix("P", len(windows), width, self.layer)
        step = Definition(P_k, P, "maximum of one")
        zero = sp.ImmutableMatrix(sp.zeros(len(windows), 1))
        return [AffineStage(self.layer, P_k, None, P, zero, (step,))]

    def batchnorm(self, layer: BatchNorm, width: int) -> list[Stage]:
        k = self.layer
        gamma, s, mu, beta = (self.vector(kind, width) for kind in ("gamma", "s", "mu", "beta"))
        S = sp.ImmutableMatrix(sp.diag(*(g / v for g, v in zip(gamma, s, strict=True))))
        c = sp.ImmutableMatrix(
            [b - g * m / v for g, v, m, b in zip(gamma, s, mu, beta, strict=True)]
        )
        S_k, b_k = symbols.matrix("S", width, width, k), symbols.matrix("b", width, 1, k)
        steps = (
            Definition(S_k, S, "batchnorm scale", (gamma[0] / s[0], s[0])),
            Definition(b_k, c, "batchnorm shift"),
        )
        return [AffineStage(k, S_k, b_k, S, c, steps)]

    def dropout(self, layer: Dropout, width: int) -> list[Stage]:
        return []  # the identity at inference: no stage at all

    def residual(self, layer: Residual, width: int) -> AffineStage:
        inner: list[AffineStage] = []
        h = width
        for sub in layer.layers:
            made = self.stages(sub, h)
            h = sub.out_width(h)
            inner += [s for s in made if isinstance(s, AffineStage)]
            if len(made) != sum(isinstance(s, AffineStage) for s in made):
                raise VerificationError(f"non-affine stage inside {describe(layer)}")
        block = merge(inner, width)
        identity = sp.Identity(width)
        name = sp.MatAdd(identity, block.name, evaluate=False)
        matrix = sp.ImmutableMatrix(sp.eye(width) + block.matrix)
        steps = [step for stage in inner for step in stage.definitions]
        steps.append(Definition(name, matrix, "skip connection"))
        return AffineStage(block.layer, name, block.bias_name, matrix, block.bias, tuple(steps))


#: Kind word -> how its layers become stages; every kind of the registry has a rule (the tests
#: check it).
STAGE_RULES: dict[str, Callable[[_Builder, Any, int], list[Stage]]] = {
    "dense": _Builder.dense,
    "conv1d": _Builder.conv1d,
    "avgpool": _Builder.avgpool,
    "maxpool": _Builder.maxpool,
    "batchnorm": _Builder.batchnorm,
    "dropout": _Builder.dropout,
    "residual": lambda builder, layer, width: [builder.residual(layer, width)],
}


def build_stages(spec: LayerSpec) -> Stages:
    """Make every parameter symbol of ``spec`` and its stages, in order."""
    builder = _Builder()
    x = sp.ImmutableMatrix(spec.input_width, 1, lambda i, _: builder.symbol(Entry("x", 0, i)))
    stages: list[Stage] = []
    for layer, width in zip(spec.layers, spec.widths, strict=False):
        stages += builder.stages(layer, width)
    return Stages(spec=spec, x=x, stages=tuple(stages), entries=builder.entries)
