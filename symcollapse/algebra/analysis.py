"""Layered networks: merge consecutive affine maps and decide the verdict.

A network with ``m`` non-linear stages is written as ``m + 1`` affine maps ``A_j h + a_j``
alternating with the non-linear ones (``A_j = I`` where two non-linear stages meet). With
``m = 0`` this *is* the collapse ``f(x) = W_z x + b_z``; with ReLU or leaky ReLU it is the
starting point of the piecewise collapse (:mod:`symcollapse.algebra.piecewise`);
otherwise a certificate says why no affine map can equal ``f``
(:mod:`symcollapse.derivations.certificates`). The derivation is assembled in
:mod:`symcollapse.derivations.layers`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.affine import forward
from symcollapse.algebra.expressions import vanishes
from symcollapse.algebra.network import Entry
from symcollapse.algebra.stage_rules import build_stages
from symcollapse.algebra.stages import AffineStage, NonlinearStage, Stages, merge
from symcollapse.display import Displayable
from symcollapse.errors import SizeLimitError, SpecError, VerificationError
from symcollapse.spec.cost import check_limit
from symcollapse.spec.layer_cost import check_layered
from symcollapse.spec.layers import LayerSpec
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS
from symcollapse.spec.values import exact_number

#: What the network is, as far as its layers' form proves: "not decided" when an activation is
#: neither piecewise linear by construction nor smooth (a user's ``Piecewise``, ``sign``,
#: ``Abs``: ``sign(z) |z|`` is ``z``), so only a certificate can say "not affine".
Verdict = Literal["affine", "piecewise affine", "not affine", "not decided"]


@dataclass(frozen=True)
class LayeredCollapse(Displayable):
    """A layered network reduced to alternating merged affine maps and non-linear stages.

    ``affine[j]`` comes before ``nonlinear[j]``; there is always one more affine map than
    non-linear stages.
    """

    stages: Stages
    affine: tuple[AffineStage, ...]
    nonlinear: tuple[NonlinearStage, ...]

    @property
    def spec(self) -> LayerSpec:
        return self.stages.spec

    @property
    def entries(self) -> dict[sp.Symbol, Entry]:
        return self.stages.entries

    @property
    def verdict(self) -> Verdict:
        if not self.nonlinear:
            return "affine"
        if all(
            s.activation is not None and s.activation.is_piecewise_linear for s in self.nonlinear
        ):
            return "piecewise affine"
        activations = [s.activation for s in self.nonlinear if s.activation is not None]
        if any(not (a.is_piecewise_linear or a.is_smooth) for a in activations):
            return "not decided"
        return "not affine"

    @property
    def names(self) -> tuple[tuple[sp.MatrixSymbol, sp.MatrixSymbol], ...]:
        """``(W_z, b_z)`` for an affine network, else ``(A_j, a_j)`` for j = 1, ..., m + 1."""
        shapes = [stage.matrix.shape for stage in self.affine]
        if not self.nonlinear:
            rows, cols = shapes[0]
            return ((symbols.matrix("W_z", rows, cols), symbols.matrix("b_z", rows)),)
        return tuple(
            (symbols.matrix("A", r, c, j), symbols.matrix("a", r, 1, j))
            for j, (r, c) in enumerate(shapes, start=1)
        )

    def merged_expression(self) -> sp.MatrixExpr:
        """``A_{m+1} phi_m(... phi_1(A_1 x + a_1) ...) + a_{m+1}`` at matrix level."""
        h: sp.MatrixExpr = self.stages.x_symbol
        for j, (A, a) in enumerate(self.names):
            h = sp.MatAdd(sp.MatMul(A, h, evaluate=False), a, evaluate=False)
            if j < len(self.nonlinear):
                h = self.nonlinear[j].expression(h)
        return h

    def merged_forward(
        self, x: sp.MatrixBase, params: Mapping[sp.Symbol, sp.Expr] | None = None
    ) -> sp.ImmutableMatrix:
        """``f(x)`` through the merged maps (explicit): the second route to the output."""
        h = x
        for j, stage in enumerate(self.affine):
            h = stage.apply(h) if params is None else stage.apply(h).xreplace(params)
            if j < len(self.nonlinear):
                h = self.nonlinear[j].apply(h)
        return sp.ImmutableMatrix(h)

    @property
    def depends_on_input(self) -> bool:
        """Some output entry is reached from some input entry through non-zero matrix entries
        (a convolution that only sees padding cuts every path, and ``f`` is constant)."""
        reached = [True] * self.spec.input_width
        for j, stage in enumerate(self.affine):
            rows, cols = stage.matrix.shape
            reached = [
                any(reached[c] and stage.matrix[r, c] != 0 for c in range(cols))
                for r in range(rows)
            ]
            if j < len(self.nonlinear) and self.nonlinear[j].activation is None:
                reached = [any(reached[i] for i in w) for w in self.nonlinear[j].windows]
        return any(reached)

    @property
    def rank_bound(self) -> int:
        """``min_k d_k`` over the widths between top-level layers."""
        return min(self.spec.widths)

    @property
    def has_bottleneck(self) -> bool:
        widths = self.spec.widths
        return self.rank_bound < min(widths[0], widths[-1])


def analyse(spec: LayerSpec, *, max_terms: int = DEFAULT_LAYERED_MAX_TERMS) -> LayeredCollapse:
    """Build the stages of ``spec`` and merge every run of affine stages into one map.

    The cost is estimated from ``spec`` first (:func:`symcollapse.spec.cost.check_layered`).
    """
    if not isinstance(spec, LayerSpec):
        raise SpecError(f"expected a LayerSpec (see parse_layers), got {type(spec).__name__}")
    check_layered(spec, check_limit(max_terms, "max_terms"))
    stages = build_stages(spec)
    parameters = sum(entry.kind != "x" for entry in stages.entries.values())
    if parameters > max_terms:
        raise SizeLimitError(
            f"the network has {parameters:,} parameter symbols, above the limit of "
            f"{max_terms:,}; raise max_terms",
            parameter="max_terms",
        )
    affine: list[AffineStage] = []
    nonlinear: list[NonlinearStage] = []
    run: list[AffineStage] = []
    width = spec.input_width
    for stage in stages.stages:
        if isinstance(stage, AffineStage):
            run.append(stage)
            continue
        affine.append(_merged(run, width, max_terms))
        nonlinear.append(stage)
        width = stage.out_width(affine[-1].matrix.rows)
        run = []
    affine.append(_merged(run, width, max_terms))
    return LayeredCollapse(stages, tuple(affine), tuple(nonlinear))


def _merged(run: list[AffineStage], width: int, max_terms: int) -> AffineStage:
    """Merge ``run`` and check, by expansion on a generic vector, that nothing changed."""
    stage = merge(run, width if not run else run[0].matrix.cols)
    terms = sum(len(sp.Add.make_args(e)) for e in (*stage.matrix, *stage.bias))
    if terms > max_terms:
        raise SizeLimitError(
            f"a merged affine map has {terms:,} terms, above the limit of {max_terms:,}; "
            "raise max_terms",
            parameter="max_terms",
        )
    h = sp.ImmutableMatrix(sp.symbols(f"h_1:{stage.matrix.cols + 1}"))
    sequential = forward(h, [part.matrix for part in run], [part.bias for part in run])
    if not vanishes(sequential - stage.apply(h)):
        raise VerificationError("merging consecutive affine maps changed the map")
    return stage


def random_parameters(
    entries: Mapping[sp.Symbol, Entry], seed: int
) -> dict[sp.Symbol, sp.Rational]:
    """Random exact rationals for every parameter (not inputs), none zero (a zero weight can drop
    the rank below the generic one, and a document would state that rank); ``s`` (a standard
    deviation) > 0."""
    rng = random.Random(seed)
    values = {}
    for symbol, entry in sorted(entries.items(), key=lambda item: item[0].name):
        if entry.kind == "x":
            continue
        low = 1 if entry.kind == "s" else -9
        numerator = 0
        while numerator == 0:
            numerator = rng.randint(low, 9)
        values[symbol] = sp.Rational(numerator, rng.randint(1, 4))
    return values


#: Parameters that only shift (biases, means, batch-norm shifts): zero in :func:`unit_parameters`.
SHIFTS = frozenset({"b", "mu", "beta"})


def unit_parameters(entries: Mapping[sp.Symbol, Entry]) -> dict[sp.Symbol, sp.Rational]:
    """Every weight, kernel, scale and deviation 1 and every shift 0: with these, a network of
    ReLU-like units is positively homogeneous, so ``x`` and ``-x`` fall on the two sides of
    every kink at once (weights a certificate search tries)."""
    return {
        symbol: sp.Integer(0 if entry.kind in SHIFTS else 1)
        for symbol, entry in entries.items()
        if entry.kind != "x"
    }


def random_point(width: int, rng: random.Random) -> sp.ImmutableMatrix:
    """A random input with exact rational entries."""
    return sp.ImmutableMatrix(
        [sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(width)]
    )


def concrete_values(
    result: LayeredCollapse,
    parameters: Mapping[str, object] | None,
    point: Sequence[object] | None,
    seed: int,
) -> tuple[dict[sp.Symbol, sp.Rational], sp.ImmutableMatrix]:
    """Exact parameter values by symbol name (``w_1_2_1``, ``kappa_2_1``, ...) and an input
    point, checked against the network; random exact rationals for whatever is not given."""
    if parameters is not None and (
        not isinstance(parameters, Mapping) or not all(isinstance(n, str) for n in parameters)
    ):
        raise SpecError("parameters must be a mapping from symbol names to numbers")
    if point is not None and (isinstance(point, str | bytes) or not isinstance(point, Sequence)):
        raise SpecError(f"the point must be a sequence of numbers, got {point!r:.60}")
    values = random_parameters(result.entries, seed)
    if parameters is not None:
        names = {s.name: s for s in values}
        unknown = sorted(set(parameters) - set(names))
        missing = sorted(set(names) - set(parameters))
        if unknown or missing:
            which = f"unknown parameter {unknown[0]!r}" if unknown else f"missing {missing[0]!r}"
            raise SpecError(f"parameters must name every weight of the network: {which}")
        values = {names[n]: exact_number(v, f"parameter {n}") for n, v in parameters.items()}
        for symbol, entry in result.entries.items():
            if entry.kind == "s" and values[symbol] <= 0:
                raise SpecError(f"standard deviation {symbol.name} must be positive")
    width = result.spec.input_width
    if point is None:
        return values, random_point(width, random.Random(seed))
    if len(point) != width:
        raise SpecError(f"the point needs {width} coordinates, got {len(point)}")
    return values, sp.ImmutableMatrix([exact_number(v, "point coordinate") for v in point])
