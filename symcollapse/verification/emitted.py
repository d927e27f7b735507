"""What symcollapse emits, read by the names it prints, and held against the reference.

``collapse()`` and every document print ``W_z`` and ``b_z`` entry by entry: the path sums of
:func:`symcollapse.algebra.polynomials.path_sums`, each product a set of entry symbols named by
:func:`symcollapse.algebra.polynomials.variables` (``w_3_1_2``, ...), which a document then prints
(``w^{(3)}_{12}``). This module takes those sums for all outputs at once, exactly as the
documents get them, and reads every factor *by its name* (:func:`.reference.parse_name`), never by
the algebra's numbering of symbols: a swapped index, a dropped or repeated path, a name given to
the wrong entry is then a different polynomial from the reference's (:mod:`.reference`), which
shares no code with the algebra. The exact route compares every monomial
(:func:`exactly_equal`); the random route evaluates the sums at its random point
(:func:`emitted_value`). Reading the sums costs their term count, so the random route does it up
to :data:`MAX_EMITTED_TERMS` (the most ``collapse()`` emits by default) and
:data:`MAX_EMITTED_WORK`; above, nothing is emitted entry by entry and the matrix closed form is
what is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symcollapse.algebra import polynomials
from symcollapse.errors import VerificationError
from symcollapse.spec.cost import exact_work
from symcollapse.spec.limits import DEFAULT_MAX_TERMS, term_counts
from symcollapse.verification import reference
from symcollapse.verification.points import Point, residues

#: Path sums are enumerated and evaluated up to this many monomials (Python ints, ~1 s).
MAX_EMITTED_TERMS = DEFAULT_MAX_TERMS

#: ... and up to this much work per point. Model: as for the exact route, about terms x depth x
#: symbols / 64 word operations (each monomial has up to depth + 1 factors, each an int shift),
#: some 5e7 per second.
MAX_EMITTED_WORK = 5 * 10**7

#: A sum of monomials, each a bit mask in :func:`.reference.numbering` order, coefficient 1 each.
Monomials = list[int]


@dataclass(frozen=True)
class Emitted:
    """The emitted ``W_z`` (rows of columns) and ``b_z`` as monomials over the reference's
    numbering, translated from the names the documents print."""

    widths: tuple[int, ...]
    W_z: tuple[tuple[Monomials, ...], ...]
    b_z: tuple[Monomials, ...]


def _translated(words: np.ndarray, places: np.ndarray, size: int) -> Monomials:
    """Each column of ``words`` (bit ``s`` set: the symbol printed with name ``s``) as the mask
    of the same symbols in the reference's numbering, ``places[s]`` being the bit of name ``s``."""
    terms = words.shape[1]
    if terms == 0:
        return []
    raw = np.ascontiguousarray(words.T).astype("<u8", copy=False).view(np.uint8)
    bits = np.unpackbits(raw.reshape(terms, -1), axis=1, bitorder="little")
    if bits[:, len(places) :].any():
        raise VerificationError("an emitted product holds a symbol that has no name")
    moved = np.zeros((terms, size), dtype=np.uint8)
    moved[:, places] = bits[:, : len(places)]
    packed = np.packbits(moved, axis=1, bitorder="little")
    data, step = packed.tobytes(), packed.shape[1]
    return [int.from_bytes(data[s : s + step], "little") for s in range(0, len(data), step)]


def read_emitted(
    widths: tuple[int, ...], progress: polynomials.ProgressHook | None = None
) -> Emitted:
    """The path sums symcollapse emits for ``widths``, every factor read by its printed name
    (:class:`~symcollapse.errors.VerificationError` for a name that is no entry)."""
    v = polynomials.variables(widths)
    sums = polynomials.path_sums(v, progress)
    bit = reference.numbering(widths)
    places = np.array(
        [bit[reference.parse_name(name, widths)].bit_length() - 1 for name in v.names],
        dtype=np.int64,
    )
    size = len(bit)
    return Emitted(
        widths,
        tuple(tuple(_translated(paths, places, size) for paths in row) for row in sums.W_z),
        tuple(_translated(paths, places, size) for paths in sums.b_z),
    )


def emitted_sums(widths: tuple[int, ...]) -> Emitted | None:
    """:func:`read_emitted`, or None above :data:`MAX_EMITTED_TERMS` or :data:`MAX_EMITTED_WORK`."""
    if term_counts(widths).total > MAX_EMITTED_TERMS or exact_work(widths) > MAX_EMITTED_WORK:
        return None
    return read_emitted(widths)


def collapsed_polynomials(emitted: Emitted) -> list[reference.Polynomial] | None:
    """``W_z x + b_z`` entrywise from the emitted sums; None when a product already holds the
    ``x_j`` it is multiplied by (no polynomial of a network has a square)."""
    bit = reference.numbering(emitted.widths)
    inputs = [bit[("x", 0, 0, j)] for j in range(1, emitted.widths[0] + 1)]
    out: list[reference.Polynomial] = []
    for W_row, b_sum in zip(emitted.W_z, emitted.b_z, strict=True):
        poly: reference.Polynomial = {}
        for monomials, x_j in zip(W_row, inputs, strict=True):
            for m in monomials:
                if m & x_j:
                    return None
                poly[m | x_j] = poly.get(m | x_j, 0) + 1
        for m in b_sum:
            poly[m] = poly.get(m, 0) + 1
        out.append(poly)
    return out


def exactly_equal(
    widths: tuple[int, ...], progress: polynomials.ProgressHook | None = None
) -> tuple[bool, int]:
    """Whether the reference forward pass equals ``W_z x + b_z`` as emitted, every monomial
    compared; and how many monomials the emitted sums have."""
    depth, rows = len(widths) - 1, widths[-1]
    report = progress or (lambda done, total: None)
    forward = reference.forward_polynomials(widths, lambda k, _: report(k, depth + rows))
    emitted = read_emitted(widths, lambda i, _: report(depth + i, depth + rows))
    compared = sum(len(m) for row in emitted.W_z for m in row) + sum(map(len, emitted.b_z))
    collapsed = collapsed_polynomials(emitted)
    return collapsed is not None and forward == collapsed, compared


def _values(point: Point) -> list[int]:
    """Every entry's value modulo ``p`` at ``point``, in the reference's numbering."""
    p = point.prime
    x = residues(point.x, p)
    layers = {k: point.layer(k) for k in range(1, len(point.widths))}
    W = {k: [residues(row, p) for row in layer[0]] for k, layer in layers.items()}
    b = {k: residues(layer[1], p) for k, layer in layers.items()}
    value = {
        "x": lambda k, i, j: x[j - 1],
        "w": lambda k, i, j: W[k][i - 1][j - 1],
        "b": lambda k, i, j: b[k][i - 1],
    }
    return [value[kind](k, i, j) for kind, k, i, j in reference.keys(point.widths)]


def _monomial(monomial: int, values: list[int], p: int) -> int:
    """The product of the entries whose bits are set in ``monomial``, modulo ``p``."""
    product = 1
    while monomial:
        low = monomial & -monomial
        product = product * values[low.bit_length() - 1] % p
        monomial ^= low
    return product


def emitted_value(emitted: Emitted, point: Point) -> list[int]:
    """``W_z x + b_z`` modulo ``p`` with ``W_z``, ``b_z`` as emitted."""
    p = point.prime
    values = _values(point)
    bit = reference.numbering(point.widths)
    x = [values[bit[("x", 0, 0, j)].bit_length() - 1] for j in range(1, point.widths[0] + 1)]

    def total(monomials: Monomials) -> int:
        return sum(_monomial(m, values, p) for m in monomials)

    return [
        (total(b_sum) + sum(x_j * total(m) for m, x_j in zip(W_row, x, strict=True))) % p
        for W_row, b_sum in zip(emitted.W_z, emitted.b_z, strict=True)
    ]
