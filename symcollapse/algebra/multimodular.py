"""Exact integer matrix arithmetic by residues modulo word-size primes, in float64 BLAS.

Every integer is kept as its residues modulo primes ``p`` small enough that a float64 product
of two residues, summed over an inner dimension ``K``, stays an integer below ``2**53``: then
BLAS computes it exactly in any order. One chain of products runs per prime; the integers are
rebuilt once at the end (Chinese remaindering, Garner's mixed radix), from as many primes as
a bound on the result needs. No Python integer per entry until that last step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from math import prod

import numpy as np

#: float64 holds every integer up to this bound exactly.
EXACT = 2**53

#: Entries per piece of the elementwise passes (Garner's digits): their temporaries fit a cache.
CHUNK = 2**15


def reduce(values: np.ndarray, p: int) -> np.ndarray:
    """``values`` modulo ``p`` as residues of magnitude at most ``(p + 1) / 2``.

    ``values`` are integers of magnitude at most ``2**53 - p`` held in float64, so ``p * q``
    (at most ``p / 2`` further from zero) and the difference are exact; the rounded quotient
    can miss the nearest integer only when ``values / p`` lies within ``1 / p`` of a half,
    hence the ``+ 1``.
    """
    quotients = values / p
    np.rint(quotients, out=quotients)
    quotients *= p
    return np.subtract(values, quotients, out=quotients)


def reduce_words(values: np.ndarray, p: int) -> np.ndarray:
    """:func:`reduce` for any integers below ``2**53`` in magnitude: the part above ``2**32``
    (exact, below ``2**21``) is taken modulo ``p`` first."""
    high = np.trunc(values / 2**32)
    return reduce(high * residue(2**32, p) + (values - high * 2**32), p)


def residue(n: int, p: int) -> float:
    """The Python integer ``n`` modulo ``p``, in ``[-(p - 1) / 2, (p - 1) / 2]``."""
    r = n % p
    return float(r - p if r > p // 2 else r)


def centred(values: np.ndarray, p: int) -> np.ndarray:
    """Residues from :func:`reduce` moved into ``[-(p - 1) / 2, (p - 1) / 2]`` exactly."""
    half = (p - 1) // 2
    return values - p * ((values > half).astype(np.float64) - (values < -half))


def _is_prime(n: int) -> bool:
    """Miller-Rabin with the bases that decide every ``n < 3,215,031,751`` correctly."""
    if n < 2 or n % 2 == 0:
        return n == 2
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7):
        if a % n == 0:
            continue
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def largest_prime(inner: int) -> int:
    """The largest odd ``p`` with ``max(inner, 2) * ((p + 1) / 2)**2 <= 2**53 - p``: a
    ``K``-term sum of products of :func:`reduce`'s residues (and a sum of two products) stays
    exact, and :func:`reduce` can take it."""
    terms = max(inner, 2)
    p = 2 * int(np.sqrt(EXACT // terms)) + 1
    while terms * ((p + 1) // 2) ** 2 > EXACT - p:
        p -= 2
    return p


def primes_for(bound: int, inner: int) -> tuple[int, ...]:
    """Distinct primes, largest first, whose product exceeds ``2 * bound``: enough to rebuild
    every integer of magnitude at most ``bound`` from its residues."""
    chosen: list[int] = []
    candidate = largest_prime(inner)
    while not chosen or prod(chosen) <= 2 * bound:
        while not _is_prime(candidate):
            candidate -= 2
        chosen.append(candidate)
        candidate -= 2
    return tuple(chosen)


@dataclass(frozen=True)
class BigIntegers:
    """Integers ``significand * 2**shift`` entrywise: ``|significand| < 2**53`` in float64 and a
    non-negative ``shift`` (None when all are 0), so any size is held without Python integers.
    ``largest`` is the largest ``|significand|``, measured here unless the caller knows it."""

    significand: np.ndarray
    shift: np.ndarray | None
    largest: float = math.nan

    def __post_init__(self) -> None:
        if math.isnan(self.largest):
            largest = float(np.abs(self.significand).max(initial=0.0))
            object.__setattr__(self, "largest", largest)

    @classmethod
    def of(cls, floats: np.ndarray, exponent: int) -> BigIntegers:
        """The integers ``floats * 2**-exponent`` (each must be one: ``exponent`` at most the
        lowest set bit of every entry)."""
        largest = float(np.abs(floats).max(initial=0.0))
        with np.errstate(over="ignore"):  # beyond float64 means beyond 2**53 too
            scaled = float(np.ldexp(largest, -exponent))
        if scaled < EXACT:  # no entry needs a shift: one pass
            return cls(np.ldexp(floats, -exponent), None, scaled)
        _, exponents = np.frexp(floats)
        shift = np.where(floats == 0, 0, exponents.astype(np.int64) - 53 - exponent)
        shift = np.maximum(shift, 0)
        if not shift.any():
            return cls(np.ldexp(floats, -exponent), None)
        return cls(np.ldexp(floats, (-exponent - shift).astype(np.int32)), shift)

    def bound(self) -> int:
        """An upper bound of the magnitudes."""
        return int(self.largest) << (0 if self.shift is None else int(self.shift.max()))

    def row_bound(self) -> int:
        """An upper bound of the largest sum of magnitudes along the last axis (of a vector: of
        its largest magnitude): ``|(A B)_ij| <= row_bound(A) * bound(B)``, about ``K`` times
        ``bound(A)`` over its typical size tighter than ``K * bound(A) * bound(B)``."""
        if self.significand.ndim < 2 or self.significand.size == 0:
            return self.bound()
        terms = self.significand.shape[-1]
        if self.shift is not None:
            return self.bound() * terms
        total = float(np.abs(self.significand).sum(axis=-1).max())  # terms < 2**53: no overflow
        # a float sum of K terms is within K * 2**-53 of the exact one, the product within 2**-53
        return math.ceil(total * (1 + (terms + 2) * 2.0**-52)) + 1

    def residues(self, p: int) -> np.ndarray:
        """Every entry modulo ``p``, as :func:`reduce` returns them."""
        words = self.largest > EXACT // 2  # reduce takes up to 2**53 - p, and p < 2**28
        reduced = reduce_words(self.significand, p) if words else reduce(self.significand, p)
        if self.shift is None:
            return reduced
        powers = np.array([residue(pow(2, s, p), p) for s in range(int(self.shift.max()) + 1)])
        return reduce(reduced * powers[self.shift], p)


def garner_digit(digits: np.ndarray, i: int, residues: np.ndarray, primes: tuple[int, ...]) -> None:
    """Write ``digits[i]``, the next mixed-radix digit of the integers with ``residues`` modulo
    ``primes[i]``, from ``digits[:i]``: the digits ``v_i`` in ``[-(p_i - 1)/2, (p_i - 1)/2]``
    give the integers ``v_0 + p_0 (v_1 + p_1 (v_2 + ...))``, every integer of magnitude below
    ``p_0 ... p_{L-1} / 2`` exactly once. ``digits`` are int32: ``p < 2**28``."""
    p = primes[i]
    below = np.zeros(residues.shape)
    for j in reversed(range(i)):  # v_0 + p_0 (v_1 + ...) modulo p, by Horner
        below *= residue(primes[j], p)
        below += digits[j]
        below = reduce(below, p)
    inverse = residue(pow(prod(primes[:i]), -1, p), p)
    below = reduce(np.subtract(residues, below, out=below), p)
    below *= inverse
    digits[i] = centred(reduce(below, p), p)


def from_digits(digits: np.ndarray, primes: tuple[int, ...]) -> np.ndarray:
    """The integers (an object array of Python ints) of :func:`garner_digit`'s digits, by
    Horner's rule in place: one object array and one digit's objects alive at a time."""
    integers = digits[-1].astype(object)
    for digit, p in zip(digits[-2::-1], primes[-2::-1], strict=True):
        np.multiply(integers, p, out=integers)
        np.add(integers, digit.astype(object), out=integers)
    return integers


#: Entries per piece of :meth:`Digits.floats` and :meth:`Digits.max_bits`.
PIECE = 2**12

#: Bits of one limb of :func:`limbs`: a limb times a prime (below ``2**28``) plus a carry stays
#: far below ``2**63``.
LIMB = 30


def limbs(digits: np.ndarray, primes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The integers of :func:`garner_digit`'s digits ``(primes, n)`` as whether each is negative
    and its magnitude in base ``2**LIMB`` limbs ``(limbs, n)`` int64, lowest first, by Horner's
    rule with carries, all in numpy. The sign of an integer is that of its highest non-zero
    digit, and negating every digit negates it: with that sign taken out every partial sum
    ``v_i + p_i (...)`` is non-negative, so each limb ends in ``[0, 2**LIMB)``."""
    count = len(primes)
    bits = sum(p.bit_length() for p in primes)
    size = bits // LIMB + 1
    top = np.zeros(digits.shape[1:], dtype=np.int32)
    for digit in digits:  # the last non-zero digit, highest last
        np.copyto(top, digit, where=digit != 0)
    negative = top < 0
    sign = np.where(negative, -1, 1)
    values = np.zeros((size, *digits.shape[1:]), dtype=np.int64)
    mask = (1 << LIMB) - 1
    for i in reversed(range(count)):
        # the limbs the partial sum from digit i up may fill; every limb filled before is among
        # them, so all of those are multiplied (the top one keeps the carries, below 2**LIMB)
        used = sum(p.bit_length() for p in primes[i:]) // LIMB + 1
        if i < count - 1:
            values[:used] *= primes[i]
        values[0] += sign * digits[i]
        for k in range(used - 1):
            values[k + 1] += values[k] >> LIMB  # arithmetic shift: the floor, for a borrow too
            values[k] &= mask
    return negative, values


def bit_lengths(values: np.ndarray) -> np.ndarray:
    """The bit length of each magnitude given as :func:`limbs` (0 for 0)."""
    nonzero = values != 0
    highest = len(values) - 1 - np.argmax(nonzero[::-1], axis=0)
    top = np.take_along_axis(values, highest[None], axis=0)[0]
    lengths = LIMB * highest + np.frexp(top.astype(np.float64))[1]  # top < 2**30: exact
    return np.where(nonzero.any(axis=0), lengths, 0)


def rounded(negative: np.ndarray, values: np.ndarray, exponent: int) -> np.ndarray:
    """Each ``±magnitude * 2**exponent`` (:func:`limbs`) rounded once to the nearest float64,
    ties to even, subnormals included, beyond the largest float to infinity: its top bits
    down to two below the result's last place (``q``), whether any lower bit is set
    (``sticky``), then the rounding of ``q`` by integer arithmetic and one exact scaling."""
    lengths = bit_lengths(values)
    last = np.maximum(lengths + (exponent - 53), -1074)  # exponent of the result's last place
    shift = last - 2 - exponent  # bits of the magnitude below q (q is shifted up where < 0)
    padded = np.concatenate([values, np.zeros((3, *values.shape[1:]), np.int64)])
    down = np.maximum(shift, 0)
    k, r = down // LIMB, down % LIMB
    k = np.minimum(k, len(values))  # only for zeros, whose q and sticky are 0 anyway

    def limb(j: np.ndarray) -> np.ndarray:
        return np.take_along_axis(padded, j[None], axis=0)[0]

    q = (limb(k) >> r) + (limb(k + 1) << (LIMB - r)) + (limb(k + 2) << (2 * LIMB - r))
    q <<= np.maximum(-shift, 0)  # below 2**55 either way: the magnitude has few bits then
    below = np.concatenate([np.zeros((1, *values.shape[1:]), bool), values != 0])
    below = np.logical_or.accumulate(below, axis=0)  # below[j]: a limb under j is non-zero
    sticky = (np.take_along_axis(below, k[None], axis=0)[0]) | ((limb(k) & ((1 << r) - 1)) != 0)
    low, q = q & 3, q >> 2
    q += (low == 3) | ((low == 2) & (sticky | ((q & 1) == 1)))
    with np.errstate(over="ignore"):
        result = np.ldexp(q.astype(np.float64), last.astype(np.int32))
    return np.where(negative, -result, result)


@dataclass(frozen=True)
class Digits:
    """Integers as their mixed-radix digits (:func:`garner_digit`), ``(primes, *shape)`` int32:
    exact and a few bytes per prime an entry. Their float64 roundings and bit lengths come from
    numpy limbs a piece at a time (:func:`limbs`); Python integers only when asked."""

    digits: np.ndarray
    primes: tuple[int, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.digits.shape[1:]

    def integers(self) -> np.ndarray:
        """Every integer (an object array of Python ints): for few entries or one row."""
        return from_digits(self.digits, self.primes)

    def _pieces(self) -> list[tuple[np.ndarray, slice]]:
        flat = self.digits.reshape(len(self.primes), -1)
        return [(flat, slice(i, i + PIECE)) for i in range(0, flat.shape[1], PIECE)]

    def floats(self, exponent: int) -> np.ndarray:
        """Every ``integer * 2**exponent`` rounded once to the nearest float64."""
        out = np.empty(self.shape, dtype=np.float64).reshape(-1)
        for flat, part in self._pieces():
            out[part] = rounded(*limbs(flat[:, part], self.primes), exponent)
        return out.reshape(self.shape)

    def max_bits(self) -> int:
        """The largest bit length of the magnitudes (0 when all are 0)."""
        lengths = (
            int(bit_lengths(limbs(flat[:, part], self.primes)[1]).max())
            for flat, part in self._pieces()
        )
        return max(lengths, default=0)


def mixed_radix(
    bound: int, inner: int, residues: Callable[[int], tuple[np.ndarray, ...]]
) -> tuple[Digits, ...]:
    """Integers of magnitude at most ``bound`` (several arrays at once) whose residues modulo a
    prime ``p`` are ``residues(p)``, from as many primes as the bound needs; ``inner`` is the
    largest inner dimension of the products ``residues`` computes."""
    primes = primes_for(bound, inner)
    digits: list[np.ndarray] = []
    for i, p in enumerate(primes):
        for k, r in enumerate(residues(p)):
            if i == 0:
                digits.append(np.empty((len(primes), *r.shape), dtype=np.int32))
            flat, rows = r.reshape(-1), digits[k].reshape(len(primes), -1)
            for start in range(0, flat.size, CHUNK):  # Garner's temporaries stay in cache
                part = slice(start, start + CHUNK)
                garner_digit(rows[:, part], i, flat[part].astype(np.float64), primes)
    return tuple(Digits(d, primes) for d in digits)
