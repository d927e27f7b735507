"""The regression view as a document: the numbers, the samples, the normal equations, and
``W_z``, ``b_z`` read off ``Theta`` (the exact least squares is
:mod:`symcollapse.algebra.regression`).
"""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import bias_terms, product, total
from symcollapse.algebra.regression import Regression
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.numeric import numbers_section
from symcollapse.derivations.steps import chain
from symcollapse.doc.model import Checked, Derivation, Section, Step, Text
from symcollapse.errors import SpecError
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.verification.results import check_normal_equations

#: The solution is substituted back into the normal equations, in exact rationals.
SOLVED = Checked("exact rational arithmetic: the solution satisfies the normal equations")
#: What least squares recovered equals the collapse computed from the weights, exactly.
SAME = Checked("exact rational arithmetic: equal to the collapse from the products of the weights")


def derive_regression(
    result: Regression, convention: Convention = DEFAULT_CONVENTION
) -> Derivation:
    """The numbers, the samples, the normal equations, and ``W_z``, ``b_z`` read off ``Theta``.

    The samples are rows (``Y = X Theta``) in either ``convention``; in the ``row`` one the
    numbers are the row form's (``W_k`` of ``d_{k-1}`` rows) and ``Theta`` is ``b_z`` over
    ``W_z`` as it stands, since a sample's output ``x W_z + b_z`` is its row of ``X Theta``."""
    row = check_convention(convention) == "row"
    if not isinstance(result, Regression):
        raise SpecError(f"expected a Regression (see regress), got {result!r:.60}")
    title = (f"The collapsed map of the {chain(result.numeric.widths)} network by least squares",)
    numbers = Derivation(
        title=title,
        sections=(numbers_section(result.numeric),),
        symbols=result.numeric.network.entries,
    )
    numbers = in_convention(numbers, convention)  # the rest is the same in both conventions
    return Derivation(
        title=title,
        sections=(
            *numbers.sections,
            _samples_section(result),
            _normal_section(result),
            _recovered_section(result, row),
        ),
        symbols=numbers.symbols,
        convention=numbers.convention,
    )


def _names(result: Regression) -> tuple[sp.MatrixSymbol, sp.MatrixSymbol, sp.MatrixSymbol]:
    X, Y, Theta = result.X, result.Y, result.Theta
    return (
        symbols.matrix("X", *X.shape),
        symbols.matrix("Y", *Y.shape),
        symbols.matrix("Theta", *Theta.shape),
    )


def _inputs(result: Regression) -> Text:
    """Which inputs were sampled: words, with the range's bounds as numbers (never typed)."""
    sampling = result.sampling
    if sampling is None:
        return (f"{result.samples} given inputs",)
    return (
        f"{result.samples} inputs with integer entries from ",
        sp.Integer(sampling.low),
        " to ",
        sp.Integer(sampling.high),
        f" (seed {sampling.seed})",
    )


def _samples_section(result: Regression) -> Section:
    X, Y, _ = _names(result)
    return Section(
        title=("The samples",),
        intro=(
            "Sample ",
            *_inputs(result),
            ". Row ",
            symbols.scalar("i"),
            " of ",
            X,
            " is 1 followed by the input, row ",
            symbols.scalar("i"),
            " of ",
            Y,
            " is the network's output at that input, computed exactly by the nested forward pass.",
        ),
        steps=(Step(X, result.X), Step(Y, result.Y)),
    )


def _normal_section(result: Regression) -> Section:
    X, Y, Theta = _names(result)
    G = result.X.T * result.X
    XtX = sp.MatMul(sp.Transpose(X), X, evaluate=False)
    XtY = sp.MatMul(sp.Transpose(X), Y, evaluate=False)
    check_normal_equations(result)
    return Section(
        title=("The normal equations",),
        intro=(
            "Least squares minimises the sum of squared residuals of ",
            sp.MatAdd(Y, sp.MatMul(-1, X, Theta, evaluate=False), evaluate=False),
            "; its minimiser solves the normal equations. ",
            XtX,
            " is invertible because ",
            X,
            f" has full column rank {result.X.cols}, so the solution is unique; it is computed "
            "in exact rational arithmetic.",
        ),
        steps=(
            Step(
                sp.MatMul(*XtX.args, Theta, evaluate=False),
                XtY,
                ("normal equations",),
                check=SOLVED,
            ),
            Step(XtX, G),
            Step(XtY, result.X.T * result.Y),
            # the inverse on its own row, each number shown once: a product of the shown
            # inverse and X^T Y would repeat them, where a copied number is checked only as
            # loosely as the product's other entries allow
            Step(sp.Inverse(XtX), G.inv()),
            Step(Theta, sp.MatMul(sp.Inverse(XtX), XtY, evaluate=False)),
            Step(None, result.Theta, check=SOLVED),
        ),
    )


def _recovered_section(result: Regression, row: bool) -> Section:
    """``W_z`` and ``b_z`` read off ``Theta``: its rows transposed, or in the ``row``
    convention as they stand (a sample's output ``x W_z + b_z`` is its row of ``X Theta``);
    each followed by the collapse computed from the network's numbers (``W_z = W_2 W_1``,
    ``b_z = W_2 b_1 + b_2``), so that the regression's answer is seen, and checked, to be the
    collapse: a row that names ``W_z`` uses the one read off (a result renamed by hand is
    caught: no other row would use it)."""
    weights = result.numeric.network.weight_symbols
    biases = result.numeric.network.bias_symbols
    X, _, Theta = _names(result)
    d_0, d_n = result.W_z.cols, result.W_z.rows
    if row:
        W_z, b_z = symbols.matrix("W_z", d_0, d_n), symbols.matrix("b_z", 1, d_n)
        factors = tuple(symbols.matrix("W", W.cols, W.rows, k) for k, W in enumerate(weights, 1))
        rows = [symbols.matrix("b", 1, b.rows, k) for k, b in enumerate(biases, 1)]
        terms = [product(b, *factors[k + 1 :]) for k, b in enumerate(rows)]
        values = (result.W_z.T, result.b_z.T)
        said: Text = (
            "A sample's output is ",
            sp.MatAdd(product(symbols.matrix("x", 1, d_0), W_z), b_z, evaluate=False),
            ", its row of ",
            sp.MatMul(X, Theta, evaluate=False),
            ", so the first row of ",
            Theta,
            " is the bias and the other rows are the weights, as they stand; ",
        )
    else:
        W_z, b_z = symbols.matrix("W_z", d_n, d_0), symbols.matrix("b_z", d_n)
        factors = weights[::-1]
        terms = bias_terms(weights, biases)
        values = (result.W_z, result.b_z)
        said = (
            "The first row of ",
            Theta,
            " is the transposed bias, the other rows the transposed weights; ",
        )
    transposed = () if row else (", transposed",)
    return Section(
        title=("The collapsed map from the regression",),
        intro=(
            *said,
            "they equal the collapse computed from the products of the weights, exactly, so "
            "least squares on the network's outputs recovers ",
            W_z,
            " and ",
            b_z,
            " without gradient descent.",
        ),
        steps=(
            Step(W_z, values[0], ("rows 2 to the end of ", Theta, *transposed), check=SAME),
            Step(W_z, product(*factors), ("product of the weights",), check=SAME),
            Step(b_z, values[1], ("row 1 of ", Theta, *transposed), check=SAME),
            Step(b_z, total(*terms), ("the biases through the later weights",), check=SAME),
        ),
    )
