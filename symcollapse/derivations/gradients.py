"""The document for :func:`symcollapse.algebra.gradients.gradients`: backpropagation, checked.

Sections: the loss; the gradients at matrix level (each checked entry by entry against sympy's
derivative of the expanded loss); the data-set form of Saxe, McClelland and Ganguli (ICLR 2014,
eq. 13), checked against the derivative of a two-sample loss; at ``full``, every entry.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import output_symbol, product, total
from symcollapse.algebra.gradients import SAMPLES, Gradients, correlations, hidden_symbol
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.steps import chain
from symcollapse.doc.model import Derivation, Section, Step, Text
from symcollapse.doc.prose import HalfSquaredNorm
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.spec.detail import DEFAULT_DETAIL, check_detail

LOSS = symbols.scalar("loss")
LOSS_DATA = symbols.scalar("data_loss")
SAXE = "Saxe, McClelland and Ganguli (ICLR 2014, arXiv 1312.6120)"


def _error(gradients: Gradients) -> sp.MatrixExpr:
    m = gradients.network.widths[-1]
    return sp.MatAdd(
        output_symbol(m), sp.MatMul(-1, gradients.y_symbol, evaluate=False), evaluate=False
    )


def derive_gradients(
    gradients: Gradients,
    detail: str = DEFAULT_DETAIL,
    convention: Convention = DEFAULT_CONVENTION,
) -> Derivation:
    """The derivation of ``dL/dW_k`` and ``dL/db_k`` for every layer, as papers write it: the
    loss and the matrix forms (``brief``), the data-set form of Saxe et al. (``standard``), and
    only at ``full`` every entry written out; in ``convention`` (``row``: the transpose, with
    ``dL/dW_1 = x^T (f(x) - y) W_2^T ...``, see :mod:`symcollapse.derivations.convention`)."""
    check_convention(convention)
    level = check_detail(detail)
    widths = chain(gradients.network.widths)
    entries = (
        tuple(_entries_section(gradients, k) for k in range(gradients.network.depth))
        if level == "full"
        else ()
    )
    data = (_data_section(gradients),) if level != "brief" else ()
    derivation = Derivation(
        title=(f"Gradients of the squared loss of the {widths} network",),
        sections=(_loss_section(gradients), _matrix_section(gradients), *data, *entries),
        symbols=gradients.entries,
        collapse=gradients.collapse,
    )
    return in_convention(derivation, convention)


def _loss_section(gradients: Gradients) -> Section:
    net = gradients.network
    error = _error(gradients)
    steps = [
        Step(gradients.y_symbol, gradients.y, ("the target output",)),
        Step(LOSS, HalfSquaredNorm(error), ("squared loss of one sample",), ":="),
    ]
    previous: sp.MatrixExpr = net.x_symbol
    for k in range(1, net.depth):
        W, b = net.weight_symbols[k - 1], net.bias_symbols[k - 1]
        affine = total(product(W, previous), b)
        previous = hidden_symbol(k, net.widths[k])
        steps.append(Step(previous, affine, ("input of the next layer",), ":="))
    return Section(
        title=("The loss",),
        intro=(
            "The network of the collapse, a target ",
            gradients.y_symbol,
            " with one symbol per output, and the squared loss of one sample. ",
            "Each hidden vector is the input of the layer after it; the input of the first "
            "layer is ",
            net.x_symbol,
            ".",
        ),
        steps=tuple(steps),
    )


def _matrix_section(gradients: Gradients) -> Section:
    net = gradients.network
    steps = []
    for k in range(net.depth):
        steps += [
            Step(sp.Derivative(LOSS, net.weight_symbols[k]), gradients.W_expr[k], ("chain rule",)),
            Step(sp.Derivative(LOSS, net.bias_symbols[k]), gradients.b_expr[k], ("chain rule",)),
        ]
    return Section(
        title=("Backpropagation at matrix level",),
        intro=(
            "The error ",
            _error(gradients),
            " travels back through the transposed weights of the later layers and meets the "
            "input of the layer. Checked symbolically: each form, with the explicit matrices "
            "substituted and expanded, equals the derivative of the expanded loss by every "
            "entry symbol, exactly.",
        ),
        steps=tuple(steps),
    )


def _entries_section(gradients: Gradients, k: int) -> Section:
    """Every entry of layer ``k + 1``: one section per layer keeps each display block small."""
    net = gradients.network
    symbols, values = net.weights[k], gradients.W[k]
    steps = [
        Step(sp.Derivative(LOSS, symbols[i, j]), values[i, j])
        for i in range(symbols.rows)
        for j in range(symbols.cols)
    ]
    steps += [
        Step(sp.Derivative(LOSS, net.biases[k][i, 0]), gradients.b[k][i, 0])
        for i in range(net.biases[k].rows)
    ]
    return Section(
        title=(f"Every entry of layer {k + 1}",),
        intro=(
            "The forms above for ",
            net.weight_symbols[k],
            " and ",
            net.bias_symbols[k],
            ", written out entry by entry and expanded; each line equals the derivative of the "
            "expanded loss by its symbol (checked symbolically, exactly).",
        ),
        steps=tuple(steps),
    )


def _data_section(gradients: Gradients) -> Section:
    net = gradients.network
    d = net.widths
    mu, P = symbols.scalar("sample"), symbols.scalar("samples")
    x_mu, y_mu = symbols.matrix("x", d[0], 1, mu), symbols.matrix("y", d[-1], 1, mu)
    Sxx, Syx = correlations(d)
    W_z = gradients.collapse.W_z_symbol
    residual = sp.MatAdd(y_mu, sp.MatMul(-1, W_z, x_mu, evaluate=False), evaluate=False)
    steps = [
        # the collapsed weights the rows below use, stated (a reader must not guess them)
        Step(W_z, product(*net.weight_symbols[::-1]), ("the layers' product",), ":="),
        Step(Sxx, sp.Sum(product(x_mu, sp.Transpose(x_mu)), (mu, 1, P)), ("definition",), ":="),
        Step(Syx, sp.Sum(product(y_mu, sp.Transpose(x_mu)), (mu, 1, P)), ("definition",), ":="),
        Step(
            LOSS_DATA,
            sp.Sum(HalfSquaredNorm(residual), (mu, 1, P)),
            ("squared loss of the data set",),
            ":=",
        ),
    ]
    reason: Text = ("eq. 13 of Saxe et al., as a gradient",)
    steps += [
        Step(sp.Derivative(LOSS_DATA, net.weight_symbols[k]), gradients.W_data_expr[k], reason)
        for k in range(net.depth)
    ]
    return Section(
        title=("Over a data set, without biases",),
        intro=(
            "With samples ",
            sp.Tuple(x_mu, y_mu),
            " and no biases, the gradients depend on the data only through ",
            Sxx,
            " and ",
            Syx,
            ". The paper writes the flow ",
            sp.Eq(
                symbols.scalar("tau") * sp.Derivative(net.weight_symbols[0], symbols.scalar("t")),
                -sp.Derivative(LOSS_DATA, net.weight_symbols[0]),
                evaluate=False,
            ),
            " with the error ",
            sp.MatAdd(Syx, sp.MatMul(-1, W_z, Sxx, evaluate=False), evaluate=False),
            ", the negative of the one here; its loss has no factor one half, a factor of two "
            "it absorbs into the time constant. Each gradient below is checked symbolically "
            "against the derivative of the expanded loss of ",
            sp.Integer(SAMPLES),
            " symbolic samples (" + SAXE + ", eq. 13).",
        ),
        steps=tuple(steps),
    )
