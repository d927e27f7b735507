"""Random-point verification of ``f(x) = W_z x + b_z`` for sizes no expansion can reach.

Every weight, bias and input entry is drawn uniformly from the field ``F_p`` (``p`` prime) and both
sides are evaluated there exactly: the left by the nested forward pass, the right from ``W_z``
(the matrix product ``W_n ... W_1``, outer layer first) and the closed form
``b_z = sum_k (W_n ... W_{k+1}) b_k``. Each entry of ``f(x) - (W_z x + b_z)`` is a polynomial of
total degree at most ``n + 1`` in the entry symbols, so by the Schwartz-Zippel lemma a nonzero one
vanishes at a uniform random point with probability at most ``(n + 1) / p``; independent trials
multiply these bounds.

The arithmetic is exact modular arithmetic done by float64 BLAS on centred residues
(``|a| <= p / 2``). By default the prime is the largest for which every product of the check is
one float64 matrix product whose partial sums are all exact integers (below ``2**53``, see
:func:`one_product`: about ``2 * sqrt(2**53 / k)`` at inner width ``k``, 23 bits at 512, 21.5 at
4096), and the trials are as many as give an error bound no weaker than the former default, 3
trials modulo the largest prime below ``2**28`` (:func:`default_trials`): one float64 product
per matrix product, where that prime needed two. A larger prime, given explicitly, takes the
two-limb route: the smaller operand of each product is split into two 14-bit limbs, a block of
its rows at a time (so a wide product holds a block's temporaries, not a matrix's), and the
inner dimension is cut into blocks so that every partial sum stays below ``2**52``. ``P_n = I``
is not multiplied: the suffix products start from ``W_n``. Layers are drawn from per-layer
seeds: while all of them take no more than the products' own working set (and
:data:`MAX_KEPT_BYTES`) they are drawn once and held for both passes, else drawn again for the
second pass so that only the running product and one layer are held; a memory estimate refuses
what would not fit.

Up to :data:`symcollapse.verification.emitted.MAX_EMITTED_TERMS` terms, the path sums that
``collapse()`` and the documents print are evaluated at the same point too, so the check covers
what symcollapse emits, not only the matrix products.

What this proves is the identity over ``F_p``: an integer residual whose every coefficient were a
multiple of ``p`` would not be seen (the exact and proof methods have no such gap).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

import numpy as np

from symcollapse.errors import OptionError, SizeLimitError, VerificationError
from symcollapse.spec.limits import check_limit
from symcollapse.spec.widths import parse_widths
from symcollapse.verification.defaults import (
    RANDOM_MAX_BYTES,
    REFERENCE_PRIME,
    REFERENCE_TRIALS,
)
from symcollapse.verification.emitted import emitted_sums, emitted_value
from symcollapse.verification.points import Point, kept_bytes, residues

#: The largest prime allowed, the largest below ``2**28`` (so a centred residue has
#: ``|a| < 2**27``): the prime of the default error bound.
PRIME = REFERENCE_PRIME

#: Every integer of absolute value up to this is a float64.
FLOAT_INTEGERS = 2**53

#: Limb size of the split left operand: ``a = hi * LIMB + lo`` with ``|lo| <= LIMB / 2``.
LIMB = 2**14

#: Partial sums of products stay below this bound, where float64 holds every integer exactly.
EXACT = 2**52

#: Most trials one check runs: 1000 already bound the error by ``((n + 1) / p)^1000``, far below
#: anything a computer can distinguish from zero.
MAX_TRIALS = 1000

#: A prime must be at least this many times the degree: a per-trial bound above 1/10 is not
#: a meaningful check (``p = 2`` would give 3/2 for one layer).
MIN_PRIME_PER_DEGREE = 10

#: Most layer evaluations (trials x depth) one check runs. Model: a trial draws and multiplies
#: each layer a few times, some tens of microseconds for narrow layers.
MAX_LAYER_TRIALS = 100_000

#: Most multiply-adds one check may do (see :func:`work_estimate`). Measured: widths of 512 x 101,
#: 3 trials, 8e10 multiply-adds in about 7 s on this 2-core machine, so the limit is about a minute.
MAX_WORK = 10**12

#: Refuse a check whose working set (see :func:`memory_estimate`) would exceed this many bytes
#: unless ``max_bytes`` says more.
MAX_BYTES = RANDOM_MAX_BYTES

#: Hold every layer of a point (drawn once for both passes) while they take at most this many
#: bytes and no more than the products' working set (:func:`memory_estimate`), so that holding
#: them at most doubles the memory; else each pass draws the layers again (101 layers of 512
#: take 200 MiB against 103 MiB: drawn again).
MAX_KEPT_BYTES = 512 * 2**20


@dataclass(frozen=True)
class RandomCheck:
    """Result of ``trials`` random-point evaluations modulo ``prime``; ``emitted`` says whether
    the emitted path sums of ``W_z``, ``b_z`` were evaluated too (see :mod:`.emitted`)."""

    widths: tuple[int, ...]
    holds: bool
    trials: int
    prime: int
    degree: int
    emitted: bool = False

    @property
    def bound_per_trial(self) -> Fraction:
        """Schwartz-Zippel: degree over the size of the sample set ``F_p``."""
        return Fraction(self.degree, self.prime)

    @property
    def bound(self) -> Fraction:
        """Probability bound that a false identity passes every trial."""
        return self.bound_per_trial**self.trials


def _is_prime(n: int) -> bool:
    """Trial division; enough for the moduli allowed here (below ``2**28``)."""
    if not 2 <= n < 2**28:
        return False
    return all(n % q for q in range(2, isqrt(n) + 1))


def reduced_bound(p: int) -> int:
    """Largest ``|r|`` that :func:`reduce` returns for values of absolute value at most
    ``2**53 - p``: their quotient by ``p`` is rounded at most ``2 / p`` off, so the rounded
    quotient is one off only next to a half, where the residue is about ``p / 2`` either way."""
    return p // 2 + 2


def one_product(p: int, inner: int) -> bool:
    """Whether ``inner`` products of residues and their sum are exact in one float64 matrix
    product: every partial sum of terms below ``reduced_bound(p) ** 2`` stays within
    ``2**53 - p``, where :func:`reduce` is exact too (its quotient times ``p`` is a float64)."""
    return inner * reduced_bound(p) ** 2 <= FLOAT_INTEGERS - p


def inner_width(widths: tuple[int, ...]) -> int:
    """Longest inner dimension of the check's products ``W_k h``, ``P_k W_k``, ``P_k b_k`` and
    ``P_1 x``: every width but the output's."""
    return max(widths[:-1])


def one_product_prime(inner: int) -> int:
    """The largest prime ``p`` for which each product over ``inner`` terms is one exact float64
    product (:func:`one_product`)."""
    low, high = 2, PRIME  # bisect for the largest p that fits, then the largest prime below
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if one_product(middle, inner) else (low, middle - 1)
    while not _is_prime(low):
        low -= 1
    return low


def default_bound(degree: int) -> Fraction:
    """The default error bound at ``degree``: that of :data:`REFERENCE_TRIALS` trials modulo
    :data:`REFERENCE_PRIME`."""
    return Fraction(degree, REFERENCE_PRIME) ** REFERENCE_TRIALS


def default_trials(degree: int, prime: int) -> int:
    """Fewest trials modulo ``prime`` whose bound ``(degree / prime) ** trials`` is within
    :func:`default_bound` (at most 26, since ``prime >= 10 degree``)."""
    per_trial, target = Fraction(degree, prime), default_bound(degree)
    trials = 1
    while per_trial**trials > target:
        trials += 1
    return trials


def block(p: int) -> int:
    """Longest inner dimension over which one product of limbs by residues stays exact.

    Residues are below ``p`` in absolute value, so a high limb is at most ``p // LIMB + 1`` and a
    low limb at most ``LIMB / 2``: the high limb's sums must stay below :data:`EXACT`, and the low
    limb's sums plus the reduced high part times ``LIMB`` (below ``p LIMB``) too, since the two
    are added before the second reduction (see :func:`matmul_mod`).
    """
    return min(EXACT // ((p // LIMB + 1) * p), (EXACT - p * LIMB) // (LIMB // 2 * p))


def reduce(values: np.ndarray, p: int) -> np.ndarray:
    """Residues ``|r| <= reduced_bound(p)`` of float64 integers of absolute value at most
    ``2**53 - p``, in place, a block of rows at a time (a block's temporaries, not a matrix's)."""
    height = max(1, BLOCK_BYTES // (8 * max(values[:1].size, 1)))
    for first in range(0, len(values), height):
        rows = values[first : first + height]
        quotient = np.multiply(rows, 1.0 / p)
        np.rint(quotient, out=quotient)
        quotient *= p
        rows -= quotient
    return values


#: Bytes of one row block's temporaries in :func:`matmul_mod` (its limbs and their partial
#: products): small next to a wide product, large enough that each block is an efficient BLAS call.
BLOCK_BYTES = 32 * 2**20


def _limbs(M: np.ndarray) -> np.ndarray:
    """``hi`` above ``lo``, with ``M = hi * LIMB + lo`` (``|lo| <= LIMB / 2``)."""
    rows, columns = M.shape
    out = np.empty((2 * rows, columns))
    hi, lo = out[:rows], out[rows:]
    np.multiply(M, 1.0 / LIMB, out=hi)
    np.rint(hi, out=hi)
    np.multiply(hi, LIMB, out=lo)
    np.subtract(M, lo, out=lo)
    return out


def _split_left(A: np.ndarray, B: np.ndarray, p: int, out: np.ndarray) -> None:
    """``out = A @ B`` modulo ``p``, ``A`` split into limbs a block of its rows at a time."""
    rows, inner = A.shape
    step = block(p)
    height = max(1, BLOCK_BYTES // (16 * max(inner, B.shape[1], 1)))
    for first in range(0, rows, height):
        limbs = _limbs(A[first : first + height])
        cut = limbs.shape[0] // 2
        total = out[first : first + cut]
        for start in range(0, inner, step):
            part = limbs[:, start : start + step] @ B[start : start + step]
            hi, lo = part[:cut], part[cut:]
            reduce(hi, p)  # then hi * LIMB + lo stays below EXACT (see block): one reduction
            hi *= LIMB
            hi += lo
            if start:
                reduce(hi, p)
                hi += total
            reduce(hi, p)
            total[...] = hi


def matmul_mod(A: np.ndarray, B: np.ndarray, p: int) -> np.ndarray:
    """``A @ B`` modulo ``p`` for residues ``|a| <= reduced_bound(p)``, exactly, through float64
    matrix products.

    One product when its inner dimension allows (:func:`one_product`; an empty one gives zero).
    Else the smaller operand is split into limbs, ``hi * LIMB + lo``, a block of its rows or
    columns at a time (so the temporaries are a block's, not a matrix's), stacked so that each
    block of the inner dimension is a single BLAS call whose every partial sum is exact.
    """
    if one_product(p, A.shape[1]):
        return reduce(A @ B, p)
    split_right = A.size > B.size  # then as (B.T @ A.T).T, written in the order it is computed
    A, B = (B.T, A.T) if split_right else (A, B)
    out = np.empty((A.shape[0], B.shape[1]))
    _split_left(A, B, p, out)
    return out.T if split_right else out


def forward_value(point: Point) -> list[int]:
    """``f(x) mod p`` by the nested forward pass."""
    p = point.prime
    h = point.x
    for k in range(1, len(point.widths)):
        W, b = point.layer(k)
        h = reduce(matmul_mod(W, h, p) + b, p)
    return residues(h, p)


def collapsed_value(point: Point) -> list[int]:
    """``W_z x + b_z mod p`` with ``W_z = W_n ... W_1`` and ``b_z = sum_k P_k b_k``."""
    p = point.prime
    depth = len(point.widths) - 1
    suffix, b_z = point.layer(depth)  # P_{n-1} = W_n (P_n = I), then P_{k-1} = P_k W_k
    for k in range(depth - 1, 0, -1):
        W, b = point.layer(k)
        b_z = reduce(b_z + matmul_mod(suffix, b, p), p)
        suffix = matmul_mod(suffix, W, p)
    return residues(matmul_mod(suffix, point.x, p) + b_z, p)


def memory_estimate(widths: tuple[int, ...]) -> int:
    """Bytes held at once besides kept layers: the running product ``P_k``, the next one, the
    layer ``W_k`` with its integer draw (one and a half copies) and the row blocks'
    temporaries (:data:`BLOCK_BYTES`, three times). Measured at widths 4096 4096 4096: 500 MiB
    above the interpreter's own with both layers kept, 544 estimated without them."""
    d = widths
    rows = d[-1]
    largest = max(
        rows * (d[k] + d[k - 1]) + 3 * d[k] * (d[k - 1] + 1) // 2 for k in range(1, len(d))
    )
    return 8 * largest + 3 * BLOCK_BYTES


#: Drawing one entry of a layer at random modulo the prime and reducing it costs about as much
#: as this many multiply-adds of the products. Measured: widths 5000 5000 1 (25 million entries
#: drawn, almost no product) take 0.33 s a trial, where the products alone model 10^8
#: multiply-adds, under 0.01 s at the rate of :data:`MAX_WORK`.
DRAW_COST = 150


def work_estimate(widths: tuple[int, ...], trials: int, prime: int = PRIME) -> int:
    """Multiply-adds of ``trials`` trials: per layer the suffix product ``P_k W_k`` (``d_n d_k
    d_{k-1}``) and the forward pass (``d_k d_{k-1}``), twice for the two limbs unless the
    products modulo ``prime`` are one float64 product each, and the drawing of the layer's
    ``d_k d_{k-1}`` entries (:data:`DRAW_COST` each)."""
    d = widths
    limbs = 1 if one_product(prime, inner_width(d)) else 2
    per_trial = sum((limbs * (d[-1] + 1) + DRAW_COST) * d[k] * d[k - 1] for k in range(1, len(d)))
    return trials * per_trial


def random_check(
    widths: Sequence[object],
    *,
    trials: int | None = None,
    seed: int | None = None,
    prime: int | None = None,
    max_bytes: int = MAX_BYTES,
) -> RandomCheck:
    """Evaluate both sides at ``trials`` random points of ``F_prime``; stop at the first mismatch.

    By default ``prime`` is the largest that keeps every product one float64 product
    (:func:`one_product_prime`; :data:`PRIME` where that one is too small for the degree or
    needs more trials than :data:`MAX_LAYER_TRIALS` allows) and ``trials`` the fewest that reach
    :func:`default_bound` modulo it. ``prime`` must be a prime below ``2**28``, ``trials`` from 1 to
    :data:`MAX_TRIALS` and ``seed`` non-negative (else :class:`OptionError`). Raises
    :class:`SizeLimitError` when the working set would exceed ``max_bytes`` (default
    :data:`MAX_BYTES`).
    """
    widths = parse_widths(widths)
    if prime is None:
        prime = one_product_prime(inner_width(widths))
        degree = len(widths)
        if prime < MIN_PRIME_PER_DEGREE * degree or (
            trials is None and default_trials(degree, prime) * (degree - 1) > MAX_LAYER_TRIALS
        ):  # the smaller prime's bound needs more trials than the limits allow: two limbs
            prime = PRIME
    if isinstance(prime, bool) or not isinstance(prime, int) or not _is_prime(prime):
        raise OptionError(f"the modulus must be a prime below 2**28, got {prime!r:.60}")
    if prime < MIN_PRIME_PER_DEGREE * len(widths):
        raise OptionError(
            f"the prime {prime} is too small for a meaningful bound: degree {len(widths)} / p "
            f"must be at most 1/{MIN_PRIME_PER_DEGREE}; use a prime of at least "
            f"{MIN_PRIME_PER_DEGREE * len(widths)}"
        )
    if trials is None:
        trials = default_trials(len(widths), prime)
    if isinstance(trials, bool) or not isinstance(trials, int) or not 1 <= trials <= MAX_TRIALS:
        raise OptionError(
            f"the number of trials must be an integer from 1 to {MAX_TRIALS}, got {trials!r}"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise OptionError(f"the seed must be an integer >= 0, got {seed!r}")
    check_limit(max_bytes, "max_bytes")
    needed = memory_estimate(widths)
    if needed > max_bytes:
        raise SizeLimitError(
            f"widths needing about {needed / 2**20:,.0f} MB are too large for random-point "
            f"verification (limit {max_bytes / 2**20:,.0f} MB)",
            parameter="max_bytes",
        )
    depth = len(widths) - 1
    if trials * depth > MAX_LAYER_TRIALS:
        raise SizeLimitError(
            f"{trials} trial(s) of {depth:,} layers are {trials * depth:,} layer evaluations, "
            f"above the limit of {MAX_LAYER_TRIALS:,}; use fewer trials or a shallower network",
            parameter="trials",
        )
    work = work_estimate(widths, trials, prime)
    if work > MAX_WORK:
        raise SizeLimitError(
            f"{trials} trial(s) at these widths are about {work:.1e} multiply-adds, above the "
            f"limit of {MAX_WORK:.0e} (about a minute here); use fewer trials or narrower layers",
            parameter="trials",
        )
    key = np.random.SeedSequence(seed)
    keep = kept_bytes(widths) <= min(MAX_KEPT_BYTES, max_bytes - needed, needed)
    try:
        sums = emitted_sums(widths)
    except VerificationError:  # an emitted name that is no entry of the network: false
        return RandomCheck(widths, False, 0, prime, len(widths), emitted=True)
    holds = True
    done = 0
    for trial in range(trials):
        done += 1
        point = Point(widths, prime, key, trial, keep=keep)
        forward = forward_value(point)
        if forward != collapsed_value(point) or (
            sums is not None and forward != emitted_value(sums, point)
        ):
            holds = False
            break
    return RandomCheck(
        widths=widths,
        holds=holds,
        trials=done,
        prime=prime,
        degree=len(widths),
        emitted=sums is not None,
    )
