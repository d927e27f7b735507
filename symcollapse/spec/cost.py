"""Cost of a command estimated from its inputs alone, before any symbol or matrix is made.

This module imports nothing heavy (``verify`` starts without sympy); layered networks have
theirs in :mod:`symcollapse.spec.layer_cost`.

Each estimate states its model next to it. The limits are chosen so that anything inside them
finishes in seconds and under 1 GB on a 2-core machine; every refusal is a
:class:`~symcollapse.errors.SizeLimitError` naming the API keyword (``parameter``) that raises
the limit, or saying what to do instead when no keyword can help.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from symcollapse.errors import SizeLimitError
from symcollapse.spec.amounts import gigabytes, seconds
from symcollapse.spec.limits import DEFAULT_MAX_TERMS, check_limit, parameter_count, term_counts

__all__ = ["check_limit"]

#: Memory the exact verification route may use.
MAX_EXACT_BYTES = 2**30

#: Longest column a derivation document shows. Model: building and checking a document costs
#: about the number of terms plus the square of its longest column (measured: widths 1 1000
#: 1.2 s, 1 2000 2.9 s, so 1 9999 would take about a minute).
MAX_DOCUMENT_WIDTH = 1000

#: Seconds the exact route may take by :func:`exact_seconds`. Memory decides first for every
#: network whose path sums are large (13 widths of 3: 0.15 s, 14: 0.7 s, 16 refused at 2.6 GB);
#: this refuses deep narrow ones, whose forward pass costs depth^2 digit words (widths 1 (x6000)
#: 2.5 s, 23 MB of path sums).
MAX_EXACT_SECONDS = 10.0

#: Words read per second by the exact route (path sum words and the digit and count words
#: they are read into), digit words the reference's forward pass copies per second, and the
#: cost of each array the algebra's path sums make (one per weight per output); digits of more
#: than a word are sorted word by word (one word: a plain sort, part of the reading). Measured,
#: process time on the 2-core machine: widths 3 (x13) 0.15 s, 3 (x14) 0.71 s, 2 (x21) 0.19 s,
#: 8 (x7) 0.38 s, 30 (x4) 0.46 s, 64 64 64 1.2 s, 100 100 100 6.3 s, 1 (x3000) 0.50 s,
#: 1 (x6000) 2.5 s.
EXACT_WORDS_PER_SECOND = 100_000_000
SORTED_WORDS_PER_SECOND = 25_000_000
FORWARD_WORDS_PER_SECOND = 1_000_000_000
PATH_ARRAYS_PER_SECOND = 500_000

#: Bytes of exact verification above the interpreter's own, per 64-bit word of the path sums
#: (8.8, a tenth more than the word: they are allocated in many arrays), and a fixed part
#: (lazily loaded modules, the allocator's arenas).
PATH_WORD_BYTES = Fraction(88, 10)
EXACT_FIXED_BYTES = 12 * 2**20


def path_sum_words(widths: tuple[int, ...]) -> int:
    """64-bit words of all the path sums of ``W_z`` and ``b_z``: a bit per symbol, a row of
    words per monomial."""
    symbols = parameter_count(widths) + widths[0]
    return term_counts(widths).total * ((symbols + 63) // 64)


def _digit_words(widths: tuple[int, ...]) -> tuple[int, int]:
    """Words per monomial of the exact route's digits, and of digits and counts of factors per
    layer together: layer ``k``'s digit takes ``log2(entries + 1)`` bits and its count
    ``bit_length(entries + 1)``, packed 63 bits to a word (a word more for the rounding)."""
    d = widths
    bases = [d[0] + 1, *(d[k] * (d[k - 1] + 1) + 1 for k in range(1, len(d)))]
    digits = -(-sum(math.log2(base) for base in bases) // 63)
    counts = -(-sum(base.bit_length() for base in bases) // 63)
    return int(digits), int(digits + counts + 1)


def _forward_terms(widths: tuple[int, ...]) -> int:
    """Terms of every layer of the forward pass: ``T_k = 1 + d_{k-1} T_{k-1}`` per row."""
    per_row, total = 1, 0
    for k in range(1, len(widths)):
        per_row = 1 + widths[k - 1] * per_row
        total += widths[k] * per_row
    return total


def exact_seconds(widths: tuple[int, ...]) -> Fraction:
    """Estimated process time of exact verification (see :data:`EXACT_WORDS_PER_SECOND`): each
    monomial's path sum words and the digit and count words they are read into, the reading's
    tables (a row per bit of a path sum word, a column per digit and count word), the path
    sums' arrays, the sort of digits of several words, and every layer of the forward pass in
    digit words."""
    d, terms = widths, term_counts(widths).total
    digits, columns = _digit_words(widths)
    path_words = path_sum_words(widths) // terms
    read = terms * (path_words + columns) + 64 * path_words * columns
    arrays = d[-1] * sum(d[k] * d[k - 1] for k in range(1, len(d)))
    return (
        Fraction(read, EXACT_WORDS_PER_SECOND)
        + Fraction(terms * digits * (digits > 1), SORTED_WORDS_PER_SECOND)
        + Fraction(arrays, PATH_ARRAYS_PER_SECOND)
        + Fraction(digits * _forward_terms(widths), FORWARD_WORDS_PER_SECOND)
    )


def exact_bytes(widths: tuple[int, ...]) -> int:
    """Estimated memory of exact verification above the interpreter's own: the path sums (all
    held at once, :data:`PATH_WORD_BYTES` a word), per monomial its digit words and a word of
    working arrays (the reference's digits are made once the path sums are gone), the reading's
    tables and what they are made from (three times a word per bit of a path sum word per
    digit and count word, an upper bound on the reading's columns), and
    :data:`EXACT_FIXED_BYTES`."""
    terms = term_counts(widths).total
    digits, columns = _digit_words(widths)
    path_words = path_sum_words(widths) // terms
    per_term = PATH_WORD_BYTES * path_words + 8 * digits + 8
    tables = 3 * 8 * 64 * path_words * columns
    return int(EXACT_FIXED_BYTES + terms * per_term + tables)


def exact_fits(widths: tuple[int, ...]) -> bool:
    """Whether exact verification of ``widths`` is within its memory and time budgets."""
    return exact_bytes(widths) <= MAX_EXACT_BYTES and exact_seconds(widths) <= MAX_EXACT_SECONDS


def check_exact_memory(widths: tuple[int, ...]) -> None:
    """Refuse exact verification above :data:`MAX_EXACT_BYTES` or :data:`MAX_EXACT_SECONDS`."""
    needed = exact_bytes(widths)
    if needed > MAX_EXACT_BYTES:
        raise SizeLimitError(
            f"exact verification would need {gigabytes(needed)} (the path sums of "
            f"{term_counts(widths).total:,} terms, a bit per symbol, and their digits), above "
            f"the limit of {MAX_EXACT_BYTES / 2**30:.0f} GB; use method='random'",
            parameter="method",
        )
    estimate = exact_seconds(widths)
    if estimate > MAX_EXACT_SECONDS:
        raise SizeLimitError(
            f"exact verification would take {seconds(round(estimate))} (estimated from the "
            "widths: the path sums' arrays and words, and the forward pass), above the limit "
            f"of {MAX_EXACT_SECONDS:.0f} s; use method='random'",
            parameter="method",
        )


def check_samples(count: int) -> None:
    """Refuse more regression samples than a document shows rows (:data:`MAX_DOCUMENT_WIDTH`):
    ``X`` and ``Y`` get a row per sample (measured: 2,000 samples 5.5 s, 9,000 over 2 minutes)."""
    if count > MAX_DOCUMENT_WIDTH:
        raise SizeLimitError(
            f"{count:,} samples are above the limit of {MAX_DOCUMENT_WIDTH:,} rows per matrix; "
            "ask for fewer samples",
            parameter="samples",
        )


def check_document_width(widths: Sequence[int]) -> None:
    """Refuse a derivation document with a column longer than :data:`MAX_DOCUMENT_WIDTH`."""
    widest = max(widths)
    if widest > MAX_DOCUMENT_WIDTH:
        raise SizeLimitError(
            f"a derivation with a width of {widest:,} is above the limit of "
            f"{MAX_DOCUMENT_WIDTH:,} rows per matrix; check the identity alone with verify"
        )


#: Seconds of work the default ceilings allow: raising ``max_terms`` above its default raises
#: it in proportion (``max_terms`` is the one ceiling on work of ``derive``, ``gradients`` and
#: ``layers``, so the option that lifts a refusal is the one the user already knows).
SECONDS_AT_DEFAULT = 10.0

#: Seconds per weight or bias of the numeric route (``collapse_values`` and its document).
#: Model: each number is multiplied along every path through it and checked, at a cost that
#: grows with the widest layer: ``(1.2 + 0.045 w) ms`` per number, times 1.2 for the document.
#: Measured (process time on the 2-core machine): widths 30^5 (3,720 numbers) 8.2 s + 1.9 s,
#: 30^7 (5,580) 15.1 s + 3.1 s, 20^6 (2,100) 4.2 s + 1.1 s, 10^11 (1,110) 1.8 s + 0.6 s;
#: so 21 widths of 30 (18,630 numbers, inside max_terms) would take about a minute.
NUMERIC_MS_PER_NUMBER = 1.2
NUMERIC_MS_PER_NUMBER_AND_WIDTH = 0.045

#: Seconds of ``gradients`` for depth ``n``. Model: ``n`` gradients, each a product of ``n - 1``
#: factors differentiated from and checked against an expanded loss of ``n``-fold products, so
#: about ``c n^4`` (measured, widths of 1: depth 10 0.36 s, 15 2.0 s, 20 6.4 s; so 40 takes
#: 100 s): ``c = 4e-5`` s, times the terms per ``W_z`` entry for wider layers.
GRADIENT_SECONDS_PER_DEPTH4 = 4e-5


def _budget(max_terms: int, default: int) -> float:
    """Seconds allowed: SECONDS_AT_DEFAULT, more in proportion when ``max_terms`` is raised
    above its ``default`` (a lower ``max_terms`` limits terms, not seconds)."""
    return SECONDS_AT_DEFAULT * max(1.0, check_limit(max_terms, "max_terms") / default)


def numeric_seconds(widths: Sequence[int]) -> float:
    """Estimated seconds of the numeric route for ``widths`` (see NUMERIC_MS_PER_NUMBER)."""
    per_number = NUMERIC_MS_PER_NUMBER + NUMERIC_MS_PER_NUMBER_AND_WIDTH * max(widths)
    return 1.2 * per_number * parameter_count(tuple(widths)) / 1000


def gradient_seconds(widths: Sequence[int]) -> float:
    """Estimated seconds of ``gradients`` for ``widths`` (see GRADIENT_SECONDS_PER_DEPTH4)."""
    depth = len(widths) - 1
    return GRADIENT_SECONDS_PER_DEPTH4 * depth**4 * term_counts(tuple(widths)).per_W_z_entry


def check_seconds(
    seconds: float, what: str, max_terms: int, default: int = DEFAULT_MAX_TERMS
) -> None:
    """Refuse ``what`` estimated at ``seconds`` above the budget ``max_terms`` buys
    (SECONDS_AT_DEFAULT at the ``default`` ceiling), before any of it is done."""
    budget = _budget(max_terms, default)
    if seconds > budget:
        raise SizeLimitError(
            f"{what} would take about {seconds:,.0f} s (estimated from the widths), above the "
            f"{budget:,.0f} s that max_terms {max_terms:,} allows; raise max_terms",
            parameter="max_terms",
        )
