"""The symbolic network: one sympy Symbol per weight, bias and input entry, plus matrix-level names.

Entry symbols are named as Python identifiers (``w_2_3_1`` is row 3, column 1 of ``W_2``;
``b_2_3`` is entry 3 of ``b_2``; ``x_1`` is the first input), 1-based like the mathematics, so the
JSON output parses back with ``sympy.sympify``. How they *look* is the notation's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.affine import forward
from symcollapse.spec.kinds.registry import PARAMETER_RANKS
from symcollapse.spec.widths import Spec

#: What an entry belongs to: the role (:mod:`symcollapse.spec.roles`) of its matrix, one of
#: :data:`KIND_RANK`'s: a network's ``W``, ``b``, ``x``, or a layer kind's parameter.
Kind = str

#: Order of kinds within one layer when terms are written out: weights, then biases, then
#: inputs, then a loss's targets; each layer kind says which of its parameters multiply and
#: which add (:data:`~symcollapse.spec.kinds.registry.PARAMETER_RANKS`).
KIND_RANK: dict[Kind, int] = {"W": 0, "b": 1, "x": 2, "y": 3, "f": 4, **PARAMETER_RANKS}

#: Vectors outside the layers, whose entries are named by their role and one index (``x_1``;
#: the target ``y_1`` of a loss; the output ``f_1`` of a certificate).
VECTOR_KINDS = frozenset({"x", "y", "f"})

#: Per-unit parameters of the layer kinds (a convolution's kernel, batch normalisation's scale,
#: standard deviation, mean, shift; a ReLU's masks); the symbol name is
#: ``<kind>_<layer>_<index>``, like ``b_<layer>_<index>``, and the kind is also the role whose
#: name the printers use.
PARAMETER_KINDS = frozenset(PARAMETER_RANKS)


@dataclass(frozen=True, order=True)
class Entry:
    """Which matrix entry a symbol stands for; indices are 0-based, ``layer`` is 0 for ``x``."""

    kind: Kind
    layer: int
    row: int
    col: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KIND_RANK:  # a kind's parameter it forgot to declare
            raise ValueError(f"no matrix of entries {self.kind!r}; known: {', '.join(KIND_RANK)}")

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        """Outer layers first, matching the product order ``W_n ... W_1 x``."""
        return (-self.layer, KIND_RANK[self.kind], self.row, self.col)

    @property
    def name(self) -> str:
        if self.kind in VECTOR_KINDS:
            return f"{self.kind}_{self.row + 1}"
        if self.kind == "b" or self.kind in PARAMETER_KINDS:
            return f"{self.kind}_{self.layer}_{self.row + 1}"
        return f"w_{self.layer}_{self.row + 1}_{self.col + 1}"


@dataclass(frozen=True)
class Network:
    """Symbolic weights ``W_1..W_n``, biases ``b_1..b_n`` and input ``x`` for some widths."""

    spec: Spec
    x: sp.ImmutableMatrix
    weights: tuple[sp.ImmutableMatrix, ...]
    biases: tuple[sp.ImmutableMatrix, ...]
    #: Every entry symbol and what it stands for. It follows from ``spec``, so the hash leaves
    #: it out (a dict has none) and a network still hashes, e.g. as the key of its routes.
    entries: dict[sp.Symbol, Entry] = field(hash=False)

    @property
    def widths(self) -> tuple[int, ...]:
        return self.spec.widths

    @property
    def depth(self) -> int:
        return self.spec.depth

    # Matrix-level (MatrixSymbol) forms: what a derivation shows before entries. Made once per
    # network: a derivation asks for them in every section, and its checks compare the symbols
    # of one expression with those of another, at once when they are the same objects.
    @cached_property
    def x_symbol(self) -> sp.MatrixSymbol:
        return symbols.matrix("x", self.widths[0])

    @cached_property
    def weight_symbols(self) -> tuple[sp.MatrixSymbol, ...]:
        d = self.widths
        return tuple(symbols.matrix("W", d[k], d[k - 1], k) for k in range(1, len(d)))

    @cached_property
    def bias_symbols(self) -> tuple[sp.MatrixSymbol, ...]:
        d = self.widths
        return tuple(symbols.matrix("b", d[k], 1, k) for k in range(1, len(d)))

    def forward(self) -> sp.ImmutableMatrix:
        """``f(x)`` by nested composition ``W_n(...(W_1 x + b_1)...) + b_n``, not yet expanded."""
        return nested_forward(self.x, self.weights, self.biases)


def nested_forward(
    x: sp.MatrixBase, weights: Sequence[sp.MatrixBase], biases: Sequence[sp.MatrixBase]
) -> sp.ImmutableMatrix:
    """``W_n(...(W_1 x + b_1)...) + b_n`` with explicit matrices (symbols or numbers)."""
    return sp.ImmutableMatrix(forward(x, weights, biases))


def build_network(spec: Spec) -> Network:
    """Create every entry symbol for ``spec`` (distinct symbols, 1-based names)."""
    entries: dict[sp.Symbol, Entry] = {}

    def matrix(kind: Kind, layer: int, rows: int, cols: int) -> sp.ImmutableMatrix:
        def symbol(i: int, j: int) -> sp.Symbol:
            entry = Entry(kind, layer, int(i), int(j))  # sympy passes its Integers
            s = sp.Symbol(entry.name)
            entries[s] = entry
            return s

        return sp.ImmutableMatrix(rows, cols, symbol)

    d = spec.widths
    x = matrix("x", 0, d[0], 1)
    weights = tuple(matrix("W", k, d[k], d[k - 1]) for k in range(1, len(d)))
    biases = tuple(matrix("b", k, d[k], 1) for k in range(1, len(d)))
    return Network(spec=spec, x=x, weights=weights, biases=biases, entries=entries)
