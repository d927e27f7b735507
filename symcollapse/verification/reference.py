"""The reference the exact and random routes hold what symcollapse emits against: the nested
forward pass ``W_n(...(W_1 x + b_1)...) + b_n`` written here from its definition alone.

It imports nothing of symcollapse but :mod:`symcollapse.errors`, and numpy for its arrays
(tests/verification/test_routes.py holds it to that), so a bug in the algebra that produces the
printed entries cannot be repeated in the reference that checks them. An entry is named as every
document's symbols are: ``x_j``, ``w_k_i_j`` and ``b_k_i`` (layer ``k``, row ``i``, column
``j``, from 1), read by :func:`parse_name` into a :data:`Key`.

Every product the forward pass forms has at most one factor of each layer (layer ``k``
multiplies a polynomial in the entries of layers below ``k`` by one of its own), so a monomial
is written as its digits ``(c_n, ..., c_0)``: ``c_k`` is 0 when no entry of layer ``k`` is a
factor, else that entry's code (:meth:`Layout.code`). The digits are packed, highest layer
first, into ``int64`` words (:class:`Layout`), so that comparing the words compares the digits.
In ``h_k[i] = b_k[i] + sum_j w_k[i, j] h_{k-1}[j]`` every term has a layer-``k`` digit of its
own (``b_k[i]``, or ``w_k[i, j]`` for one ``j``) and the terms of ``h_{k-1}[j]`` have none, so no
two terms share a monomial: every coefficient is 1, no sum merges anything, and a polynomial is
the set of its monomials. The codes grow from ``b_k[i]`` through ``w_k[i, 1]``, ``w_k[i, 2]``,
..., so writing the terms in that order keeps every polynomial sorted, with no sort.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from symcollapse.errors import VerificationError

#: An entry: its kind (``"x"``, ``"w"`` or ``"b"``), layer, row and column (0 where it has none).
Key = tuple[str, int, int, int]

#: A polynomial: its monomials as the columns of a ``(words, terms)`` ``int64`` array of
#: :class:`Layout` words, each with coefficient 1, in strictly increasing order.
Polynomial = np.ndarray

#: A word holds digits whose place values multiply to at most this (``int64`` holds them).
WORD = 2**63

_NAME = re.compile(r"x_([1-9]\d*)|w_([1-9]\d*)_([1-9]\d*)_([1-9]\d*)|b_([1-9]\d*)_([1-9]\d*)")


def parse_name(name: str, widths: tuple[int, ...]) -> Key:
    """The entry named ``name`` in a network of ``widths``; :class:`VerificationError` for a name
    that is no entry of it (a wrong index is a wrong entry, never clamped)."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise VerificationError(f"{name!r} names no entry of a network")
    x, wk, wi, wj, bk, bi = match.groups()
    key: Key
    if x is not None:
        key = ("x", 0, 0, int(x))
        inside = key[3] <= widths[0]
    elif wk is not None:
        key = ("w", int(wk), int(wi), int(wj))
        inside = key[1] < len(widths) and key[2] <= widths[key[1]] and key[3] <= widths[key[1] - 1]
    else:
        key = ("b", int(bk), int(bi), 0)
        inside = key[1] < len(widths) and key[2] <= widths[key[1]]
    if not inside:
        raise VerificationError(f"{name!r} names no entry of a network of widths {widths}")
    return key


@dataclass(frozen=True)
class Layout:
    """Where each layer's digit goes: layer ``k``'s digit has ``bases[k]`` values (its entries
    and "none"), in word ``word[k]`` with place value ``place[k]``; word 0 holds the highest
    layers."""

    widths: tuple[int, ...]
    bases: tuple[int, ...]
    word: tuple[int, ...]
    place: tuple[int, ...]

    @property
    def words(self) -> int:
        return self.word[0] + 1

    def code(self, key: Key) -> int:
        """The digit of ``key`` in its layer: ``x_j`` is ``j``; in layer ``k``, row ``i``'s
        entries ``b_k[i], w_k[i, 1], ..., w_k[i, d_{k-1}]`` are consecutive, rows in order."""
        kind, k, i, j = key
        return j if kind == "x" else 1 + (i - 1) * (self.widths[k - 1] + 1) + j

    def symbols(self, k: int) -> list[Key]:
        """Layer ``k``'s entries in the order of their codes (code 1 first)."""
        d = self.widths
        if k == 0:
            return [("x", 0, 0, j) for j in range(1, d[0] + 1)]
        return [
            ("b", k, i, 0) if j == 0 else ("w", k, i, j)
            for i in range(1, d[k] + 1)
            for j in range(d[k - 1] + 1)
        ]

    def monomial(self, key: Key) -> Polynomial:
        """The single entry ``key``."""
        out = np.zeros((self.words, 1), dtype=np.int64)
        out[self.word[key[1]], 0] = self.code(key) * self.place[key[1]]
        return out

    def digits(self, monomials: Polynomial, k: int) -> np.ndarray:
        """Layer ``k``'s digit of each monomial (column)."""
        return monomials[self.word[k]] // self.place[k] % self.bases[k]


def layout(widths: tuple[int, ...]) -> Layout:
    """The digits of ``widths``: layers packed from the input up while a word holds them."""
    d = widths
    bases = (d[0] + 1, *(d[k] * (d[k - 1] + 1) + 1 for k in range(1, len(d))))
    word, place, filled, current = [], [], 1, 0
    for base in bases:
        if filled * base > WORD:
            current, filled = current + 1, 1
        word.append(current)
        place.append(filled)
        filled *= base
    return Layout(d, bases, tuple(current - w for w in word), tuple(place))


def forward_polynomials(
    widths: tuple[int, ...], progress: Callable[[int, int], None] | None = None
) -> list[Polynomial]:
    """``f(x)`` entrywise as exact polynomials in the entries (see the module docstring), by the
    nested composition; ``progress(layer, depth)`` after each layer."""
    lay = layout(widths)
    d, depth = widths, len(widths) - 1
    h = [lay.monomial(("x", 0, 0, j)) for j in range(1, d[0] + 1)]
    for k in range(1, depth + 1):
        word, place = lay.word[k], lay.place[k]
        layer: list[Polynomial] = []
        for i in range(1, d[k] + 1):
            out = np.concatenate([lay.monomial(("b", k, i, 0)), *h], axis=1)
            start = 1
            for j, h_j in enumerate(h, 1):  # w_k[i, j] h_{k-1}[j]: layer k's digit was 0
                out[word, start : start + h_j.shape[1]] += lay.code(("w", k, i, j)) * place
                start += h_j.shape[1]
            layer.append(out)
        h = layer
        if progress is not None:
            progress(k, depth)
    return h
