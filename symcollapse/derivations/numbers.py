"""The collapse with numbers as a document: the matrices, their products step by step, the
collapsed map, and the layer-by-layer check (the algebra is :mod:`symcollapse.algebra.numbers`).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.affine import activations
from symcollapse.algebra.expressions import (
    bias_terms,
    expand_entries,
    output_symbol,
    product,
    total,
    vanishes,
)
from symcollapse.algebra.numbers import NumericCollapse
from symcollapse.derivations.steps import chain
from symcollapse.doc.model import Checked, Derivation, Section, Step, Text
from symcollapse.errors import SpecError, VerificationError

#: How each computed line is checked: its value against the line before, in exact rationals.
EXACT = Checked("exact rational arithmetic, against the line before")


def _checked(previous: sp.MatrixBase, step: Step) -> Step:
    """``step`` after checking its right side has the same value as ``previous``."""
    if not vanishes(sp.Matrix(previous.doit()) - sp.Matrix(step.rhs.doit())):
        raise VerificationError(f"numeric step {step.reason} does not hold")
    return replace(step, check=EXACT)


def derive_values(result: NumericCollapse) -> Derivation:
    """The derivation with numbers: the matrices, their products, the collapsed map, a check."""
    if not isinstance(result, NumericCollapse):
        raise SpecError(f"expected a NumericCollapse (see collapse_values), got {result!r:.60}")
    return Derivation(
        title=(f"The {chain(result.widths)} network with numbers ({result.values.source})",),
        sections=(
            numbers_section(result),
            _weights_section(result),
            _bias_section(result),
            _map_section(result),
            _check_section(result),
        ),
        symbols=result.network.entries,
        collapse=result,
    )


def numbers_section(result: NumericCollapse) -> Section:
    """The weights and biases as numbers: the first section of every derivation with numbers."""
    net, values = result.network, result.values
    steps = []
    for W_sym, W, b_sym, b in zip(
        net.weight_symbols, values.weights, net.bias_symbols, values.biases, strict=True
    ):
        steps += [Step(W_sym, W), Step(b_sym, b)]
    return Section(
        title=("The numbers",),
        intro=(
            f"Every weight and bias is an exact rational number ({values.source}), "
            "so each step below can be followed with a pencil.",
        ),
        steps=tuple(steps),
    )


def _weights_section(result: NumericCollapse) -> Section:
    net, weights = result.network, result.values.weights
    names = net.weight_symbols
    W_z = symbols.matrix("W_z", *result.W_z.shape)
    steps = [Step(W_z, product(*names[::-1]), ("definition",), ":=")]
    if len(weights) > 1:
        steps.append(Step(None, product(*weights[::-1])))
        partial = weights[0]
        for k in range(1, len(weights)):
            partial = sp.ImmutableMatrix(weights[k] * partial)
            rest = [*weights[k + 1 :][::-1], partial]
            reason: Text = ("multiply ", names[k], " by the product to its right")
            steps.append(_checked(steps[-1].rhs, Step(None, product(*rest), reason)))
    else:
        steps.append(Step(None, weights[0]))
    if steps[-1].rhs != result.W_z:
        raise VerificationError("the product of the numeric weights is not W_z")
    return Section(
        title=("The collapsed weights",),
        intro=("Multiply the weight matrices from the right, one at a time.",),
        steps=tuple(steps),
    )


def _bias_section(result: NumericCollapse) -> Section:
    net, values = result.network, result.values
    W, b = net.weight_symbols, net.bias_symbols
    n = len(b)
    b_z = symbols.matrix("b_z", *result.b_z.shape)
    symbolic_terms = bias_terms(W, b)
    numeric_terms = bias_terms(values.weights, values.biases)
    vectors = [sp.ImmutableMatrix(sp.Matrix(t.doit())) for t in numeric_terms]
    steps = [Step(b_z, total(*symbolic_terms), ("definition",), ":=")]
    if n > 1:
        steps.append(Step(None, total(*numeric_terms)))
        steps.append(_checked(steps[-1].rhs, Step(None, total(*vectors), ("multiply",))))
        steps.append(_checked(steps[-1].rhs, Step(None, result.b_z, ("add",))))
    else:
        steps.append(_checked(values.biases[0], Step(None, result.b_z)))
    return Section(
        title=("The collapsed bias",),
        intro=("Each bias is carried through the weights of the layers after it.",),
        steps=tuple(steps),
    )


def _map_section(result: NumericCollapse) -> Section:
    net = result.network
    W_z = symbols.matrix("W_z", *result.W_z.shape)
    b_z = symbols.matrix("b_z", *result.b_z.shape)
    collapsed = result.W_z * net.x + result.b_z
    return Section(
        title=("The collapsed map",),
        intro=("One affine map replaces the whole network:",),
        steps=(
            Step(
                output_symbol(result.widths[-1]),
                total(product(W_z, net.x_symbol), b_z),
            ),
            Step(
                None,
                total(product(result.W_z, net.x), result.b_z),
            ),
            Step(None, expand_entries(collapsed)),
        ),
    )


def _check_section(result: NumericCollapse) -> Section:
    """The forward pass with the numbers, a layer at a time (``h_k = W_k h_{k-1} + b_k`` from
    ``h_0 = x``), so that every line fits a page, each layer's output expanded and checked."""
    net, values = result.network, result.values
    hs = activations(net.x, values.weights, values.biases, expand_entries)
    shown_input: sp.MatrixExpr = net.x_symbol
    steps: list[Step] = []
    layers = len(values.weights)
    for k, (W, b) in enumerate(zip(values.weights, values.biases, strict=True), start=1):
        hidden = sp.MatrixSymbol(f"h_{k}", W.rows, 1)
        name = output_symbol(result.widths[-1]) if k == layers else hidden
        shown = total(product(W, shown_input), b)
        applied = total(product(W, hs[k - 1]), b)
        reason: Text = ("forward pass, one layer at a time",) if k == 1 else ()
        steps += [Step(name, shown, reason), _checked(applied, Step(None, hs[k], ("expanded",)))]
        shown_input = name
    if sp.Matrix(hs[-1]) != sp.Matrix(result.output):
        raise VerificationError("the forward pass with the numbers is not W_z x + b_z")
    intro: Text = ("The forward pass with the same numbers, expanded, gives the same affine map",)
    if result.symbolic is not None:
        intro += (
            "; and substituting the numbers into the symbolic entries of ",
            result.symbolic.W_z_symbol,
            " and ",
            result.symbolic.b_z_symbol,
            " gives the same matrices. Both were checked exactly in rational arithmetic.",
        )
    else:
        intro += (", checked exactly in rational arithmetic.",)
    return Section(
        title=("Check",),
        intro=intro,
        steps=tuple(steps),
    )
