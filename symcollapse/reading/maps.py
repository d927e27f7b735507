"""The entry convention of a layers document's maps: ``W_{k} = [w^{(k)}_{ij}]`` names the entry
in row i, column j of the layer k's map by its letter, its layer and its index.

A layers document defines each layer's map and bias by symbols (``W_{2} = [w^{(2)}_{11} \\;
w^{(2)}_{12}]``) that nothing else names: its rows speak of ``W_{2}``, so a symbol of the wrong
layer (``w^{(0)}_{11}``), index (``w^{(2)}_{12}`` twice) or letter (``Q^{(2)}_{11}``) leaves the
document consistent and false only against its convention, which the reader checks here. The
symbols are read in every style printed: ``w^{(2)}_{12}``, ``W^{2}_{12}``, ``W_{2,12}``,
JSON's ``w_2_1_2``; a map's letter is the one most of its cells share that is the map's own
(``W`` and ``w``, ``\\Theta`` and ``\\theta``), its layer the map's (``W_{2}``: 2), the
index base the one most cells of the document's maps are named in. A map whose cells are not
all names (a convolution's kernel beside zeros, a mask) or of another letter is not read here;
nor the indices of one most of whose cells are not named at their place (a convolution's bias,
one symbol per channel).
"""

from __future__ import annotations

import re
from collections import Counter

from symcollapse.reading.nodes import Apply, Document, Entry, MatrixLiteral, Name, Row

#: A layer as a superscript: ``(2)`` or ``2``.
_LAYER = re.compile(r"\((\d+)\)|(\d+)")


def index_readings(index: str) -> tuple[tuple[int, ...], ...] | None:
    """Every reading of an entry's index: ``1,2`` and ``1_2`` -> ((1, 2),); ``12`` -> ((12,),
    (1, 2)) (row 12 of a vector, or row 1, column 2: the shape decides); None if not indices."""
    if re.search(r"[,_]", index):
        parts = re.split(r"[,_]", index)
        if len(parts) != 2 or not all(p.isdecimal() for p in parts):
            return None
        return ((int(parts[0]), int(parts[1])),)
    if not index.isdecimal():
        return None
    splits = tuple((int(index[:k]), int(index[k:])) for k in range(1, len(index)))
    return ((int(index),), *splits)


def _symbol(name: Name) -> tuple[str, int, tuple[tuple[int, ...], ...]] | None:
    """(letter, layer, readings of the index) of an entry's symbol: ``w^{(2)}_{13}`` -> ("w",
    2, ((13,), (1, 3))); ``W_{2,13}``, ``w_2_1_3`` alike; None for any other name."""
    if name.sup:
        layer = _LAYER.fullmatch(name.sup)
        if layer is None:
            return None
        number, index = int(layer[1] or layer[2]), name.sub
    else:
        flat = re.fullmatch(r"(\d+)[,_](.+)", name.sub)  # W_{2,13}, w_2_1_3
        if flat is None:
            return None
        number, index = int(flat[1]), flat[2]
    indices = index_readings(index)
    return None if indices is None else (name.base, number, indices)


def _cells(row: Row) -> list[tuple[int, int, Name]] | None:
    """The cells of a map's definition ``W_{k} = [...]`` by position, if all are names."""
    lhs, rhs = row.lhs, row.rhs
    if not isinstance(lhs, Name) or not lhs.sub.isdecimal() or lhs.sup:
        return None
    if isinstance(rhs, Name) and _symbol(rhs) is not None:  # b_{3} = b^{(3)}_{1}: its one entry
        return [(0, 0, rhs)]
    if not isinstance(rhs, MatrixLiteral):
        return None
    cells = [
        (r, c, cell)
        for r, cells in enumerate(rhs.rows)
        for c, cell in enumerate(cells)
        if isinstance(cell, Name)
    ]
    return cells if len(cells) == sum(len(cells) for cells in rhs.rows) else None


def _maps(document: Document) -> list[tuple[Row, list[tuple[int, int, Name]], str, int]]:
    """The document's maps defined by symbols: each row, its cells, the letter most of its
    cells share that is the map's own (``W_{2}``: ``w`` or ``W``) and the map's layer."""
    found = []
    letters_of_entries = {
        symbol[0].lower()
        for node in document.nodes()
        if isinstance(node, Name) and (symbol := _symbol(node)) is not None
    }
    for row in document.rows:
        cells = _cells(row)
        lhs = row.lhs
        if not cells or not isinstance(lhs, Name):
            continue
        symbols = [_symbol(cell) for _, _, cell in cells]
        layer = int(lhs.sub)
        letters = Counter(
            s[0] for s in symbols if s is not None and s[0].lower() == lhs.base.lower()
        ).most_common(1)
        if letters:
            found.append((row, cells, letters[0][0], layer))
        elif len(cells) == 1 and lhs.base.lower() in letters_of_entries:
            # a bias of one entry, renamed: the map's own letter, which names entries elsewhere,
            # is wanted (a 1x1 mask D_{1} = \delta^{(1)}_{1} or Toeplitz matrix T_{1} =
            # \kappa^{(1)}_{1} is by nature its entry's: no d^{(k)}, t^{(k)} names entries)
            found.append((row, cells, lhs.base.lower(), layer))
    return found


def reads_as_cell(
    index: tuple[tuple[int, ...], ...], r: int, c: int, shape: tuple[int, int], base: int
) -> bool:
    """Whether a reading of ``index`` is the cell (r, c)'s in a matrix of ``shape`` indexed
    from ``base``."""
    rows, cols = shape
    return any(
        reading == (r + base, c + base)
        or (cols == 1 and reading == (r + base,))
        or (rows == 1 and reading == (c + base,))
        for reading in index
    )


def _entries_of_another(row: Row) -> str | None:
    """What is wrong with ``row`` if it writes a matrix as the entries of another:
    ``Q_{z}(D) = [(W_{z}(D))_{11} ...]`` (a name changed by hand), else None."""
    if row.lhs is None or not isinstance(row.rhs, MatrixLiteral):
        return None
    cells = [cell for cells in row.rhs.rows for cell in cells]
    if not all(isinstance(cell, Entry) for cell in cells):
        return None
    matrices = {repr(cell.matrix) for cell in cells}  # type: ignore[union-attr]
    if len(matrices) == 1 and repr(row.lhs) not in matrices:
        other = cells[0].matrix  # type: ignore[union-attr]
        if not isinstance(other, Name | Apply):
            return None
        shown = other.key if isinstance(other, Name) else f"{other.function.key}(...)"
        return f"{row.where} is false: its cells are the entries of {shown}, not its own"
    return None


def misnamed_map(document: Document) -> str | None:
    """The first map's definition whose cell breaks the convention, or that writes its matrix
    as another's entries, as the verdict's line (``section ..., row 3 is false: ...``); None
    if every map keeps it."""
    for row in document.rows:
        if (wrong := _entries_of_another(row)) is not None:
            return wrong
    maps = _maps(document)
    scores = Counter[int]()
    for _, cells, _, _ in maps:
        shape = (max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1)
        for r, c, cell in cells:
            symbol = _symbol(cell)
            for base in (0, 1):
                if symbol is not None and reads_as_cell(symbol[2], r, c, shape, base):
                    scores[base] += 1
    base = 0 if scores[0] > scores[1] else 1
    for row, cells, letter, layer in maps:
        shape = (max(r for r, _, _ in cells) + 1, max(c for _, c, _ in cells) + 1)
        symbols = [(_symbol(cell), r, c) for r, c, cell in cells]
        own = sum(1 for s, r, c in symbols if s and reads_as_cell(s[2], r, c, shape, base))
        dense = 2 * own >= len(cells)  # not a convolution's bias, one symbol per channel
        for r, c, cell in cells:
            symbol = _symbol(cell)
            at = (r + base, c + base)
            if symbol is None or (symbol[0].lower(), symbol[1]) != (letter.lower(), layer):
                wrong = f"its entry at {at} is {cell.key}, not an entry of layer {layer}'s {letter}"
            elif dense and not reads_as_cell(symbol[2], r, c, shape, base):
                wrong = f"its entry at {at} is named {cell.key}, the symbol of another entry"
            else:
                continue
            return f"{row.where} is false: {wrong}"
    return None


__all__ = ["misnamed_map"]
