"""The document of a fold: the model's layers, the collapse, ``W_z`` and ``b_z`` exactly, and
the runtime check. The document says its numbers are shown as decimals; its printers write them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import bias_terms, output_symbol, product, total
from symcollapse.algebra.fold import Fold
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.steps import chain
from symcollapse.doc.model import Decimals, Derivation, Section, Step, Text
from symcollapse.doc.prose import Rounded
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.verification.runtime import RuntimeCheck

#: ``W_z`` and ``b_z`` are written out in a document only up to this many entries.
MAX_SHOWN_ENTRIES = 400

#: Model kinds in words, for the prose.
KIND_WORDS = {
    "onnx": "an ONNX file",
    "safetensors": "a safetensors file",
    "npz": "a numpy archive",
    "torch": "a PyTorch file",
    "module": "a PyTorch module",
    "sklearn": "a scikit-learn estimator",
    "keras": "a Keras model",
    "pairs": "a list of (W, b) pairs",
}


def exact(values: np.ndarray) -> sp.ImmutableMatrix:
    """A matrix (or a column, from a vector) of exact fractions, as sympy rationals."""
    rows = values.reshape(values.shape[0], -1)
    return sp.ImmutableMatrix(
        [[sp.Rational(v.numerator, v.denominator) for v in row] for row in rows.tolist()]
    )


def derive_fold(
    result: Fold,
    check: RuntimeCheck | None,
    digits: int | None = None,
    convention: Convention = DEFAULT_CONVENTION,
) -> Derivation:
    """The derivation of ``f(x) = W_z x + b_z`` for a trained model, with its numbers; in
    ``convention`` (``row``: ``f(x) = x W_z + b_z``, every matrix transposed, as ``nn.Linear``
    writes it)."""
    check_convention(convention)
    model = result.model
    widths = model.widths
    n = len(model.layers)
    x = symbols.matrix("x", widths[0])
    W = [symbols.matrix("W", widths[k], widths[k - 1], k) for k in range(1, n + 1)]
    b = [symbols.matrix("b", widths[k], 1, k) for k in range(1, n + 1)]
    W_z = symbols.matrix("W_z", widths[-1], widths[0])
    b_z = symbols.matrix("b_z", widths[-1])
    sections = [_layers_section(result, x, W, b)] if n else []
    if n:
        sections.append(_collapse_section(result, x, W, b, W_z, b_z))
    numbers = _numbers_section(result, W_z, b_z, digits)
    if check is not None:
        numbers = replace(numbers, intro=numbers.intro + _check_text(check, x, W_z, b_z))
    if numbers.steps or not sections:
        sections.append(numbers)
    else:  # nothing small enough to show: its words join the section before
        sections[-1] = replace(sections[-1], intro=(*sections[-1].intro, " ", *numbers.intro))
    derivation = Derivation(
        title=(f"Folding a trained {chain(widths)} model",),
        sections=tuple(sections),
        symbols={},
        numbers=Decimals(digits, None if digits is not None else str(result.model.dtype)),
    )
    return in_convention(derivation, convention)


def _layers_section(result: Fold, x, W, b) -> Section:
    h = [x] + [symbols.matrix("h", W[k - 1].shape[0], 1, sup=k) for k in range(1, len(W) + 1)]
    steps = tuple(
        Step(h[k + 1], sp.MatAdd(sp.MatMul(W[k], h[k]), b[k]), (layer.op,))
        for k, layer in enumerate(result.model.layers)
    )
    intro: Text = (
        f"The model is read from {KIND_WORDS[result.model.kind]}; every one of its ",
        sp.Integer(len(W)),
        " layers is affine, so each is one matrix and one vector.",
    )
    return Section(title=("The layers",), intro=intro, steps=steps)


def _collapse_section(result: Fold, x, W, b, W_z, b_z) -> Section:
    nested = x
    for W_k, b_k in zip(W, b, strict=True):
        nested = sp.MatAdd(sp.MatMul(W_k, nested), b_k)
    return Section(
        title=("Folding the layers",),
        intro=("Multiplying out the nested layers leaves one affine map.",),
        steps=(
            Step(output_symbol(W_z.shape[0]), nested),
            Step(None, sp.MatAdd(sp.MatMul(W_z, x), b_z), ("distribute and group",)),
            Step(W_z, product(*W[::-1]), ("definition",), ":="),
            Step(b_z, total(*bias_terms(W, b)), ("definition",), ":="),
        ),
    )


def _numbers_section(result: Fold, W_z, b_z, digits: int | None) -> Section:
    """``W_z`` and ``b_z`` as decimals, each when it has at most ``MAX_SHOWN_ENTRIES`` entries."""
    dtype = result.model.dtype
    precision = (
        f"rounded to {digits} significant digits"
        if digits is not None
        else f"as the shortest decimals of the nearest {dtype} numbers"
    )
    intro: Text = (
        "Both were computed exactly from the stored floats, which are binary fractions; "
        f"they are shown {precision}, and the JSON output holds them exactly.",
    )
    steps = []
    for symbol, value in ((W_z, result.W_z), (b_z, result.b_z)):
        if value.size <= MAX_SHOWN_ENTRIES:
            steps.append(Step(symbol, exact(value.fractions())))
        else:
            intro += (
                " ",
                symbol,
                " has ",
                sp.Integer(value.size),
                " entries: too many to show.",
            )
    return Section(title=("The folded numbers",), intro=intro, steps=tuple(steps))


def _check_text(check: RuntimeCheck, x, W_z, b_z) -> Text:
    verdict = "within" if check.holds else "above"
    run = (
        f" The original model, run by {check.runtime} at "
        if check.independent
        else " No runtime that reads the file itself was available, so only an arithmetic "
        f"re-run of the layers as read was possible: {check.runtime}, at "
    )
    return (
        run,
        sp.Integer(check.samples),
        " random inputs, and the folded map ",
        sp.MatAdd(sp.MatMul(W_z, x), b_z),
        " in double precision differ by at most ",
        Rounded(sp.Rational(check.max_deviation), 3),
        f", {verdict} the float rounding bound of the model's layers, at most ",
        Rounded(sp.Rational(check.bound), 3),
        ".",
    )
