"""The derivation of a layered network: sections of checked steps, verdict by verdict.

Every network gets its definition, its affine layers as explicit matrices and the merge of
consecutive affine maps; then an affine network gets the exact check and, with a bottleneck,
the rank bound; a ReLU network the piecewise collapse
(:mod:`symcollapse.derivations.piecewise`); any other network a certificate
(:mod:`symcollapse.derivations.certificates`).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.analysis import (
    LayeredCollapse,
    random_parameters,
)
from symcollapse.algebra.expressions import expand_entries, output_symbol, product, total, vanishes
from symcollapse.algebra.piecewise import mask_symbols
from symcollapse.algebra.stages import AffineStage, Definition, merge
from symcollapse.derivations.certificates import OUTPUT_ENTRIES, certificate_sections
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.dense import EXPANDED
from symcollapse.derivations.piecewise import piecewise_sections
from symcollapse.derivations.steps import count, explicit_steps, listing
from symcollapse.doc.model import Derivation, Section, Step, Text
from symcollapse.doc.prose import Applied, Code, relation
from symcollapse.errors import SpecError, VerificationError
from symcollapse.spec.convention import (
    DEFAULT_CONVENTION,
    Convention,
    check_convention,
)
from symcollapse.spec.kinds.base import leaves
from symcollapse.spec.kinds.registry import kind_of
from symcollapse.spec.layers import Layer, describe
from symcollapse.verification.layered import CheckedLayers


def _verdict(result: LayeredCollapse) -> Text:
    """What the verdict means, said once for every renderer."""
    rows, cols = result.spec.widths[-1], result.spec.input_width
    x = symbols.matrix("x", cols)
    if result.verdict == "affine":
        W_z, b_z = symbols.matrix("W_z", rows, cols), symbols.matrix("b_z", rows)
        return (
            "every layer is affine, so the network collapses to one affine map ",
            total(product(W_z, x), b_z),
            ".",
        )
    if result.verdict == "piecewise affine":
        W_z = symbols.matrix("W_z", rows, cols, argument="D")
        b_z = symbols.matrix("b_z", rows, argument="D")
        return (
            "the network is piecewise affine: on each activation region it equals an affine map ",
            total(product(W_z, x), b_z),
            ", but no single affine map equals it everywhere.",
        )
    return (
        "a non-linearity keeps the network from being affine: a certificate below shows that "
        "no affine map equals it.",
    )


def _vanishing(layers: tuple[Layer, ...]) -> Text:
    """A sentence for each kind of identity layer among ``layers`` (dropout at inference),
    in the words its kind gives."""
    names = dict.fromkeys(kind_of(x).vanishes for x in leaves(layers))
    return tuple(
        f" {name} is the identity map and does not appear below." for name in names if name
    )


def network_section(result: LayeredCollapse) -> Section:
    """The layers in words and ``f(x)`` at matrix level, nested as the layers are."""
    spec = result.spec
    layers: Text = ()
    for i, layer in enumerate(spec.layers):
        layers += (
            *((", " if i < len(spec.layers) - 1 else " and ",) if i else ()),
            Code(describe(layer)),
        )
    intro: Text = (
        "The input ",
        result.stages.x_symbol,
        f" has {count(spec.input_width, 'entry', 'entries')}; the layers are ",
        *layers,
        f"; the widths between them are {listing([str(w) for w in spec.widths])}. Verdict: ",
        *_verdict(result),
    )
    intro += _vanishing(spec.layers)
    f = output_symbol(spec.widths[-1])
    return Section(
        title=("The network",),
        intro=intro,
        steps=(Step(f, result.stages.expression(), ("definition",)),),
    )


def _reason(definition: Definition) -> Text:
    """Prose for a layer's matrix: the reason its kind gives (see :class:`Definition`), and a
    skip connection's ``h + g(h)``."""
    if definition.skip:
        h = symbols.scalar("h")
        return ("skip connection ", h + Applied(symbols.scalar("g"), h))
    return definition.why


def layers_section(result: LayeredCollapse) -> Section:
    """Every affine layer as an explicit matrix and bias (Toeplitz, pooling, I + W, ...)."""
    steps = [
        Step(definition.name, definition.value, _reason(definition))
        for stage in result.stages.stages
        if isinstance(stage, AffineStage)
        for definition in stage.definitions
    ]
    return Section(
        title=("Each layer as an affine map",),
        intro=(
            "Every affine layer multiplies its input by a matrix and adds a vector, whatever its "
            "kind (dense, convolution, average pooling, batch normalisation at inference, "
            "residual block): these are the matrices.",
        ),
        steps=tuple(steps),
    )


def merge_section(result: LayeredCollapse) -> Section:
    """``f(x)`` with every run of affine maps merged, the merged matrices named and written out."""
    f = output_symbol(result.spec.widths[-1])
    steps = [Step(f, result.merged_expression(), ("merge consecutive affine maps",))]
    for (A, a), stage in zip(result.names, result.affine, strict=True):
        if isinstance(stage.name, sp.Identity):  # no affine layer: the identity matrix, shown
            # (``A := I`` leaves its size, so the input's, to the prose)
            steps.append(Step(A, sp.ImmutableMatrix(stage.matrix), ("no affine layer: I",)))
            steps.append(Step(a, sp.ImmutableMatrix(stage.bias), ("no bias",)))
            continue
        single = isinstance(stage.name, sp.MatrixSymbol)  # a layer alone, written out above
        merged = "one layer" if single else "product of consecutive layers"
        steps.append(Step(A, stage.name, (merged,), ":="))
        if stage.bias_name is not None:
            carried = "its bias" if single else "the biases carried through"
            steps.append(Step(a, stage.bias_name, (carried,), ":="))
        elif single:  # no bias: its name is used above, so the page states the zero it is
            steps.append(Step(a, sp.ImmutableMatrix(stage.bias), ("no bias",)))
        if not single:
            steps += explicit_steps(A, stage.matrix) + explicit_steps(a, stage.bias)
    m = len(result.nonlinear)
    intro = (
        f"With {m} non-linear layer{'s' if m != 1 else ''}, the network is equal to one with "
        f"{m + 1} affine map{'s' if m else ''}; each merge was checked by expanding it on a "
        "generic vector.",
    )
    return Section(title=("Merging consecutive affine maps",), intro=intro, steps=tuple(steps))


def check_section(result: LayeredCollapse) -> Section:
    """Affine networks: ``f(x) - (W_z x + b_z)`` expands to the zero vector."""
    (W_z, b_z), stage = result.names[0], result.affine[0]
    x = result.stages.x
    residual = expand_entries(result.stages.forward() - (stage.matrix * x + stage.bias))
    if not vanishes(residual):
        raise VerificationError(f"f(x) - (W_z x + b_z) expands to {residual}, not zero")
    f = output_symbol(result.spec.widths[-1])
    collapsed = total(product(W_z, result.stages.x_symbol), b_z)
    lhs = sp.MatAdd(f, sp.MatMul(-1, collapsed, evaluate=False), evaluate=False)
    return Section(
        title=("Check",),
        intro=(
            "Evaluating the layers one after another, expanding, and subtracting ",
            collapsed,
            " leaves the zero vector, so the collapse holds exactly.",
        ),
        steps=(Step(lhs, residual, ("expanded entrywise",), check=EXPANDED),),
    )


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
    if not vanishes(left.matrix * right.matrix - W_z):
        raise VerificationError("W_z does not factor through the bottleneck")
    L = symbols.matrix("L", W_z.rows, bound)
    R = symbols.matrix("R", bound, W_z.cols)
    return Section(
        title=("Rank bound",),
        intro=(
            "The map passes through a layer of width ",
            relation(symbols.scalar("d", k), "=", bound),
            ", smaller than both input and output, so ",
            name,
            f" factors through {count(bound, 'dimension')} (",
            L,
            f" has {count(bound, 'column')}, ",
            R,
            f" has {count(bound, 'row')}) and its rank is at most that smallest width. "
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


def derive_layers(
    checked: CheckedLayers, convention: Convention = DEFAULT_CONVENTION, digits: int | None = None
) -> Derivation:
    """The derivation for a layered network as
    :func:`~symcollapse.verification.layered.verify_layers` checked it: collapse, piecewise
    collapse, or certificate. ``convention`` ``row`` writes it with row vectors
    (``f(x) = x W_z + b_z``, ``f(x) = x W_z(D) + b_z(D)``): the column derivation transposed.
    ``digits`` (``--digits``): the numbers of a certificate or an instance are shown rounded,
    and their sections say so in words (what ``check`` holds them to)."""
    if not isinstance(checked, CheckedLayers):
        raise SpecError(f"expected CheckedLayers (see verify_layers), got {checked!r:.60}")
    result, seed = checked.result, checked.seed
    check_convention(convention)
    entries = dict(result.entries)
    sections = [network_section(result), layers_section(result), merge_section(result)]
    if result.verdict == "affine":
        sections.append(check_section(result))
        if result.has_bottleneck:
            W_z, _ = result.names[0]
            sections.append(rank_section(result, result.affine[0].matrix, W_z, seed))
    elif checked.piecewise is not None:
        numbered = piecewise_sections(
            result, checked.piecewise, checked.params, checked.x0, seed, checked.given
        )
        sections += [_rounded(section, digits) for section in numbered]
        entries |= mask_symbols(result)
    else:
        given = (checked.params, checked.x0) if checked.given else None
        sections += [_rounded(s, digits) for s in certificate_sections(result, seed, given)]
        entries |= OUTPUT_ENTRIES
    derivation = Derivation(
        title=("The network ", Code(result.spec.describe()), f": {_proven(result.verdict)}"),
        sections=tuple(s for s in sections if s.steps),
        symbols=entries,
    )
    return in_convention(derivation, convention)


def _rounded(section: Section, digits: int | None) -> Section:
    """``section`` saying in its first row's tag that its numbers are shown rounded to
    ``digits`` significant digits (unless exact decimals), when they are: the page states what
    it rounded, in every format (LaTeX fragments have no prose)."""
    if digits is None or not section.steps:
        return section
    first = section.steps[0]
    words = f"numbers shown rounded to {digits} significant digits"
    reason = (*first.reason, "; ", words) if first.reason else (words,)
    return replace(section, steps=(replace(first, reason=reason), *section.steps[1:]))


def _proven(verdict: str) -> str:
    """The verdict a finished document states: "not decided" only reaches one whose
    certificate was found (else certificate_sections refuses), so it is "not affine" there."""
    return "not affine" if verdict == "not decided" else verdict
