"""Exact numbers for the weights and biases: a collapse a reader can follow with a pencil.

Numbers come from a seeded generator (small integers and halves) or from a JSON file
``{"weights": [W_1, ..., W_n], "biases": [b_1, ..., b_n]}`` whose entries are integers, decimals
or strings such as ``"-3/4"``; every number becomes an exact sympy ``Rational``, never a float.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy as sp

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.cost import check_seconds, numeric_seconds
from symcollapse.spec.input_files import read_json
from symcollapse.spec.limits import (
    DEFAULT_MAX_TERMS,
    check_limit,
    check_seed,
    parameter_count,
)
from symcollapse.spec.numerals import parse_rational
from symcollapse.spec.text import check_text
from symcollapse.spec.widths import parse_widths

#: Longest ``source`` of values (a file name, a label): it is a phrase in a heading.
MAX_SOURCE = 300

#: Random entries are ``p / q`` with ``p`` in this range and ``q`` in ``RANDOM_DENOMINATORS``.
RANDOM_NUMERATORS = range(-4, 5)
RANDOM_DENOMINATORS = (1, 1, 2)


@dataclass(frozen=True)
class Values:
    """Exact weights ``W_1..W_n`` and biases ``b_1..b_n`` for a network with ``widths``.

    ``source`` says where the numbers came from (``"seed 7"``, ``"file values.json"``), so a
    derivation can tell its reader how to reproduce them.
    """

    widths: tuple[int, ...]
    weights: tuple[sp.ImmutableMatrix, ...]
    biases: tuple[sp.ImmutableMatrix, ...]
    source: str

    def data(self) -> dict[str, list[object]]:
        """The numbers in the JSON layout :func:`load_values` reads (entries as strings)."""

        def rows(matrix: sp.MatrixBase) -> list[list[str]]:
            return [[str(e) for e in matrix.row(i)] for i in range(matrix.rows)]

        return {
            "weights": [rows(W) for W in self.weights],
            "biases": [[str(e) for e in b] for b in self.biases],
        }


def check_count(widths: tuple[int, ...], max_numbers: int) -> None:
    """Refuse a network with more weights and biases than ``max_numbers`` (``max_terms``):
    every number is printed and multiplied, from a seed, a file or a model alike; and
    refuse a collapse estimated above the time ``max_numbers`` allows (numeric_seconds)."""
    count = parameter_count(widths)
    shown = " ".join(map(str, widths))
    if count > check_limit(max_numbers, "max_terms"):
        raise SizeLimitError(
            f"widths {shown} have {count:,} weights and biases, above the limit of "
            f"{max_numbers:,}; raise max_terms",
            parameter="max_terms",
        )
    check_seconds(numeric_seconds(widths), f"collapsing the numbers of widths {shown}", max_numbers)


#: Most decimal digits an exact number of the collapse may have: Python converts integers of
#: at most 4,300 digits to text, and a document of such numbers is unreadable long before.
MAX_RESULT_DIGITS = 4000


def result_digits(values: Values) -> int:
    """Upper bound on the decimal digits of any number the collapse of ``values`` computes.

    Model: an entry of a product ``W_n ... W_1`` (or of ``b_z``) is a sum of at most
    ``d_0 d_1 ... d_{n-1}`` products of one entry per layer; a product of rationals has at most
    the bits of its factors' numerators and denominators together, and a sum of ``N`` terms adds
    ``log2 N`` bits to the numerator and multiplies the denominators (counted in the factors).
    So ``sum_k (max bits of W_k, b_k) + sum_k bits(d_{k-1} + 1)`` bits bound every number,
    computed from bit lengths alone (no number is printed or multiplied).
    """
    bits = 0
    for k, (W, b) in enumerate(zip(values.weights, values.biases, strict=True)):
        entry_bits = max(
            abs(e.p).bit_length() + e.q.bit_length() for e in (*W, *b)
        )  # the numerator and denominator of the largest entry of layer k + 1
        bits += entry_bits + (values.widths[k] + 1).bit_length()
    return bits * 30103 // 100000 + 1  # log10(2) = 0.30103


def check_digits(values: Values) -> None:
    """Refuse numbers whose collapse would exceed :data:`MAX_RESULT_DIGITS` (see
    :func:`result_digits`), before any product is formed."""
    digits = result_digits(values)
    if digits > MAX_RESULT_DIGITS:
        raise SizeLimitError(
            f"with {values.source}, the collapsed numbers may have up to {digits:,} digits, "
            f"above the limit of {MAX_RESULT_DIGITS:,}; give the numbers with fewer digits, "
            "or fewer layers"
        )


def random_values(
    widths: Sequence[object], seed: int, *, max_terms: int = DEFAULT_MAX_TERMS
) -> Values:
    """Pencil-friendly numbers (integers from -4 to 4 and halves), the same for the same seed."""
    d = parse_widths(widths)
    check_count(d, max_terms)
    rng = random.Random(check_seed(seed))

    def number() -> sp.Rational:
        return sp.Rational(rng.choice(RANDOM_NUMERATORS), rng.choice(RANDOM_DENOMINATORS))

    weights = tuple(
        sp.ImmutableMatrix(d[k], d[k - 1], lambda i, j: number()) for k in range(1, len(d))
    )
    biases = tuple(sp.ImmutableMatrix(d[k], 1, lambda i, j: number()) for k in range(1, len(d)))
    return Values(d, weights, biases, f"seed {seed}")


def exact_number(value: object, where: str) -> sp.Rational:
    """An exact rational from an integer, a decimal or ``"p/q"`` string, or an exact number.

    The strict grammar of :func:`symcollapse.spec.numerals.parse_rational` (ASCII digits, one
    sign, bounded length and exponent); a float is read as the decimal it prints as. Anything
    else raises SpecError naming ``where``.
    """
    if isinstance(value, sp.Rational):
        return value
    number = parse_rational(value, where)
    return sp.Rational(number.numerator, number.denominator)


def _listed(value: object) -> object:
    """A numpy array or torch tensor as nested lists; a float entry becomes the shortest decimal
    that reads back in its own precision (float32 ``0.1`` is ``"0.1"``), like a float in JSON."""
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return (value.astype(str) if value.dtype.kind == "f" else value).tolist()
    return value


def _matrix(value: object, rows: int, cols: int | None, name: str) -> sp.ImmutableMatrix:
    """A ``rows x cols`` matrix (list of rows) or, with ``cols=None``, a vector (flat list)."""
    value = _listed(value)
    shape = f"{rows} numbers" if cols is None else f"{rows} rows of {cols} numbers"
    if not isinstance(value, list) or len(value) != rows:
        got = f"{len(value)} entries" if isinstance(value, list) else type(value).__name__
        raise SpecError(f"{name} must be a list of {shape}, got {got}")
    if cols is None:
        return sp.ImmutableMatrix(
            [exact_number(v, f"{name}[{i + 1}]") for i, v in enumerate(value)]
        )
    entries = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or len(row) != cols:
            got = f"{len(row)} entries" if isinstance(row, list) else type(row).__name__
            raise SpecError(f"{name} row {i + 1} must be a list of {cols} numbers, got {got}")
        entries.append([exact_number(v, f"{name}[{i + 1},{j + 1}]") for j, v in enumerate(row)])
    return sp.ImmutableMatrix(entries)


def parse_values(data: object, widths: Sequence[object], source: str) -> Values:
    """Validate ``{"weights": [...], "biases": [...]}`` against ``widths``; raise SpecError.

    ``source`` says where the numbers came from, in the document: one line of printable text.
    """
    check_text(source, "the source of the values", MAX_SOURCE)
    d = parse_widths(widths)
    n = len(d) - 1
    if not isinstance(data, dict) or set(data) != {"weights", "biases"}:
        keys = sorted(map(str, data))[:5] if isinstance(data, dict) else type(data).__name__
        raise SpecError(f"values must be an object with keys 'biases' and 'weights', got {keys}")
    data = {key: list(v) if isinstance(v, tuple) else v for key, v in data.items()}
    for key in ("weights", "biases"):
        if not isinstance(data[key], list) or len(data[key]) != n:
            got = len(data[key]) if isinstance(data[key], list) else type(data[key]).__name__
            raise SpecError(f"'{key}' must be a list of {n} for widths {d}, got {got}")
    weights = tuple(_matrix(W, d[k + 1], d[k], f"W_{k + 1}") for k, W in enumerate(data["weights"]))
    biases = tuple(_matrix(b, d[k + 1], None, f"b_{k + 1}") for k, b in enumerate(data["biases"]))
    return Values(d, weights, biases, source)


def load_values(
    path: str | Path, widths: Sequence[object], *, max_terms: int = DEFAULT_MAX_TERMS
) -> Values:
    """Read and validate a values file; decimals are read as exact decimal fractions.

    Decimals and ``NaN``/``Infinity`` reach validation as text, so ``0.1`` is exactly 1/10 and
    ``NaN`` is refused with its position.
    """
    check_count(parse_widths(widths), max_terms)
    data = read_json(path, "values file")
    return parse_values(data, widths, f"file {Path(path).name}")
