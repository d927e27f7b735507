"""From layers to stages: each layer becomes affine maps ``M h + c`` and non-linear maps.

Every parameter is its own sympy symbol with an :class:`~symcollapse.algebra.network.Entry` (so the
printers name and order it); each affine stage carries its matrix-level name (``W_k``,
``T_k``, ``P_k``, ``S_k``, ``I + W_k``) next to the explicit matrix, and the checked steps that
define the one by the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import total
from symcollapse.algebra.network import Entry, Kind
from symcollapse.errors import VerificationError
from symcollapse.spec.activations import ActivationFunction
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
    describe,
)


class Elementwise(sp.MatrixExpr):
    """``name(v)``: a non-linear map (an activation or max pooling) applied to the vector ``v``.

    ``parameter`` is the leaky-ReLU slope or the pooling window (0 when there is none); ``rows``
    the output width (pooling shrinks it).
    """

    def __new__(
        cls, name: str | sp.Symbol, arg: sp.MatrixExpr, parameter: object = 0, rows: object = None
    ) -> Elementwise:
        label = name if isinstance(name, sp.Symbol) else sp.Symbol(name)
        height = arg.shape[0] if rows is None else rows
        return sp.Basic.__new__(cls, label, arg, sp.sympify(parameter), sp.sympify(height))

    @property
    def name(self) -> str:
        return self.args[0].name

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[1]

    @property
    def parameter(self) -> sp.Expr:
        return self.args[2]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.args[3], self.arg.shape[1])

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        """Plain text ``relu(W_1*x + b_1)``, ``leaky_relu[1/10](...)`` (sympy's str protocol)."""
        parameter = "" if self.parameter == 0 else f"[{printer._print(self.parameter)}]"
        return f"{self.name}{parameter}({printer._print(self.arg)})"


@dataclass(frozen=True)
class Definition:
    """``name = value`` for one layer's matrix or bias; ``why`` names the rule that built it
    (a key of the derivation's reasons, such as ``"toeplitz"``) and ``details`` its parameters.

    Data, not prose: the derivation decides how the reason reads.
    """

    name: sp.Basic
    value: sp.Basic
    why: str = ""
    details: tuple[sp.Basic, ...] = ()


@dataclass(frozen=True)
class AffineStage:
    """``h -> matrix h + bias``; ``name``/``bias_name`` are the matrix-level forms."""

    layer: int
    name: sp.MatrixExpr
    bias_name: sp.MatrixExpr | None
    matrix: sp.ImmutableMatrix
    bias: sp.ImmutableMatrix
    definitions: tuple[Definition, ...] = ()

    def apply(self, h: sp.MatrixBase) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(self.matrix * h + self.bias)

    def expression(self, h: sp.MatrixExpr) -> sp.MatrixExpr:
        product = sp.MatMul(self.name, h, evaluate=False)
        if self.bias_name is None:
            return product
        return sp.MatAdd(product, self.bias_name, evaluate=False)


@dataclass(frozen=True)
class NonlinearStage:
    """An activation applied entrywise, or max pooling over ``windows``."""

    layer: int
    activation: ActivationFunction | None = None
    windows: tuple[range, ...] = field(default=())

    def out_width(self, width: int) -> int:
        return width if self.activation is not None else len(self.windows)

    def apply(self, h: sp.MatrixBase) -> sp.ImmutableMatrix:
        if self.activation is None:
            return sp.ImmutableMatrix([sp.Max(*(h[j] for j in w)) for w in self.windows])
        return sp.ImmutableMatrix(h.applyfunc(self.activation))

    def expression(self, h: sp.MatrixExpr) -> sp.MatrixExpr:
        if self.activation is None:
            return Elementwise("maxpool", h, len(self.windows[0]), len(self.windows))
        return Elementwise(self.activation.name, h, self.activation.alpha or 0)


Stage = AffineStage | NonlinearStage


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
        if isinstance(layer, Residual):
            return [self.residual(layer, width)]
        self.layer += 1
        rules = {
            Dense: self.dense,
            Conv1D: self.conv1d,
            AvgPool: self.avgpool,
            MaxPool: self.maxpool,
            BatchNorm: self.batchnorm,
            Dropout: self.dropout,
        }
        return rules[type(layer)](layer, width)

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
        if not act.is_affine:
            return [*stages, NonlinearStage(k, activation=act)]
        slope, shift = act.affine_coefficients
        name = sp.MatMul(slope, sp.Identity(d)) if slope != 1 else sp.Identity(d)
        bias_name = None if shift == 0 else sp.MatMul(shift, sp.OneMatrix(d, 1))
        z = sp.Symbol("z")
        law = sp.Eq(sp.Function(act.name)(z), act.formula, evaluate=False)
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
            t = j - (i * s - p)  # kernel tap that input j meets at output i
            return kernel[t] if 0 <= t < K else sp.Integer(0)

        T = sp.ImmutableMatrix(d, width, toeplitz)
        T_k, b_k = symbols.matrix("T", d, width, k), symbols.matrix("b", d, 1, k)
        steps = (
            Definition(symbols.matrix("kappa", K, 1, k), sp.ImmutableMatrix(kernel)),
            Definition(T_k, T, "toeplitz", (sp.Integer(s), sp.Integer(p))),
            Definition(b_k, bias * sp.ones(d, 1), "shared bias"),
        )
        return [AffineStage(k, T_k, b_k, T, sp.ImmutableMatrix(bias * sp.ones(d, 1)), steps)]

    def avgpool(self, layer: AvgPool, width: int) -> list[Stage]:
        windows = layer.windows(width)
        P = sp.ImmutableMatrix(
            len(windows), width, lambda i, j: sp.Rational(1, layer.size) if j in windows[i] else 0
        )
        P_k = symbols.matrix("P", len(windows), width, self.layer)
        step = Definition(P_k, P, "mean", (sp.Integer(layer.size),))
        zero = sp.ImmutableMatrix(sp.zeros(len(windows), 1))
        return [AffineStage(self.layer, P_k, None, P, zero, (step,))]

    def maxpool(self, layer: MaxPool, width: int) -> list[Stage]:
        windows = layer.windows(width)
        if layer.size > 1:
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


def merge(stages: list[AffineStage], width: int) -> AffineStage:
    """One affine stage equal to applying ``stages`` in order (``I h`` when there are none)."""
    if not stages:
        zero = sp.ImmutableMatrix(sp.zeros(width, 1))
        return AffineStage(0, sp.Identity(width), None, sp.ImmutableMatrix(sp.eye(width)), zero)
    if len(stages) == 1:
        return stages[0]
    matrix, bias = stages[0].matrix, stages[0].bias
    terms: list[sp.MatrixExpr] = [] if stages[0].bias_name is None else [stages[0].bias_name]
    names: list[sp.MatrixExpr] = [stages[0].name]
    for stage in stages[1:]:
        matrix = (stage.matrix * matrix).applyfunc(sp.expand)
        bias = (stage.matrix * bias + stage.bias).applyfunc(sp.expand)
        terms = [_times(stage.name, t) for t in terms]
        if stage.bias_name is not None:
            terms.append(stage.bias_name)
        names.insert(0, stage.name)
    name = sp.MatMul(*names, evaluate=False)
    bias_name = total(*terms) if terms else None
    return AffineStage(
        stages[0].layer, name, bias_name, sp.ImmutableMatrix(matrix), sp.ImmutableMatrix(bias)
    )


def _times(left: sp.MatrixExpr, right: sp.MatrixExpr) -> sp.MatrixExpr:
    factors = right.args if isinstance(right, sp.MatMul) else (right,)
    return sp.MatMul(left, *factors, evaluate=False)


@dataclass(frozen=True)
class Stages:
    """The stages of a layered network, its input vector and its parameter symbols."""

    spec: LayerSpec
    x: sp.ImmutableMatrix
    stages: tuple[Stage, ...]
    entries: dict[sp.Symbol, Entry]

    @property
    def x_symbol(self) -> sp.MatrixSymbol:
        return symbols.matrix("x", self.spec.input_width)

    def forward(
        self, x: sp.MatrixBase | None = None, params: Mapping[sp.Symbol, sp.Expr] | None = None
    ) -> sp.ImmutableMatrix:
        """``f(x)`` stage by stage (explicit, not expanded), with ``params`` substituted into
        each affine stage first: numbers go through max and tanh, not symbolic expressions."""
        h = self.x if x is None else x
        for stage in self.stages:
            if params is not None and isinstance(stage, AffineStage):
                stage = replace(
                    stage, matrix=stage.matrix.xreplace(params), bias=stage.bias.xreplace(params)
                )
            h = stage.apply(h)
        return sp.ImmutableMatrix(h)

    def expression(self) -> sp.MatrixExpr:
        """``f(x)`` at matrix level, nested as the layers are."""
        h: sp.MatrixExpr = self.x_symbol
        for stage in self.stages:
            h = stage.expression(h)
        return h


def build_stages(spec: LayerSpec) -> Stages:
    """Make every parameter symbol of ``spec`` and its stages, in order."""
    builder = _Builder()
    x = sp.ImmutableMatrix(spec.input_width, 1, lambda i, _: builder.symbol(Entry("x", 0, i)))
    stages: list[Stage] = []
    for layer, width in zip(spec.layers, spec.widths, strict=False):
        stages += builder.stages(layer, width)
    return Stages(spec=spec, x=x, stages=tuple(stages), entries=builder.entries)
