"""Max pooling read back: ``\\operatorname{maxpool}_{3}`` (JSON's ``maxpool[3]``) is the maximum
over each window of 3 entries, windows side by side; ``\\operatorname{maxpool}_{3, s = 1}``
(``maxpool[3, s=1]``) slides them by 1. Evaluated exactly on numbers, as a ReLU is
(:mod:`symcollapse.reading.piecewise`): so its rows are checked at points, never assumed.
"""

from __future__ import annotations

import re

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.nodes import Name

#: Max pooling's printed names: typeset, and JSON's.
POOLING = (r"\operatorname{maxpool}", "maxpool")

#: Its subscript: the window, and the stride where it is not the window.
WINDOW = re.compile(r"(\d+)(?:,s=(\d+))?")


def window(function: Name) -> tuple[int, int] | None:
    """``(size, stride)`` of the max pooling ``function`` names, None if it names none."""
    if function.base not in POOLING or function.sup:
        return None
    match = WINDOW.fullmatch(function.sub.replace(" ", ""))
    if match is None:
        return None
    size = int(match.group(1))
    stride = int(match.group(2) or size)
    return (size, stride) if size >= 1 and stride >= 1 else None


def max_pool(cells: sp.Matrix, size: int, stride: int) -> sp.Matrix:
    """The maximum over each window of ``size`` entries of the column (or row) ``cells``,
    windows ``stride`` apart from the first entry; an input shorter than one window is a
    contradiction of the page."""
    entries = list(cells)
    if len(entries) < size:
        raise DocumentError(f"max pooling over windows of {size} of {len(entries)} entries")
    maxima = [sp.Max(*entries[i : i + size]) for i in range(0, len(entries) - size + 1, stride)]
    return sp.Matrix(maxima) if cells.cols == 1 else sp.Matrix([maxima])
