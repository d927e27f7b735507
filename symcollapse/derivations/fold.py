"""The document of a fold: the model's layers, the collapse, ``W_z`` and ``b_z`` as decimals,
and the runtime check. Exact values are the JSON output's; documents show decimals."""

from __future__ import annotations

from dataclasses import replace
from decimal import Context, Decimal
from fractions import Fraction

import numpy as np
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import bias_terms, output_symbol, product, total
from symcollapse.algebra.fold import Fold
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.steps import chain
from symcollapse.doc.model import Derivation, Section, Step, Text
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


def decimal(value: Fraction, dtype: np.dtype, digits: int | None) -> sp.Number:
    """``value`` as a decimal: ``digits`` significant digits (correctly rounded), or by default
    the shortest decimal that reads back as the nearest number of the model's float type."""
    if digits is None:
        nearest = dtype.type(float(value))  # once to float64, then to dtype
        text = np.format_float_positional(nearest, unique=True, trim="-")
        if "e" not in text and len(text.lstrip("-").replace(".", "").lstrip("0")) > 12:
            text = np.format_float_scientific(nearest, unique=True, trim="-")
    else:
        text = str(Context(prec=digits).divide(Decimal(value.numerator), value.denominator))
    number = Decimal(text)
    if number == number.to_integral_value() and abs(number) < 10**15:
        return sp.Integer(int(number))
    significant = len(number.as_tuple().digits)
    return sp.Float(text, max(significant, 2))


def decimals(values: np.ndarray, dtype: np.dtype, digits: int | None) -> sp.ImmutableMatrix:
    """A matrix (or a column, from a vector) of decimals of exact fractions."""
    rows = values.reshape(values.shape[0], -1)
    return sp.ImmutableMatrix([[decimal(v, dtype, digits) for v in row] for row in rows.tolist()])


def _terminating(value: sp.Rational) -> sp.Number:
    """An exact rational whose denominator is ``2**a 5**b`` as the decimal it is, all digits."""
    q, twos, fives = int(value.q), 0, 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    if q != 1 or value.is_Integer:
        return value
    places = max(twos, fives)
    exact = Decimal(int(value.p) * (10**places // int(value.q))).scaleb(-places)
    return sp.Float(str(exact), max(len(exact.as_tuple().digits), 2))


def as_decimals(derivation: Derivation) -> Derivation:
    """The same derivation with every terminating rational shown as its exact decimal: the
    numbers of a model read as decimals stay decimals through products and sums."""

    def convert(part):
        if not isinstance(part, sp.Basic):
            return part
        return part.xreplace({r: _terminating(r) for r in part.atoms(sp.Rational)})

    sections = tuple(
        replace(
            section,
            steps=tuple(
                replace(step, lhs=convert(step.lhs), rhs=convert(step.rhs))
                for step in section.steps
            ),
        )
        for section in derivation.sections
    )
    return replace(derivation, sections=sections)


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
            steps.append(Step(symbol, decimals(value.fractions(), dtype, digits)))
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
        decimal(Fraction(check.max_deviation), np.dtype("float64"), 3),
        f", {verdict} the float rounding bound of the model's layers, at most ",
        decimal(Fraction(check.bound), np.dtype("float64"), 3),
        ".",
    )
