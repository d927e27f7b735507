"""Cost of a command estimated from its inputs alone, before any symbol or matrix is made.

This module imports nothing heavy (``verify`` starts without sympy); layered networks have
theirs in :mod:`symcollapse.spec.layer_cost`.

Each estimate states its model next to it. The limits are chosen so that anything inside them
finishes in seconds and under 1 GB on a 2-core machine; every refusal is a
:class:`~symcollapse.errors.SizeLimitError` naming the API keyword (``parameter``) that raises
the limit, or saying what to do instead when no keyword can help.
"""

from __future__ import annotations

from collections.abc import Sequence

from symcollapse.errors import SizeLimitError
from symcollapse.spec.amounts import amount, gigabytes, seconds
from symcollapse.spec.limits import DEFAULT_MAX_TERMS, check_limit, parameter_count, term_counts

__all__ = ["check_limit"]

#: Memory the exact verification route may use.
MAX_EXACT_BYTES = 2**30

#: Bytes per monomial of the exact route. Model: a monomial is a Python int with one bit per
#: entry symbol, held about twice (the forward pass and the path sums), plus some 250 bytes of
#: dict and list overhead. Measured: widths 3 x 12 (797,160 monomials, 135 symbols) 200 MB;
#: widths 200 1000 (201,000 monomials, 201,200 symbols) 10.3 GB.
EXACT_OVERHEAD_BYTES = 250

#: Longest column a derivation document shows. Model: building and checking a document costs
#: about the number of terms plus the square of its longest column (measured: widths 1 1000
#: 1.2 s, 1 2000 2.9 s, so 1 9999 would take about a minute).
MAX_DOCUMENT_WIDTH = 1000


#: Word operations the exact route may do. Model: the forward pass shifts every partial
#: polynomial once per layer and each monomial is an int of ``symbols / 64`` machine words, so
#: the work is about terms x depth x symbols / 64; some 5e7 such operations run per second
#: (measured: widths 3 x 12 in 0.7 s, 1 (x1000) in 0.6 s, 1 (x3000) in 25 s).
MAX_EXACT_WORK = 2 * 10**8


def exact_work(widths: tuple[int, ...]) -> int:
    """Estimated word operations of exact verification (see :data:`MAX_EXACT_WORK`)."""
    symbols = parameter_count(widths) + widths[0]
    return term_counts(widths).total * (len(widths) - 1) * (symbols // 64 + 1)


def exact_fits(widths: tuple[int, ...]) -> bool:
    """Whether exact verification of ``widths`` is within its memory and time budgets."""
    return exact_bytes(widths) <= MAX_EXACT_BYTES and exact_work(widths) <= MAX_EXACT_WORK


def exact_bytes(widths: tuple[int, ...]) -> int:
    """Estimated memory of exact verification for ``widths`` (see :data:`EXACT_OVERHEAD_BYTES`)."""
    symbols = parameter_count(widths) + widths[0]
    return term_counts(widths).total * (2 * (symbols // 8) + EXACT_OVERHEAD_BYTES)


def check_exact_memory(widths: tuple[int, ...]) -> None:
    """Refuse exact verification above :data:`MAX_EXACT_BYTES` or :data:`MAX_EXACT_WORK`."""
    work = exact_work(widths)
    if work > MAX_EXACT_WORK:
        duration = seconds((work + 25_000_000) // 50_000_000)
        raise SizeLimitError(
            f"exact verification would take {duration} ({amount(work)} "
            "word operations: terms x depth x symbols / 64), above the limit of "
            f"{MAX_EXACT_WORK:.0e}; use method='random'",
            parameter="method",
        )
    needed = exact_bytes(widths)
    if needed > MAX_EXACT_BYTES:
        raise SizeLimitError(
            f"exact verification would need {gigabytes(needed)} (terms x symbols / 8 "
            f"bytes), above the limit of {MAX_EXACT_BYTES / 2**30:.0f} GB; "
            "use method='random'",
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


def path_sum_words(widths: tuple[int, ...]) -> int:
    """64-bit words of all the path sums of ``W_z`` and ``b_z``: a bit per symbol, a row of
    words per monomial."""
    symbols = parameter_count(widths) + widths[0]
    return term_counts(widths).total * ((symbols + 63) // 64)
