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
is a factor, so they are the product only when it has at most one factor per layer; a bit per
layer is added up the same way, above the digits in the same table rows (one gather per chunk
gives both), and those bits have as many set as the product has factors exactly when no two of
them are of one layer and every set bit has a name (:class:`_Reading`). Any other product is no
monomial of the reference: :class:`~symcollapse.errors.VerificationError`. Every path is a
term of coefficient 1, so ``W_z x + b_z`` equals the reference exactly when each output's digit
words, sorted, are the reference's (which are sorted and distinct): the exact route
(:func:`exactly_equal`). The random route evaluates the digit words at its random point
(:func:`emitted_value`), up to :data:`MAX_EMITTED_TERMS` (the most ``collapse()`` emits by
default) and :data:`MAX_EMITTED_WORDS`; above, nothing is emitted entry by entry and the matrix
closed form is what is checked.
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


@dataclass(frozen=True)
class Emitted:
    """``W_z x + b_z`` as emitted, output by output: every path a column of the reference's
    digit words (unsorted, one column per path, so a path emitted twice is there twice)."""

    layout: reference.Layout
    outputs: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class _Reading:
    """What each bit of the path sums adds to a product's columns (``uint64``, adding modulo
    2**64): ``adds[bit]``. Column ``digits[w]`` holds the layout's word ``w`` in its low bits,
    below the most that all the named symbols and an input add to it together, so nothing else
    reaches them; each layer ``k`` has a bit of its own above them, or in a further column of
    layer bits (``layers[k]``: column, shift). ``mask[c]`` marks column ``c``'s layer bits,
    ``unnamed[w]`` the bits of path word ``w`` that no symbol names, and ``starts[j]`` what a
    path of ``W_z[i, j]`` starts from (the entry ``x_j`` it multiplies), ``starts[0]`` nothing
    (a path of ``b_z[i]``).

    A product's layer bits add up to ``sum 2**k``, one term per factor: that sum has as many
    set bits as the product has factors exactly when no two of them are of one layer (two of a
    layer carry, and a carry leaves fewer set bits, as does dropping the bits above 2**64), and
    a set bit without a name adds no layer bit. So a product is a monomial of the reference
    when its layer bits have as many set bits as its words (and its input): its digits are
    then its low bits."""

    layout: reference.Layout
    digits: tuple[int, ...]
    layers: tuple[tuple[int, int], ...]
    adds: np.ndarray
    mask: np.ndarray
    unnamed: np.ndarray
    starts: np.ndarray

    def entry(self, key: reference.Key) -> np.ndarray:
        """What the entry ``key`` adds: its digit and its layer's bit."""
        lay, k = self.layout, key[1]
        out = np.zeros(self.adds.shape[1], dtype=np.uint64)
        out[self.digits[lay.word[k]]] += lay.code(key) * lay.place[k]
        column, shift = self.layers[k]
        out[column] += 1 << shift
        return out


def _columns(
    lay: reference.Layout, entries: list[reference.Key]
) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """Each layout word's column, each layer's bit (column, shift) and each column's mask of
    layer bits. A word's layers have their bits above the highest bit the word reaches in its
    column (``entries`` all at once, and the largest input) when there is room for all of them,
    else in columns right after it: a chunk of a path word (a few consecutive layers) adds to
    one column or two adjacent ones, so its table is small and its rows are a size numpy
    gathers fast."""
    top = [0] * lay.words
    for key in [*entries, ("x", 0, 0, lay.widths[0])]:
        top[lay.word[key[1]]] += lay.code(key) * lay.place[key[1]]
    digits: list[int] = []
    masks: list[int] = []
    used: list[int] = []
    layers = [(0, 0)] * len(lay.widths)
    for w, most in enumerate(top):
        own = [k for k, word in enumerate(lay.word) if word == w]
        digits.append(len(masks))
        masks.append(0)
        used.append(most.bit_length() if most.bit_length() + len(own) <= 64 else 64)
        for k in own:
            if used[-1] >= 64:
                masks.append(0)
                used.append(0)
            layers[k] = (len(masks) - 1, used[-1])
            masks[-1] |= 1 << used[-1]
            used[-1] += 1
    return digits, layers, masks


def _reading(names: tuple[str, ...], bits: int, lay: reference.Layout) -> _Reading:
    """The tables' contents for symbols ``names`` (bit ``s`` named ``names[s]``) in ``bits``
    bits of path sums; the bits from ``len(names)`` on have no name."""
    entries = [reference.parse_name(name, lay.widths) for name in names]
    digits, layers, masks = _columns(lay, entries)
    adds = np.zeros((bits, len(masks)), dtype=np.uint64)
    named = np.arange(bits) < len(names)
    unnamed = np.packbits(~named, bitorder="little").view("<u8").astype(np.uint64)
    starts = np.zeros((lay.widths[0] + 1, len(masks)), dtype=np.uint64)
    mask = np.array(masks, np.uint64)
    reading = _Reading(lay, tuple(digits), tuple(layers), adds, mask, unnamed, starts)
    for bit, key in enumerate(entries):
        adds[bit] = reading.entry(key)
    for j in range(1, lay.widths[0] + 1):
        starts[j] = reading.entry(("x", 0, 0, j))
    return reading


#: Per word of the path sums, per chunk of it that has named symbols: the chunk's place in the
#: word, the columns ``[low, high)`` it adds to, and the table ``table[v]`` (a row of those
#: columns) of the sum over the bits of ``v``.
Tables = list[list[tuple[int, int, int, np.ndarray]]]


def _spans(adds: np.ndarray, bits: int) -> Tables:
    """Per path word, per ``bits``-bit chunk that adds anything: its place, the first and
    one-past-last column it adds to, and its rows of ``adds``."""
    spans: Tables = []
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
    symbols add nothing (a bit there without a name adds no layer bit, so it is refused). The
    tables are parts of one array: one large allocation is mapped in huge pages, many of a MiB
    are not (3 x 13: a thousand page faults fewer)."""
    sixteen = sum(high - low for chunks in _spans(reading.adds, 16) for _, low, high, _ in chunks)
    bits = CHUNK if sixteen * 2**16 <= terms else SMALL_CHUNK
    spans = _spans(reading.adds, bits)
    size = sum(2**bits * (high - low) for chunks in spans for _, low, high, _ in chunks)
    store = np.empty(size, np.uint64)
    tables: Tables = []
    used = 0
    for chunks in spans:
        tables.append([])
        for place, low, high, part in chunks:
            table = store[used : used + 2**bits * (high - low)].reshape(2**bits, high - low)
            _table(part[:, low:high], table)
            tables[-1].append((place, low, high, table))
            used += table.size
    return bits, tables


_BYTE = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.uint64)  # a byte -> its bits


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
    runs: list[tuple[int, int]],
    reading: _Reading,
    bits: int,
    tables: Tables,
    digits: np.ndarray,
) -> None:
    """Read the paths (columns of ``paths``) into ``digits`` (a column each, the layout's words),
    :data:`BLOCK` paths at a time in one block of rows (a row of the reading's columns a path,
    small enough to stay in the cache): each row starts as ``reading.starts[j]``, its input's
    (``runs``: so many paths in turn multiply ``x_j``, ``j`` 0 for none), gets one gather of a
    table's rows per chunk, has its layer bits counted against its factors (:class:`_Reading`),
    and its digits copied out below them; :class:`~symcollapse.errors.VerificationError` for a
    set bit without a name or two factors of one layer.

    A word that is zero in most paths (wide layers: a path has a factor in few of its words) is
    read only where it is not; a zero chunk adds nothing."""
    per = 64 // bits
    words = np.ascontiguousarray(paths).astype("<u8", copy=False)
    block = np.empty((min(BLOCK, words.shape[1]), reading.adds.shape[1]), dtype=np.uint64)
    gathered = np.empty(block.size, dtype=np.uint64)  # a chunk's rows, contiguous for take
    indices = np.empty(len(block), dtype=np.intp)  # one buffer: 7 % faster than one a chunk
    # a product's factors (its words' set bits and its input), and its layer bits' set bits
    layered = np.flatnonzero(reading.mask)
    most = max(64 * len(words) + 1, 64 * len(layered))
    factors = np.empty(len(block), np.min_scalar_type(most))
    found, popcount = np.empty_like(factors), np.empty(len(block), np.uint8)
    # the bits of each column below its layer bits (all of them when it has none)
    below = (reading.mask & -reading.mask) - np.uint64(1)
    ends, run = np.cumsum([length for length, _ in runs]).tolist(), 0
    for begin in range(0, words.shape[1], BLOCK):
        rows = block[: min(BLOCK, words.shape[1] - begin)]
        end, size = begin + len(rows), len(rows)
        count, ones = factors[:size], found[:size]
        at = begin
        while at < end:  # each path's row starts as its input's, which is a factor (but 0)
            while ends[run] <= at:
                run += 1
            stop, j = min(ends[run], end), runs[run][1]
            rows[at - begin : stop - begin] = reading.starts[j]
            count[at - begin : stop - begin] = j != 0
            at = stop
        for word, chunks in zip(words[:, begin:end], tables, strict=True):
            # most paths have a factor in this word: read it whole (a sample decides; either way
            # reads the same, a zero chunk adding nothing), else only where it is not zero
            sample = word[::SAMPLE]
            where = None if 2 * np.count_nonzero(sample) > len(sample) else np.flatnonzero(word)
            if where is None:
                values, target = word, rows
                count += np.bitwise_count(word, out=popcount[:size])
            elif len(where):
                values, target = word[where], rows[where]
                count[where] += np.bitwise_count(values)
            else:
                continue  # no factor in this word
            index = indices[: len(target)]
            chunk = index.view(np.uint64)  # a chunk's value, shifted and masked out of its word
            for place, low, high, table in chunks:
                if place:
                    np.right_shift(values, np.uint64(place * bits), out=chunk)
                if place < per - 1:
                    np.bitwise_and(chunk if place else values, np.uint64(2**bits - 1), out=chunk)
                # "wrap": a chunk's value is a row of its table; with "raise", out is copied
                part = gathered[: len(target) * (high - low)].reshape(len(target), high - low)
                target[:, low:high] += np.take(table, index, axis=0, out=part, mode="wrap")
            if where is not None:
                rows[where] = target
        ones[:] = 0
        for column in layered:
            ones += np.bitwise_count(rows[:, column] & reading.mask[column], out=popcount[:size])
        if not np.array_equal(ones, count):
            block_words = words[:, begin:end]
            if any(
                (word & mask).any() for word, mask in zip(block_words, reading.unnamed, strict=True)
            ):
                raise VerificationError("an emitted product has a factor without a name")
            raise VerificationError("an emitted product has two factors of one layer")
        for word_digits, c in zip(digits, reading.digits, strict=True):
            np.bitwise_and(rows[:, c], below[c], out=word_digits[begin:end].view(np.uint64))


def _batches(parts: list[tuple[np.ndarray, int]]) -> list[list[tuple[np.ndarray, int]]]:
    """``parts`` (path sums, each with its input) in order, in runs of at least :data:`BATCH`
    paths (but a long part alone): many short sums are read at once, a long one without a
    copy."""
    batches: list[list[tuple[np.ndarray, int]]] = [[]]
    for paths, j in parts:
        if paths.shape[1] >= BATCH and batches[-1]:
            batches.append([])
        batches[-1].append((paths, j))
        if sum(p.shape[1] for p, _ in batches[-1]) >= BATCH:
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
        inputs = [*range(1, widths[0] + 1), 0]  # W_z[i, j] multiplies x_j; b_z[i] nothing
        # every output's digits in one array: a large allocation is mapped in huge pages
        store = np.empty(lay.words * sum(p.shape[1] for p in arrays), dtype=np.int64)
        for W_row, b_sum in zip(sums.W_z, sums.b_z, strict=True):
            parts = list(zip([*W_row, b_sum], inputs, strict=True))
            size = sum(p.shape[1] for p, _ in parts)
            digits = store[: lay.words * size].reshape(lay.words, size)
            store, start = store[lay.words * size :], 0
            for batch in _batches(parts):
                paths = [p for p, _ in batch]
                words = paths[0] if len(paths) == 1 else np.concatenate(paths, axis=1)
                end = start + words.shape[1]
                runs = [(p.shape[1], j) for p, j in batch]
                _read(words, runs, reading, bits, tables, digits[:, start:end])
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
