"""The reference the exact and random routes hold what symcollapse emits against: the nested
forward pass ``W_n(...(W_1 x + b_1)...) + b_n`` written here from its definition alone.

It imports nothing of symcollapse but :mod:`symcollapse.errors` (tests/verification/test_routes.py
holds it to that), so a bug in the algebra that produces the printed entries cannot be repeated in
the reference that checks them. An entry is named as every document's symbols are: ``x_j``,
``w_k_i_j`` and ``b_k_i`` (layer ``k``, row ``i``, column ``j``, from 1), read by
:func:`parse_name` into a :data:`Key`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from symcollapse.errors import VerificationError

#: An entry: its kind (``"x"``, ``"w"`` or ``"b"``), layer, row and column (0 where it has none).
Key = tuple[str, int, int, int]

#: A polynomial: monomial (a bit per entry, in :func:`numbering` order) -> integer coefficient.
Polynomial = dict[int, int]

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
    elif wk is not None:
        key = ("w", int(wk), int(wi), int(wj))
    else:
        key = ("b", int(bk), int(bi), 0)
    if key not in numbering(widths):
        raise VerificationError(f"{name!r} names no entry of a network of widths {widths}")
    return key


def keys(widths: tuple[int, ...]) -> list[Key]:
    """Every entry of the network: biases and weights from the outer layer inward, the input last
    (an order of its own, so that a numbering shared by mistake would not line up)."""
    d = widths
    out: list[Key] = []
    for k in range(len(d) - 1, 0, -1):
        out += [("b", k, i, 0) for i in range(1, d[k] + 1)]
        out += [("w", k, i, j) for j in range(1, d[k - 1] + 1) for i in range(1, d[k] + 1)]
    return out + [("x", 0, 0, j) for j in range(1, d[0] + 1)]


def numbering(widths: tuple[int, ...]) -> dict[Key, int]:
    """Each entry's bit in a monomial of :func:`forward_polynomials`."""
    return {key: 1 << position for position, key in enumerate(keys(widths))}


def forward_modular(widths: tuple[int, ...], value: Callable[[Key], int], p: int) -> list[int]:
    """``f(x)`` modulo ``p`` with every entry's value given by ``value``: plain integers."""
    d = widths
    h = [value(("x", 0, 0, j)) % p for j in range(1, d[0] + 1)]
    for k in range(1, len(d)):
        h = [
            (value(("b", k, i, 0)) + sum(value(("w", k, i, j)) * h_j for j, h_j in enumerate(h, 1)))
            % p
            for i in range(1, d[k] + 1)
        ]
    return h


def forward_polynomials(
    widths: tuple[int, ...], progress: Callable[[int, int], None] | None = None
) -> list[Polynomial]:
    """``f(x)`` entrywise as exact polynomials in the entries (monomials as :func:`numbering`
    bits), by the nested composition; ``progress(layer, depth)`` after each layer."""
    bit = numbering(widths)
    d, depth = widths, len(widths) - 1
    h: list[Polynomial] = [{bit[("x", 0, 0, j)]: 1} for j in range(1, d[0] + 1)]
    for k in range(1, depth + 1):
        layer: list[Polynomial] = []
        for i in range(1, d[k] + 1):
            out = {bit[("b", k, i, 0)]: 1}
            for j, h_j in enumerate(h, 1):
                w = bit[("w", k, i, j)]
                for monomial, c in h_j.items():
                    term = monomial | w
                    out[term] = out.get(term, 0) + c
            layer.append({m: c for m, c in out.items() if c})
        h = layer
        if progress is not None:
            progress(k, depth)
    return h
