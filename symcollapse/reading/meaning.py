"""What a document's rows mean, from what the document itself states, and whether each holds.

The definitions are the document's own: the first row of a chain whose left side is a name or
an application not defined before (``W_{1} = [...]``, ``W_z := W_3 W_2 W_1``, ``f(x) = ...``,
``h_{1} = ...``). A name in a matrix's cells is a commuting scalar; any other name the document
does not define is a matrix symbol that does not commute, so a row that holds for such
symbols holds for every matrix of fitting shape. A vector written only through its entries
(``x`` beside ``x_{1}, x_{2}``) is the column of those entries. Undefined functions are the
identity only where the document says every activation is.

Every ``=`` is checked as an identity: the difference expanded to zero, exactly, while the
document has at most :data:`EXACT_SCALARS` scalar symbols; beyond that, at one random point of
exact integers (a false polynomial identity of degree d vanishes there with probability at
most d / 2^40).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.forms import Forms, Undecided, key_of, one_argument_forms, scalar_form
from symcollapse.reading.naming import misnamed, single_entry
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Entry,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Number,
    Power,
    Product,
    Quotient,
    Sum,
    Transpose,
    Unread,
    children,
    walk,
)
from symcollapse.reading.schemes import instantiate
from symcollapse.reading.values import (
    EXACT,
    IDENTITY,
    Mismatch,
    Undefined,
    Value,
    add,
    difference,
    entry,
    multiply,
    number,
    scalar,
)

#: Up to this many scalar symbols the rows are expanded exactly; beyond, a random point.
EXACT_SCALARS = 40

#: Highest power of a non-number read (documents square at most; expansion cost grows fast).
MAX_EXPONENT = 4

#: Random integers of the point are drawn from [-RANGE, RANGE].
RANGE = 2**40

#: Where a document says its undefined functions (the activations) are the identity.
IDENTITY_ACTIVATIONS = re.compile(
    r"(every|all|each) activations? (is|are) the identity|with identity activations", re.I
)


@dataclass(frozen=True)
class Verdict:
    """The result of checking a document: rows checked, how many were definitions, rows shown
    but not checked (with why), and the first false row with what is wrong (None if all hold)."""

    checked: int
    definitions: int
    unchecked: tuple[tuple[str, str], ...]
    false: str | None


def _scalar_names(node: Node) -> Iterator[str]:
    """The names in a matrix cell that stand for numbers (not the matrix of an entry
    ``(W_z)_{11}``, nor a function's name)."""
    if isinstance(node, Name):
        yield node.key
    elif isinstance(node, Apply):
        yield from _scalar_names(node.argument)
    elif not isinstance(node, Entry):
        for child in children(node):
            yield from _scalar_names(child)


class Meaning(Forms):
    """The values a document's definitions give its names, and the check of every row."""

    def __init__(self, document: Document, seed: int = 0, tolerance: sp.Rational = EXACT) -> None:
        document = one_argument_forms(document)
        self.document = document
        self.tolerance = tolerance
        nodes = [
            n for row in document.rows for side in (row.lhs, row.rhs) if side for n in walk(side)
        ]
        self.scalars = {
            cell
            for node in nodes
            if isinstance(node, MatrixLiteral)
            for cells in node.rows
            for cell_node in cells
            for cell in _scalar_names(cell_node)
        }
        self.names = {n.key: n for n in nodes if isinstance(n, Name)}
        self.base = 0 if any(_zero_index(n) for n in nodes) else 1
        self.identity_functions = bool(IDENTITY_ACTIVATIONS.search(document.prose))
        self.definitions: dict[str, Node] = {}
        self.defining: set[int] = set()
        for i, row in enumerate(document.rows):
            scheme_row = row.over is not None and row.lhs is not None
            if scheme_row and any(isinstance(side, Unread) for side in (row.lhs, row.rhs)):
                continue  # shown, not checked: see check()
            if scheme_row and not scalar_form(row.lhs):
                self._scheme(i, row.lhs, row.rhs, row.over)
                continue
            key = key_of(row.lhs) if row.lhs is not None else None
            fresh = key and row.defines and key not in self.definitions.keys() | self.scalars
            fresh = fresh and not isinstance(row.rhs, Unread) and not scalar_form(row.lhs)
            if fresh and not any(key_of(n) == key for n in walk(row.rhs)):
                self.definitions[key] = row.rhs  # type: ignore[index]
                self.defining.add(i)
        for i in self.defining:  # b_3 = b^{(3)}_{1}: a 1x1 matrix printed as its one entry
            lhs, rhs = document.rows[i].lhs, document.rows[i].rhs
            if isinstance(lhs, Name) and isinstance(rhs, Name) and single_entry(lhs, rhs):
                self.scalars.add(rhs.key)
        self.explicit = any(isinstance(n, MatrixLiteral) for n in self.definitions.values())
        self.entries: dict[str, dict[str, Node]] = {}
        for i, row in enumerate(document.rows):  # (W_1)_{1,1} = w^{(1)}_{1,1}: W_1 by entries
            if isinstance(row.lhs, Entry) and isinstance(row.lhs.matrix, Name) and row.defines:
                key = row.lhs.matrix.key
                if key not in self.definitions and row.lhs.index not in self.entries.get(key, {}):
                    self.entries.setdefault(key, {})[row.lhs.index] = row.rhs
                    self.scalars |= set(_scalar_names(row.rhs))
                    self.defining.add(i)
        self._by_convention(nodes)
        rng = random.Random(seed)
        self.point = (
            {key: rng.randint(-RANGE, RANGE) for key in sorted(self.scalars)}  # plain: fast
            if len(self.scalars) > EXACT_SCALARS
            else None
        )
        self.values: dict[str, Value] = {}
        self.vectors: dict[str, sp.Matrix] = {}
        self.unread: list[tuple[str, str]] = []  # rows shown, not checked, and why
        self.pending: set[str] = set()

    def check(self) -> Verdict:
        """Every row in order; stops at the first false one."""
        previous: Value | None = None
        after_unread = False
        for i, row in enumerate(self.document.rows):
            unread = next((s.what for s in (row.lhs, row.rhs) if isinstance(s, Unread)), None)
            if unread or (row.lhs is None and after_unread):
                self.unread.append((row.where, unread or "continues a row not read"))
                after_unread, previous = True, None
                continue
            after_unread = False
            if i in self.defining and row.over is not None:  # its instances are definitions
                previous = None
                continue
            sides = [(row.lhs, row.rhs, "")]
            if row.over is not None:  # f_{i}(x_1, x_2) = ..., i = 1..n: each instance checked
                var, low, high = row.over
                sides = [
                    (instantiate(row.lhs, var, k), instantiate(row.rhs, var, k), f" ({var} = {k})")
                    for k in range(low, high + 1)
                ]
            try:
                for lhs, rhs, which in sides:
                    wrong, right = self._compare(i, lhs, rhs, previous)
                    if wrong:
                        return self._verdict(i, f"{row.where}{which} is false: {wrong}")
            except Undecided as error:
                self.unread.append((row.where, str(error)))
                after_unread, previous = True, None
                continue
            previous = right if row.over is None else None
        return self._verdict(len(self.document.rows), None)

    def _compare(
        self, i: int, lhs: Node | None, rhs: Node, previous: Value | None
    ) -> tuple[str | None, Value | None]:
        """What is wrong with the row ``i`` read as ``lhs = rhs`` (None if it holds; a
        definition only breaks the entry convention), and the value of its right side."""
        right = None
        try:
            right = self.value(rhs)
            if lhs is None and previous is None:
                where = self.document.rows[i].where
                raise DocumentError(f"cannot read {where}: it continues nothing")
            left = self.value(lhs) if lhs is not None else previous
            if i in self.defining:
                return misnamed(lhs, rhs, self.base), right
            wrong = difference(left, right, self.tolerance)  # type: ignore[arg-type]
        except Undefined as error:
            if scalar_form(lhs):  # a_j and c are defined in words, not read
                raise Undecided(f"the scalar form: {error}") from None
            if not self.explicit:  # nothing to check against: the document gives no matrix
                raise DocumentError(
                    f"cannot check {self.document.rows[i].where}: {error}"
                ) from None
            wrong = f"{error}, though it defines its other matrices"
        except Mismatch as error:
            wrong = str(error)
        if wrong and lhs is None:
            return f"{wrong} (against the row above)", right
        return wrong, right

    def _verdict(self, checked: int, false: str | None) -> Verdict:
        definitions = len([i for i in self.defining if i < checked])
        shown = self.document.unchecked + tuple(self.unread)
        return Verdict(checked - len(self.unread), definitions, shown, false)

    def value(self, node: Node) -> Value:
        """The value of ``node``: an explicit matrix or a (possibly non-commuting) expression."""
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Apply) and isinstance(node.argument, Arguments):
            return self._at_entries(node.function, node.argument)
        if isinstance(node, Name | Apply) and key_of(node) in self.definitions:
            return self._defined(key_of(node))  # type: ignore[arg-type]
        if isinstance(node, Name):
            return self._undefined(node)
        if isinstance(node, Apply):
            if not self.identity_functions:
                raise DocumentError(
                    f"the document does not define the function {node.function.key}"
                )
            return self.value(node.argument)
        if isinstance(node, Entry):
            if not re.fullmatch(r"[\d,]+", node.index):  # (W_z)_{i1} for every i
                raise Undecided(f"an entry {node.index} for indices whose range it does not state")
            matrix = self.value(node.matrix)
            if not isinstance(matrix, sp.MatrixBase):
                raise Undecided("an entry of a matrix the document does not write out")
            return entry(matrix, node.index, self.base)
        if isinstance(node, Sum):
            total = self.value(node.terms[0])
            for term in node.terms[1:]:
                total = add(total, self.value(term))
            return total
        if isinstance(node, Product):
            product = self.value(node.factors[0])
            for factor in node.factors[1:]:
                if isinstance(product, sp.MatrixBase) and isinstance(factor, Name):
                    target = factor  # h^{(0)} = x: the vector is x
                    while isinstance(self.definitions.get(target.key), Name):
                        target = self.definitions[target.key]  # type: ignore[assignment]
                    self._generic_vector(target, product.cols)
                product = multiply(product, self.value(factor))
            return product
        if isinstance(node, Negative):
            return -self.value(node.operand)
        if isinstance(node, Quotient):
            denominator = scalar(self.value(node.denominator))
            if denominator == 0:
                raise Mismatch("a division by zero")
            return number(self.value(node.numerator)) / number(denominator)
        if isinstance(node, Power):
            base = number(self.value(node.base))
            if isinstance(base, sp.MatrixBase) and base.rows != base.cols:
                raise Mismatch(f"a power of a {base.rows}x{base.cols} matrix")
            if node.exponent > MAX_EXPONENT and not base.is_Number:
                raise DocumentError(f"a power {node.exponent} above {MAX_EXPONENT}")
            return base**node.exponent
        if isinstance(node, Transpose):
            inner = number(self.value(node.operand))
            if isinstance(inner, sp.MatrixBase):
                return inner.T
            if inner.is_commutative:
                return inner
            raise DocumentError("a transposed matrix the document does not define")
        return sp.Matrix([[scalar(self.value(cell)) for cell in row] for row in node.rows])

    def _defined(self, key: str) -> Value:
        if key not in self.values:
            if key in self.pending:
                raise DocumentError(f"{key} is defined in terms of itself")
            self.pending.add(key)
            self.values[key] = self.value(self.definitions[key])
            self.pending.discard(key)
        return self.values[key]

    def _by_entries(self, key: str) -> sp.Matrix:
        """The matrix ``key`` from its entry rows, every entry given once."""
        cells = {}
        for index, node in self.entries[key].items():
            parts = (
                index.split(",") if "," in index else list(index) if len(index) == 2 else [index]
            )
            if not all(p.isdigit() for p in parts):
                raise DocumentError(f"cannot read the index {index!r} of {key}")
            at = tuple(int(p) - self.base for p in parts)
            cells[at if len(at) == 2 else (at[0], 0)] = scalar(self.value(node))
        rows = 1 + max(i for i, _ in cells)
        cols = 1 + max(j for _, j in cells)
        missing = [(i, j) for i in range(rows) for j in range(cols) if (i, j) not in cells]
        if missing or min(min(at) for at in cells) < 0:
            # Entries' symbols in its rows that miss one: the document contradicts itself.
            kind = Mismatch if key in self.conventional else DocumentError
            raise kind(f"the entries of {key} do not fill a {rows}x{cols} matrix")
        return sp.Matrix(rows, cols, lambda i, j: cells[i, j])

    def _generic_vector(self, name: Name, size: int) -> None:
        """A name the document never gives entries, first met right of a matrix (``x`` in
        ``W_1 x``): a column of ``size`` symbols, the same wherever the name appears."""
        known = name.key in self.definitions or name.key in self.scalars
        current = None if known else self._undefined(name)
        if current is not None and not isinstance(current, sp.MatrixBase) and current != IDENTITY:
            self.vectors[name.key] = sp.Matrix([sp.Symbol(f"{name.key}[{i}]") for i in range(size)])
            self.values.clear()  # h^{(0)} = x, valued before x was known to be a vector

    def _undefined(self, name: Name) -> Value:
        if name.key in self.vectors:
            return self.vectors[name.key]
        if name.key in self.entries:
            self.vectors[name.key] = self._by_entries(name.key)
            return self.vectors[name.key]
        if name.key in self.scalars:
            if self.point is not None:
                return self.point[name.key]
            return sp.Symbol(name.key)
        entries = sorted(
            (int(n.sub), n)
            for n in self.names.values()
            if n.base == name.base and not n.sup and n.sub.isdigit() and n.key in self.scalars
        )
        if not name.sub and not name.sup and entries:
            indices = [i for i, _ in entries]
            if indices != list(range(self.base, self.base + len(indices))):
                raise DocumentError(f"the entries of {name.key} are numbered {indices}")
            return sp.Matrix([self._undefined(n) for _, n in entries])
        stated = self._stated(name)
        if stated is not None:
            return self.value(stated)
        return IDENTITY if name.key == "I" else sp.Symbol(name.key, commutative=False)


def _zero_index(node: Node) -> bool:
    """Whether ``node`` is indexed from 0: an index ``0``, ``0,j`` or ``0j`` (an index from 1
    never starts with 0)."""
    index = node.index if isinstance(node, Entry) else node.sub if isinstance(node, Name) else ""
    return "0" in index and any(re.fullmatch(r"0\d?", part) for part in index.split(","))
