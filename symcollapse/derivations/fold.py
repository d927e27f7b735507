"""The document of a fold: the model's layers, its stored weights, the collapse, ``W_z`` and
``b_z``, and the runtime check.

The document says in words how its numbers are shown, so that a reader can check every row from
the page: each stored weight as the shortest decimal that rounds to it ("each decimal stands for
the float32 number nearest to it"), ``W_z`` and ``b_z`` as "the shortest decimals of the nearest
float32 numbers" of their exact values (or "rounded to N significant digits"). A LaTeX fragment
prints no words, so there the rows' reasons say it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import numpy as np
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import bias_terms, output_symbol, product, total
from symcollapse.algebra.fold import Fold
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.steps import chain
from symcollapse.derivations.textbook import hidden, substitution
from symcollapse.doc.model import Decimals, Derivation, Section, Step, Text
from symcollapse.doc.prose import Rounded
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.verification.runtime import RuntimeCheck

#: ``W_z`` and ``b_z`` are written out in a document only up to this many entries (a 20x20
#: matrix is about the most a page shows legibly, and larger ones are written entry by entry).
MAX_SHOWN_ENTRIES = 400

#: The stored weights are shown all or none (``W_z`` cannot be checked from some of them): when
#: every ``W_k`` and ``b_k`` has at most :data:`MAX_SHOWN_ENTRIES` entries and all of them
#: together at most this many numbers, two full 20x20 layers with their biases. Each is read
#: back and the chain checked exactly in symbols: about 2 s for a 20-20-20 model, 7 s for
#: 20-20-20-20, 33 s for ten 20x20 layers (measured on this machine's 2 cores).
MAX_SHOWN_WEIGHTS = 1_000

#: The float types the stored weights are shown in, narrowest first (bfloat16 weights are read
#: widened to float32, whose numbers they are).
WEIGHT_TYPES = ("float16", "float32", "float64")

#: The roles of the symbols every fold document of a model with layers prints, known before the
#: model is read, so that ``--names`` a document cannot print is refused before any work.
ROLES = frozenset({"x", "W", "b", "h", "f", "W_z", "b_z"})

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


def nearest(value: Fraction, dtype: np.dtype) -> np.floating:
    """The ``dtype`` number nearest to ``value`` (ties to even). Rounded first to the float64
    whose last bit is odd when ``value`` lies strictly between two float64 numbers (rounding to
    odd), then once to ``dtype``: with the 29 spare bits float64 has over float32 that double
    rounding is the correct rounding (Boldo and Melquiond 2008), where rounding to nearest twice
    is not (a float64 tie of float32 not tied exactly)."""
    rounded = float(value)
    if (
        dtype != np.float64
        and Fraction(rounded) != value
        and not np.float64(rounded).view(np.int64) & 1
    ):
        rounded = float(np.nextafter(rounded, np.inf if value > rounded else -np.inf))
    return dtype.type(rounded)


def shortest(number: np.floating) -> sp.Number:
    """``number`` (a float of its type) as the shortest decimal that rounds back to it: an
    integer as itself, else a sympy Float of exactly those digits, which printers write as is."""
    text = np.format_float_positional(number, unique=True, trim="-")
    value = Decimal(text)
    if value == value.to_integral_value() and abs(value) < 10**15:
        return sp.Integer(int(value))
    if len(value.as_tuple().digits) > 12:  # 1e-30, not 0.000...0001
        text = np.format_float_scientific(number, unique=True, trim="-")
    return sp.Float(text, max(len(Decimal(text).as_tuple().digits), 2))


def shown(values: np.ndarray, dtype: np.dtype) -> sp.ImmutableMatrix:
    """Exact fractions (a matrix, or a vector as a column) as the shortest decimals of the
    nearest ``dtype`` numbers."""
    rows = values.reshape(values.shape[0], -1)
    return sp.ImmutableMatrix([[shortest(nearest(v, dtype)) for v in row] for row in rows.tolist()])


def scaled(values: np.ndarray, scale: float) -> np.ndarray:
    """``scale * values`` exactly, as fractions (the layer a model's reader made)."""
    return np.frompyfunc(lambda v: Fraction(v) * Fraction(scale), 1, 1)(values)


def stored_type(result: Fold) -> str | None:
    """The narrowest float type of :data:`WEIGHT_TYPES` holding every weight and bias exactly,
    scales included (a batch norm's ``gamma / sqrt(var + eps)`` is a float64); None if one is no
    float64 (a scale times a weight needs more bits)."""
    exact_values = [
        v
        for layer in result.model.layers
        for values, scale in ((layer.weight, layer.weight_scale), (layer.bias, layer.bias_scale))
        for v in scaled(values, scale).reshape(-1)
    ]
    for name in WEIGHT_TYPES[WEIGHT_TYPES.index(str(result.model.dtype)) :]:
        dtype = np.dtype(name)
        if all(Fraction(float(nearest(v, dtype))) == v for v in exact_values):
            return name
    return None


def hidden_weights(result: Fold) -> str | None:
    """Why the stored weights are not shown (None if they are): too many of them (see
    :data:`MAX_SHOWN_WEIGHTS`), or weights no float type holds."""
    sizes = [values.size for layer in result.model.layers for values in (layer.weight, layer.bias)]
    total, largest = sum(sizes), max(sizes, default=0)
    if largest > MAX_SHOWN_ENTRIES or total > MAX_SHOWN_WEIGHTS:
        return (
            f"{total:,} numbers, the largest matrix of {largest:,} entries, where a document "
            f"shows at most {MAX_SHOWN_WEIGHTS:,} in all and {MAX_SHOWN_ENTRIES} in one matrix"
        )
    if stored_type(result) is None:
        return "a scale times a weight needs more bits than a float64 number has"
    return None


def derive_fold(
    result: Fold,
    check: RuntimeCheck | None,
    digits: int | None = None,
    convention: Convention = DEFAULT_CONVENTION,
    words: bool = True,
) -> Derivation:
    """The derivation of ``f(x) = W_z x + b_z`` for a trained model, with its numbers; in
    ``convention`` (``row``: ``f(x) = x W_z + b_z``, every matrix transposed, as ``nn.Linear``
    writes it). Without ``words`` (a LaTeX fragment prints none) the rows that show numbers say
    in their reasons how they are shown."""
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
    hidden = hidden_weights(result) if n else None
    if n and hidden is None:
        sections.append(_weights_section(result, W, b, words))
    if n:
        sections.append(_collapse_section(result, x, W, b, W_z, b_z))
    numbers = _numbers_section(result, W_z, b_z, digits, hidden, words)
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


def _units(W) -> list[sp.MatrixSymbol]:
    """``h^{(1)}``, ..., ``h^{(n)}``: the output of each layer, as the layers section names it."""
    return [hidden(k, W_k.shape[0]) for k, W_k in enumerate(W, start=1)]


def _layers_section(result: Fold, x, W, b) -> Section:
    h = [x, *_units(W)]
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


def _weights_section(result: Fold, W, b, words: bool) -> Section:
    """Every ``W_k`` and ``b_k`` as the shortest decimals of its stored numbers, which the
    words say stand for the nearest numbers of their type: the page gives what ``W_z`` is
    computed from."""
    dtype = np.dtype(stored_type(result))
    rule = f"each decimal stands for the {dtype} number nearest to it"
    steps: list[Step] = []
    for k, layer in enumerate(result.model.layers):
        for symbol, values, scale in (
            (W[k], layer.weight, layer.weight_scale),
            (b[k], layer.bias, layer.bias_scale),
        ):
            value = shown(scaled(values, scale), dtype)
            reason = (rule,) if not words and not steps else ()
            steps.append(Step(symbol, value, reason))
    intro: Text = (
        f"Every weight and bias is a {dtype} number, shown as the shortest decimal that rounds "
        f"to it, so {rule}.",
    )
    return Section(title=("The weights",), intro=intro, steps=tuple(steps))


def _collapse_section(result: Fold, x, W, b, W_z, b_z) -> Section:
    """``f(x) = h^{(n)}``, the layers substituted into one another (the rows of the layers
    section, so a reader finds each of them used), distributed and grouped."""
    nested = x
    for W_k, b_k in zip(W, b, strict=True):
        nested = sp.MatAdd(sp.MatMul(W_k, nested), b_k)
    units = _units(W)
    return Section(
        title=("Folding the layers",),
        intro=("Substituting each layer into the next and multiplying out leaves one affine map.",),
        steps=(
            Step(output_symbol(W_z.shape[0]), units[-1]),
            Step(None, nested, substitution(units[::-1])),
            Step(None, sp.MatAdd(sp.MatMul(W_z, x), b_z), ("distribute and group",)),
            Step(W_z, product(*W[::-1]), ("definition",), ":="),
            Step(b_z, total(*bias_terms(W, b)), ("definition",), ":="),
        ),
    )


def _numbers_section(
    result: Fold, W_z, b_z, digits: int | None, hidden: str | None, words: bool
) -> Section:
    """``W_z`` and ``b_z`` as decimals, each when it has at most ``MAX_SHOWN_ENTRIES`` entries;
    why the weights they come from are not shown, where they are not."""
    dtype = result.model.dtype
    precision = (
        f"rounded to {digits} significant digits"
        if digits is not None
        else f"the shortest decimals of the nearest {dtype} numbers"
    )
    source = "the stored numbers" if hidden is None else "the stored floats"
    intro: Text = (
        f"Both were computed exactly from {source}, which are binary fractions; they are shown "
        f"as {'' if digits is None else 'decimals '}{precision}, and the JSON output holds them "
        "exactly.",
    )
    hiding = f"the weights are not shown: {hidden}" if hidden and result.model.layers else ""
    intro += (f" {hiding[0].upper()}{hiding[1:]}.",) if hiding else ()
    steps: list[Step] = []
    for symbol, value in ((W_z, result.W_z), (b_z, result.b_z)):
        if value.size <= MAX_SHOWN_ENTRIES:
            fractions = value.fractions()
            matrix = exact(fractions) if digits is not None else shown(fractions, dtype)
            reason = ("; ".join(filter(None, (precision, hiding))),) if not (words or steps) else ()
            steps.append(Step(symbol, matrix, reason))
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
