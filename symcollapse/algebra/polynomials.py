"""Exact multilinear polynomials for the collapse, packed into numpy bit words, no sympy trees.

A monomial is a product of distinct entry symbols, stored as one row of ``uint64`` words with one
bit per symbol (symbol ``k`` is bit ``k % 64`` of word ``k // 64``); memory per monomial is the
number of words, not a Python object per symbol. Two independent routes give the collapsed map:

- :func:`forward_pass`: the nested composition ``W_n(...(W_1 x + b_1)...) + b_n`` in general sparse
  polynomial arithmetic (equal monomials merged and coefficients added after one sort per sum; a
  repeated factor is refused, never ignored);
- :func:`path_sums`: every entry of ``W_z`` and ``b_z`` as the rows of its paths through the
  layers, each a monomial with coefficient 1, enumerated from the output inward.

:func:`compare_routes` checks one against the other; :func:`monomial_ints` gives Python integer
bit masks, which :mod:`symcollapse.algebra.conversion` turns into sympy on request only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import prod

import numpy as np

from symcollapse.errors import VerificationError

#: A sparse polynomial: monomial bit mask -> nonzero integer coefficient.
Poly = dict[int, int]

#: Called as ``progress(done, total)`` after each unit of work (layers or output rows).
ProgressHook = Callable[[int, int], None]

#: Coefficients stay ``int64`` while the sum of their absolute values is below this bound;
#: above it they become Python integers (``object`` arrays), so no sum can overflow.
INT64_BOUND = 2**62

#: Odd multiplier of the row hash (the golden ratio in 64 bits); any odd constant is correct.
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Variables:
    """Bit positions of every entry symbol for some widths: ``x``, then ``W_k`` and ``b_k``.

    ``x[j]``, ``W[k][i][j]`` and ``b[k][i]`` are one-bit masks (``W[0]``, ``b[0]`` are empty
    so that layer ``k`` is at index ``k``); ``names`` lists the symbol name of each bit.
    """

    widths: tuple[int, ...]
    x: tuple[int, ...]
    W: tuple[tuple[tuple[int, ...], ...], ...]
    b: tuple[tuple[int, ...], ...]
    names: tuple[str, ...]

    @property
    def words(self) -> int:
        """``uint64`` words per monomial: one bit for every symbol."""
        return (len(self.names) + 63) // 64


def variables(widths: tuple[int, ...]) -> Variables:
    """Number every entry symbol of the network with ``widths`` (names as in ``network.py``)."""
    names: list[str] = []

    def bit(name: str) -> int:
        names.append(name)
        return 1 << (len(names) - 1)

    d = widths
    x = tuple(bit(f"x_{j + 1}") for j in range(d[0]))
    W: list[tuple[tuple[int, ...], ...]] = [()]
    b: list[tuple[int, ...]] = [()]
    for k in range(1, len(d)):
        W.append(
            tuple(
                tuple(bit(f"w_{k}_{i + 1}_{j + 1}") for j in range(d[k - 1])) for i in range(d[k])
            )
        )
        b.append(tuple(bit(f"b_{k}_{i + 1}") for i in range(d[k])))
    return Variables(widths=d, x=x, W=tuple(W), b=tuple(b), names=tuple(names))


def _position(mask: int) -> tuple[int, np.uint64]:
    """The word holding the one-bit ``mask``, and the bit within that word."""
    k = mask.bit_length() - 1
    return k // 64, np.uint64(1 << (k % 64))


def monomial_ints(words: np.ndarray) -> list[int]:
    """Each column of ``words`` as one Python integer bit mask (for conversion to sympy)."""
    data = np.ascontiguousarray(words.T).astype("<u8", copy=False).tobytes()
    step = 8 * words.shape[0]
    return [int.from_bytes(data[s : s + step], "little") for s in range(0, len(data), step)]


def _hash(words: np.ndarray) -> np.ndarray:
    """A 64-bit hash of every column: equal monomials get equal hashes (not conversely)."""
    h = np.zeros(words.shape[1], dtype=np.uint64)
    for plane in words:
        h ^= plane
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h


#: A polynomial's hash order: the permutation sorting its column hashes, and the sorted hashes.
HashOrder = tuple[np.ndarray, np.ndarray]


def _hash_order(words: np.ndarray) -> HashOrder:
    h = _hash(words)
    order = np.argsort(h)
    return order, h[order]


def _tied(hash_order: HashOrder) -> bool:
    """Whether two columns share a hash (equal monomials, or rarely a collision)."""
    ordered = hash_order[1]
    return bool((ordered[1:] == ordered[:-1]).any())


@dataclass(frozen=True, eq=False)
class Packed:
    """A sparse polynomial: monomial ``t`` is column ``t`` of ``words`` (a row per 64 symbols)
    with the nonzero coefficient ``coefficients[t]``, every monomial once; ``norm`` bounds the
    sum of the absolute values of the coefficients (it decides ``int64`` or Python integers);
    ``hash_order`` is kept when a sum computed it, so that a comparison need not sort again.
    """

    words: np.ndarray
    coefficients: np.ndarray
    norm: int
    hash_order: HashOrder | None = None

    def hashed(self) -> HashOrder:
        return self.hash_order if self.hash_order is not None else _hash_order(self.words)

    def __len__(self) -> int:
        return int(self.coefficients.shape[0])

    def as_dict(self) -> Poly:
        """The polynomial as ``{monomial bit mask: coefficient}``."""
        return dict(zip(monomial_ints(self.words), self.coefficients.tolist(), strict=True))


def _monomial(mask: int, words: int) -> Packed:
    """The single symbol ``mask`` with coefficient 1."""
    out = np.zeros((words, 1), dtype=np.uint64)
    word, bit = _position(mask)
    out[word, 0] = bit
    return Packed(out, np.ones(1, dtype=np.int64), 1)


def times(poly: Packed, variable: int) -> Packed:
    """``variable * poly``; refuses a repeated factor (it would leave multilinear form)."""
    word, bit = _position(variable)
    if (poly.words[word] & bit).any():
        raise VerificationError("a product repeats a factor; not a multilinear polynomial")
    words = poly.words.copy()
    words[word] |= bit
    return Packed(words, poly.coefficients, poly.norm)


def merge(parts: Sequence[Packed]) -> Packed:
    """The sum of ``parts``: equal monomials merged once, after one sort, zero terms dropped.

    A hash sort shows whether any two monomials can coincide; when none can, the concatenation
    is already the sum. Otherwise the columns are sorted exactly and equal runs are added.
    """
    norm = sum(p.norm for p in parts)
    dtype = np.int64 if norm < INT64_BOUND else object
    words = np.concatenate([p.words for p in parts], axis=1)
    coefficients = np.concatenate([p.coefficients.astype(dtype) for p in parts])
    hash_order = _hash_order(words)
    if not _tied(hash_order):
        return Packed(words, coefficients, norm, hash_order)
    order = np.lexsort(words)
    words, coefficients = words[:, order], coefficients[order]
    start = np.ones(words.shape[1], dtype=bool)
    start[1:] = (words[:, 1:] != words[:, :-1]).any(axis=0)
    first = np.flatnonzero(start)
    sums = np.add.reduceat(coefficients, first)
    keep = np.flatnonzero(sums != 0)
    return Packed(words[:, first[keep]], sums[keep], norm)


def forward_pass(v: Variables, progress: ProgressHook | None = None) -> list[Packed]:
    """``f(x)`` entrywise by the nested composition, in sparse exact arithmetic."""
    h = [_monomial(x_j, v.words) for x_j in v.x]
    depth = len(v.widths) - 1
    for k in range(1, depth + 1):
        h = [
            merge([_monomial(b_i, v.words), *map(times, h, W_row)])
            for W_row, b_i in zip(v.W[k], v.b[k], strict=True)
        ]
        if progress is not None:
            progress(k, depth)
    return h


@dataclass(frozen=True)
class PathSums:
    """Monomials of ``W_z[i][j]`` and ``b_z[i]``, one column of words per path (coefficient 1)."""

    W_z: tuple[tuple[np.ndarray, ...], ...]
    b_z: tuple[np.ndarray, ...]


def _extend(paths: np.ndarray, mask: int) -> np.ndarray:
    """Every path of ``paths`` followed by one more edge (the symbol ``mask``)."""
    k = mask.bit_length() - 1
    out = paths.copy()
    out[k >> 6] |= np.uint64(1 << (k & 63))
    return out


def _bits(masks: Sequence[Sequence[int]], words: int) -> np.ndarray:
    """``out[a, :, c]``: the words of the one-bit ``masks[a][c]``, a whole table at once."""
    index = np.array([[m.bit_length() - 1 for m in row] for row in masks], dtype=np.int64)
    out = np.zeros((*index.shape[:1], words, *index.shape[1:]), dtype=np.uint64)
    a, c = np.indices(index.shape)
    out[a, index >> 6, c] = np.left_shift(np.uint64(1), (index & 63).astype(np.uint64))
    return out


def path_sums(
    v: Variables, progress: ProgressHook | None = None, outputs: Sequence[int] | None = None
) -> PathSums:
    """Enumerate, for each output ``i`` (of ``outputs``, else all), the paths from every input
    and every bias to ``i``.

    ``suffix[h]`` (a ``(words, paths)`` array) holds the products ``w_n[i, .] ... w_{k+1}[., h]``
    of all paths from unit ``h`` of layer ``k`` to output ``i``; a bias ``b_k[h]`` contributes
    ``suffix[h]`` times itself. One layer inward, unit ``g`` of layer ``k - 1`` gets the paths of
    every ``h`` in turn, each extended by ``w_k[h, g]``: one broadcast ``|`` of the suffixes with
    the words of every weight of the layer (no larger than the layer's paths of one output)
    writes the whole layer, and the bias terms are written straight into their place in
    ``b_z[i]``.
    """
    d = v.widths
    depth = len(d) - 1
    # weights[k][g, :, h]: the words of w_k[h, g], for the inner layers; biases[k][:, h]: b_k[h]
    weights = {
        k: _bits([[row[g] for row in v.W[k]] for g in range(d[k - 1])], v.words)
        for k in range(1, depth)
    }
    biases = {k: _bits([v.b[k]], v.words)[0] for k in range(1, depth + 1)}
    # paths from a unit of layer k to one output, for 0 <= k < n: the widths between
    paths_from = {k: prod(d[k + 1 : depth]) for k in range(depth)}
    W_z: list[tuple[np.ndarray, ...]] = []
    b_z: list[np.ndarray] = []
    rows = range(d[-1]) if outputs is None else outputs
    # every output's sums in one array each for W_z and b_z: a few large allocations are mapped
    # in huge pages, one per output and layer are not (3 x 13: 3,000 page faults fewer)
    b_all = np.empty(
        (len(rows), v.words, 1 + sum(d[k] * paths_from[k] for k in range(1, depth))), np.uint64
    )
    W_all = np.empty((len(rows), d[0], v.words, d[1] * paths_from.get(1, 0)), np.uint64)
    for done, i in enumerate(rows, 1):
        bias = b_all[done - 1]
        bias[:, 0] = biases[depth][:, i]
        suffix = _bits([[w] for w in v.W[depth][i]], v.words)  # layer n - 1: w_n[i, g], a path
        start = 1
        for k in range(depth - 1, 0, -1):
            units, paths = d[k], paths_from[k]
            target = bias[:, start : start + units * paths].reshape(v.words, units, paths)
            np.bitwise_or(suffix.transpose(1, 0, 2), biases[k][:, :, None], out=target)
            start += units * paths
            inward = (
                W_all[done - 1].reshape(d[0], v.words, units, paths)
                if k == 1
                else np.empty((d[k - 1], v.words, units, paths), dtype=np.uint64)
            )
            np.bitwise_or(suffix.transpose(1, 0, 2)[None], weights[k][..., None], out=inward)
            suffix = inward.reshape(d[k - 1], v.words, units * paths)
        W_z.append(tuple(suffix))
        b_z.append(bias)
        if progress is not None:
            progress(done, len(rows))
    return PathSums(W_z=tuple(W_z), b_z=tuple(b_z))


def collapsed_output(v: Variables, sums: PathSums) -> list[Packed]:
    """``W_z x + b_z`` entrywise from the path sums, every monomial once with coefficient 1."""
    out: list[Packed] = []
    for W_row, b_paths in zip(sums.W_z, sums.b_z, strict=True):
        inputs = [_extend(paths, x_j) for paths, x_j in zip(W_row, v.x, strict=True)]
        words = np.concatenate([*inputs, b_paths], axis=1)
        terms = words.shape[1]
        hash_order = _hash_order(words)
        if _tied(hash_order) and terms != len(np.unique(words, axis=1).T):
            raise VerificationError("two paths gave the same monomial")
        out.append(Packed(words, np.ones(terms, dtype=np.int64), terms, hash_order))
    return out


def same(a: Packed, b: Packed) -> bool:
    """Whether ``a`` and ``b`` have the same monomials with the same coefficients.

    Both are put in hash order; a tie between two hashes (distinct monomials may share one)
    switches to the exact column order so that equal polynomials always line up.
    """
    if len(a) != len(b):
        return False
    (order_a, hashes_a), (order_b, hashes_b) = a.hashed(), b.hashed()
    if not np.array_equal(hashes_a, hashes_b):
        return False
    if _tied((order_a, hashes_a)):
        order_a, order_b = np.lexsort(a.words), np.lexsort(b.words)
    partner = np.empty_like(order_a)  # column t of a lines up with column partner[t] of b
    partner[order_a] = order_b
    return np.array_equal(a.words, b.words[:, partner]) and np.array_equal(
        a.coefficients, b.coefficients[partner]
    )


def compare_routes(v: Variables, progress: ProgressHook | None = None) -> tuple[bool, int]:
    """Whether the forward pass equals ``W_z x + b_z`` from the paths; and the monomials compared.

    Neither route builds a sympy object, so this reaches sizes where expansion in sympy cannot.
    """
    forward = forward_pass(v, progress)
    holds, compared = True, 0
    for i, poly in enumerate(forward):  # one output row at a time: only its paths are held
        (collapsed,) = collapsed_output(v, path_sums(v, outputs=[i]))
        holds = holds and same(poly, collapsed)
        compared += len(collapsed)
    return holds, compared
