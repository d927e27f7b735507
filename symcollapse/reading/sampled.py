"""Rows over widths a document never states, checked at several widths it allows.

A brief LaTeX fragment writes ``(W_z)_{ij} = \\sum_{k_{1}=1}^{d_{1}} ...`` and never says what
``d_1`` is: the row is an identity for every width, so it is checked at three tuples of widths
``d_0, ..., d_n`` consistent with what the document pins (the widths its words state, ``d_0``
by the arguments of its scalar form ``f(x_{1}, x_{2})``, ``d_n`` by the outputs that form is
stated for: one for ``f``, ``i = 1, ..., 2`` for ``f_{i}``), the others small, different from
each other and from the pinned ones, so that a swapped index or a wrong bound breaks. A row
false at any of them is false. The depth ``n`` is the range of the layer scheme
(``h^{(k)} = W_{k} h^{(k-1)} + b_{k}``, ``k = 1, ..., n``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import sympy as sp

from symcollapse.reading.meaning import Verdict
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Entry,
    IndexSum,
    MatrixLiteral,
    Name,
    Node,
    Number,
    Row,
    index_parts,
    walk,
)

#: Tuples of widths a row over unstated widths is checked at.
SAMPLES = 3

#: What a row reads as when it needs widths the document does not give.
WIDTHLESS = ("does not write out", "a width the document does not give")


def _pinned(document: Document, depth: int) -> dict[int, int]:
    """The widths the document fixes: stated in words, ``d_0`` by its scalar form's arguments,
    ``d_n`` by the outputs that form is stated for (``f(x_{1})``: one argument), or both by
    its coefficients (``a_{j} := (W_z)_{1j}`` for ``j = 1, ..., d_0``)."""
    pinned = {
        int(lhs.sub): int(rhs.value)
        for lhs, rhs in document.stated
        if isinstance(lhs, Name) and lhs.base == "d" and lhs.sub.isdecimal() and not lhs.sup
        if isinstance(rhs, Number) and rhs.value.is_Integer and rhs.value > 0
    }
    for row in document.rows:
        lhs = row.lhs
        if _coefficients(row):  # a_{j} := (W_z)_{1j}, j = 1, ..., m: m inputs, one output
            over = row.over
            pinned.setdefault(0, over[2] - over[1] + 1)  # type: ignore[index]
            pinned.setdefault(depth, 1)
        if not isinstance(lhs, Apply):
            continue
        if isinstance(lhs.argument, Arguments):
            pinned.setdefault(0, len(lhs.argument.items))
        elif isinstance(lhs.argument, Name) and lhs.argument.sub.isdecimal():  # f(x_{1})
            pinned.setdefault(0, 1)
        else:
            continue
        over = row.over
        each = over is not None and lhs.function.sub == over[0]  # f_{i}(x_1, x_2), i = 1..m
        pinned.setdefault(depth, over[2] - over[1] + 1 if each and over else 1)
    return pinned


def _coefficients(row: Row) -> bool:
    """Whether ``row`` defines the scalar form's coefficients by a row (or column) of a
    matrix: ``a_{j} := (W_z)_{1j}`` for ``j`` over a range."""
    if row.over is None or not isinstance(row.lhs, Name) or row.lhs.sub != row.over[0]:
        return False
    rhs = row.rhs
    parts = index_parts(rhs.index) if isinstance(rhs, Entry) else []
    return len(parts) == 2 and row.over[0] in parts and any(p.isdecimal() for p in parts)


def _written(node: Node) -> bool:
    """Whether ``node`` writes a matrix out, or one of its entries by number (``[...]``,
    ``w^{(1)}_{31}``, ``W_{1,3,1}``): the document has its widths, none to sample."""
    if not isinstance(node, Name):
        return isinstance(node, MatrixLiteral)
    parts = node.sub.split(",")
    return all(part.isdecimal() for part in parts) and (bool(node.sup) or len(parts) > 1)


def _sides(document: Document) -> Iterator[Node]:
    """Both sides of every row of the document."""
    for row in document.rows:
        yield from (side for side in (row.lhs, row.rhs) if side is not None)


def _sums(document: Document) -> Iterator[IndexSum]:
    """The sums over an index in the document's rows."""
    for side in _sides(document):
        yield from (n for n in walk(side) if isinstance(n, IndexSum))


def _depth(document: Document) -> int | None:
    """The depth ``n`` of the layer scheme's range ``k = 1, ..., n``, or None without one."""
    for row in document.rows:
        if row.over is not None and isinstance(row.lhs, Name) and row.over[0] in row.lhs.sup:
            return row.over[2]
    return None


def samples(depth: int, pinned: dict[int, int]) -> list[tuple[int, ...]]:
    """:data:`SAMPLES` tuples ``d_0, ..., d_depth`` (one if every width is pinned): the pinned
    widths, and the others drawn
    in turn from the small widths no pinned one has, reversed every other tuple (so some
    width rises where another tuple's falls)."""
    free = [k for k in range(depth + 1) if k not in pinned]
    pool = [w for w in range(2, 2 + len(free) + SAMPLES + len(pinned)) if w not in pinned.values()]
    tuples: list[tuple[int, ...]] = []
    for s in range(SAMPLES if free else 1):  # every width pinned: those
        drawn = pool[s : s + len(free)]
        drawn = drawn[::-1] if s % 2 else drawn
        chosen = dict(zip(free, drawn, strict=True)) | pinned
        tuples.append(tuple(chosen[k] for k in range(depth + 1)))
    return tuples


def at_widths(document: Document, widths: tuple[int, ...]) -> Document:
    """``document`` stating ``d_k = widths[k]`` for the widths it does not state itself, in
    ``d`` (the layers' shapes) and in the letter its sums' bounds use (``\\delta_{1}``)."""
    stated = {lhs for lhs, _ in document.stated}
    letters = {"d"} | {
        n.base for s in _sums(document) for n in walk(s.high) if isinstance(n, Name) and n.sub
    }
    given = tuple(
        (Name(letter, str(k)), Number(sp.Integer(w)))
        for letter in sorted(letters)
        for k, w in enumerate(widths)
        if Name(letter, str(k)) not in stated
    )
    return replace(document, stated=document.stated + given)


def check_sampled(document: Document, check: Callable[[Document], Verdict]) -> Verdict:
    """``check`` of ``document``; where it leaves rows unchecked for want of widths the
    document never states, ``check`` of the document at :func:`samples` of them instead: the
    first false one, else the last, with a note saying at which widths. A document that writes
    a matrix or an entry out has its widths: those are never sampled."""
    verdict = check(document)
    unchecked = [why for _, why in verdict.unchecked]
    depth = _depth(document)
    bounds = {n for s in _sums(document) for n in walk(s.high) if isinstance(n, Name)}
    if (
        verdict.false is not None
        or depth is None
        or bounds & {lhs for lhs, _ in document.stated}  # \delta_{1} = 3: widths renamed
        or any(_written(n) for side in _sides(document) for n in walk(side))
        or not any(w in why for why in unchecked for w in WIDTHLESS)
    ):
        return verdict
    pinned = _pinned(document, depth)
    tuples = samples(depth, pinned)
    for widths in tuples:
        at = check(at_widths(document, widths))
        if any(w in why for _, why in at.unchecked for w in WIDTHLESS):
            return verdict  # the widths did not help (too many symbols): as it was
        if at.false is not None:
            return replace(at, false=f"{at.false} (at widths d = {_shown(widths)})")
    unstated = ", ".join(f"d_{k}" for k in range(depth + 1) if k not in pinned)
    note = (
        f"rows over unstated widths {unstated} checked at d = "
        if unstated
        else "rows in sum form checked at the widths its scalar form gives, d = "
    )
    return replace(at, notes=(*at.notes, note + ", ".join(map(_shown, tuples))))


def _shown(widths: tuple[int, ...]) -> str:
    return "(" + ",".join(map(str, widths)) + ")"
