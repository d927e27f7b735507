"""From layers to stages: the one rule that turns what a layer kind says it computes (plain
data, :data:`~symcollapse.spec.kinds.base.Map`) into sympy stages.

Each kind describes its maps in its own module of :mod:`symcollapse.spec.kinds`: an affine map
with its matrix-level names and explicit entries (numbers, or parameter entries named by role
and indices), an activation, a maximum over windows, or a block with a skip connection. This
module knows none of the kinds: it makes one symbol per parameter entry, recorded with its
:class:`~symcollapse.algebra.network.Entry`, and builds the matrices, names and definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.network import Entry
from symcollapse.algebra.stages import AffineStage, Definition, NonlinearStage, Stage, Stages, merge
from symcollapse.errors import VerificationError
from symcollapse.spec.activations import ActivationFunction
from symcollapse.spec.kinds.base import (
    Activation,
    Affine,
    Equation,
    Explicit,
    Layer,
    Map,
    Maximum,
    Named,
    Param,
    Phrase,
    Root,
    Scalar,
    Scaled,
    Skip,
    Sum,
    Term,
    Value,
)
from symcollapse.spec.kinds.registry import describe, kind_of
from symcollapse.spec.layers import LayerSpec


@dataclass
class _Builder:
    """Numbers leaf layers 1, 2, ... and records every parameter symbol it makes."""

    entries: dict[sp.Symbol, Entry] = field(default_factory=dict)
    layer: int = 0

    def symbol(self, entry: Entry) -> sp.Symbol:
        s = sp.Symbol(entry.name)
        self.entries[s] = entry
        return s

    def stages(self, layer: Layer, width: int) -> list[Stage]:
        maps = kind_of(layer).maps(layer, width)
        if not any(isinstance(m, Skip) for m in maps):  # a block's layers are numbered
            self.layer += 1
        return [self.stage(m, width) for m in maps]

    def stage(self, data: Map, width: int) -> Stage:
        if isinstance(data, Affine):
            return self.affine(data)
        if isinstance(data, Activation):
            return NonlinearStage(self.layer, activation=data.function)
        if isinstance(data, Maximum):
            return NonlinearStage(self.layer, windows=data.windows)
        return self.skip(data, width)

    def value(self, value: Value | ActivationFunction) -> sp.Basic:
        """One entry or quantity of a reason as sympy: a parameter entry is this layer's symbol
        of it; an activation stands for its law ``sigma(z) = a z + c``."""
        if isinstance(value, Param):
            return self.symbol(Entry(value.role, self.layer, *value.indices))
        if isinstance(value, Scalar):
            return symbols.scalar(value.role)
        if isinstance(value, Root):
            return sp.sqrt(self.value(value.of))
        if isinstance(value, Equation):
            return sp.Eq(self.value(value.lhs), self.value(value.rhs), evaluate=False)
        if isinstance(value, Term):
            powers = (self.value(p) ** power for p, power in value.factors)
            return sp.Mul(sp.sympify(value.coefficient), *powers)
        if isinstance(value, Sum):
            return sp.Add(*map(self.value, value.terms))
        if isinstance(value, ActivationFunction):
            z = symbols.scalar("z")
            return sp.Eq(sp.Function(value.name)(z), value(z), evaluate=False)
        return sp.sympify(value)

    def phrase(self, phrase: Phrase) -> tuple[str | sp.Basic, ...]:
        """A reason's words as they are, its quantities as sympy."""
        return tuple(part if isinstance(part, str) else self.value(part) for part in phrase)

    def matrix(self, explicit: Explicit) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(
            explicit.rows, explicit.cols, list(map(self.value, explicit.entries))
        )

    def name(self, name: Named | Scaled) -> sp.MatrixExpr:
        """The matrix-level name: ``W_k``; ``a I`` (``I`` when ``a = 1``) or ``c 1``."""
        if isinstance(name, Named):
            return symbols.matrix(name.role, name.rows, name.cols, self.layer)
        factor = sp.sympify(name.factor)
        if name.ones:
            return sp.MatMul(factor, sp.OneMatrix(name.size, 1))
        identity = sp.Identity(name.size)
        return identity if factor == 1 else sp.MatMul(factor, identity)

    def affine(self, data: Affine) -> AffineStage:
        """``M h + c`` with its names, and the definitions of the names it shows."""
        bias = () if data.bias is None else (data.bias,)
        made = [
            (step, self.name(step.name), self.matrix(step.value))
            for step in (*data.given, data.matrix, *bias)
        ]
        definitions = tuple(
            Definition(name, value, self.phrase(step.why))
            for step, name, value in made
            if step.shown
        )
        _, name, matrix = made[len(data.given)]
        if data.bias is None:
            zero = sp.ImmutableMatrix(sp.zeros(matrix.rows, 1))
            return AffineStage(self.layer, name, None, matrix, zero, definitions)
        _, bias_name, bias_value = made[-1]
        return AffineStage(self.layer, name, bias_name, matrix, bias_value, definitions)

    def skip(self, data: Skip, width: int) -> AffineStage:
        """``h + g(h)``: ``I + `` the merged affine stages of the block's layers."""
        inner: list[AffineStage] = []
        h = width
        for sub in data.layers:
            made = self.stages(sub, h)
            h = sub.out_width(h)
            if not all(isinstance(s, AffineStage) for s in made):
                raise VerificationError(f"non-affine stage inside the block of {describe(sub)}")
            inner += [s for s in made if isinstance(s, AffineStage)]
        block = merge(inner, width)
        name = sp.MatAdd(sp.Identity(width), block.name, evaluate=False)
        matrix = sp.ImmutableMatrix(sp.eye(width) + block.matrix)
        steps = [step for stage in inner for step in stage.definitions]
        steps.append(Definition(name, matrix, skip=True))
        return AffineStage(block.layer, name, block.bias_name, matrix, block.bias, tuple(steps))


def build_stages(spec: LayerSpec) -> Stages:
    """Make every parameter symbol of ``spec`` and its stages, in order."""
    builder = _Builder()
    x = sp.ImmutableMatrix(spec.input_width, 1, lambda i, _: builder.symbol(Entry("x", 0, i)))
    stages: list[Stage] = []
    for layer, width in zip(spec.layers, spec.widths, strict=False):
        stages += builder.stages(layer, width)
    return Stages(spec=spec, x=x, stages=tuple(stages), entries=builder.entries)
