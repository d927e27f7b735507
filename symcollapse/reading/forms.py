"""The forms the levels of detail print, for :class:`~symcollapse.reading.meaning.Meaning`:
matrices written only through their entries' symbols, rows stated for a range of an index
(``h^{(k)}``, ``f_{i}(x_{1}, x_{2})``), and the scalar form ``f(x_{1}, x_{2})`` as ``f`` at the
entries of ``x``; and :class:`Undecided`, what a row gives too little to decide.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.naming import by_convention
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Entry,
    Name,
    Node,
    Number,
    Product,
    walk,
)
from symcollapse.reading.orientation import as_vector, layer_shape, vector_cell
from symcollapse.reading.schemes import instantiate
from symcollapse.reading.values import Mismatch, Value, difference, entry, scalar


class Reading(Protocol):
    """What the forms read from the meaning they are mixed into
    (:class:`~symcollapse.reading.meaning.Meaning`), stated here so that neither module
    needs the other's: the document, its names, definitions and entries so far."""

    document: Document
    names: dict[str, Name]
    definitions: dict[str, Node]
    defining: set[int]
    entries: dict[str, dict[str, Node]]
    scalars: set[str]
    explicit: bool
    base: int
    row_vectors: bool

    def value(self, node: Node) -> Value:
        """The value of ``node`` under the document's definitions."""
        ...

    def _defined(self, key: str) -> Value:
        """The value of the defined name ``key``."""
        ...


#: Most symbols the weights and biases a document gives only by its widths may take (a brief
#: document of widths 100-100-100 has 20,200), and the widest width read.
MAX_GENERIC = 100_000
MAX_WIDTH = 10**6


def key_of(node: Node | None) -> str | None:
    """What a definition's left side defines: a name's key, or ``f(x)`` as printed."""
    if isinstance(node, Name):
        return node.key
    if isinstance(node, Apply):
        return repr(node)
    return None


class Undecided(DocumentError):
    """A row the document gives too little to decide (an entry of a matrix it never writes
    out): shown as not checked, with why, and so is the chain it is in."""


class Forms(Reading):
    """The reading of the new forms, mixed into the meaning of a document."""

    def _by_convention(self, nodes: list[Node]) -> None:
        """Matrices the document writes only through their entries' symbols in its rows
        (``w^{(2)}_{13}`` for ``W_{2}``, the convention it states): by those entries; and the
        arguments of a scalar form (``f(x_{1}, x_{2})``) as the entries of ``x``."""
        entries = by_convention(self.names.values())
        self.conventional: set[str] = set()
        matrices = {
            key: name
            for key, name in self.names.items()
            if re.fullmatch(r"\d+", name.sub) and not name.sup and key not in self.definitions
        }
        letters = {name.base for name in matrices.values()}
        for key, name in matrices.items():
            # entries in the matrix's own letter (W^{2}_{13}, \Omega^{(2)}_{13}), else in its
            # lower case (w^{(2)}_{13}) unless that letter is another matrix's (b = \omega)
            lower = name.base.lower()
            cells = entries.get((name.base, int(name.sub)))
            if not cells and lower != name.base and lower not in letters:
                cells = entries.get((lower, int(name.sub)))
            if cells and key not in self.entries and key not in self.scalars:
                self.entries[key] = _canonical(cells, self.base, self.row_vectors)
                self.conventional.add(key)
                self.scalars |= {cell.key for cell in cells.values()}
                self.explicit = True
        self._by_widths()
        if self.explicit:  # x_{1}, x_{2} next to explicit matrices: the entries of x
            for node in nodes:
                if isinstance(node, Arguments):
                    self.scalars |= {n.key for n in node.items if isinstance(n, Name)}

    def _widths(self) -> dict[int, int]:
        """The widths the document's words state, ``$d_{0} = 2$``: layer -> width."""
        return {
            int(lhs.sub): int(rhs.value)
            for lhs, rhs in self.document.stated
            if isinstance(lhs, Name) and lhs.base == "d" and lhs.sub.isdecimal() and not lhs.sup
            if isinstance(rhs, Number) and rhs.value.is_Integer and 0 < rhs.value <= MAX_WIDTH
        }

    def _by_widths(self) -> None:
        """The weights and biases of a layer scheme (``h^{(k)} = W_{k} h^{(k-1)} + b_{k}``, k =
        1, ..., n) the document neither writes out nor names the entries of, as matrices of
        symbols of their own at the widths its words state (``$d_{0} = 2$``): a name with a
        factor right of it (``W_{k}``) is ``d_k x d_{k-1}``, any other (``b_{k}``) a column
        of ``d_k``. So a row for every entry, ``(W_z)_{ij} = \\sum ...``, is checked entry by
        entry in a brief document too; at most :data:`MAX_GENERIC` symbols."""
        widths = self._widths()
        shapes: dict[str, tuple[int, int]] = {}
        for i, row in enumerate(self.document.rows):
            if row.over is None or i not in self.defining or not widths:
                continue
            var, low, high = row.over
            nodes = list(walk(row.rhs))
            weights = {  # multiplying from the left (W_k h), or the right in a row document
                factor.key
                for node in nodes
                if isinstance(node, Product)
                for factor in (node.factors[1:] if self.row_vectors else node.factors[:-1])
                if isinstance(factor, Name)
            }
            for node in nodes:
                if not isinstance(node, Name) or node.sub != var or node.sup:
                    continue
                for k in range(low, high + 1):
                    width, before = widths.get(k), widths.get(k - 1)
                    key = Name(node.base, str(k)).key
                    given = self.definitions.keys() | self.entries.keys() | self.scalars
                    weight = node.key in weights
                    if width and (before or not weight) and key not in given:
                        before = before if weight else None
                        shapes[key] = layer_shape(self.row_vectors, width, before)
        if not shapes or sum(r * c for r, c in shapes.values()) > MAX_GENERIC:
            return
        for key, (rows, cols) in shapes.items():
            at = [(r, c) for r in range(rows) for c in range(cols)]
            index = [f"{r + self.base},{c + self.base}" for r, c in at]
            self.entries[key] = {i: Name(f"[{key}]", i) for i in index}
            self.scalars |= {Name(f"[{key}]", i).key for i in index}
            self.conventional.add(key)
            self.explicit = True

    def _stated(self, name: Name) -> Node | None:
        """What the document's words say ``name`` is: ``c`` by ``$c = (b_z)_1$``, ``a_{2}``
        by ``$a_{j} = (W_z)_{1j}$`` with ``j = 2``; None if they say nothing."""
        for lhs, rhs in self.document.stated:
            if not isinstance(lhs, Name) or lhs.base != name.base or lhs.sup != name.sup:
                continue
            if lhs.sub == name.sub:
                return rhs
            if re.fullmatch(r"[a-z]", lhs.sub) and name.sub.isdecimal():
                return instantiate(rhs, lhs.sub, int(name.sub))
        return None

    def _scheme(self, i: int, lhs: Node, rhs: Node, over: tuple[str, int, int]) -> None:
        """The row ``i``, stated for an index over a range, as one definition per value."""
        var, low, high = over
        if isinstance(lhs, Entry) and isinstance(lhs.matrix, Name) and lhs.index == var:
            self._entrywise(i, lhs.matrix, rhs, over)
            return
        keys = [key_of(instantiate(lhs, var, k)) for k in range(low, high + 1)]
        if None in keys or len(set(keys)) != len(keys) or key_of(lhs) in keys:
            raise DocumentError(
                f"cannot read {self.document.rows[i].where}: a row for "
                f"{var} = {low}, ..., {high} whose left side does not use {var}"
            )
        for k, key in zip(range(low, high + 1), keys, strict=True):
            if key in self.definitions or key in self.scalars:
                raise DocumentError(f"{key} is defined twice")
            self.definitions[key] = instantiate(rhs, var, k)  # type: ignore[index]
        self.defining.add(i)

    def _entrywise(self, i: int, vector: Name, rhs: Node, over: tuple[str, int, int]) -> None:
        """The row ``i``, ``a[j] := W_z[1, j]`` for ``j`` over a range (a plain document's
        scalar-form coefficients): the vector ``a`` by its entries."""
        var, low, high = over
        if vector.key in self.definitions or vector.key in self.entries:
            raise DocumentError(f"{vector.key} is defined twice")
        self.entries[vector.key] = {
            vector_cell(str(k), self.base, self.row_vectors): instantiate(rhs, var, k)
            for k in range(low, high + 1)
        }
        self.defining.add(i)

    def _at_entries(self, function: Name, arguments: Arguments) -> Value:
        """``f(x_{1}, x_{2})``: the defined ``f(x)`` where the arguments are the entries of
        ``x`` in order (the scalar regression form)."""
        whole = Name(function.base) if re.fullmatch(r"\d+", function.sub) else None
        defined = [
            row.lhs
            for row in self.document.rows
            if isinstance(row.lhs, Apply)
            and row.lhs.function in (function, whole)
            and isinstance(row.lhs.argument, Name)
            and key_of(row.lhs) in self.definitions
        ]
        if not defined:
            raise Undecided(f"the document does not define {function.key} of one vector")
        vector = self.value(defined[0].argument)
        if not isinstance(vector, sp.MatrixBase):
            raise Undecided(f"{function.key} of the entries of a vector it does not write out")
        given = as_vector([scalar(self.value(item)) for item in arguments.items], self.row_vectors)
        if difference(vector, given) is not None:
            raise Mismatch(f"the arguments of {function.key} are not the entries of its vector")
        value = self._defined(key_of(defined[0]))  # type: ignore[arg-type]
        if defined[0].function == function:
            return value
        if not isinstance(value, sp.MatrixBase):  # f_{i}: the entry i of f, defined as whole
            raise Undecided(
                f"{function.key}: an entry of {defined[0].function.key} it does not write out"
            )
        return entry(value, function.sub, self.base)


def _canonical(cells: dict[str, Name], base: int, rows: bool) -> dict[str, Node]:
    """``cells`` by indices with commas: a vector's (any index of one digit: ``b^{(1)}_{12}``
    is entry 12) as its column ``12,1`` (its row ``1,12`` in a row document); a matrix's
    ``12`` as ``1,2``."""
    vector = any("," not in index and len(index) == 1 for index in cells)
    if vector and any("," in index for index in cells):
        raise DocumentError("entries' symbols with one and with two indices for one matrix")
    if vector:
        return {vector_cell(index, base, rows): name for index, name in cells.items()}
    return {index if "," in index else ",".join(index): name for index, name in cells.items()}


def one_argument_forms(document: Document) -> Document:
    """``document`` with ``f(x_{1}) = ...`` beside ``f(x) = ...`` read as the scalar form of
    one input (``f`` at the entries of ``x``), not as a second definition of ``f``."""
    vectors = {
        (row.lhs.function, row.lhs.argument.base)
        for row in document.rows
        if isinstance(row.lhs, Apply) and isinstance(row.lhs.argument, Name)
        if not row.lhs.argument.sub and not row.lhs.argument.sup
    }
    rows = []
    for row in document.rows:
        lhs = row.lhs
        if (
            isinstance(lhs, Apply)
            and isinstance(lhs.argument, Name)
            and lhs.argument.sub.isdecimal()  # an entry's index: not empty
            and (lhs.function, lhs.argument.base) in vectors
        ):
            row = replace(row, lhs=Apply(lhs.function, Arguments((lhs.argument,))))
        rows.append(row)
    return replace(document, rows=tuple(rows))


def scalar_form(lhs: Node | None) -> bool:
    """Whether ``lhs`` is a function of several arguments, ``f(x_{1}, x_{2})``."""
    return isinstance(lhs, Apply) and isinstance(lhs.argument, Arguments)
