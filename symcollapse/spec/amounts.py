"""Numbers in words for people: counts, bytes and seconds of any size, without float overflow.

One home for how a quantity reads, shared by the refusals of :mod:`symcollapse.spec.cost` and
the renderers (:mod:`symcollapse.render.verification`); it is plain text, so it sits in
``spec``, below both.
"""

from __future__ import annotations

import math


def amount(number: int) -> str:
    """``12,345`` for readable counts, ``about 1.2e+1803`` for astronomically large ones."""
    if number < 10**15:
        return f"{number:,}"
    exponent = math.floor(math.log10(number))
    mantissa = 10 ** (math.log10(number) - exponent)
    return f"about {mantissa:.1f}e+{exponent}"


def gigabytes(size: int) -> str:
    """``about 12.3 GB`` for a byte count, without float overflow for astronomically large ones."""
    if size < 2**30 * 10**9:
        return f"about {size / 2**30:,.1f} GB"
    return f"more than {10**9:,} GB"


def seconds(count: int) -> str:
    """``about 17 s`` for a whole number of seconds, however large."""
    return f"about {count:,} s" if count < 10**12 else f"more than {10**12:,} s"
