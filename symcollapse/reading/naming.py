"""The entry convention a document states: ``w^{(k)}_{ij}`` is row i, column j of ``W_k``.

A definition ``W_{1} = [...]`` whose cells are distinct indexed symbols must put the symbol indexed
``ij`` in row i, column j (``x_{i}`` in row i of a vector), and ``(W_1)_{1,2} = w^{(1)}_{1,2}``
must repeat its index: a printer that swaps the indices writes a consistent document, false
only against this convention, so the reader checks it. The accepted spellings of index ``i, j``
are ``ij``, ``i,j`` and, in the flat style, either after the layer (``1,ij``, ``1,i,j``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
    """Whether every cell is an indexed symbol of its own: distinct, or (a name repeated by
    hand, ``w_{12}`` in row 2, column 1 too) each an entry's symbol with a row and a column
    index in a matrix of rows and columns; not a convolution's repeated kernel (one index)."""
    cells = [cell for row in matrix.rows for cell in row]
    indexed = [cell for cell in cells if isinstance(cell, Name) and _INDICES.fullmatch(cell.sub)]
    if len(indexed) != len(cells):
        return False
    if len({cell.key for cell in indexed}) == len(cells):
        return True
    wide = len(matrix.rows) > 1 and len(matrix.rows[0]) > 1
    return wide and all(_two_indices(cell) for cell in indexed)


def _two_indices(cell: Name) -> bool:
    """Whether ``cell`` is an entry's symbol with a row and a column index (``w^{(1)}_{12}``)."""
    entry = entry_of(cell)
    return entry is not None and len(_indices(entry[2]) or ()) == 2


def misnamed(lhs: Node | None, rhs: Node, base: int) -> str | None:
    """What breaks the entry convention in the definition ``lhs = rhs``, or None."""
    if isinstance(lhs, Name) and isinstance(rhs, MatrixLiteral) and _independent(rhs):
        column = all(len(row) == 1 for row in rhs.rows)
        wide = len(rhs.rows) == 1 and not column  # a row vector (a row document's x)
        for r, row in enumerate(rhs.rows):
            for c, cell in enumerate(row):
                at = (r + base, c + base)  # a vector's entries may also have one index
                one = at[:1] if column else at[1:] if wide else None
                if one and isinstance(cell, Name) and named_at(cell.sub, one):
                    continue
                if isinstance(cell, Name) and not named_at(cell.sub, at):
                    return f"the entry at {at} of {lhs.key} is named {cell.key}"
    if isinstance(lhs, Name) and isinstance(rhs, Name) and single_entry(lhs, rhs):
        index = entry_of(rhs)[2] if entry_of(rhs) else rhs.sub  # type: ignore[index]
        if index not in spellings((base,)) + spellings((base, base)):
            return f"the one entry of {lhs.key} is named {rhs.key}"  # b_3 = b^{(3)}_{1}
    if isinstance(lhs, Entry) and isinstance(rhs, Name) and _INDICES.fullmatch(rhs.sub):
        index = lhs.index
        named = entry_of(rhs)
        tap = named[2] if named else rhs.sub  # one index: 3, or 10 beside an entry's 10,10
        single = tap.isdecimal() and ("," in index or len(tap) == 1)
        if len(_indices(index) or ()) == 2 and single:
            return None  # a kernel's tap, a mask's delta_{k}: one index, not the entry's two
        if not (rhs.sub == index or rhs.sub.endswith("," + index)):
            return f"the entry {index} is named {rhs.key}"
    return None


def _indices(index: str) -> tuple[int, ...] | None:
    """``11`` -> (1, 1), ``1,2`` -> (1, 2), ``3`` -> (3,); None if not indices."""
    if not index or not _INDICES.fullmatch(index):
        return None
    parts = index.split(",") if "," in index else list(index) if len(index) == 2 else [index]
    return tuple(int(p) for p in parts) if all(parts) and len(parts) <= 2 else None


def entry_of(name: Name) -> tuple[str, int, str] | None:
    """The matrix an entry's symbol names by the convention, as (letter as written, layer,
    index): ``w^{(2)}_{13}`` -> ("w", 2, "13"), ``W^{2}_{13}`` and ``W_{2,13}`` -> ("W", 2,
    "13"), ``b^{(1)}_{3}`` -> ("b", 1, "3"); None for any other name."""
    if name.sup:
        layer = re.fullmatch(r"\((\d+)\)|(\d+)", name.sup)
        if layer is None:
            return None
        number, index = int(layer[1] or layer[2]), name.sub
    else:
        head, comma, index = name.sub.partition(",")
        if not comma or not head.isdecimal():
            return None
        number = int(head)
    return (name.base, number, index) if _indices(index) else None


def by_convention(names: Iterable[Name]) -> dict[tuple[str, int], dict[str, Name]]:
    """The entries' symbols among ``names`` by the matrix they name (letter, layer), each
    by its index: what ``W_{2}`` is when the document writes only its entries."""
    found: dict[tuple[str, int], dict[str, Name]] = {}
    for name in names:
        entry = entry_of(name)
        if entry is not None:
            found.setdefault(entry[:2], {})[entry[2]] = name
    return found


def single_entry(lhs: Name, name: Name) -> bool:
    """Whether ``lhs = name`` gives a 1x1 matrix or a vector of one its only entry: ``name``
    is an entry's symbol of ``lhs``'s layer (``b_3 = b^{(3)}_{1}``, ``b_3 = b_{3,1}``; of
    another letter where the matrix's entries are by nature another's, a mask's ``D_1 =
    \\delta^{(1)}_{1}`` or a kernel's ``T_1 = \\kappa^{(1)}_{1}``: its letter is held to the
    convention in reading/maps.py), or ``lhs``'s own letter with an index (``x = x_{1}``)."""
    if name.base == lhs.base and not lhs.sub and not lhs.sup and not name.sup:
        return _indices(name.sub) is not None
    entry = entry_of(name)
    if entry is None or not lhs.sub.isdecimal() or lhs.sup:
        return False
    return entry[1] == int(lhs.sub)
