"""A vector or matrix a document defines by its own entries' symbols, ``x = [x_{1}; x_{2}]``:
each cell is the entry of its place, once.

Such a definition is true by fiat, and the rows use ``x``: an index digit changed by hand
(``x = [x_{1}; x_{1}]``, ``y = [y_{0}]`` in a document indexed from 1) or an entry renamed
once (``x = [Q_{1}; x_{2}]``) leaves every row true and the document false only against its
own convention. Every cell of the vector's letter must name the entry of its place, in one
index base (0 or 1: an edit of one cell of two or more leaves the others in the document's
own; a vector of one entry, ``y = [y_{0}]`` for ``[y_{1}]``, is the document written
indexed from 0, and its other rows say which); a cell of another letter that no other row
names is a renamed entry. The indices are read as :mod:`~symcollapse.reading.maps` reads
them. Only names without an index are read here (``x``, ``y``, ``\\xi``): the maps of
a layer (``W_{2}``, a convolution's kernel beside zeros) are :mod:`.maps`' to check.
"""

from __future__ import annotations

from symcollapse.reading.maps import index_readings, reads_as_cell
from symcollapse.reading.nodes import Document, MatrixLiteral, Name, Row
from symcollapse.reading.unused import names_elsewhere

Cells = list[tuple[int, int, Name]]


def _vector(row: Row) -> tuple[Name, Cells] | None:
    """(name, cells by position) of a definition ``x = [...]`` of a name without indices by
    a matrix of names at least one of which is of its letter (``x_{1}``), or by that one
    entry (``y = y_{1}``); None otherwise."""
    lhs, rhs = row.lhs, row.rhs
    if not isinstance(lhs, Name) or lhs.sub or lhs.sup or row.relation not in ("=", ":="):
        return None
    if isinstance(rhs, Name) and _own(lhs, rhs):  # y = y_{1}: a vector of one entry
        return lhs, [(0, 0, rhs)]
    if not isinstance(rhs, MatrixLiteral):
        return None
    cells = [(r, c, cell) for r, cells in enumerate(rhs.rows) for c, cell in enumerate(cells)]
    named = [(r, c, cell) for r, c, cell in cells if isinstance(cell, Name)]
    if len(named) != len(cells) or not any(_own(lhs, cell) for _, _, cell in named):
        return None
    return lhs, named


def _own(vector: Name, cell: Name) -> bool:
    """Whether ``cell`` is written as an entry of ``vector``: its letter (either case), an
    index and no label."""
    return cell.base.lower() == vector.base.lower() and not cell.sup and bool(cell.sub)


def _shape(cells: Cells) -> tuple[int, int]:
    """(rows, columns) of the matrix ``cells`` fill."""
    return max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1


def _wrong_cell(vector: Name, cells: Cells, base: int, used: set[str]) -> str | None:
    """What is wrong with the first cell of ``vector`` that is not the entry of its place in
    ``base`` (or a foreign name ``used`` does not hold), else None."""
    shape = _shape(cells)
    for r, c, cell in cells:
        at = (r,) if shape[1] == 1 else (c,) if shape[0] == 1 else (r, c)
        where = f"its entry {', '.join(str(i + base) for i in at)}"
        if not _own(vector, cell):
            if cell.key not in used:
                return f"{where} is {cell.key}, not an entry of {vector.key}; no other row names it"
            continue
        indices = index_readings(cell.sub)
        if indices is None or not reads_as_cell(indices, r, c, shape, base):
            return f"{where} is named {cell.key}, not the symbol of that entry of {vector.key}"
    return None


def misnamed_entries(document: Document) -> str | None:
    """The first definition of a vector or matrix by its own entries' symbols whose cell is not
    the entry of its place, as the verdict's line (``section ..., row 1 is false: ...``); None
    if every such definition keeps the convention."""
    vectors = [(row, *found) for row in document.rows if (found := _vector(row)) is not None]
    for row, vector, cells in vectors:
        used = {n.key for n in names_elsewhere(document, row)}
        wrongs = [_wrong_cell(vector, cells, base, used) for base in (1, 0)]
        if all(wrongs):  # no index base names every cell at its place: base 1's breach
            return f"{row.where} is false: {wrongs[0]}"
    return None


__all__ = ["misnamed_entries"]
