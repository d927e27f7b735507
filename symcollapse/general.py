"""Layered networks: merge consecutive affine maps, decide the verdict, derive it step by step.

A network with ``m`` non-linear stages is written as ``m + 1`` affine maps ``A_j h + a_j``
alternating with the non-linear ones (``A_j = I`` where two non-linear stages meet). With
``m = 0`` this *is* the collapse ``f(x) = W_z x + b_z``; with ReLU or leaky ReLU it is the
starting point of the piecewise collapse (:mod:`symcollapse.piecewise`); otherwise a
certificate says why no affine map can equal ``f`` (:mod:`symcollapse.certificates`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from symcollapse.derivation import Derivation, Section, Step, Text
from symcollapse.errors import SizeLimitError, SpecError, VerificationError
from symcollapse.expressions import output_symbol
from symcollapse.layers import LayerSpec, describe
from symcollapse.network import Entry
from symcollapse.size import DEFAULT_MAX_TERMS
from symcollapse.stages import AffineStage, NonlinearStage, Stages, build_stages, merge

Verdict = Literal["affine", "piecewise affine", "not affine"]

#: What each verdict means, said once for every renderer.
VERDICT_TEXT: dict[str, str] = {
    "affine": "every layer is affine, so the network collapses to one affine map W_z x + b_z.",
    "piecewise affine": (
        "the network is piecewise affine: on each activation region it equals an affine map "
        "W_z(D) x + b_z(D), but no single affine map equals it everywhere."
    ),
    "not affine": (
        "a non-linearity keeps the network from being affine: a certificate below shows that "
        "no affine map equals it."
    ),
}


@dataclass(frozen=True)
class LayeredCollapse:
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
        return "not affine"

    @property
    def names(self) -> tuple[tuple[sp.MatrixSymbol, sp.MatrixSymbol], ...]:
        """``(W_z, b_z)`` for an affine network, else ``(A_j, a_j)`` for j = 1, ..., m + 1."""
        shapes = [stage.matrix.shape for stage in self.affine]
        if not self.nonlinear:
            rows, cols = shapes[0]
            return ((sp.MatrixSymbol("W_z", rows, cols), sp.MatrixSymbol("b_z", rows, 1)),)
        return tuple(
            (sp.MatrixSymbol(f"A_{j}", r, c), sp.MatrixSymbol(f"a_{j}", r, 1))
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
    def rank_bound(self) -> int:
        """``min_k d_k`` over the widths between top-level layers."""
        return min(self.spec.widths)

    @property
    def has_bottleneck(self) -> bool:
        widths = self.spec.widths
        return self.rank_bound < min(widths[0], widths[-1])


def analyse(spec: LayerSpec, *, max_terms: int = DEFAULT_MAX_TERMS) -> LayeredCollapse:
    """Build the stages of ``spec`` and merge every run of affine stages into one map."""
    stages = build_stages(spec)
    parameters = sum(entry.kind != "x" for entry in stages.entries.values())
    if parameters > max_terms:
        raise SizeLimitError(
            f"the network has {parameters:,} parameter symbols, above the limit of "
            f"{max_terms:,}; raise it with --max-terms (CLI) or max_terms= (API)"
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
            "raise it with --max-terms (CLI) or max_terms= (API)"
        )
    h = sp.ImmutableMatrix(sp.symbols(f"h_1:{stage.matrix.cols + 1}"))
    sequential = h
    for part in run:
        sequential = part.apply(sequential)
    if (sequential - stage.apply(h)).applyfunc(sp.expand) != sp.zeros(*stage.bias.shape):
        raise VerificationError("merging consecutive affine maps changed the map")
    return stage


def random_parameters(
    entries: Mapping[sp.Symbol, Entry], seed: int
) -> dict[sp.Symbol, sp.Rational]:
    """Random exact rationals for every parameter (not inputs); ``s`` (a standard deviation) > 0."""
    rng = random.Random(seed)
    values = {}
    for symbol, entry in sorted(entries.items(), key=lambda item: item[0].name):
        if entry.kind == "x":
            continue
        low = 1 if entry.kind == "s" else -9
        values[symbol] = sp.Rational(rng.randint(low, 9), rng.randint(1, 4))
    return values


def random_point(width: int, rng: random.Random) -> sp.ImmutableMatrix:
    """A random input with exact rational entries."""
    return sp.ImmutableMatrix(
        [sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(width)]
    )


def check_at_random_points(result: LayeredCollapse, seed: int, points: int = 3) -> None:
    """Layer-by-layer and merged evaluation agree at random exact parameters and inputs."""
    rng = random.Random(seed)
    for trial in range(points):
        params = random_parameters(result.entries, seed + trial)
        x = random_point(result.spec.input_width, rng)
        direct = result.stages.forward(x, params)
        merged = result.merged_forward(x, params)
        if (direct - merged).applyfunc(sp.expand) != sp.zeros(*direct.shape):
            raise VerificationError(f"merged maps disagree with the layers at x = {list(x)}")


def network_section(result: LayeredCollapse) -> Section:
    """The layers in words and ``f(x)`` at matrix level, nested as the layers are."""
    spec = result.spec
    dropped = [describe(x) for x in spec.layers if describe(x).startswith("dropout")]
    intro: Text = (
        f"Input x has {spec.input_width} entries; the layers are "
        f"{'; '.join(describe(x) for x in spec.layers)}; the widths between them are "
        f"{', '.join(map(str, spec.widths))}. Verdict: {VERDICT_TEXT[result.verdict]}",
    )
    if dropped:
        intro += (" Dropout at inference is the identity map and does not appear below.",)
    f = output_symbol(spec.widths[-1])
    return Section(
        title="The network",
        intro=intro,
        steps=(Step(f, result.stages.expression(), ("definition",)),),
    )


def layers_section(result: LayeredCollapse) -> Section:
    """Every affine layer as an explicit matrix and bias (Toeplitz, pooling, I + W, ...)."""
    steps = [
        step
        for stage in result.stages.stages
        if isinstance(stage, AffineStage)
        for step in stage.definitions
    ]
    return Section(
        title="Each layer as an affine map",
        intro=(
            "Every affine layer is a map M h + c, whatever its kind (dense, convolution, average "
            "pooling, batch normalisation at inference, residual block): these are the matrices.",
        ),
        steps=tuple(steps),
    )


def merge_section(result: LayeredCollapse) -> Section:
    """``f(x)`` with every run of affine maps merged, the merged matrices named and written out."""
    f = output_symbol(result.spec.widths[-1])
    steps = [Step(f, result.merged_expression(), ("merge consecutive affine maps",))]
    for (A, a), stage in zip(result.names, result.affine, strict=True):
        steps.append(Step(A, stage.name, ("product of consecutive layers",), ":="))
        if stage.bias_name is not None:
            steps.append(Step(a, stage.bias_name, ("definition",), ":="))
        if not isinstance(stage.name, sp.MatrixSymbol):  # a single layer was written out above
            steps += explicit_steps(A, stage.matrix) + explicit_steps(a, stage.bias)
    m = len(result.nonlinear)
    intro = (
        f"With {m} non-linear layer{'s' if m != 1 else ''}, the network is equal to one with "
        f"{m + 1} affine map{'s' if m else ''}; each merge was checked by expanding it on a "
        "generic vector.",
    )
    return Section(title="Merging consecutive affine maps", intro=intro, steps=tuple(steps))


def check_section(result: LayeredCollapse) -> Section:
    """Affine networks: ``f(x) - (W_z x + b_z)`` expands to the zero vector."""
    (W_z, b_z), stage = result.names[0], result.affine[0]
    x = result.stages.x
    residual = (result.stages.forward() - (stage.matrix * x + stage.bias)).applyfunc(sp.expand)
    if residual != sp.zeros(*residual.shape):
        raise VerificationError(f"f(x) - (W_z x + b_z) expands to {residual}, not zero")
    f = output_symbol(result.spec.widths[-1])
    collapsed = sp.MatAdd(sp.MatMul(W_z, result.stages.x_symbol), b_z, evaluate=False)
    lhs = sp.MatAdd(f, sp.MatMul(-1, collapsed, evaluate=False), evaluate=False)
    return Section(
        title="Check",
        intro=(
            "Evaluating the layers one after another, expanding, and subtracting ",
            collapsed,
            " leaves the zero vector, so the collapse holds exactly.",
        ),
        steps=(Step(lhs, sp.ImmutableMatrix(residual), ("expanded entrywise",)),),
    )


#: A matrix with an entry of more terms than this, or a row of more than twice as many, is
#: written entry by entry (one step each, so long sums can be broken across lines).
MAX_TERMS_IN_MATRIX = 3


def explicit_steps(name: sp.MatrixSymbol, matrix: sp.MatrixBase) -> list[Step]:
    """``name = matrix``; when entries are long sums, the matrix of entry names and then one
    step per entry, so line breaking can split them."""
    terms = [[len(sp.Add.make_args(e)) for e in matrix.row(i)] for i in range(matrix.rows)]
    if all(max(row) <= MAX_TERMS_IN_MATRIX >= sum(row) / 2 for row in terms):
        return [Step(name, sp.ImmutableMatrix(matrix))]
    rows, cols = matrix.shape
    steps = [Step(name, sp.ImmutableMatrix(rows, cols, lambda i, j: name[i, j]))]
    return steps + [Step(name[i, j], matrix[i, j]) for i in range(rows) for j in range(cols)]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def rank_section(
    result: LayeredCollapse, W_z: sp.MatrixBase, name: sp.MatrixExpr, seed: int
) -> Section:
    """``rank(W_z) <= min_k d_k``: a bottleneck makes the collapsed model reduced-rank."""
    params = random_parameters(result.entries, seed)
    rank = sp.ImmutableMatrix(W_z.xreplace(params)).rank()
    bound = result.rank_bound
    if rank > bound:
        raise VerificationError(f"rank {rank} exceeds the bound {bound}")
    k = result.spec.widths.index(bound)
    stages = [s for s in result.stages.stages if isinstance(s, AffineStage)]
    split = next(i for i, s in enumerate(stages) if s.matrix.rows == bound) + 1
    left = merge(stages[split:], bound)
    right = merge(stages[:split], result.spec.input_width)
    if (left.matrix * right.matrix - W_z).applyfunc(sp.expand) != sp.zeros(*W_z.shape):
        raise VerificationError("W_z does not factor through the bottleneck")
    L = sp.MatrixSymbol("L", W_z.rows, bound)
    R = sp.MatrixSymbol("R", bound, W_z.cols)
    return Section(
        title="Rank bound",
        intro=(
            "The map passes through a layer of width ",
            sp.Symbol(f"d_{k}"),
            f" = {bound}, smaller than both input and output, so ",
            name,
            f" factors through {_count(bound, 'dimension')} (L has {_count(bound, 'column')}, R "
            f"has {_count(bound, 'row')}) and its rank is at most min_k d_k = {bound}. "
            "The collapsed model is a reduced-rank regression, not ordinary least squares. The "
            "factorisation was checked by expansion, and the rank at random exact rational "
            "weights is:",
        ),
        steps=(
            Step(name, sp.MatMul(L, R, evaluate=False), ("factor at the narrowest layer",)),
            Step(L, left.name, ("layers after it",), ":="),
            Step(R, right.name, ("layers up to it",), ":="),
            Step(sp.Function("rank")(name), sp.Integer(rank), ("random rational weights",)),
        ),
    )


def concrete_values(
    result: LayeredCollapse,
    parameters: Mapping[str, object] | None,
    point: Sequence[object] | None,
    seed: int,
) -> tuple[dict[sp.Symbol, sp.Rational], sp.ImmutableMatrix]:
    """Exact parameter values by symbol name (``w_1_2_1``, ``kappa_2_1``, ...) and an input
    point, checked against the network; random exact rationals for whatever is not given."""
    values = random_parameters(result.entries, seed)
    if parameters is not None:
        names = {s.name: s for s in values}
        unknown = sorted(set(parameters) - set(names))
        missing = sorted(set(names) - set(parameters))
        if unknown or missing:
            which = f"unknown parameter {unknown[0]!r}" if unknown else f"missing {missing[0]!r}"
            raise SpecError(f"parameters must name every weight of the network: {which}")
        values = {names[n]: _exact(v, f"parameter {n}") for n, v in parameters.items()}
        for symbol, entry in result.entries.items():
            if entry.kind == "s" and values[symbol] <= 0:
                raise SpecError(f"standard deviation {symbol.name} must be positive")
    width = result.spec.input_width
    if point is None:
        return values, random_point(width, random.Random(seed))
    if len(point) != width:
        raise SpecError(f"the point needs {width} coordinates, got {len(point)}")
    return values, sp.ImmutableMatrix([_exact(v, "point coordinate") for v in point])


def _exact(value: object, what: str) -> sp.Rational:
    """An exact rational from an int, a fraction string (``"-3/4"``) or a decimal."""
    try:
        number = sp.Rational(str(value)) if isinstance(value, float) else sp.Rational(value)
    except (TypeError, ValueError, sp.SympifyError):
        raise SpecError(f"{what} must be an exact number, got {value!r}") from None
    return number


def derive_layers(
    spec: LayerSpec,
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    seed: int = 0,
    parameters: Mapping[str, object] | None = None,
    point: Sequence[object] | None = None,
) -> Derivation:
    """The derivation for a layered network: collapse, piecewise collapse, or certificate.

    For ReLU networks, ``parameters`` (exact values by symbol name) and ``point`` choose the
    weights and the input whose activation pattern is shown; by default both are random exact
    rationals drawn from ``seed``.
    """
    from symcollapse.certificates import certificate_sections
    from symcollapse.piecewise import mask_symbols, piecewise_sections

    result = analyse(spec, max_terms=max_terms)
    params, x0 = concrete_values(result, parameters, point, seed)
    symbols = dict(result.entries)
    check_at_random_points(result, seed)
    sections = [network_section(result), layers_section(result), merge_section(result)]
    if result.verdict == "affine":
        sections.append(check_section(result))
        if result.has_bottleneck:
            W_z, _ = result.names[0]
            sections.append(rank_section(result, result.affine[0].matrix, W_z, seed))
    elif result.verdict == "piecewise affine":
        sections += piecewise_sections(result, params, x0, seed, max_terms)
        symbols |= mask_symbols(result)
    else:
        sections += certificate_sections(result, seed)
    return Derivation(
        title=f"The network {spec.describe()}: {result.verdict}",
        sections=tuple(s for s in sections if s.steps),
        symbols=symbols,
    )
