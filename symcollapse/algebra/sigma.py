"""The entries of ``W_z`` and ``b_z`` in Σ form, summed over the hidden indices, and the paths
such a sum stands for, found by running its indices over their ranges.

The unit of layer ``m`` is ``k_m``, running from 1 to ``d_m``; entry ``(W_z)_{ij}`` is

    sum_{k_1} ... sum_{k_{n-1}} w^{(n)}_{i k_{n-1}} ... w^{(2)}_{k_2 k_1} w^{(1)}_{k_1 j}

and ``(b_z)_i`` one such sum for each bias. Entries with symbolic indices are ``sympy.Indexed``
values whose base is a role symbol (``W_3``, ``b_1``), so printers name them in the notation.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.network import Network
from symcollapse.errors import VerificationError

#: One path: the entry symbols of one product, in any order.
Path = tuple[sp.Symbol, ...]


class SymbolicEntry(sp.Indexed):
    """An entry with symbolic indices, ``W_3[i, k_2]``; plain text names its base in the
    reader's names (sympy's own ``Indexed`` prints the base's raw name)."""

    def _sympystr(self, printer: sp.printing.printer.Printer) -> str:
        indices = ", ".join(printer._print(i) for i in self.indices)
        return f"{printer._print(self.base.label)}[{indices}]"


def _entry_of(role: str, layer: int | None, indices: tuple[object, ...]) -> SymbolicEntry:
    label = symbols.scalar(role) if layer is None else symbols.scalar(role, layer)
    return SymbolicEntry(sp.IndexedBase(label), *(sp.sympify(i) for i in indices))


def row_index() -> sp.Symbol:
    return symbols.scalar("i")


def column_index() -> sp.Symbol:
    return symbols.scalar("j")


def unit_index(layer: int) -> sp.Symbol:
    """``k_m``: the unit of hidden layer ``m``."""
    return symbols.scalar("k", layer)


def width(layer: int) -> sp.Symbol:
    """``d_m``: the width of layer ``m``, the last value of ``k_m``."""
    return symbols.scalar("d", layer)


def weight_entry(layer: int, row: sp.Expr, col: sp.Expr) -> SymbolicEntry:
    """``w^{(layer)}_{row col}`` with symbolic indices."""
    return _entry_of("W", layer, (row, col))


def bias_entry(layer: int, row: sp.Expr) -> SymbolicEntry:
    """``b^{(layer)}_{row}`` with a symbolic index."""
    return _entry_of("b", layer, (row,))


def collapsed_entry(role: str, *indices: object) -> SymbolicEntry:
    """``(W_z)_{ij}``, ``(b_z)_i`` (or ``x_j``, ``a_j``) with symbolic or 1-based indices."""
    return _entry_of(role, None, indices)


def as_elements(expr: sp.Expr, matrices: Mapping[str, sp.MatrixSymbol]) -> sp.Expr:
    """``expr`` with every collapsed entry of integer indices as an element of the matrix of
    its role (``(W_z)_{12}`` -> ``W_z[0, 1]``), for checks in matrix algebra."""

    def element(entry: sp.Indexed) -> sp.Expr:
        role = symbols.role_of(entry.base.label)
        if role is None or role.role not in matrices:
            raise VerificationError(f"{entry} is not an entry of {', '.join(matrices)}")
        at = [int(i) - 1 for i in entry.indices]
        return matrices[role.role][at[0], at[1] if len(at) > 1 else 0]

    return expr.replace(lambda e: isinstance(e, sp.Indexed), element)


def _summed(term: sp.Expr, layers: range) -> sp.Expr:
    """``term`` summed over ``k_m`` for ``m`` in ``layers``, the lowest layer outermost: one
    ``Sum`` with every limit, as sympy would flatten nested ones (built at once, not once per
    layer: each ``Sum`` walks its whole body)."""
    if not layers:
        return term
    return sp.Sum(term, *((unit_index(m), 1, width(m)) for m in reversed(layers)))


def _chain(depth: int, first: int, inner: sp.Expr) -> list[sp.Expr]:
    """The factors ``w^{(n)}_{i k_{n-1}} ... w^{(first)}_{k_first inner}``, outer layer first."""
    indices = {depth: row_index(), first - 1: inner}
    index = [indices.get(m, unit_index(m)) for m in range(depth + 1)]
    return [weight_entry(m, index[m], index[m - 1]) for m in range(depth, first - 1, -1)]


def weight_sum(depth: int) -> sp.Expr:
    """``(W_z)_{ij}`` in Σ form for a network of ``depth`` layers."""
    factors = _chain(depth, 1, column_index())
    return _summed(sp.Mul(*factors, evaluate=False), range(1, depth))


def bias_sum(depth: int) -> sp.Expr:
    """``(b_z)_i`` in Σ form: one sum over the units after each bias ``b_k``, ``k = 1..n``.

    The weights after ``b_k`` are the first ``n - k`` factors of one chain
    ``w^{(n)}_{i k_{n-1}} ... w^{(2)}_{k_2 k_1}``, made once and shared by every term (made
    per term, a deep network's ``n`` terms made ``n^2 / 2`` entries)."""
    chain = _chain(depth, 2, unit_index(1))
    terms = []
    for k in range(1, depth + 1):
        if k == depth:
            terms.append(bias_entry(k, row_index()))
            continue
        factors = [*chain[: depth - k], bias_entry(k, unit_index(k))]
        terms.append(_summed(sp.Mul(*factors, evaluate=False), range(k, depth)))
    return sp.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]


def paths(expr: sp.Expr, network: Network, bound: Mapping[sp.Symbol, int]) -> Iterator[Path]:
    """The products a Σ form stands for: every sum run over its range, every symbolic entry
    replaced by the network's entry symbol (``bound`` gives ``i``, ``j``).

    Each factor is read once per term (its matrix, and where each of its indices comes from);
    running the sums then only picks entries out of lists: a document of 8 widths of 3 runs
    about seventy thousand factors."""
    widths = {width(m): d for m, d in enumerate(network.widths)}
    tables: dict[tuple[str, int], list[list[sp.Symbol]]] = {}
    for term in sp.Add.make_args(expr):
        limits: tuple[tuple[sp.Symbol, sp.Expr, sp.Expr], ...] = ()
        if isinstance(term, sp.Sum):
            term, limits = term.function, term.limits
        factors = sp.Mul.make_args(term)
        if not all(isinstance(f, sp.Indexed) for f in factors):
            raise VerificationError(f"cannot run the sums of {term}: not a product of entries")
        indices = [index for index, _, _ in limits]
        ranges = [range(int(low), int(high.xreplace(widths)) + 1) for _, low, high in limits]
        summed = {index: place for place, index in enumerate(indices)}
        reads = [_read(f, network, bound, summed, tables) for f in factors]
        for values in itertools.product(*ranges):
            yield tuple(
                table[row if row_place is None else values[row_place] - 1][
                    col if col_place is None else values[col_place] - 1
                ]
                for table, row, row_place, col, col_place in reads
            )


#: How one factor is read for the values of the summed indices: the rows of its matrix, and for
#: its row and its column either a fixed 0-based index and None, or the place of the summed
#: index that gives it (its value minus 1).
Read = tuple[list[list[sp.Symbol]], int, int | None, int, int | None]


def _read(
    entry: sp.Indexed,
    network: Network,
    bound: Mapping[sp.Symbol, int],
    summed: Mapping[sp.Symbol, int],
    tables: dict[tuple[str, int], list[list[sp.Symbol]]],
) -> Read:
    """How to read ``entry`` (a weight's or a bias's, of symbolic or integer indices): a summed
    index comes from the running values, any other from ``bound`` or is an integer. ``tables``
    keeps the rows of each matrix already read (many terms read the same layers)."""
    role = symbols.role_of(entry.base.label)
    if role is None or not role.sub:
        raise VerificationError(f"{entry} is not an entry of a weight or bias")
    layer = int(role.sub[0])
    if (role.role, layer) not in tables:
        matrix = network.weights if role.role == "W" else network.biases
        tables[role.role, layer] = matrix[layer - 1].tolist()
    at: list[tuple[int, int | None]] = [
        (0, summed[i]) if i in summed else (int(bound.get(i, i)) - 1, None) for i in entry.indices
    ]
    (row, row_place), (col, col_place) = at[0], at[1] if len(at) > 1 else (0, None)
    return tables[role.role, layer], row, row_place, col, col_place
