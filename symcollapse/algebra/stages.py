"""Stages: what each layer becomes, an affine map ``M h + c`` or a non-linear map, and their order.

Every parameter is its own sympy symbol with an :class:`~symcollapse.algebra.network.Entry` (so the
printers name and order it); each affine stage carries its matrix-level name (``W_k``,
``T_k``, ``P_k``, ``S_k``, ``I + W_k``) next to the explicit matrix, and the definitions that
give the one by the other. Consecutive affine stages merge into one (:func:`merge`); the
network runs through its stages with the one forward pass
(:func:`symcollapse.algebra.affine.forward_maps`). Which stages each layer kind becomes is
:mod:`symcollapse.algebra.stage_rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.affine import collapse_chain, forward_maps
from symcollapse.algebra.expressions import expand_entries, total
from symcollapse.algebra.network import Entry
from symcollapse.spec.activations import ActivationFunction
from symcollapse.spec.layers import LayerSpec


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

    def doit(self, **hints: object) -> Elementwise:
        """Itself: a non-linear map of a vector has nothing to evaluate (see :class:`Held`)."""
        return self

    def _sympystr(self, printer: sp.printing.str.StrPrinter) -> str:
        """Plain text ``relu(W_1*x + b_1)``, ``leaky_relu[1/10](...)`` (sympy's str protocol)."""
        parameter = "" if self.parameter == 0 else f"[{printer._print(self.parameter)}]"
        if isinstance(self.parameter, sp.Tuple):  # a pooling's window and stride
            parameter = f"[{self.parameter[0]}, s={self.parameter[1]}]"
        return f"{self.name}{parameter}({printer._print(self.arg)})"


class Held(sp.MatMul):
    """A product kept as written (``D_j (A_j h + a_j)`` in a nest of masks): it prints as any
    product, and ``doit`` returns it unchanged. sympy's str printer negates every product it
    prints to test its sign, and that ``doit`` went through the whole nest below at every
    level: 49 ReLU layers of width 1 took 66 s as text and 38 s as JSON."""

    def doit(self, **hints: object) -> Held:
        return self

    def _eval_inverse(self) -> sp.MatrixExpr:
        """Unevaluated: sympy's simplification of products asks every factor for its inverse."""
        return sp.Inverse(self)


@dataclass(frozen=True)
class Definition:
    """``name = value`` for one layer's matrix or bias; ``why`` the words and formulas of the
    reason its kind gives (:data:`~symcollapse.spec.kinds.base.Phrase`, its quantities made
    sympy); ``skip`` for the matrix ``I + W`` of a block with a skip connection, whose reason
    the derivation writes."""

    name: sp.Basic
    value: sp.Basic
    why: tuple[str | sp.Basic, ...] = ()
    skip: bool = False


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

    def at(self, params: Mapping[sp.Symbol, sp.Expr]) -> AffineStage:
        """The same stage with ``params`` substituted into its matrix and bias."""
        return replace(self, matrix=self.matrix.xreplace(params), bias=self.bias.xreplace(params))


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
            return Elementwise("maxpool", h, self.pooling(h.shape[0]), len(self.windows))
        return Elementwise(self.activation.name, h, self.activation.alpha or 0)

    def pooling(self, width: int) -> sp.Basic:
        """What the printed ``maxpool`` states of its windows over ``width`` inputs: the size
        alone when the stride is the size (the default), else ``(size, stride)``, since the
        size alone would print ``maxpool 3 s=1`` and ``maxpool 3`` the same. One window (a
        stride past the end) is stated by the smallest stride that leaves one."""
        size = len(self.windows[0])
        if self.windows == tuple(range(i, i + size) for i in range(0, width - size + 1, size)):
            return sp.Integer(size)
        stride = self.windows[1].start if len(self.windows) > 1 else width - size + 1
        return sp.Tuple(size, stride)

    def at(self, params: Mapping[sp.Symbol, sp.Expr]) -> NonlinearStage:
        """The stage itself: an activation or a maximum has no parameters to substitute."""
        return self


Stage = AffineStage | NonlinearStage


def merge(stages: list[AffineStage], width: int) -> AffineStage:
    """One affine stage equal to applying ``stages`` in order (``I h`` when there are none)."""
    if not stages:
        zero = sp.ImmutableMatrix(sp.zeros(width, 1))
        return AffineStage(0, sp.Identity(width), None, sp.ImmutableMatrix(sp.eye(width)), zero)
    if len(stages) == 1:
        return stages[0]
    matrices, biases = [s.matrix for s in stages], [s.bias for s in stages]
    matrix, bias = collapse_chain(matrices, biases, expand_entries)
    terms: list[sp.MatrixExpr] = [] if stages[0].bias_name is None else [stages[0].bias_name]
    names: list[sp.MatrixExpr] = [stages[0].name]
    for stage in stages[1:]:  # the same composition, by name
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
        each stage first: numbers go through max and tanh, not symbolic expressions."""
        stages = self.stages if params is None else (s.at(params) for s in self.stages)
        h = forward_maps(self.x if x is None else x, (stage.apply for stage in stages))
        return sp.ImmutableMatrix(h)

    def expression(self) -> sp.MatrixExpr:
        """``f(x)`` at matrix level, nested as the layers are."""
        return forward_maps(self.x_symbol, (stage.expression for stage in self.stages))
