"""The collapse with numbers as a document: the matrices, the forward pass through the hidden
units, the products step by step, the collapsed map, and a check (the
algebra is :mod:`symcollapse.algebra.numeric`).
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
)
from symcollapse.algebra.numeric import NumericCollapse
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.steps import chain
from symcollapse.derivations.textbook import hidden
from symcollapse.doc.model import Checked, Decimals, Derivation, Section, Step, Text
from symcollapse.doc.prose import Applied
from symcollapse.errors import SpecError
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.spec.detail import DEFAULT_DETAIL, Detail, check_detail
from symcollapse.verification.numeric import check_closed_forms, check_forward, check_same_value

#: How each computed line is checked: its value against the line before, in exact rationals.
EXACT = Checked("exact rational arithmetic, against the line before")


def _checked(previous: sp.MatrixBase, step: Step) -> Step:
    """``step`` after checking its right side has the same value as ``previous``."""
    check_same_value(previous, step.rhs, f"numeric step {step.reason}")
    return replace(step, check=EXACT)


def derive_values(
    result: NumericCollapse,
    detail: Detail = DEFAULT_DETAIL,
    numbers: Decimals | None = None,
    convention: Convention = DEFAULT_CONVENTION,
) -> Derivation:
    """The derivation with numbers: the matrices, the forward pass through the hidden units,
    the collapsed map and a check. ``brief`` gives ``W_z`` and ``b_z`` without the products
    that make them and no check; ``standard`` and ``full`` give everything. ``numbers`` says
    how its printers show the numbers (a model's: ``Decimals()``); ``convention`` ``row``
    writes it with row vectors (``x W + b``; the numbers' ``W_k`` transposed)."""
    check_convention(convention)
    if not isinstance(result, NumericCollapse):
        raise SpecError(f"expected a NumericCollapse (see collapse_values), got {result!r:.60}")
    collapsed: tuple[Section, ...]
    if check_detail(detail) == "brief":
        collapsed = (_collapsed_section(result), _map_section(result))
    else:
        collapsed = (
            _weights_section(result),
            _bias_section(result),
            _map_section(result),
            _check_section(result),
        )
    derivation = Derivation(
        title=(f"The {chain(result.widths)} network with numbers",),
        sections=(numbers_section(result), _forward_section(result), *collapsed),
        symbols=result.network.entries,
        collapse=result,
        numbers=numbers,
    )
    return in_convention(derivation, convention)


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
    steps = [Step(W_z, product(*names[::-1]), relation=":=")]
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
    check_same_value(result.W_z, steps[-1].rhs, "the product of the numeric weights = W_z")
    steps[-1] = replace(steps[-1], key=True)
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
    steps = [Step(b_z, total(*symbolic_terms), relation=":=")]
    if n > 1:
        steps.append(Step(None, total(*numeric_terms)))
        steps.append(_checked(steps[-1].rhs, Step(None, total(*vectors), ("multiply",))))
        steps.append(_checked(steps[-1].rhs, Step(None, result.b_z, ("add",))))
    else:
        steps.append(_checked(values.biases[0], Step(None, result.b_z)))
    steps[-1] = replace(steps[-1], key=True)
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
            *_scalar_form(result, expand_entries(collapsed)),
        ),
    )


def _scalar_form(result: NumericCollapse, collapsed: sp.ImmutableMatrix) -> tuple[Step, ...]:
    """The map expanded: for one output the scalar form ``f(x_1, x_2) = -84 x_1 + 93 x_2 - 29``
    (a 1x1 matrix is its entry), else the vector of outputs."""
    if collapsed.shape != (1, 1):
        return (Step(None, collapsed),)
    scalar = Step(Applied(symbols.scalar("f"), *result.network.x), collapsed[0, 0], key=True)
    return (_checked(collapsed, scalar),)


def _forward_section(result: NumericCollapse) -> Section:
    """The forward pass with the numbers, a layer at a time (``h^{(k)} = W_k h^{(k-1)} + b_k``
    from ``h^{(0)} = x``), so that every line fits a page, each layer's output expanded and
    checked."""
    net, values = result.network, result.values
    hs = activations(net.x, values.weights, values.biases, expand_entries)
    shown_input: sp.MatrixExpr = net.x_symbol
    steps: list[Step] = []
    layers = len(values.weights)
    for k, (W, b) in enumerate(zip(values.weights, values.biases, strict=True), start=1):
        name = output_symbol(result.widths[-1]) if k == layers else hidden(k, W.rows)
        shown = total(product(W, shown_input), b)
        applied = total(product(W, hs[k - 1]), b)
        expanded = hs[k][0, 0] if hs[k].shape == (1, 1) else hs[k]  # one output is a number
        steps += [Step(name, shown), _checked(applied, Step(None, expanded, ("expanded",)))]
        shown_input = name
    check_same_value(result.output, hs[-1], "the forward pass with the numbers = W_z x + b_z")
    intro: Text = ("Each layer applied to the one before, starting from the input ",)
    intro += (net.x_symbol, "; the hidden units are affine in ", net.x_symbol, ":")
    return Section(title=("The forward pass",), intro=intro, steps=tuple(steps))


def _collapsed_section(result: NumericCollapse) -> Section:
    """``W_z`` and ``b_z`` as closed forms and their values, checked against the forward pass."""
    net = result.network
    W_z = symbols.matrix("W_z", *result.W_z.shape)
    b_z = symbols.matrix("b_z", *result.b_z.shape)
    check_closed_forms(result)
    return Section(
        title=("The collapse",),
        intro=("Multiplied out, the weights and biases give one affine map:",),
        steps=(
            Step(W_z, product(*net.weight_symbols[::-1]), relation=":="),
            _checked(result.W_z, Step(None, result.W_z, key=True)),
            Step(b_z, total(*bias_terms(net.weight_symbols, net.bias_symbols)), relation=":="),
            _checked(result.b_z, Step(None, result.b_z, key=True)),
        ),
    )


def _check_section(result: NumericCollapse) -> Section:
    """The forward pass against the collapsed map: their difference, expanded, is zero."""
    net = result.network
    check_forward(result)
    W_z = symbols.matrix("W_z", *result.W_z.shape)
    b_z = symbols.matrix("b_z", *result.b_z.shape)
    collapsed = total(product(W_z, net.x_symbol), b_z)
    lhs = sp.MatAdd(
        output_symbol(result.widths[-1]), sp.MatMul(-1, collapsed, evaluate=False), evaluate=False
    )
    intro: Text = ("The forward pass above, minus ", collapsed, ", expands to zero")
    if result.symbolic is not None:
        intro += (
            "; and substituting the numbers into the symbolic entries of ",
            result.symbolic.W_z_symbol,
            " and ",
            result.symbolic.b_z_symbol,
            " gives the same matrices",
        )
    intro += (". Both were checked exactly in rational arithmetic.",)
    zero = sp.ZeroMatrix(result.widths[-1], 1)
    return Section(
        title=("Check",),
        intro=intro,
        steps=(Step(lhs, zero, ("expanded entrywise",), check=EXACT),),
    )
