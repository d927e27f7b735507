"""Entries of ``W_z`` and ``b_z`` as sums over paths: products of entry symbols, no sympy tree.

Every coefficient of such a sum is 1 and every term is one path through the layers, so a sum is
fully described by its products. A document of 8 widths of 3 prints about ten thousand of them;
building each entry as a canonical ``sympy.Add`` and printing it back cost more than all the rest
of the document, so the documents print :class:`PathSum` values directly, and ``as_expr`` gives
the sympy sum on request.

The order is the one the closed form ``W_z x + sum_k (W_n ... W_{k+1}) b_k`` reads in
(:func:`path_key`): terms grouped by their innermost factor (``x`` first, then ``b_1``, ``b_2``,
...), and within a group ordered by their factors from the outer layer inward.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, cast

import numpy as np
import sympy as sp

from symcollapse.algebra.network import Entry

#: An entry's place in a product: ``(-layer, kind rank, row, column)`` (``Entry.sort_key``).
SortKey = tuple[int, int, int, int]


def path_key(factors: Iterable[SortKey]) -> tuple[Any, ...]:
    """Sort key of one product by its factors' sort keys: innermost layer, then the factors
    from the outer layer inward (a product without entries sorts after every path)."""
    ordered = sorted(factors)
    innermost = ordered[-1][0] if ordered else -math.inf
    return (-innermost, tuple(ordered))


@dataclass(frozen=True)
class PathSum:
    """``sum_p prod(p)`` over ``products``, each a tuple of distinct symbols in path order, the
    products in :func:`path_key` order; every coefficient is 1."""

    products: tuple[tuple[sp.Symbol, ...], ...]

    def __len__(self) -> int:
        return len(self.products)

    def as_expr(self) -> sp.Expr:
        """The same sum as a sympy expression."""
        return sp.Add(*(sp.Mul(*product) for product in self.products))


def from_words(
    columns: Sequence[np.ndarray], symbols: Sequence[sp.Symbol], keys: Mapping[sp.Symbol, SortKey]
) -> list[PathSum]:
    """The :class:`PathSum` of each array of monomials in ``columns`` (one column of ``uint64``
    words per product, bit ``k`` standing for ``symbols[k]``), put in path order by ``keys``.

    The bits of all products are read at once with numpy; only the ordering is per product.
    """
    rank = sorted(range(len(symbols)), key=lambda k: keys[symbols[k]])
    position = np.empty(len(symbols), dtype=np.int64)
    position[rank] = np.arange(len(symbols))
    in_order = [symbols[k] for k in rank]
    layer = [-keys[s][0] for s in in_order]  # the layer of the factor at each position
    out = []
    for words in columns:
        plane, term = np.nonzero(words)  # only the words that hold a symbol are unpacked
        values = np.ascontiguousarray(words[plane, term].astype("<u8", copy=False))
        bits = np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
        row, bit = np.nonzero(bits)
        term, places = term[row], position[plane[row] * 64 + bit]
        order = np.lexsort((places, term))  # each product's factors in path order
        ends = np.cumsum(np.bincount(term, minlength=words.shape[1])).tolist()
        flat = places[order].tolist()  # Python ints: sorted and looked up without numpy scalars
        products = [tuple(flat[a:b]) for a, b in pairwise([0, *ends])]
        products.sort(key=lambda p: (layer[p[-1]], p))  # the innermost factor is the last
        out.append(PathSum(tuple(tuple(map(in_order.__getitem__, p)) for p in products)))
    return out


def is_path_sum(
    entry: PathSum, entries: Mapping[sp.Symbol, Entry], depth: int, row: int, column: int | None
) -> bool:
    """Whether ``entry`` is exactly the sum over the paths into output ``row`` of a network of
    ``depth`` layers: from input ``column`` (an entry of ``W_z``), or from a bias when ``column``
    is None (of ``b_z``). Each product must be a path (``W_n``, ``W_{n-1}``, ... in turn, each
    factor's row the previous factor's column, ending at ``W_1``'s column or at a bias), and the
    products distinct: then they are all the paths exactly when there are as many as the closed
    form counts, which the caller compares. Read from the symbols' entries, not from the packed
    words the products were decoded from, so a wrong decoding cannot pass.
    """
    return len(set(entry.products)) == len(entry) and all(
        _is_path(product, entries, depth, row, column) for product in entry.products
    )


def _is_path(
    product: tuple[sp.Symbol, ...],
    entries: Mapping[sp.Symbol, Entry],
    layer: int,
    row: int,
    column: int | None,
) -> bool:
    factors = [entries.get(s) for s in product]  # one look-up per factor
    if not factors or any(f is None for f in factors):
        return False
    *weights, last = cast(list[Entry], factors)
    for k, f in enumerate(weights):
        if f.kind != "W" or f.layer != layer - k or f.row != row:
            return False
        row = f.col
    if column is None:
        return last.kind == "b" and last.layer == layer - len(weights) and last.row == row
    return (last.kind, last.layer, last.row, last.col) == ("W", 1, row, column)
