"""Exact term counts of the collapsed forms, known from the widths before anything is expanded.

Every entry of ``W_z = W_n ... W_1`` is a sum over paths through the hidden layers, one monomial
per path with coefficient 1, so ``(W_z)_{ij}`` has ``d_1 d_2 ... d_{n-1}`` terms. The ``b_k`` part
of ``b_z`` adds ``d_k d_{k+1} ... d_{n-1}`` terms per entry (1 for ``k = n``).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from symcollapse.errors import OptionError, SizeLimitError

#: Default ceiling on the number of layers of a derivation (see :func:`check_depth`): 60 layers
#: of width 1 derive in about 3 s as a whole process, and their document fits the page.
DEFAULT_MAX_DEPTH = 60

#: Default ceiling on the total number of monomials in ``W_z`` and ``b_z`` together.
DEFAULT_MAX_TERMS = 20_000

#: Default ceiling on the terms of a layered network's merged maps (``layers``). Model: sympy
#: multiplies, expands and checks the symbolic matrices at about 2 to 5 ms per resulting term
#: (measured: 2,051 terms for ``40 > dense 50 > dense 1`` take 10 s, 10,100 terms for
#: ``100 > dense 100 > dense 1`` 17 s), so a thousand terms take seconds; the dense route
#: (``derive``, ``verify``) has its own sparse polynomials and allows far more.
DEFAULT_LAYERED_MAX_TERMS = 1_000


@dataclass(frozen=True)
class TermCounts:
    """Monomial counts per entry and in total for the collapsed ``W_z`` and ``b_z``."""

    widths: tuple[int, ...]
    per_W_z_entry: int
    per_b_z_entry: int

    @property
    def W_z_entries(self) -> int:
        return self.widths[-1] * self.widths[0]

    @property
    def b_z_entries(self) -> int:
        return self.widths[-1]

    @property
    def total(self) -> int:
        """Monomials in all of ``W_z`` and ``b_z``: what an expansion has to write down."""
        return self.W_z_entries * self.per_W_z_entry + self.b_z_entries * self.per_b_z_entry


def check_limit(value: object, parameter: str) -> int:
    """A limit such as ``max_terms`` must be a positive int; :class:`OptionError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError(f"{parameter} must be a positive integer, got {value!r:.60}")
    return value


#: Largest seed: 64 bits name more runs than anyone draws, and a longer one costs time to
#: hash and (past 4,300 digits) cannot even be printed in the document that names it.
MAX_SEED = 2**64 - 1


def check_seed(value: object) -> int:
    """A seed must be an int from 0 to :data:`MAX_SEED`; :class:`OptionError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        bits = value.bit_length() if isinstance(value, int) else 0
        shown = f"an integer of {bits:,} bits" if bits > 200 else f"{value!r:.60}"
        raise OptionError(f"seed must be an integer from 0 to 2**64 - 1, got {shown}", "seed")
    return value


def parameter_count(widths: tuple[int, ...]) -> int:
    """How many weight and bias entries a network with ``widths`` has."""
    return sum(widths[k] * (widths[k - 1] + 1) for k in range(1, len(widths)))


def term_counts(widths: tuple[int, ...]) -> TermCounts:
    """Closed-form monomial counts for ``widths`` (no expansion is done)."""
    hidden = widths[1:-1]
    per_b = 1  # Horner: sum over k of d_k ... d_{n-1} = (..((d_1 + 1) d_2 + 1)..) d_{n-1} + 1
    for width in hidden:
        per_b = per_b * width + 1
    return TermCounts(widths=widths, per_W_z_entry=prod(hidden), per_b_z_entry=per_b)


def check_depth(widths: tuple[int, ...], max_depth: int) -> None:
    """Raise :class:`SizeLimitError` when a derivation would have more than ``max_depth`` layers.

    A derivation has a line per layer, each as long as the depth, and every line is checked
    (width 1, whole process on a 2-core machine: about 2.5 s at depth 30, 3.6 s at depth 40,
    17 s at depth 80).
    """
    depth = len(widths) - 1
    if depth > check_limit(max_depth, "max_depth"):
        raise SizeLimitError(
            f"a derivation of {depth} layers is above the limit of {max_depth} (it has a step per "
            "layer, each growing with the depth and each checked); check the identity alone "
            "with verify, or raise max_depth",
            parameter="max_depth",
        )


def check_size(widths: tuple[int, ...], max_terms: int) -> TermCounts:
    """Return the term counts, or raise :class:`SizeLimitError` when they exceed ``max_terms``."""
    counts = term_counts(widths)
    if counts.total > check_limit(max_terms, "max_terms"):
        shown = " ".join(map(str, widths))
        raise SizeLimitError(
            f"widths {shown} expand to {counts.total:,} terms "
            f"({counts.per_W_z_entry:,} per W_z entry, {counts.per_b_z_entry:,} per b_z entry), "
            f"above the limit of {max_terms:,}; raise max_terms",
            parameter="max_terms",
        )
    return counts
