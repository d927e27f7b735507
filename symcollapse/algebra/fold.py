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
    LIMB,
    PIECE,
    BigIntegers,
    Digits,
    mixed_radix,
    primes_for,
    reduce,
    residue,
)
from symcollapse.display import Displayable
from symcollapse.errors import SizeLimitError
from symcollapse.spec.model import Model

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
        return self.value.shape

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @cached_property
    def integers(self) -> np.ndarray:
        """Every entry's integer (an object array of Python ints): for small results, or the
        entries shown; the float64 rounding and the bit lengths do without them."""
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
        rounded = self.value.floats(self.exponent)
        rounded.flags.writeable = False
        return rounded

    def max_bits(self) -> int:
        """The largest bit length of the integers."""
        return self._max_bits

    @cached_property
    def _max_bits(self) -> int:
        return self.value.max_bits()


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
    largest: float | None  # the largest integer when no entry needs a shift, else None

    @classmethod
    def of(cls, floats: np.ndarray, scale: float) -> _Stored:
        """The bounds from the integers of one piece of rows at a time (:func:`_pieces`)."""
        exponent = lowest_exponent(floats)
        bound = rows = 0
        largest: float | None = 0.0
        for part in _pieces(floats):
            piece = BigIntegers.of(floats[part], exponent)
            bound, rows = max(bound, piece.bound()), max(rows, piece.row_bound())
            if largest is None or piece.shift is not None or piece.largest is None:
                largest = None  # some entry needs a shift: no largest integer to go by
            else:
                largest = max(largest, piece.largest)
        odd = Fraction(scale) / Fraction(2) ** lowest_exponent(np.array(scale))
        return cls(
            floats,
            exponent,
            int(odd),
            exponent + lowest_exponent(np.array(scale)),
            bound * abs(int(odd)),
            rows * abs(int(odd)),
            largest,
        )

    def term(self, p: int, part: tuple[slice, ...] = (slice(None),)) -> _Term:
        """The ``part`` (rows, columns) of the term; without residues when ``p`` is 0."""
        floats = self.floats[part]
        if p == 0:
            return _Term(floats.shape, self.exponent, self.bound, self.rows)
        residues = np.empty(floats.shape)
        for rows in _pieces(floats):
            residues[rows] = self._integers(floats[rows]).residues(p)
        if self.scale != 1:
            residues = reduce(residues * residue(self.scale, p), p)
        return _Term(floats.shape, self.exponent, self.bound, self.rows, p, residues)

    def _integers(self, floats: np.ndarray) -> BigIntegers:
        """The integers of some of the floats; without a shift, scaled straight by a power of
        two (exact: the results are integers below ``2**53``) with their known largest."""
        if self.largest is None:
            return BigIntegers.of(floats, self.lowest)
        if abs(self.lowest) < 1000:
            return BigIntegers(floats * 2.0**-self.lowest, None, self.largest)
        return BigIntegers(np.ldexp(floats, -self.lowest), None, self.largest)


def _pieces(floats: np.ndarray) -> list[slice]:
    """Rows of ``floats`` a piece, each of at most :data:`BLOCK` entries (or one row): the
    integers of a piece, their shifts and their temporaries are made and dropped in turn."""
    step = max(1, BLOCK // max(1, floats[:1].size))
    return [slice(start, start + step) for start in range(0, len(floats), step)]


@dataclass(frozen=True)
class _Chain:
    """A model's layers as :class:`_Stored` terms, the bounds and exponents of ``W_z`` and
    ``b_z`` (the chain without residues), and the products modulo a prime a block at a time:
    column blocks of the first weight (rows of the last from the output side, where the
    running products have ``d_n`` rows), so every product's temporaries are a block's."""

    model: Model
    stored: tuple[tuple[_Stored, _Stored], ...]
    from_output: bool
    W_z: _Term
    b_z: _Term

    @classmethod
    def of(cls, model: Model) -> _Chain:
        stored = tuple(
            (_Stored.of(layer.weight, layer.weight_scale), _Stored.of(layer.bias, layer.bias_scale))
            for layer in model.layers
        )
        from_output = model.widths[-1] < model.input_width
        chain = cls(model, stored, from_output, _Term((0,), 0, 0, 0), _Term((0,), 0, 0, 0))
        W_z, b_z = chain.block(0, (slice(None),), chain.terms(0))
        return cls(model, stored, from_output, W_z, b_z)

    @property
    def blocked(self) -> int:
        """The layer cut into blocks."""
        return len(self.stored) - 1 if self.from_output else 0

    @property
    def inner(self) -> int:
        return max(self.model.widths[1:-1], default=1)

    def primes(self) -> tuple[int, ...]:
        return primes_for(max(self.W_z.bound, self.b_z.bound), self.inner)

    def step(self) -> int:
        """Columns (rows from the output side) of a block: at most :data:`BLOCK` entries of any
        product's operand or result."""
        size = self.model.widths[-1] if self.from_output else self.model.widths[0]
        return min(size, max(1, BLOCK // max(self.model.widths)))

    def parts(self) -> list[tuple[slice, ...]]:
        size, step = (
            self.model.widths[-1] if self.from_output else self.model.widths[0],
            self.step(),
        )
        blocks = [slice(start, start + step) for start in range(0, size, step)]
        return [(block,) if self.from_output else (slice(None), block) for block in blocks]

    def terms(self, p: int) -> list[_Term]:
        """Every weight and bias modulo ``p``, weight then bias, but the blocked layer's weight
        (and bias, from the output side)."""
        return [
            term.term(p)
            if (k != self.blocked or (j and not self.from_output))
            else _Term((0,), 0, 0, 0)
            for k, layer in enumerate(self.stored)
            for j, term in enumerate(layer)
        ]

    def block(self, p: int, part: tuple[slice, ...], whole: list[_Term]) -> tuple[_Term, _Term]:
        """The chain on one ``part`` of the blocked layer, the other terms from ``whole``."""
        weights, biases = whole[0::2], whole[1::2]
        weights[self.blocked] = self.stored[self.blocked][0].term(p, part)
        if self.from_output:
            biases[self.blocked] = self.stored[self.blocked][1].term(p, part[:1])
        return collapse_chain(weights, biases, from_output=self.from_output)

    def residues(self, p: int) -> tuple[np.ndarray, np.ndarray]:
        """``W_z`` and ``b_z`` modulo ``p`` as int32 (``|r| < 2**27``), a block at a time."""
        W_p, b_p = np.empty(self.W_z.shape, np.int32), np.empty(self.b_z.shape, np.int32)
        others = self.terms(p)
        for part in self.parts():
            W_part, b_part = self.block(p, part, list(others))
            assert W_part.residues is not None and b_part.residues is not None  # p > 0
            W_p[part] = W_part.residues
            b_p[part[:1] if self.from_output else slice(None)] = b_part.residues
        return W_p, b_p

    def estimate_bytes(self) -> int:
        """Peak memory of the work and of the float64 rounding of the result: the digits (4
        bytes a prime an entry) and one prime's int32 residues of the result; float64 residues
        of every term but the blocked one (twice that of the largest when a scale multiplies
        it); a piece's integers, shifts and temporaries (64 bytes an entry, :func:`_pieces`, 24
        when no entry needs a shift); a block's products and reductions; the elementwise
        passes' pieces (:data:`~symcollapse.algebra.multimodular.CHUNK`); last the rounded floats
        (:meth:`Dyadic.floats`, 8 bytes an entry) and their limbs' pieces. No Python integer
        per entry is made unless asked for (:attr:`Dyadic.integers`)."""
        layers = self.model.layers
        terms = [term for layer in layers for term in (layer.weight, layer.bias)]
        outputs = self.W_z.shape[0] * (self.W_z.shape[1] + 1)
        held = sum(term.size for term in terms) - layers[self.blocked].weight.size
        scaled = any(layer.weight_scale != 1 or layer.bias_scale != 1 for layer in layers)
        piece = max(min(term.size, max(BLOCK, term.shape[-1])) for term in terms)
        shifted = any(stored.largest is None for layer in self.stored for stored in layer)
        widths = self.model.widths[:-1] if self.from_output else self.model.widths[1:]
        block = self.step() * max(widths)  # the largest product of a block
        work = 8 * held + 16 * scaled * max(term.size for term in terms) + 48 * block
        work += (64 if shifted else 24) * piece
        primes = len(self.primes())
        digits = (4 * primes + 4) * outputs
        chunks = 64 * min(CHUNK, max(outputs, *(term.size for term in terms)))  # their pieces
        return digits + work + chunks + 8 * outputs + _limb_bytes(primes, outputs) + 2**14

    def listing_bytes(self) -> int:
        """Memory of every entry listed exactly (:meth:`Fold.W_z_fractions`, as for JSON):
        a Python integer, a :class:`~fractions.Fraction` of two integers and its text of
        numerator and denominator digits an entry, held at once, with the listing's own text."""
        bits = max(self.W_z.bound, self.b_z.bound).bit_length()
        shift = max(-self.W_z.exponent, -self.b_z.exponent, 0)
        integer = 36 + bits // 8  # object header and 30-bit digits
        text = 60 + math.ceil((bits + shift) * math.log10(2)) + 2
        outputs = self.W_z.shape[0] * (self.W_z.shape[1] + 1)
        return outputs * (8 + integer + 56 + 2 * integer + 2 * text)


def _limb_bytes(primes: int, entries: int) -> int:
    """Memory of one piece of :meth:`Digits.floats`: its limbs (twice, padded), flags and
    some 24 arrays of one number an entry."""
    size = primes * 28 // LIMB + 4
    return 8 * (3 * size + 24) * min(entries, PIECE)


def estimate_bytes(model: Model, *, listed: bool = False) -> int:
    """Peak memory of :func:`fold` and of the float64 rounding of its result, from one linear
    pass over the weights (their exponents and row sums bound the result) before any product;
    with the exact listing of every entry when ``listed`` (:meth:`_Chain.listing_bytes`)."""
    return _estimate(model, _Chain.of(model) if model.layers else None, listed)


def _estimate(model: Model, chain: _Chain | None, listed: bool) -> int:
    """:func:`estimate_bytes` from the model's chain, made once (None without layers)."""
    if chain is None:
        width = model.input_width
        outputs = width * (width + 1)
        return outputs * (4 + 16 + 8) + 8 * width * width + _limb_bytes(1, outputs)
    return chain.estimate_bytes() + (chain.listing_bytes() if listed else 0)


def fold(model: Model, *, max_bytes: int = DEFAULT_MAX_BYTES, listed: bool = False) -> Fold:
    """Collapse ``model`` exactly: ``W_z = W_n ... W_1``, ``b_z = sum_k W_n ... W_{k+1} b_k``.

    The products are :func:`~symcollapse.algebra.affine.collapse_chain`'s, from the output side
    when the output is narrower than the input (the suffix products ``W_n ... W_{k+1}`` then
    have few rows), else from the input side: once for the bounds and exponents, then once per
    prime on residues. Refuses above ``max_bytes`` estimated, counting the exact listing of every
    entry too when ``listed`` (the caller will ask for :meth:`Fold.W_z_fractions`).
    """
    chain = _Chain.of(model) if model.layers else None
    estimate = _estimate(model, chain, listed)
    if estimate > max_bytes:
        raise SizeLimitError(
            f"folding {model.source} exactly needs about {estimate / 2**20:,.0f} MB, above the "
            f"limit of {max_bytes / 2**20:,.0f} MB; raise max_bytes",
            parameter="max_bytes",
        )
    if chain is None:
        width = model.input_width
        return Fold(model, Dyadic.of(np.eye(width)), Dyadic.of(np.zeros(width)))
    bound = max(chain.W_z.bound, chain.b_z.bound)
    W_digits, b_digits = mixed_radix(bound, chain.inner, chain.residues)
    return Fold(model, Dyadic(W_digits, chain.W_z.exponent), Dyadic(b_digits, chain.b_z.exponent))
