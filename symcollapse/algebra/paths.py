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
from typing import Any

import numpy as np
import sympy as sp

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
        as_bytes = np.ascontiguousarray(words.T.astype("<u8", copy=False)).view(np.uint8)
        bits = np.unpackbits(as_bytes, axis=1, bitorder="little")[:, : len(symbols)]
        term, symbol = np.nonzero(bits)
        places = position[symbol]
        order = np.lexsort((places, term))  # each product's factors in path order
        bounds = np.cumsum(np.bincount(term, minlength=words.shape[1]))[:-1]
        products = [tuple(p) for p in np.split(places[order], bounds)]
        products.sort(key=lambda p: (layer[p[-1]], p))  # the innermost factor is the last
        out.append(PathSum(tuple(tuple(in_order[i] for i in p) for p in products)))
    return out
