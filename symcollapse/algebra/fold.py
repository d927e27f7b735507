"""Exact folding of a chain of affine layers: ``W_z`` and ``b_z`` as binary rationals.

A float is ``m * 2**e`` with an integer ``m``, so a float matrix is an integer matrix times one
power of two (:class:`Dyadic`). Products and sums of such matrices stay integer matrices with a
power-of-two scale. The integer chain runs in float64 BLAS modulo word-size primes
(:mod:`symcollapse.algebra.multimodular`), as many as a bound on the result needs, and the
integers are rebuilt once at the end. The exponents follow the same rules as exact arithmetic
on :class:`Dyadic` values would (a product adds them, a sum takes the lower).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import numpy as np

from symcollapse.algebra.affine import collapse_chain
from symcollapse.algebra.multimodular import (
    CHUNK,
    BigIntegers,
    Digits,
    largest_prime,
    mixed_radix,
    reduce,
    residue,
)
from symcollapse.display import Displayable
from symcollapse.errors import SizeLimitError
from symcollapse.spec.model import AffineLayer, Model

#: Default ceiling of the memory estimate; above it :func:`fold` refuses before working.
DEFAULT_MAX_BYTES = 2**30

#: Entries of one block of a product's operand and result (:func:`_parts`): 16 MiB of float64.
BLOCK = 2**21


def lowest_exponent(floats: np.ndarray) -> int:
    """The largest ``e`` with every entry of ``floats`` (finite) a multiple of ``2**e``: the
    exponent of the lowest set bit over the non-zero entries (0 when all are zero). Read from
    the IEEE bits a cache-sized piece at a time: a float64 is ``s * 2**(E - 1075)`` with the
    significand ``s`` its 52 stored bits plus ``2**52`` when normal (``E > 0``), ``E = 1`` else."""
    flat = np.ascontiguousarray(floats, dtype=np.float64).reshape(-1)
    lowest = None
    for start in range(0, flat.size, CHUNK):
        bits = flat[start : start + CHUNK].view(np.int64) & (2**63 - 1)  # sign dropped
        biased = bits >> 52
        significand = (bits & (2**52 - 1)) | ((biased > 0).astype(np.int64) << 52)
        nonzero = significand != 0
        if not nonzero.any():
            continue
        low = (significand & -significand)[nonzero].astype(np.float64)  # exact powers of two
        exponents = np.maximum(biased[nonzero], 1) - 1075 + np.frexp(low)[1] - 1
        piece = int(exponents.min())
        lowest = piece if lowest is None else min(lowest, piece)
    return 0 if lowest is None else lowest


@dataclass(frozen=True)
class Dyadic:
    """The exact matrix (or vector) ``integers * 2**exponent``; the integers are held as their
    mixed-radix digits (a few bytes an entry), as Python integers from first use on."""

    value: Digits
    exponent: int

    @classmethod
    def of(cls, floats: np.ndarray) -> Dyadic:
        """The exact value of a float64 array (finite), with the largest common power of two."""
        floats = np.asarray(floats, dtype=np.float64)
        exponent = lowest_exponent(floats)
        big = BigIntegers.of(floats.reshape(-1), exponent)
        (flat,) = mixed_radix(big.bound(), 1, lambda p: (big.residues(p),))
        digits = flat.digits.reshape(len(flat.primes), *floats.shape)
        return cls(Digits(digits, flat.primes), exponent)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.digits.shape[1:]

    @cached_property
    def integers(self) -> np.ndarray:
        """Every entry's integer (an object array of Python ints)."""
        return self.value.integers()

    def fractions(self) -> np.ndarray:
        """Every entry as a :class:`~fractions.Fraction` (an object array of the same shape)."""
        scale = Fraction(2) ** self.exponent
        return np.frompyfunc(lambda m: m * scale, 1, 1)(self.integers)

    def floats(self) -> np.ndarray:
        """Every entry rounded once to the nearest float64 (computed once, read-only)."""
        return self._floats

    @cached_property
    def _floats(self) -> np.ndarray:
        """``float(m)`` rounds an integer correctly and scaling a normal float by ``2**e`` is
        exact, so ``ldexp(float(m), e)`` is the rounding of ``m 2**e`` wherever it is normal;
        the other entries (and integers beyond float64) go through exact fractions."""
        try:
            with np.errstate(over="ignore", under="ignore"):
                rounded = np.ldexp(self.integers.astype(np.float64), self.exponent)
        except OverflowError:  # an integer beyond float64
            odd = True
        else:
            tiny = np.finfo(np.float64).tiny
            odd = ((np.abs(rounded) < tiny) & (self.integers != 0) | ~np.isfinite(rounded)).any()
        if odd:
            rounded = np.frompyfunc(float, 1, 1)(self.fractions()).astype(np.float64)
        rounded.flags.writeable = False
        return rounded

    def max_bits(self) -> int:
        return max((abs(int(m)).bit_length() for m in self.integers.flat), default=0)


@dataclass(frozen=True)
class Fold(Displayable):
    """``f(x) = W_z x + b_z`` for a model, with ``W_z`` and ``b_z`` exact."""

    model: Model
    W_z: Dyadic
    b_z: Dyadic

    def W_z_fractions(self) -> list[list[Fraction]]:
        return self.W_z.fractions().tolist()

    def b_z_fractions(self) -> list[Fraction]:
        return self.b_z.fractions().tolist()

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """``W_z x + b_z`` for a batch of inputs (rows of ``x``), in float64."""
        return x @ self.W_z.floats().T + self.b_z.floats()


def _layer_bits(layer: AffineLayer) -> int:
    """Bits of the largest integer of the layer's weight as a :class:`Dyadic` (an upper bound)."""
    magnitudes = np.abs(layer.weight)
    smallest = magnitudes.min(initial=np.inf, where=magnitudes > 0)
    if smallest == np.inf:
        return 1
    spread = np.frexp(magnitudes.max())[1] - np.frexp(smallest)[1]
    return 53 + int(spread) + 54  # significand, spread, scale


def _entry_bytes(bits: int) -> int:
    """Memory of one Python int of ``bits`` bits in an object array (pointer included)."""
    return 8 + 28 + 4 * math.ceil(bits / 30)


def estimate_bytes(model: Model) -> int:
    """Peak memory of :func:`fold` and of the Python integers of its result, estimated from the
    shapes and exponents before any work: every layer's significands and shifts and one prime's
    residues of them, the largest running product with its reduction's temporary, and the
    result's digits (4 bytes a prime), Garner's temporaries and Python integers."""
    widths = model.widths
    stored = sum(layer.weight.size + layer.bias.size for layer in model.layers)
    largest = max((layer.weight.size for layer in model.layers), default=0)
    running = (widths[-1] if widths[-1] < widths[0] else widths[0]) * max(widths)
    outputs = widths[-1] * (widths[0] + 1)
    bits = sum(
        _layer_bits(layer) + max(1, widths[k]).bit_length() for k, layer in enumerate(model.layers)
    )
    primes = bits // int(math.log2(largest_prime(max(widths[1:-1], default=1)))) + 2
    return 8 * (3 * stored + largest + 2 * running) + outputs * (
        4 * primes + 16 + _entry_bytes(bits)
    )


@dataclass(frozen=True)
class _Term:
    """An integer matrix times ``2**exponent``: bounds of its magnitudes and of its rows' sums of
    magnitudes, and its residues modulo ``prime`` (None while only the bounds and exponents are
    being worked out)."""

    shape: tuple[int, ...]
    exponent: int
    bound: int
    rows: int
    prime: int = 0
    residues: np.ndarray | None = None

    def __matmul__(self, other: _Term) -> _Term:
        residues = None
        if self.residues is not None and other.residues is not None:
            # transposed: OpenBLAS multiplies a few rows by a square matrix up to 10 times
            # faster as a square matrix by a few columns
            residues = reduce((other.residues.T @ self.residues.T).T, self.prime)
        bound = min(self.bound * self.shape[-1], self.rows) * other.bound
        shape = self.shape[:1] + other.shape[1:]
        exponent, rows = self.exponent + other.exponent, self.rows * other.rows
        return _Term(shape, exponent, bound, rows, self.prime, residues)

    def __add__(self, other: _Term) -> _Term:
        low = min(self.exponent, other.exponent)
        left, right = self.exponent - low, other.exponent - low
        residues, p = None, self.prime
        if self.residues is not None and other.residues is not None:
            shifted = residue(pow(2, left, p), p), residue(pow(2, right, p), p)
            residues = reduce(self.residues * shifted[0] + other.residues * shifted[1], p)
        bound = (self.bound << left) + (other.bound << right)
        rows = (self.rows << left) + (other.rows << right)
        return _Term(self.shape, low, bound, rows, p, residues)


@dataclass(frozen=True)
class _Stored:
    """A layer's weight or bias times its scale, exactly: ``integers * scale * 2**exponent``
    with ``scale`` the scale's odd significand (``lowest`` is the floats' own exponent). Only
    the floats are kept (no copy): the integers of a part are made again for each prime, in one
    pass when no entry needs a shift."""

    floats: np.ndarray
    lowest: int
    scale: int
    exponent: int
    bound: int
    rows: int

    @classmethod
    def of(cls, floats: np.ndarray, scale: float) -> _Stored:
        exponent = lowest_exponent(floats)
        integers = BigIntegers.of(floats, exponent)
        odd = Fraction(scale) / Fraction(2) ** lowest_exponent(np.array(scale))
        return cls(
            floats,
            exponent,
            int(odd),
            exponent + lowest_exponent(np.array(scale)),
            integers.bound() * abs(int(odd)),
            integers.row_bound() * abs(int(odd)),
        )

    def term(self, p: int, part: tuple[slice, ...] = (slice(None),)) -> _Term:
        """The ``part`` (rows, columns) of the term; without residues when ``p`` is 0."""
        floats = self.floats[part]
        if p == 0:
            return _Term(floats.shape, self.exponent, self.bound, self.rows)
        residues = BigIntegers.of(floats, self.lowest).residues(p)
        if self.scale != 1:
            residues = reduce(residues * residue(self.scale, p), p)
        return _Term(floats.shape, self.exponent, self.bound, self.rows, p, residues)


def _parts(model: Model, from_output: bool) -> list[tuple[slice, ...]]:
    """Column blocks of the first weight (rows of the last from the output side): every product
    of the chain acts on one block at a time, so its temporaries are a block's, not a matrix's."""
    width = max(model.widths)
    step = max(1, BLOCK // width)
    size = model.widths[-1] if from_output else model.widths[0]
    blocks = [slice(start, start + step) for start in range(0, size, step)]
    return [(block,) if from_output else (slice(None), block) for block in blocks]


def fold(model: Model, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Fold:
    """Collapse ``model`` exactly: ``W_z = W_n ... W_1``, ``b_z = sum_k W_n ... W_{k+1} b_k``.

    The products are :func:`~symcollapse.algebra.affine.collapse_chain`'s, from the output side
    when the output is narrower than the input (the suffix products ``W_n ... W_{k+1}`` then
    have few rows), else from the input side: once for the bounds and exponents, then once per
    prime on residues. Refuses above ``max_bytes`` estimated.
    """
    estimate = estimate_bytes(model)
    if estimate > max_bytes:
        raise SizeLimitError(
            f"folding {model.source} exactly needs about {estimate / 2**20:,.0f} MB, above the "
            f"limit of {max_bytes / 2**20:,.0f} MB; raise max_bytes",
            parameter="max_bytes",
        )
    width = model.input_width
    if not model.layers:
        return Fold(model, Dyadic.of(np.eye(width)), Dyadic.of(np.zeros(width)))
    stored = [
        (_Stored.of(layer.weight, layer.weight_scale), _Stored.of(layer.bias, layer.bias_scale))
        for layer in model.layers
    ]

    from_output = model.widths[-1] < width
    blocked = len(stored) - 1 if from_output else 0

    def chain(p: int, part: tuple[slice, ...], whole: list[_Term]) -> tuple[_Term, _Term]:
        """The chain on one ``part`` of the blocked layer; ``whole`` holds the other terms."""
        weights, biases = whole[0::2], whole[1::2]
        weights[blocked] = stored[blocked][0].term(p, part)
        if from_output:
            biases[blocked] = stored[blocked][1].term(p, part[:1])
        return collapse_chain(weights, biases, from_output=from_output)

    def terms(p: int) -> list[_Term]:
        """Every weight and bias modulo ``p`` but the blocked weight (and bias, from the output)."""
        return [
            term.term(p) if (k != blocked or (j and not from_output)) else _Term((0,), 0, 0, 0)
            for k, layer in enumerate(stored)
            for j, term in enumerate(layer)
        ]

    whole = (slice(None),)
    W_z, b_z = chain(0, whole, terms(0))
    inner = max(model.widths[1:-1], default=1)

    def residues(p: int) -> tuple[np.ndarray, np.ndarray]:
        """The chain modulo ``p`` a block at a time, the residues as int32 (``|r| < 2**27``)."""
        W_p, b_p = np.empty(W_z.shape, np.int32), np.empty(b_z.shape, np.int32)
        others = terms(p)
        for part in _parts(model, from_output):
            W_part, b_part = chain(p, part, list(others))
            assert W_part.residues is not None and b_part.residues is not None  # p > 0
            W_p[part] = W_part.residues
            b_p[part[:1] if from_output else whole] = b_part.residues
        return W_p, b_p

    W_digits, b_digits = mixed_radix(max(W_z.bound, b_z.bound), inner, residues)
    return Fold(model, Dyadic(W_digits, W_z.exponent), Dyadic(b_digits, b_z.exponent))
