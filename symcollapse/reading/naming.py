"""The entry convention a document states: ``w^{(k)}_{ij}`` is row i, column j of ``W_k``.

A definition ``W_{1} = [...]`` whose cells are distinct indexed symbols must put the symbol indexed
``ij`` in row i, column j (``x_{i}`` in row i of a vector), and ``(W_1)_{1,2} = w^{(1)}_{1,2}``
must repeat its index: a printer that swaps the indices writes a consistent document, false
only against this convention, so the reader checks it. The accepted spellings of index ``i, j``
are ``ij``, ``i,j`` and, in the flat style, either after the layer (``1,ij``, ``1,i,j``).
"""

from __future__ import annotations

import re

from symcollapse.reading.nodes import Entry, MatrixLiteral, Name, Node

#: A subscript made of indices only (digits and commas): the ones the convention speaks of.
_INDICES = re.compile(r"[\d,]+")


def spellings(indices: tuple[int, ...]) -> tuple[str, ...]:
    """How the index ``indices`` may be written: ``(1, 2)`` -> ``12``, ``1,2``."""
    shown = [str(i) for i in indices]
    return ("".join(shown), ",".join(shown)) if len(shown) == 2 else (shown[0],)


def named_at(sub: str, indices: tuple[int, ...]) -> bool:
    """Whether the subscript ``sub`` is the index ``indices`` (after a layer, in flat style)."""
    return any(sub == s or sub.endswith("," + s) for s in spellings(indices))


def _independent(matrix: MatrixLiteral) -> bool:
    """Whether every cell is its own indexed symbol (not a convolution's repeated kernel)."""
    cells = [cell for row in matrix.rows for cell in row]
    names = {cell.key for cell in cells if isinstance(cell, Name) and _INDICES.fullmatch(cell.sub)}
    return len(names) == len(cells)


def misnamed(lhs: Node | None, rhs: Node, base: int) -> str | None:
    """What breaks the entry convention in the definition ``lhs = rhs``, or None."""
    if isinstance(lhs, Name) and isinstance(rhs, MatrixLiteral) and _independent(rhs):
        column = all(len(row) == 1 for row in rhs.rows)
        for r, row in enumerate(rhs.rows):
            for c, cell in enumerate(row):
                at = (r + base, c + base)  # a column's entries may also have one index
                if column and isinstance(cell, Name) and named_at(cell.sub, at[:1]):
                    continue
                if isinstance(cell, Name) and not named_at(cell.sub, at):
                    return f"the entry at {at} of {lhs.key} is named {cell.key}"
    if isinstance(lhs, Entry) and isinstance(rhs, Name) and _INDICES.fullmatch(rhs.sub):
        index = lhs.index
        if not (rhs.sub == index or rhs.sub.endswith("," + index)):
            return f"the entry {index} is named {rhs.key}"
    return None
