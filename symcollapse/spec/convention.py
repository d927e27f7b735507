"""Which way a document writes vectors: ``column`` (``h^{(k)} = W_k h^{(k-1)} + b_k``, so
``W_z = W_n \\cdots W_1``) or ``row`` (``h^{(k)} = h^{(k-1)} W_k + b_k``, as many ML papers and
``nn.Linear``'s ``x A^T + b`` write it, so ``W_z = W_1 \\cdots W_n``).

Plain data, without sympy, so that the option is checked before any algebra runs.
"""

from __future__ import annotations

from typing import Literal

from symcollapse.errors import OptionError

Convention = Literal["column", "row"]

#: The conventions; the default is the first.
CONVENTIONS: tuple[Convention, ...] = ("column", "row")
DEFAULT_CONVENTION: Convention = "column"


def check_convention(convention: object) -> Convention:
    """``convention`` when it is one of :data:`CONVENTIONS`, else an :class:`OptionError`."""
    if convention not in CONVENTIONS:
        shown = ", ".join(CONVENTIONS)
        raise OptionError(
            f"convention must be one of {shown}, got {convention!r}", parameter="convention"
        )
    return convention


def column_only(convention: object, kind: str) -> None:
    """Refuse ``row`` for a document ``kind`` that is written in the column convention only
    (an :class:`OptionError`): never a column document labelled row."""
    if check_convention(convention) != "column":
        raise OptionError(
            f"{kind} is written in the column convention only (h = W x + b); "
            "the row convention is not available for it",
            parameter="convention",
        )
