"""Exact verification of ``f(x) = W_z x + b_z`` for concrete widths, timed."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from symcollapse.collapse import collapse
from symcollapse.size import DEFAULT_MAX_TERMS


@dataclass(frozen=True)
class Verification:
    """What was checked, whether it held, and how long it took."""

    widths: tuple[int, ...]
    holds: bool
    method: str
    monomials: int
    seconds: float

    def summary(self) -> str:
        shown = " ".join(map(str, self.widths))
        verdict = "holds" if self.holds else "FAILS"
        return (
            f"f(x) = W_z x + b_z {verdict} for widths {shown}: {self.method}, "
            f"{self.monomials:,} monomials compared, {self.seconds:.3f} s"
        )


def verify(widths: Sequence[object], *, max_terms: int = DEFAULT_MAX_TERMS) -> Verification:
    """Expand both sides exactly and check that ``f(x) - (W_z x + b_z)`` is the zero vector."""
    start = time.perf_counter()
    result = collapse(widths, max_terms=max_terms)
    residual = result.residual()
    holds = all(entry == 0 for entry in residual)
    return Verification(
        widths=result.widths,
        holds=holds,
        method="exact expansion (nested forward pass against W_z x + b_z)",
        monomials=result.counts.total,
        seconds=time.perf_counter() - start,
    )
