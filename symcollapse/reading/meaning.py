"""What a document's rows mean, from what the document itself states, and whether each holds.

The definitions are the document's own: the first row of a chain whose left side is a name or
an application not defined before (``W_{1} = [...]``, ``W_z := W_3 W_2 W_1``, ``f(x) = ...``,
``h_{1} = ...``). A name in a matrix's cells is a commuting scalar; any other name the document
does not define is a matrix symbol that does not commute, so a row that holds for such
symbols holds for every matrix of fitting shape. A vector written only through its entries
(``x`` beside ``x_{1}, x_{2}``) is the column of those entries. Undefined functions are the
identity only where the document says every activation is.

A row for every entry, ``(W_z)_{ij} = \\sum_{k_{1}=1}^{d_{1}} ...``, is checked for each ``i``
and ``j`` of the matrix the document gives, its sums expanded at the widths ``d_k`` the
document's words (``$d_{1} = 3$``) or JSON ``widths`` field state or its matrices have
(``W_k`` is ``d_k x d_{k-1}``), and the entries they name (``w^{(3)}_{12}``) are those of
the matrices in the document's convention; a document that writes no matrix out but states
its widths has its layer scheme's ``W_k`` and ``b_k`` as matrices of symbols of their own at
those widths.

A row stated over an index range covers what the document gives: a layer scheme
``h^{(k)} = W_{k} h^{(k-1)} + b_{k}`` for ``k = 1, ..., n`` the layers its widths and
``f(x) = h^{(n)}`` say, and ``a_{j} := (W_z)_{1j}`` for ``j = 1, ..., m`` every column of
``W_z``. Rows over widths a brief fragment never states are checked at sampled widths
(:mod:`.sampled`).

Every ``=`` is checked as an identity: the difference expanded to zero, exactly, while the
document has at most :data:`EXACT_SCALARS` scalar symbols; beyond that, at one random point of
exact integers (a false polynomial identity of degree d vanishes there with probability at
most d / 2^40). A rank of a matrix of symbols (``rank(W_z) = 1`` at random weights) is its
rank for generic weights, at one random point.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeGuard

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.code import CODE, foreign_code
from symcollapse.reading.forms import Forms, Undecided, key_of, one_argument_forms, scalar_form
from symcollapse.reading.naming import misnamed, single_entry
from symcollapse.reading.nodes import (
    MAX_NUMBER_EXPONENT,
    Apply,
    Arguments,
    Derivative,
    Document,
    Entry,
    IndexSum,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Quotient,
    RowsOf,
    Sum,
    Transpose,
    Unread,
    children,
    index_parts,
    walk,
)
from symcollapse.reading.orientation import as_vector, row_vectors, width_of
from symcollapse.reading.readoff import rows_of
from symcollapse.reading.schemes import instantiate
from symcollapse.reading.stored import hidden, stored
from symcollapse.reading.unused import never_used
from symcollapse.reading.values import (
    IDENTITY,
    Mismatch,
    Rounding,
    Unbounded,
    Undefined,
    Value,
    add,
    difference,
    entry,
    inverse,
    midpoint,
    multiply,
    noisy,
    number,
    reciprocal,
    scalar,
)

#: Up to this many scalar symbols the rows are expanded exactly; beyond, a random point.
EXACT_SCALARS = 40

#: Deepest layer ``f(x) = h^{(n)}`` names that a layer scheme's range is compared with.
MAX_DEPTH = 1000

#: Highest power of a non-number read (documents square at most; expansion cost grows fast).
MAX_EXPONENT = 4


#: Most terms the sums over an index of one row may expand to (every entry of ``W_z`` written as
#: its sum over paths expands to the term count of the whole ``W_z``; documents print at most
#: some tens of thousands).
MAX_EXPANDED = 200_000

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
    scope: str = ""  # what the checks covered where less than the rows claim (depths n)
    notes: tuple[str, ...] = ()  # how rows were checked, where it matters (at 3 samples)

    def __post_init__(self) -> None:
        """The definitions are among the rows checked: a count that says otherwise (``0 rows
        read: -1 identities checked``) is the reader's own error, never a verdict to print."""
        if not 0 <= self.definitions <= self.checked:
            raise ValueError(f"{self.definitions} definitions of {self.checked} rows checked")


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

    def __init__(self, document: Document, seed: int = 0, rounding: Rounding | None = None) -> None:
        document = one_argument_forms(document)
        self.document = document
        self.row_vectors = self.orientation(document)  # x W_1, not W_1 x: vectors are rows
        # the names rows with sums over an index show (w^{(7)}_{1\,k_{6}}, b^{(7)}_{1} beside
        # them) are no definition of a matrix by its entries: they are read where used
        nodes = [
            n
            for row in document.rows
            if not any(
                isinstance(n, IndexSum) for side in (row.lhs, row.rhs) if side for n in walk(side)
            )
            for side in (row.lhs, row.rhs)
            if side
            for n in walk(side)
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
        self.base = 0 if any(_zero_index(n) for n in nodes) or _ranges_from_zero(document) else 1
        self.identity_functions = bool(IDENTITY_ACTIVATIONS.search(document.prose))
        self.layers = _layers(document.nodes())
        self.stored = stored(document.prose)  # decimals that stand for floats (a fold's weights)
        # numbers shown rounded: each the values that round to it (none where stored says)
        self.rounding = rounding if self.stored is None else None
        why = hidden(document.prose)  # "The weights are not shown: 1,250 numbers, ..."
        self.measured = f"numeric: measured, from weights not shown ({why})" if why else None
        self.definitions: dict[str, Node] = {}
        self.defining: set[int] = set()
        self.entries: dict[str, dict[str, Node]] = {}  # a[j] := ... (a scheme) fills it too
        for i, row in enumerate(document.rows):
            scheme_row = row.over is not None and row.lhs is not None
            if scheme_row and any(isinstance(side, Unread) for side in (row.lhs, row.rhs)):
                continue  # shown, not checked: see check()
            if row.over is not None and row.lhs is not None and not scalar_form(row.lhs):
                self._scheme(i, row.lhs, row.rhs, row.over)
                continue
            key = key_of(row.lhs) if row.lhs is not None else None
            fresh = key and row.defines and key not in self.definitions.keys() | self.scalars
            fresh = fresh and not isinstance(row.rhs, Unread) and not scalar_form(row.lhs)
            fresh = fresh and not _rank_of(row.lhs)  # rank(W_z) = 1 states, never defines
            if fresh and not any(key_of(n) == key for n in walk(row.rhs)):
                self.definitions[key] = row.rhs  # type: ignore[index]
                self.defining.add(i)
        for i in self.defining:  # b_3 = b^{(3)}_{1}: a 1x1 matrix printed as its one entry,
            lhs, rhs = document.rows[i].lhs, document.rows[i].rhs  # the 1x1 matrix it is (W_1 x
            if isinstance(lhs, Name) and isinstance(rhs, Name) and single_entry(lhs, rhs):
                self.scalars.add(rhs.key)  # makes x a vector of 1, I + W_1 has I of size 1)
                self.definitions[lhs.key] = MatrixLiteral(((rhs,),))
        self.explicit = any(isinstance(n, MatrixLiteral) for n in self.definitions.values())
        for i, row in enumerate(document.rows):  # (W_1)_{1,1} = w^{(1)}_{1,1}: W_1 by entries
            lhs = row.lhs
            if (
                isinstance(lhs, Entry)
                and re.fullmatch(r"[\d,]+", lhs.index)
                and isinstance(lhs.matrix, Name)
                and row.defines
            ):
                key = lhs.matrix.key
                if key not in self.definitions and lhs.index not in self.entries.get(key, {}):
                    self.entries.setdefault(key, {})[lhs.index] = row.rhs
                    self.scalars |= set(_scalar_names(row.rhs))
                    self.defining.add(i)
        self._by_convention(nodes)
        self.rng = rng = random.Random(seed)
        self.point = (
            {key: rng.randint(-RANGE, RANGE) for key in sorted(self.scalars)}  # plain: fast
            if len(self.scalars) > EXACT_SCALARS
            else None
        )
        self.values: dict[str, Value] = {}
        self.vectors: dict[str, sp.Matrix] = {}
        self.unread: dict[int, tuple[str, str]] = {}  # row -> shown, not checked, and why
        self.pending: set[str] = set()
        self.expanded = 0  # terms the sums over an index of the current row expanded to
        self._entry_sources: dict[str, tuple[Name, str | None]] = {}  # see _entry_name
        self._bounds: dict[Node, int] = {}  # see _bound

    def forget(self) -> None:
        """Forget every value, and what was found through values (a sum's bounds, the matrix an
        entry's symbol is in): a vector's size became known, or a parameter was set."""
        self.values.clear()
        self.forget_found()

    def forget_found(self) -> None:
        """Forget what was found through values (see :meth:`forget`), the values kept."""
        self._bounds.clear()
        self._entry_sources.clear()

    def orientation(self, document: Document) -> bool:
        """Whether ``document`` writes its vectors as rows (a reading that knows more of the
        document, :mod:`~symcollapse.reading.calculus`, tells it otherwise)."""
        return row_vectors(document)

    def check(self) -> Verdict:
        """Every row in order; stops at the first false one."""
        previous: Value | None = None
        after_unread = False
        for i, row in enumerate(self.document.rows):
            unread = next((s.what for s in (row.lhs, row.rhs) if isinstance(s, Unread)), None)
            if unread or (row.lhs is None and after_unread):
                self.unread[i] = (row.where, unread or "continues a row not read")
                after_unread, previous = True, None
                continue
            after_unread = False
            if (wrong := self._extent(i)) is not None:  # k = 1, ..., 9 in a 3-layer network
                return self._verdict(i, f"{row.where} is false: {wrong}")
            if i in self.defining and row.over is not None:  # its instances are definitions
                previous = None
                continue
            sides: Sequence[tuple[Node | None, Node, str]] = [(row.lhs, row.rhs, "")]
            if row.over is not None:  # f_{i}(x_1, x_2) = ..., i = 1..n: each instance checked
                var, low, high = row.over
                sides = [
                    (
                        None if row.lhs is None else instantiate(row.lhs, var, k),
                        instantiate(row.rhs, var, k),
                        f" ({var} = {k})",
                    )
                    for k in range(low, high + 1)
                ]
            try:
                if row.over is None and _free(row.lhs):  # (W_z)_{ij} = ...: every entry
                    sides = self._every_entry(row.lhs, row.rhs)
                for lhs, rhs, which in sides:
                    self.expanded = 0
                    wrong, right = self._compare(i, lhs, rhs, previous)
                    if wrong:
                        return self._verdict(i, f"{row.where}{which} is false: {wrong}")
            except Undecided as error:
                self.unread[i] = (row.where, str(error))
                after_unread, previous = True, None
                continue
            except Undefined as error:  # (Q_z)_{ij} = ...: every entry of a name never defined
                wrong = f"{error}, though it defines its other matrices"
                return self._verdict(i, f"{row.where} is false: {wrong}")
            previous = right if row.over is None else None
        return self._verdict(len(self.document.rows), None)

    def _extent(self, i: int) -> str | None:
        """What is wrong with the range of the row ``i`` stated over an index (None if it
        has none or it holds): a layer scheme, ``h^{(k)} = W_{k} h^{(k-1)} + b_{k}`` for
        ``k = 1, ..., n``, runs over the layers the document has (``f(x) = h^{(n)}``, its
        widths ``d_0, ..., d_n``); an index of an entry, ``a_{j} := (W_z)_{1j}`` for
        ``j = 1, ..., m``, over the whole row or column of the matrix it writes out."""
        row = self.document.rows[i]
        if row.over is None or row.lhs is None:
            return None
        var, low, high = row.over
        lhs = row.lhs
        layer = _layer(lhs)  # h^{(k)}, or h(k) in plain formulas
        if layer is not None and i in self.defining and instantiate(lhs, var, 0) != lhs:
            recursion = any(_layer(n) == layer for n in walk(row.rhs))
            for depth, why in self._depths(lhs, var) if recursion else ():
                if high != depth:
                    return f"it defines {layer} for {var} up to {high}, {why}"
        for node in walk(row.rhs):
            if isinstance(node, Entry) and var in node.index:
                wrong = self._covers(node, var, low, high)
                if wrong is not None:
                    return wrong
        return None

    def _depths(self, lhs: Node, var: str) -> Iterator[tuple[int, str]]:
        """The depths the document gives its layer scheme ``lhs`` elsewhere, with where: the
        widths ``d_0, ..., d_n`` its words state, and ``f(x) = h^{(n)}``."""
        widths = self._widths()
        if widths and sorted(widths) == list(range(len(widths))):
            yield len(widths) - 1, f"though it states the widths d_0, ..., d_{len(widths) - 1}"
        for i in self.defining:
            output, node = self.document.rows[i].lhs, self.document.rows[i].rhs
            if not (isinstance(output, Apply) and isinstance(output.argument, Name)):
                continue
            if _layer(node) is None or _layer(node) != _layer(lhs):
                continue
            for k in range(MAX_DEPTH):  # f(x) = h^{(3)}: the output is the last layer's
                if instantiate(lhs, var, k) == node:
                    f = f"{output.function.key}({output.argument.key})"
                    yield k, f"though {f} = {_layer(lhs)} of layer {k} is the output"

    def _covers(self, node: Entry, var: str, low: int, high: int) -> str | None:
        """Whether ``var`` from ``low`` to ``high`` runs over every row (or column) of the
        matrix ``node`` takes an entry of, where the document writes it out."""
        parts = index_parts(node.index)
        if var not in parts or not re.fullmatch(r"[a-z]", var):
            return None
        try:
            matrix = self.value(node.matrix)
        except DocumentError:  # Undecided, Undefined: the row's own check says
            return None
        if not isinstance(matrix, sp.MatrixBase):
            return None
        size = matrix.shape[parts.index(var)] if len(parts) == 2 else len(matrix)
        if (low, high) != (self.base, self.base + size - 1):
            name = key_of(node.matrix) or "a matrix"
            return (
                f"{var} runs from {low} to {high}, {name} is {matrix.rows}x{matrix.cols} "
                f"(indices from {self.base})"
            )
        return None

    def _compare(
        self, i: int, lhs: Node | None, rhs: Node, previous: Value | None
    ) -> tuple[str | None, Value | None]:
        """What is wrong with the row ``i`` read as ``lhs = rhs`` (None if it holds; a
        definition only breaks the entry convention), and the value of its right side."""
        right = None
        if foreign_code(self.document.rows, i):  # --names x=u: the code's x is not u
            raise Undecided(f"{CODE} in its own names: the document calls its input otherwise")
        try:
            right = self.value(rhs)
            if lhs is None and previous is None:
                where = self.document.rows[i].where
                raise DocumentError(f"cannot read {where}: it continues nothing")
            left = self.value(lhs) if lhs is not None else previous
            if not self.explicit and _measured(left, rhs):
                raise Undecided(
                    self.measured or "numeric: from matrices the document does not give (measured)"
                )
            if i in self.defining:
                return misnamed(lhs, rhs, self.base), right
            if self.stored is not None and _printed(rhs):  # W_z = [...]: shown as it says
                wrong = self.stored.difference(left, right)
            else:
                wrong = difference(left, right)
        except Unbounded as error:  # rounded numbers that may divide by 0: not decided
            raise Undecided(str(error)) from None
        except Undefined as error:
            if scalar_form(lhs):  # a_j and c: defined in its display or its words, or false
                return f"the scalar form: {_undefined_in(right) or error}", right
            if self.document.rows[i].label == CODE:  # W[k], x as the code names them
                raise Undecided(f"{CODE} in its own names: {error}") from None
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

    def _first_counted(self) -> int:
        """The first row the verdict counts: row 0 (an instance's verdict counts from its
        own rows on, reading/piecewise.py)."""
        return 0

    def _verdict(self, checked: int, false: str | None) -> Verdict:
        """The verdict on the rows before ``checked``: those read counted, and among them the
        definitions; a definition not read (its right side undecided) is shown but not
        checked, and no definition the count stands under."""
        first = self._first_counted()
        read = [i for i in range(first, checked) if i not in self.unread]
        definitions = len([i for i in read if i in self.defining])
        unread = tuple(why for i, why in self.unread.items() if i >= first)
        unused = never_used(
            self.document, self.definitions.keys() | self.entries.keys(), self.defining
        )
        notes = (unused,) if unused and false is None else ()
        return Verdict(len(read), definitions, self.document.unchecked + unread, false, notes=notes)

    def value(self, node: Node) -> Value:
        """The value of ``node``: an explicit matrix or a (possibly non-commuting) expression."""
        if isinstance(node, Number):
            if self.rounding is None or node.whole:  # 13 on a rounded page: exact, not 13.0
                return node.value
            return self.rounding.shown(node.value)
        if isinstance(node, Apply) and isinstance(node.argument, Arguments):
            return self._at_entries(node.function, node.argument)
        if isinstance(node, Name | Apply) and key_of(node) in self.definitions:
            return self._defined(key_of(node))  # type: ignore[arg-type]
        if isinstance(node, Name):
            known = node.key in self.names or node.key in self.scalars
            value = None if known else self._entry_name(node)
            return self._undefined(node) if value is None else value
        if isinstance(node, IndexSum):
            return self._index_sum(node)
        if _rank_of(node):
            return _rank(midpoint(self.value(node.argument)), self.rng)  # type: ignore[union-attr]
        if isinstance(node, Apply):
            if not self.identity_functions:
                raise DocumentError(
                    f"the document does not define the function {node.function.key}"
                )
            layer = node.function.sub
            if layer.isdecimal() and self.layers and layer not in self.layers:
                layers = ", ".join(sorted(self.layers, key=int))
                raise Mismatch(f"{node.function.key} is the activation of no layer ({layers})")
            return self.value(node.argument)
        if isinstance(node, Entry):
            if not re.fullmatch(r"[\d,]+", node.index):  # (W_z)_{i1} for every i
                self._unbound(node)
                raise Undecided(f"an entry {node.index} for indices whose range it does not state")
            matrix = self.value(node.matrix)
            if not isinstance(matrix, sp.MatrixBase):
                self._never_defined(node.matrix, matrix)
                raise Undecided(
                    self.measured or "an entry of a matrix the document does not write out"
                )
            return entry(matrix, node.index, self.base)
        if isinstance(node, Sum):
            total = self.value(node.terms[0])
            for term in node.terms[1:]:
                total = add(total, self.value(term))
            return total
        if isinstance(node, Product):
            if self.row_vectors:  # x W_1: the vector left of a matrix is a row
                self._row_vector(node)
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
            if noisy(denominator):  # 1 / 0.333: every value 1 / [0.3325, 0.3335] takes
                return number(self.value(node.numerator)) * reciprocal(denominator)
            return number(self.value(node.numerator)) / number(denominator)
        if isinstance(node, Power):  # 10^{-5} of 1.23 \cdot 10^{-5}: a number's base is exact
            base = node.base.value if isinstance(node.base, Number) else self.value(node.base)
            base = number(base)
            if isinstance(base, sp.MatrixBase) and base.rows != base.cols:
                raise Mismatch(f"a power of a {base.rows}x{base.cols} matrix")
            limit = MAX_NUMBER_EXPONENT if getattr(base, "is_Number", False) else MAX_EXPONENT
            if abs(node.exponent) > limit:  # 2^{10^9} would never finish
                side = f"above {limit}" if node.exponent > 0 else f"below -{limit}"
                raise DocumentError(f"a power {node.exponent} {side}")
            if node.exponent < 0 and base == 0:
                raise Mismatch("a negative power of zero")
            if node.exponent < 0 and noisy(base):  # rounded numbers: bounds of the inverse
                flipped = inverse(base) if isinstance(base, sp.MatrixBase) else reciprocal(base)
                return flipped**-node.exponent
            if node.exponent < 0 and isinstance(base, sp.MatrixBase) and base.det() == 0:
                raise Mismatch("the inverse of a singular matrix")
            return base**node.exponent
        if isinstance(node, Transpose):
            inner = number(self.value(node.operand))
            if isinstance(inner, sp.MatrixBase):
                return inner.T
            if inner.is_commutative:
                return inner
            raise DocumentError("a transposed matrix the document does not define")
        if isinstance(node, RowsOf):  # rows 2 to the end of Θ, as a reason reads them off
            return rows_of(self.value(node.matrix), node.first, node.last)
        if isinstance(node, Norm | Derivative):  # read where a loss defines them: calculus.py
            raise DocumentError("norms and derivatives are read in gradients documents only")
        assert isinstance(node, MatrixLiteral), node  # Arguments only in Apply; Unread rows skipped
        return sp.Matrix([[scalar(self.value(cell)) for cell in row] for row in node.rows])

    def _every_entry(self, lhs: Entry, rhs: Node) -> list[tuple[Node, Node, str]]:
        """``(W_z)_{ij} = rhs`` (or ``(W_z)_{i1}``) as one row per entry of the matrix
        ``W_z`` the document gives, each index letter set in ``rhs``."""
        matrix = self.value(lhs.matrix)
        if not isinstance(matrix, sp.MatrixBase):
            self._never_defined(lhs.matrix, matrix)
            raise Undecided(f"every entry {lhs.index} of a matrix the document does not write out")
        parts = index_parts(lhs.index)
        sizes = (matrix.rows, matrix.cols) if len(parts) == 2 else (matrix.rows * matrix.cols,)
        ranges = [
            range(self.base, self.base + n) if part.isalpha() else [int(part)]
            for part, n in zip(parts, sizes, strict=True)
        ]
        sides: list[tuple[Node, Node, str]] = []
        for at in itertools.product(*ranges):
            right = rhs
            for part, value in zip(parts, at, strict=True):
                right = instantiate(right, part, value) if part.isalpha() else right
            which = ", ".join(
                f"{part} = {value}" for part, value in zip(parts, at, strict=True) if part.isalpha()
            )
            sides.append((Entry(lhs.matrix, ",".join(map(str, at))), right, f" ({which})"))
        return sides

    def _index_sum(self, node: IndexSum) -> Value:
        """The sum expanded: its body for each value of its index."""
        high = self._bound(node.high)
        low = self.base if node.low is None else self._bound(node.low)
        high += self.base - 1 if node.low is None else 0
        self.expanded += max(high - low + 1, 0)
        if self.expanded > MAX_EXPANDED:
            raise Undecided(f"sums over an index expanding to more than {MAX_EXPANDED:,} terms")
        total: Value = sp.Integer(0)
        for value in range(low, high + 1):
            total = add(total, self.value(instantiate(node.body, node.index.key, value)))
        return total

    def _bound(self, node: Node) -> int:
        """A sum's bound: a number, or a formula of widths ``d_{k}`` (``d_{1} - 1`` from index
        base 0) the document defines, states or its matrices have (``W_{k}`` and ``b_{k}`` have
        ``d_k`` rows, in any notation); each printed bound read once (a nested sum meets its
        inner bounds once per outer term)."""
        if node not in self._bounds:
            self._bounds[node] = self._bound_value(node)
        return self._bounds[node]

    def _bound_value(self, node: Node) -> int:
        for width in {n for n in walk(node) if isinstance(n, Name)}:
            if width.key not in self.definitions and not self._stated(width):
                node = instantiate(node, width.key, self._rows_of_layer(width))
        bound = scalar(midpoint(self.value(node)))  # d_{1} = 3 shown: 3
        if not (isinstance(bound, sp.Integer) and abs(bound) <= MAX_EXPANDED):
            raise Undecided(f"a sum up to {bound}, not a whole number")
        return int(bound)

    def _rows_of_layer(self, width: Name) -> int:
        """The width ``d_{k}`` the document neither defines nor states: the rows its matrices
        of layer ``k`` have (their columns in a row document), all alike."""
        rows = set()
        if width.base == "d" and width.sub.isdecimal():
            for name in self.names.values():
                if name.sub == width.sub and not name.sup and name.base != "d":
                    value = self._matrix_or_none(name)
                    rows |= {width_of(value, self.row_vectors)} if value is not None else set()
        if len(rows) != 1:
            raise Undecided(f"a sum up to {width.key}, a width the document does not give")
        return rows.pop()

    def _matrix_or_none(self, name: Name) -> sp.MatrixBase | None:
        """The value of ``name`` if the document gives it as a matrix, else None."""
        try:
            value = self.value(name)
        except DocumentError:
            return None
        return value if isinstance(value, sp.MatrixBase) else None

    def _entry_name(self, name: Name) -> Value | None:
        """An entry's symbol a sum's index gave (``w^{(3)}_{1,2}``): the document's own name
        for it (``w^{(3)}_{12}``), else the entry of the matrix whose entries the document
        names so (``W_{3}``, ``\\Theta_{3}`` for ``\\theta^{(3)}``, the letter itself first;
        ``b_{4,1}``, Typst's and MathML's entry 1 of ``b_{4}``); None for any other name.
        Where a name's value comes from is found once (a long sum meets each name thousands
        of times); the value itself is taken each time (values are cleared when a vector's
        size becomes known)."""
        source = self._entry_sources.get(name.key)
        if source is None:
            source = self._entry_source(name)
            if source is None:
                return None
            self._entry_sources[name.key] = source
        matrix, index = source
        return self.value(matrix) if index is None else entry(self.value(matrix), index, self.base)

    def _entry_source(self, name: Name) -> tuple[Name, str | None] | None:
        """The name whose value ``name`` is (``index`` None), or the matrix and the index of
        the entry it is; None if it is no entry's symbol (see :meth:`_entry_name`)."""
        parts = name.sub.split(",")
        layer = re.fullmatch(r"\(?(\d+)\)?", name.sup)
        if ("," not in name.sub and not layer) or not all(part.isdecimal() for part in parts):
            return None  # one index: b^{(1)}_{2} only, with its layer
        if len(parts) > 1 and all(len(part) == 1 for part in parts):
            joined = Name(name.base, "".join(parts), name.sup)
            if joined.key in self.names:
                return joined, None
        if layer is not None:
            number, index = layer[1], name.sub
        elif not name.sup and len(parts) in (2, 3):  # flat: w_{3,1,2}; a vector's b_{4,1}
            number, index = parts[0], ",".join(parts[1:])
        else:
            return None
        capital = (
            "\\" + name.base[1:].capitalize() if name.base.startswith("\\") else name.base.upper()
        )
        for letter in (name.base, capital):
            matrix = Name(letter, number)
            if matrix.key in self.names and self._matrix_or_none(matrix) is not None:
                return matrix, index
        return None

    def _defined(self, key: str) -> Value:
        if key not in self.values:
            if key in self.pending:
                raise DocumentError(f"{key} is defined in terms of itself")
            self.pending.add(key)
            try:
                self.values[key] = self._given(self.definitions[key])
            finally:  # a row left undecided inside is no loop for the next row
                self.pending.discard(key)
        return self.values[key]

    def _given(self, node: Node) -> Value:
        """The value of a definition's right side: printed numbers (``W_1 = [0.5 ...]``) are
        the floats they stand for where the document says so (:mod:`.stored`)."""
        value = self.value(node)
        return self.stored.denoted(value) if self.stored is not None and _printed(node) else value

    def _by_entries(self, key: str) -> sp.Matrix:
        """The matrix ``key`` from its entry rows, every entry given once."""
        cells = {}
        indices = self.entries[key]  # b_{1}'s 1 ... 12: one vector's, not row 1, column 0
        vector = all("," not in index for index in indices) and min(map(len, indices)) == 1
        for index, node in self.entries[key].items():
            pair = len(index) == 2 and not vector
            parts = index.split(",") if "," in index else list(index) if pair else [index]
            if not all(p.isdecimal() for p in parts):
                raise DocumentError(f"cannot read the index {index!r} of {key}")
            at = tuple(int(p) - self.base for p in parts)
            one = (0, at[0]) if self.row_vectors else (at[0], 0)  # a vector's entry
            cells[at if len(at) == 2 else one] = scalar(self._given(node))
        rows = 1 + max(i for i, _ in cells)
        cols = 1 + max(j for _, j in cells)
        missing = [(i, j) for i in range(rows) for j in range(cols) if (i, j) not in cells]
        if missing or min(min(at) for at in cells) < 0:
            # Entries' symbols in its rows that miss one: the document contradicts itself.
            kind = Mismatch if key in self.conventional else DocumentError
            raise kind(f"the entries of {key} do not fill a {rows}x{cols} matrix")
        return sp.Matrix(rows, cols, lambda i, j: cells[i, j])

    def _row_vector(self, node: Product) -> None:
        """In a row document, a name the document never gives entries first met left of a
        matrix (``x`` in ``x W_1``): a row of as many symbols as the matrix has rows."""
        first, second = node.factors[0], node.factors[1]
        if isinstance(first, Name):
            right = self.value(second)
            if isinstance(right, sp.MatrixBase):
                target = first
                while isinstance(self.definitions.get(target.key), Name):
                    target = self.definitions[target.key]  # type: ignore[assignment]
                self._generic_vector(target, right.rows)

    def _generic_vector(self, name: Name, size: int) -> None:
        """A name the document never gives entries, first met right of a matrix (``x`` in
        ``W_1 x``): a column of ``size`` symbols (integers at the random point), the same
        wherever the name appears."""
        known = name.key in self.definitions or name.key in self.scalars
        current = None if known else self._undefined(name)
        if current is not None and not isinstance(current, sp.MatrixBase) and current != IDENTITY:
            entries = (
                [self.rng.randint(-RANGE, RANGE) for _ in range(size)]  # at the random point too
                if self.point is not None
                else [sp.Symbol(f"{name.key}[{i}]") for i in range(size)]
            )
            self.vectors[name.key] = as_vector(entries, self.row_vectors)
            self.forget()  # h^{(0)} = x, valued before x was known to be a vector

    def _unbound(self, node: Entry) -> None:
        """Raise :class:`Mismatch` for an entry whose index is still a letter when it is
        valued, in a document that writes out its matrices: no sum binds it and the row is
        not stated for every value of it (``w_{k_{0}\\,1}`` under a sum over ``k_{1}``)."""
        if self.explicit:
            where = key_of(node.matrix) or "a matrix"
            raise Mismatch(f"the index {node.index} of an entry of {where}: no sum binds it")

    def _never_defined(self, node: Node, value: Value) -> None:
        """Raise :class:`Undefined` if ``node``, whose entry a row takes, is a name the
        document never defines (its value the bare symbol of its name) though it writes out
        its other matrices: ``(Q_{3})_{i1}`` or ``W_{4,ik}`` for a name changed by hand is
        false there, not a matrix too little is known of."""
        bare = isinstance(value, sp.Symbol) and not value.is_commutative
        if self.explicit and isinstance(node, Name) and bare and value.name == node.key:
            raise Undefined(f"an entry of {node.key}, which it does not define")

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
            if n.base == name.base and not n.sup and n.sub.isdecimal() and n.key in self.scalars
        )
        if not name.sub and not name.sup and entries:
            indices = [i for i, _ in entries]
            if indices != list(range(self.base, self.base + len(indices))):
                raise DocumentError(f"the entries of {name.key} are numbered {indices}")
            return as_vector([self._undefined(n) for _, n in entries], self.row_vectors)
        stated = self._stated(name)
        if stated is not None:
            return self.value(stated)
        return IDENTITY if name.key == "I" else sp.Symbol(name.key, commutative=False)


def _layer(node: Node | None) -> str | None:
    """The letter of a layer's value, ``h`` of ``h^{(k)}`` or of plain ``h(k)``, else None."""
    if isinstance(node, Name):
        return node.base
    if isinstance(node, Apply) and not isinstance(node.argument, Arguments):
        return node.function.key
    return None


def _layers(nodes: Iterable[Node]) -> set[str]:
    """The numbers an indexed activation may carry: every number subscript of a name that the
    terms of an indexed function's argument multiply. ``sigma_{3}`` of ``W_{3} h + b_{3}`` (or
    ``h W_{3}``) gives layer 3, in any notation, so ``sigma_{0}`` of no layer is told from
    ``sigma_{1}``; other subscripts there (an input's ``x_{2}``) only widen the set, so a
    true page is never refused for them."""
    layers = set()
    for node in nodes:
        if isinstance(node, Apply) and node.function.sub.isdecimal():
            argument = node.argument
            for term in argument.terms if isinstance(argument, Sum) else (argument,):
                for factor in term.factors if isinstance(term, Product) else (term,):
                    if isinstance(factor, Name) and factor.sub.isdecimal():
                        layers.add(factor.sub)
    return layers


def _undefined_in(value: Value | None) -> str | None:
    """The names in ``value`` the document does not define (its symbols that stayed
    non-commuting), as words, or None if it has none (or could not be valued)."""
    names = sorted({str(s) for s in getattr(value, "free_symbols", ()) if not s.is_commutative})
    return f"{', '.join(names)}, which it does not define" if names else None


def _free(lhs: Node | None) -> TypeGuard[Entry]:
    """Whether ``lhs`` is an entry for free indices, ``(W_z)_{ij}``, ``(W_z)_{i1}`` or
    ``(b_z)_{i}``: one or two indices, one at least a letter, no letter twice."""
    parts = index_parts(lhs.index) if isinstance(lhs, Entry) else []
    letters = [part for part in parts if part.isalpha()]
    one_each = all(re.fullmatch(r"[a-z]|\d+", part) for part in parts)
    return 1 <= len(parts) <= 2 and one_each and 0 < len(letters) == len(set(letters))


def _ranges_from_zero(document: Document) -> bool:
    """Whether a row's range or a sum starts at 0 (``i = 0, \\dots, 2``, ``\\sum_{k_{1}=0}``):
    a document indexed from 0 whose indices all stand in such rows (a brief one)."""
    if any(row.over is not None and row.over[1] == 0 for row in document.rows):
        return True
    return any(
        isinstance(n, IndexSum) and n.low == Number(sp.Integer(0))
        for row in document.rows
        for side in (row.lhs, row.rhs)
        if side
        for n in walk(side)
    )


def _zero_index(node: Node) -> bool:
    """Whether ``node`` is indexed from 0: an index ``0``, ``0,j`` or ``0j`` (an index from 1
    never starts with 0)."""
    index = node.index if isinstance(node, Entry) else node.sub if isinstance(node, Name) else ""
    return "0" in index and any(re.fullmatch(r"0\d?", part) for part in index.split(","))


def _measured(left: Value | None, rhs: Node) -> bool:
    """Whether a row gives numbers (``W_z = [1.17 ...]``, a folded model's) for a value of
    matrices the document never writes out: computed from elsewhere, not checkable here."""
    opaque = isinstance(left, sp.Basic) and any(not s.is_commutative for s in left.free_symbols)
    return opaque and _printed(rhs)


def _printed(rhs: Node) -> bool:
    """Whether ``rhs`` is numbers only (``[0.5 -1.25]``), no name."""
    return not any(isinstance(n, Name) for n in walk(rhs))


#: The rank's name as printed: LaTeX's (Typst's and MathML's read as it), JSON's.
RANK = (r"\operatorname{rank}", "rank")


def _rank_of(node: Node | None) -> bool:
    """``\\operatorname{rank}(...)``: the one named function a document states values of."""
    return isinstance(node, Apply) and node.function.key in RANK


def _rank(value: Value, rng: random.Random) -> sp.Integer:
    """``\\operatorname{rank}`` of a matrix the document writes out: with numbers, exactly;
    with symbols (its weights unnamed numbers, ``rank(W_z) = 1`` at random weights), the rank
    for generic weights, which is the rank at one random point of exact integers: never more,
    and less only where a nonzero minor of degree d vanishes, with probability at most
    d / 2^40 (Schwartz-Zippel)."""
    if not isinstance(value, sp.MatrixBase):
        raise Undecided("the rank of something that is not a matrix")
    point = {symbol: rng.randint(-RANGE, RANGE) for symbol in value.free_symbols}
    return sp.Integer(value.xreplace(point).rank())  # a value as any other: sympy's
