"""What symcollapse emits, read by the names it prints, and held against the reference.

``collapse()`` and every document print ``W_z`` and ``b_z`` entry by entry: the path sums of
:func:`symcollapse.algebra.polynomials.path_sums`, each product a set of entry symbols named by
:func:`symcollapse.algebra.polynomials.variables` (``w_3_1_2``, ...), which a document then prints
(``w^{(3)}_{12}``). This module takes those sums for all outputs at once, exactly as the
documents get them, and reads every factor *by its name* (:func:`.reference.parse_name`), never by
the algebra's numbering of symbols: a swapped index, a dropped or repeated path, a name given to
the wrong entry is then a different polynomial from the reference's (:mod:`.reference`), which
shares no code with the algebra.

Reading: each emitted product (a row of bit words, a bit per symbol) becomes the reference's
digit words (:class:`.reference.Layout`) by adding up what each of its symbols, read by name,
contributes, a table per :data:`CHUNK` bits of a word. The digits say which entry of each layer
is a factor, so they are the product only when it has at most one factor per layer; a count of
factors per layer (a field per layer, wide enough never to carry) is added up the same way, in
the same table rows (one gather per chunk gives both), and a product with two factors of one
layer, or a set bit that no symbol names (seen by a mask), is no monomial of the reference:
:class:`~symcollapse.errors.VerificationError`. Every path is a term of coefficient 1,
so ``W_z x + b_z`` equals the reference exactly when each output's digit words, sorted, are the
reference's (which are sorted and distinct): the exact route (:func:`exactly_equal`). The random
route evaluates the digit words at its random point (:func:`emitted_value`), up to
:data:`MAX_EMITTED_TERMS` (the most ``collapse()`` emits by default) and
:data:`MAX_EMITTED_WORDS`; above, nothing is emitted entry by entry and the matrix closed form is
what is checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from symcollapse.algebra import polynomials
from symcollapse.errors import VerificationError
from symcollapse.spec.cost import path_sum_words
from symcollapse.spec.limits import DEFAULT_MAX_TERMS, term_counts
from symcollapse.verification import reference
from symcollapse.verification.points import Point, residues

#: Path sums are read and evaluated at random points up to this many monomials.
MAX_EMITTED_TERMS = DEFAULT_MAX_TERMS

#: ... and up to this many 64-bit words of path sums (see :func:`~symcollapse.spec.cost.
#: path_sum_words`): reading costs some 10 ns a word, so this is about a tenth of a second.
MAX_EMITTED_WORDS = 10**7

#: Bits of a path sum word read by one table: 16-bit tables (65,536 entries) halve the lookups
#: of 8-bit ones (256 entries), where there are enough terms to pay for them (see :func:`_tables`).
CHUNK = 16
SMALL_CHUNK = 8

#: Path sums are read in runs of at least this many paths (each word is a few numpy calls).
BATCH = 2**14

#: Paths read at once, their rows kept in the cache (3 x 13, process time: 2**13 66 ms,
#: 2**14 64, 2**15 61, 2**16 64, 2**17 69).
BLOCK = 2**15

#: Every this many paths' word decides whether a word is read whole or where it is not zero.
SAMPLE = 64

#: Count fields are packed into words of at most this many bits (non-negative ``int64``).
COUNT_WORD = 63


@dataclass(frozen=True)
class Emitted:
    """``W_z x + b_z`` as emitted, output by output: every path a column of the reference's
    digit words (unsorted, one column per path, so a path emitted twice is there twice)."""

    layout: reference.Layout
    outputs: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class _Reading:
    """What each bit of the path sums adds to a product's columns: ``adds[bit]``. The columns
    are made layer by layer from the input up: a layout word's digit column at its first layer,
    a count column when a layer's field (packed :data:`COUNT_WORD` bits a column) no longer fits
    the last, so a chunk of bits (a few consecutive layers) adds to a few adjacent columns.
    ``digits[w]`` is the column of the layout's word ``w``, ``counts[k]`` layer ``k``'s field
    (column, shift); ``high`` marks the count bits that mean two factors of a layer;
    ``unnamed[w]`` the bits of path word ``w`` that no symbol names; ``starts[j]`` what a path
    of ``W_z[i, j]`` starts from (the entry ``x_j`` it multiplies), ``starts[0]`` nothing (a
    path of ``b_z[i]``)."""

    layout: reference.Layout
    digits: tuple[int, ...]
    counts: tuple[tuple[int, int], ...]
    adds: np.ndarray
    high: np.ndarray
    unnamed: np.ndarray
    starts: np.ndarray

    def entry(self, key: reference.Key) -> np.ndarray:
        """What the entry ``key`` adds: its digit and a count of 1 in its layer's field."""
        lay, k = self.layout, key[1]
        out = np.zeros(self.adds.shape[1], dtype=np.int64)
        out[self.digits[lay.word[k]]] = lay.code(key) * lay.place[k]
        column, shift = self.counts[k]
        out[column] += 1 << shift
        return out


def _columns(
    lay: reference.Layout, sizes: list[int]
) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """Columns for ``lay`` with a count field per layer (``sizes[k]``, the most it must hold):
    each layout word's column, each field's (column, shift), and each column's mask of the bits
    above a field's lowest (none in a digit column)."""
    digits = [0] * lay.words
    places: list[tuple[int, int]] = []
    high: list[int] = []
    group, column, used = -1, -1, COUNT_WORD
    for k, size in enumerate(sizes):
        width = size.bit_length()
        if lay.word[k] != group:  # the first layer of a layout word: that word's column
            group = lay.word[k]
            digits[group] = len(high)
            high.append(0)
        if used + width > COUNT_WORD:
            column, used = len(high), 0
            high.append(0)
        places.append((column, used))
        high[column] |= (((1 << width) - 1) & ~1) << used
        used += width
    return digits, places, high


def _reading(names: tuple[str, ...], bits: int, lay: reference.Layout) -> _Reading:
    """The tables' contents for symbols ``names`` (bit ``s`` named ``names[s]``) in ``bits``
    bits of path sums: a field per layer; the bits from ``len(names)`` on have no name."""
    entries = [reference.parse_name(name, lay.widths) for name in names]
    layers = len(lay.widths)
    # x_j once more than named: W_z[i, j] is multiplied by it (a second x_j must not carry)
    per_layer = [sum(key[1] == k for key in entries) + (k == 0) for k in range(layers)]
    digits, places, high = _columns(lay, per_layer)
    adds = np.zeros((bits, len(high)), dtype=np.int64)
    named = np.arange(bits) < len(names)
    unnamed = np.packbits(~named, bitorder="little").view("<u8").astype(np.uint64)
    starts = np.zeros((lay.widths[0] + 1, len(high)), dtype=np.int64)
    reading = _Reading(
        lay, tuple(digits), tuple(places), adds, np.array(high, dtype=np.int64), unnamed, starts
    )
    for bit, key in enumerate(entries):
        adds[bit] = reading.entry(key)
    for j in range(1, lay.widths[0] + 1):
        starts[j] = reading.entry(("x", 0, 0, j))
    return reading


#: Per word of the path sums: its bits without a name, and per chunk of it that has named
#: symbols the chunk's place in the word, the columns ``[low, high)`` it adds to, and the table
#: ``table[v]`` (a row of those columns) of the sum over the bits of ``v``.
Tables = list[tuple[np.uint64, list[tuple[int, int, int, np.ndarray]]]]


def _spans(adds: np.ndarray, bits: int) -> list[list[tuple[int, int, int, np.ndarray]]]:
    """Per path word, per ``bits``-bit chunk that adds anything: its place, the first and
    one-past-last column it adds to, and its rows of ``adds``."""
    spans: list[list[tuple[int, int, int, np.ndarray]]] = []
    for word in np.split(adds, len(adds) // 64):
        spans.append([])
        for place, part in enumerate(np.split(word, 64 // bits)):
            columns = np.flatnonzero(part.any(axis=0))
            if len(columns):
                spans[-1].append((place, int(columns[0]), int(columns[-1]) + 1, part))
    return spans


def _tables(reading: _Reading, terms: int) -> tuple[int, Tables]:
    """Chunk size and tables for ``reading``: 16-bit chunks when all their tables (half a MiB a
    column) take no more than one word per term, else 8-bit ones; none for a chunk whose
    symbols add nothing (a bit there without a name is refused by ``unnamed``). The tables are
    parts of one array: one large allocation is mapped in huge pages, many of a MiB are not
    (3 x 13: a thousand page faults fewer)."""
    sixteen = sum(high - low for chunks in _spans(reading.adds, 16) for _, low, high, _ in chunks)
    bits = CHUNK if sixteen * 2**16 <= terms else SMALL_CHUNK
    spans = _spans(reading.adds, bits)
    store = np.empty(sum(2**bits * (high - low) for c in spans for _, low, high, _ in c), np.int64)
    tables: Tables = []
    used = 0
    for mask, chunks in zip(reading.unnamed, spans, strict=True):
        tables.append((mask, []))
        for place, low, high, part in chunks:
            table = store[used : used + 2**bits * (high - low)].reshape(2**bits, high - low)
            _table(part[:, low:high], table)
            tables[-1][1].append((place, low, high, table))
            used += table.size
    return bits, tables


_BYTE = (np.arange(256)[:, None] >> np.arange(8)) & 1  # a byte's value -> its 8 bits


def _table(adds: np.ndarray, table: np.ndarray) -> None:
    """Fill ``table[v]`` with the sum of the rows ``adds[b]`` over the set bits ``b`` of ``v``
    (8 or 16 bits), a column at a time (sums, repeats or tiles over rows of a few columns are
    several times slower)."""
    low = _BYTE @ adds[:8]
    if len(adds) == 8:
        table[:] = low
        return
    high = _BYTE @ adds[8:]
    for column in range(adds.shape[1]):
        table[:, column] = (high[:, column, None] + low[:, column]).ravel()


def _read(
    paths: np.ndarray,
    first: np.ndarray,
    reading: _Reading,
    bits: int,
    tables: Tables,
    digits: np.ndarray,
) -> None:
    """Read the paths (columns of ``paths``) into ``digits`` (a column each, the layout's words),
    :data:`BLOCK` paths at a time in one block of rows (a row of the reading's columns a path,
    small enough to stay in the cache): each row starts as ``reading.starts[first[path]]``,
    gets one gather of a table's rows per chunk, its counts checked, and its digit columns
    copied out; :class:`~symcollapse.errors.VerificationError` for a set bit without a name or
    two factors of one layer.

    A word that is zero in most paths (wide layers: a path has a factor in few of its words) is
    read only where it is not; a zero chunk adds nothing."""
    per = 64 // bits
    words = np.ascontiguousarray(paths).astype("<u8", copy=False)
    block = np.empty((min(BLOCK, words.shape[1]), reading.adds.shape[1]), dtype=np.int64)
    indices = np.empty(len(block), dtype=np.intp)  # one buffer: 7 % faster than one a chunk
    counts = np.flatnonzero(reading.high)
    for begin in range(0, words.shape[1], BLOCK):
        rows = block[: min(BLOCK, words.shape[1] - begin)]
        # its input's row for each path ("clip": the indices are the inputs', and it is faster)
        np.take(reading.starts, first[begin : begin + BLOCK], axis=0, out=rows, mode="clip")
        for word, (unnamed, chunks) in zip(words[:, begin : begin + BLOCK], tables, strict=True):
            if unnamed and (word & unnamed).any():
                raise VerificationError("an emitted product has a factor without a name")
            # most paths have a factor in this word: read it whole (a sample decides; either way
            # reads the same, a zero chunk adding nothing), else only where it is not zero
            sample = word[::SAMPLE]
            where = None if 2 * np.count_nonzero(sample) > len(sample) else np.flatnonzero(word)
            values = (word if where is None else word[where]).view(f"<u{bits // 8}")
            target = rows if where is None else rows[where]
            index = indices[: len(target)]
            for place, low, high, table in chunks:
                np.copyto(index, values[place::per])
                target[:, low:high] += table.take(index, axis=0)
            if where is not None:
                rows[where] = target
        if any((rows[:, c] & reading.high[c]).any() for c in counts):
            raise VerificationError("an emitted product has two factors of one layer")
        for word_digits, column in zip(digits, reading.digits, strict=True):
            word_digits[begin : begin + len(rows)] = rows[:, column]


def _batches(parts: list[np.ndarray]) -> list[list[np.ndarray]]:
    """``parts`` in order, in runs of at least :data:`BATCH` paths (but a long part alone): many
    short sums are read at once, a long one without a copy."""
    batches: list[list[np.ndarray]] = [[]]
    for paths in parts:
        if paths.shape[1] >= BATCH and batches[-1]:
            batches.append([])
        batches[-1].append(paths)
        if sum(p.shape[1] for p in batches[-1]) >= BATCH:
            batches.append([])
    return [batch for batch in batches if batch]


def _outputs(
    widths: tuple[int, ...], progress: polynomials.ProgressHook | None = None
) -> tuple[reference.Layout, Iterator[np.ndarray]]:
    """The layout, and each output's digit words (the layout's words, a column per path) from
    the path sums symcollapse emits for ``widths``, every factor read by its printed name, one
    output at a time; a :class:`~symcollapse.errors.VerificationError` for a name that is no
    entry, a factor without a name, or a product with two factors of one layer."""
    v = polynomials.variables(widths)
    sums = polynomials.path_sums(v, progress)
    arrays = [*(paths for row in sums.W_z for paths in row), *sums.b_z]
    shape = (len(sums.W_z), len(sums.b_z), {len(row) for row in sums.W_z})
    if shape != (widths[-1], widths[-1], {widths[0]}):
        raise VerificationError("the emitted W_z, b_z do not have the network's shape")
    if any(p.ndim != 2 or p.shape[0] != v.words for p in arrays):
        raise VerificationError("the emitted path sums are not in words of the names' bits")
    lay = reference.layout(widths)
    reading = _reading(v.names, 64 * v.words, lay)
    bits, tables = _tables(reading, sum(p.shape[1] for p in arrays))

    def read() -> Iterator[np.ndarray]:
        for W_row, b_sum in zip(sums.W_z, sums.b_z, strict=True):
            parts = [*W_row, b_sum]
            starts = iter([*range(1, widths[0] + 1), 0])  # W_z[i, j] multiplies x_j; b_z[i] 0
            digits = np.empty((lay.words, sum(p.shape[1] for p in parts)), dtype=np.int64)
            start = 0
            for batch in _batches(parts):
                words = batch[0] if len(batch) == 1 else np.concatenate(batch, axis=1)
                first = np.repeat([next(starts) for _ in batch], [p.shape[1] for p in batch])
                end = start + words.shape[1]
                _read(words, first, reading, bits, tables, digits[:, start:end])
                start = end
            yield digits

    return lay, read()


def read_emitted(
    widths: tuple[int, ...], progress: polynomials.ProgressHook | None = None
) -> Emitted:
    """``W_z x + b_z`` from the path sums symcollapse emits for ``widths``, every factor read by
    its printed name (:func:`_outputs`)."""
    lay, outputs = _outputs(widths, progress)
    return Emitted(lay, tuple(outputs))


def emitted_sums(widths: tuple[int, ...]) -> Emitted | None:
    """:func:`read_emitted`, or None above :data:`MAX_EMITTED_TERMS` or
    :data:`MAX_EMITTED_WORDS`."""
    if term_counts(widths).total > MAX_EMITTED_TERMS or path_sum_words(widths) > MAX_EMITTED_WORDS:
        return None
    return read_emitted(widths)


def _sorted(digits: np.ndarray) -> np.ndarray:
    """``digits`` (an output's, as read), sorted in place when they are one word (the many-word
    sort is left until the path sums are gone: :func:`_same`)."""
    if len(digits) == 1:
        digits[0].sort()
    return digits


def _same(forward: reference.Polynomial, emitted: np.ndarray) -> bool:
    """Whether the emitted columns (sorted if one word), sorted, are the reference's (sorted,
    each once)."""
    if forward.shape != emitted.shape:
        return False
    if emitted.shape[0] > 1:
        emitted = emitted[:, np.lexsort(emitted[::-1])]
    return np.array_equal(emitted, forward)


def exactly_equal(
    widths: tuple[int, ...], progress: polynomials.ProgressHook | None = None
) -> tuple[bool, int]:
    """Whether the reference forward pass equals ``W_z x + b_z`` as emitted, every monomial
    compared (each output's digits sorted if one word as they are read, and the path sums gone
    before the forward pass is made); and how many monomials the emitted sums have."""
    depth, rows = len(widths) - 1, widths[-1]
    report = progress or (lambda done, total: None)
    # read to the end, the reading's frame (the path sums) is gone
    emitted = list(map(_sorted, _outputs(widths, lambda i, _: report(i, rows + depth))[1]))
    forward = reference.forward_polynomials(widths, lambda k, _: report(rows + k, rows + depth))
    return all(map(_same, forward, emitted)), sum(digits.shape[1] for digits in emitted)


def _values(lay: reference.Layout, point: Point) -> list[np.ndarray]:
    """Per layer, each entry's value modulo ``p`` at ``point`` by its digit (1 for digit 0)."""
    p = point.prime
    x = residues(point.x, p)
    layers = [
        (residues(W, p), residues(b, p), W.shape[1])
        for W, b in map(point.layer, range(1, len(lay.widths)))
    ]

    def value(key: reference.Key) -> int:
        kind, k, i, j = key
        if kind == "x":
            return x[j - 1]
        W, b, columns = layers[k - 1]
        return W[(i - 1) * columns + j - 1] if kind == "w" else b[i - 1]

    return [
        np.array([1, *map(value, lay.symbols(k))], dtype=np.int64) for k in range(len(lay.widths))
    ]


def emitted_value(emitted: Emitted, point: Point) -> list[int]:
    """``W_z x + b_z`` modulo ``p`` with ``W_z``, ``b_z`` as emitted, at ``point``."""
    p, lay = point.prime, emitted.layout
    values = _values(lay, point)
    out = []
    for monomials in emitted.outputs:
        product = np.ones(monomials.shape[1], dtype=np.int64)
        for k, table in enumerate(values):  # entries below p < 2**28: products below 2**56
            product *= table[lay.digits(monomials, k)]
            product %= p
        out.append(int(product.sum()) % p)
    return out
