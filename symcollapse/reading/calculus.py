"""Gradients documents read back: every row ``\\frac{\\partial L}{\\partial W_{1}} = ...``
checked by differentiating the loss the document defines, not by trusting the chain rule.

The document defines the loss (``L := \\tfrac{1}{2} \\lVert f(x) - y \\rVert^{2}``), its
hidden vectors (``h_{1} := W_{1} x + b_{1}``) and, for the data set, ``\\Sigma_{xx}``,
``\\Sigma_{yx}`` and ``L_D`` as sums over ``P`` samples. It leaves ``f`` to the network it
derives: ``f(x)`` is read as the layers the document names, ``W_n (\\cdots (W_1 x + b_1)
\\cdots) + b_n`` (``h W + b`` in a document whose vectors are rows), and a matrix the data-set
rows use but never define (``W_z``) as their product, the collapse. The weights, biases,
input and target are matrices of symbols at the widths the document states, the re-read is
given, or its entries' symbols have (``w^{(1)}_{32}``); a row by ``W_{1}`` is the matrix of
sympy's ``diff`` of the expanded loss by each of its entries, and a row by one entry's
symbol the derivative by that symbol. A sum over the samples is checked at
:data:`SAMPLES` samples of symbols, and the verdict says so.

Both sides of a row are built with symbols (a derivative needs them), and compared expanded,
exactly, while the network has at most :data:`EXACT_SYMBOLS` of them; beyond, both sides are
evaluated at one random point of exact integers from [-2^40, 2^40] after differentiating
(a false row is a nonzero polynomial of degree d, at most 2 per layer plus 2, which vanishes
there with probability at most d / 2^41), so the re-read costs no expansion of the loss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sympy as sp

from symcollapse.errors import DocumentError, SizeLimitError
from symcollapse.reading.forms import MAX_GENERIC, key_of
from symcollapse.reading.meaning import RANGE, Meaning, Verdict
from symcollapse.reading.nodes import (
    Apply,
    Derivative,
    Document,
    IndexSum,
    Name,
    Node,
    Norm,
    Power,
    Product,
    Sum,
    Transpose,
    walk,
)
from symcollapse.reading.values import Rounding, Value, add, number, scalar

#: Samples a sum over the data set (``\sum_{\mu=1}^{P}``) is checked at.
SAMPLES = 3

#: Most paths through the network (the product of its widths) whose loss is differentiated:
#: the loss's terms grow with them (the command itself refuses 20,000 terms).
MAX_PATHS = 10_000

#: Up to this many symbols (weights, biases, input and target entries) rows are compared
#: expanded; beyond, at a random point (expanding made the re-read of 2-3-3-1 five times its
#: rendering).
EXACT_SYMBOLS = 16

#: Width of a layer neither the document nor the re-read gives: distinct, so that a
#: transposed factor cannot fit by accident.
DEFAULT_WIDTH = 2


@dataclass(frozen=True)
class Network:
    """The network a gradients document derives, as its rows show it: the letters of its
    weights and biases, its input and function (``f(x)``), its depth, whether vectors are
    rows."""

    weight: str
    bias: str
    input: Name
    function: Name
    layers: int
    rows: bool


def is_calculus(document: Document) -> bool:
    """Whether ``document`` shows derivatives (a gradients document)."""
    return any(isinstance(node, Derivative) for node in document.nodes())


def network_of(document: Document) -> Network:
    """The network of the gradients ``document``: its ``f(x)`` (the one function applied to
    a name), the letters from its hidden rows (``h_{1} := W_{1} x + b_{1}``) or else from
    the row by the first weight, whose right side ends (or starts, in rows) with ``x^{T}``."""
    nodes = [n for row in document.rows for s in (row.lhs, row.rhs) if s for n in walk(s)]
    applied = [n for n in nodes if isinstance(n, Apply) and isinstance(n.argument, Name)]
    if not applied:
        raise DocumentError("a gradients document without f(x), the network's output")
    function, x = applied[0].function, applied[0].argument
    assert isinstance(x, Name)
    letters: tuple[str, str, bool] | None = None
    for row in document.rows:
        if isinstance(row.lhs, Name) and row.lhs.sub.isdecimal() and isinstance(row.rhs, Sum):
            letters = _hidden_row(row.lhs, row.rhs)
            if letters:
                break
    by = [
        (n.by.base, n.by.sub)
        for n in nodes
        if isinstance(n, Derivative) and isinstance(n.by, Name) and n.by.sub.isdecimal()
    ]
    if letters is None:
        letters = _by_input(document, x, {base for base, sub in by if sub == "1"})
    weight, bias, rows = letters
    layers = max(
        [
            int(n.sub)
            for n in nodes
            if isinstance(n, Name) and n.base == weight and n.sub.isdecimal() and not n.sup
        ]
    )
    return Network(weight, bias, x, function, layers, rows)


def _hidden_row(lhs: Name, rhs: Sum) -> tuple[str, str, bool] | None:
    """``h_{k} := W_{k} h_{k-1} + b_{k}`` (or ``h_{k-1} W_{k} + b_{k}``): its weight's and
    bias's letters and whether vectors are rows; None for any other row."""
    if len(rhs.terms) != 2:
        return None
    product, bias = rhs.terms
    if not (isinstance(product, Product) and len(product.factors) == 2):
        return None
    if not (isinstance(bias, Name) and bias.sub == lhs.sub):
        return None
    for at, factor in enumerate(product.factors):
        if isinstance(factor, Name) and factor.sub == lhs.sub and factor.base != bias.base:
            return factor.base, bias.base, at == 1
    return None


def _by_input(document: Document, x: Name, letters: set[str]) -> tuple[str, str, bool]:
    """The weight's letter: of the two of layer 1 derived by, the one whose row shows
    ``x^{T}``, last (``(f(x) - y) x^{T}``) or first in a document of rows."""
    for row in document.rows:
        if not (isinstance(row.lhs, Derivative) and isinstance(row.lhs.by, Name)):
            continue
        if row.lhs.by.base not in letters or not isinstance(row.rhs, Product):
            continue
        factors = row.rhs.factors
        for rows, end in ((False, factors[-1]), (True, factors[0])):
            if end == Transpose(x) and len(letters) == 2:
                weight = row.lhs.by.base
                return weight, (letters - {weight}).pop(), rows
    raise DocumentError("cannot tell the weights from the biases: no hidden row, no x^T")


def _mapped(node: object, change: Callable[[object], object]) -> object:
    """``node`` with ``change`` applied to each of its parts (a tuple's items, a node's
    fields): the one walk that rebuilds a tree."""
    if isinstance(node, tuple):
        return tuple(change(item) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        fields = dataclasses.fields(node)
        return dataclasses.replace(node, **{f.name: change(getattr(node, f.name)) for f in fields})
    return node


def _renamed(node: object, old: str, new: str) -> object:
    """``node`` with every name subscripted ``old`` subscripted ``new``: a sample's
    ``x_{\\mu}`` as ``x_{\\mu=2}``."""
    if isinstance(node, Name):
        return dataclasses.replace(node, sub=new) if node.sub == old else node
    return _mapped(node, lambda part: _renamed(part, old, new))


class Gradients(Meaning):
    """The meaning of a gradients document: :class:`Meaning` with derivatives, squared norms
    and sums over samples, at matrices of symbols of the network's widths."""

    def __init__(self, document: Document, seed: int = 0, rounding: Rounding | None = None) -> None:
        self.network = network_of(document)
        self.exact = True  # while the layers are read
        self.depth = 0  # nested calls of value: only a whole side (depth 0) goes to the point
        self.symbolic = 0  # inside a derivative or a kept value: symbols, not the point
        self.at: dict[sp.Symbol, int] = {}  # the random point, drawn as symbols are met
        self.derivatives: dict[tuple[sp.Expr, sp.Symbol], sp.Expr] = {}
        super().__init__(document, seed, rounding)
        self.point = None  # derivatives need the symbols; the rows are compared after them
        self.sampled = False
        self._layers()
        symbols = sum(len(v) for v in self.vectors.values())
        self.exact = symbols <= EXACT_SYMBOLS

    def orientation(self, document: Document) -> bool:
        return self.network.rows

    def _layers(self) -> None:
        """The weights, biases, input and target as matrices of symbols (the entries'
        symbols the document names, where it names them), ``f(x)`` as the network."""
        net = self.network
        widths = self._widths()
        for k in range(1, net.layers + 1):
            key = Name(net.weight, str(k)).key
            if key in self.entries:  # w^{(k)}_{ij}: the widths its entries have
                shape = self._undefined(Name(net.weight, str(k))).shape
                rows, cols = shape[::-1] if net.rows else shape
                widths.setdefault(k, rows)
                widths.setdefault(k - 1, cols)
        self._target_width(widths)
        width = [widths.get(k, DEFAULT_WIDTH + k) for k in range(net.layers + 1)]
        if sum(width[k] * (width[k - 1] + 1) for k in range(1, net.layers + 1)) > MAX_GENERIC:
            raise DocumentError(f"widths {width}: more than {MAX_GENERIC:,} weights to read")
        if math.prod(width) > MAX_PATHS:  # the loss's terms grow with the paths through it
            raise SizeLimitError(f"widths {width}: a loss of more than {MAX_PATHS:,} paths")
        for k in range(1, net.layers + 1):
            shape = (width[k - 1], width[k]) if net.rows else (width[k], width[k - 1])
            self._symbols(Name(net.weight, str(k)), shape)
            self._symbols(Name(net.bias, str(k)), (1, width[k]) if net.rows else (width[k], 1))
        self._symbols(net.input, (1, width[0]) if net.rows else (width[0], 1), entries=True)
        self.definitions[key_of(Apply(net.function, net.input))] = self._output()  # type: ignore[index]
        self.forget()

    def _target_width(self, widths: dict[int, int]) -> None:
        """``d_n`` from the target the document writes out (``y = y_{1}``, a column), the
        name subtracted from ``f(x)`` inside the loss's norm, if it defines it."""
        net = self.network
        for row in self.document.rows:
            for node in walk(row.rhs):
                if not (isinstance(node, Norm) and Apply(net.function, net.input) in walk(node)):
                    continue
                for name in walk(node.operand):
                    if isinstance(name, Name) and name.key in self.definitions:
                        entry = self.definitions[name.key]  # t = y_{1}: a 1x1 target's entry
                        if (
                            isinstance(entry, Name)
                            and entry.sub
                            and entry.key not in self.definitions
                        ):
                            self.scalars.add(entry.key)
                        value = self.value(name)
                        shape = value.shape if isinstance(value, sp.MatrixBase) else (1, 1)
                        widths.setdefault(net.layers, shape[1] if net.rows else shape[0])

    def _symbols(self, name: Name, shape: tuple[int, int], entries: bool = False) -> None:
        """``name`` as a matrix of symbols of ``shape`` unless the document gives it; with
        ``entries``, the symbols are the document's names of its entries (``x_{1}``)."""
        if name.key in self.definitions or name.key in self.entries:
            return
        rows, cols = shape
        if entries:
            keys = [Name(name.base, str(i + self.base)).key for i in range(rows * cols)]
            self.scalars |= set(keys)
            cells = [sp.Symbol(key) for key in keys]
        else:
            cells = [sp.Symbol(f"[{name.key}]_{i},{j}") for i in range(rows) for j in range(cols)]
        self.vectors[name.key] = sp.Matrix(rows, cols, cells)

    def _output(self) -> Node:
        """``f(x)`` as the network: ``W_n (... (W_1 x + b_1) ...) + b_n``."""
        net = self.network
        node: Node = net.input
        for k in range(1, net.layers + 1):
            weight = Name(net.weight, str(k))
            factors = (node, weight) if net.rows else (weight, node)
            node = Sum((Product(factors), Name(net.bias, str(k))))
        return node

    def value(self, node: Node) -> Value:
        """The value of ``node``; a whole side of a row, for a network of more than
        :data:`EXACT_SYMBOLS` symbols, at the random point (its derivatives taken first)."""
        self.depth += 1
        try:
            value = self._value(node)
        finally:
            self.depth -= 1
        return value if self.depth or self.exact else self._at_point(value)

    @contextlib.contextmanager
    def _symbolic(self) -> Iterator[None]:
        """Values with their symbols, for a derivative and for what is kept (definitions,
        the collapsed product, the samples): never a number of the point."""
        self.symbolic += 1
        try:
            yield
        finally:
            self.symbolic -= 1

    def _leaf(self, value: Value) -> Value:
        """A kept or named value where it is used: outside a derivative, for a network of
        more than :data:`EXACT_SYMBOLS` symbols, at the point (products of numbers are cheap)."""
        return value if self.exact or self.symbolic else self._at_point(value)

    def _defined(self, key: str) -> Value:
        with self._symbolic():
            value = super()._defined(key)
        return self._leaf(value)

    def _entry_name(self, name: Name) -> Value | None:
        with self._symbolic():
            value = super()._entry_name(name)
        return None if value is None else self._leaf(value)

    def _at_point(self, value: Value) -> Value:
        """``value`` with every commuting symbol at the point (drawn when first met, in order
        of names, from the document's seed)."""
        if isinstance(value, sp.Symbol) and value.is_commutative:  # most leaves: one entry
            if value not in self.at:
                self.at[value] = self.rng.randint(-RANGE, RANGE)
            return sp.Integer(self.at[value])
        if not isinstance(value, sp.Basic | sp.MatrixBase):
            return value
        free = sorted((s for s in value.free_symbols if s.is_commutative), key=str)
        for symbol in free:
            if symbol not in self.at:
                self.at[symbol] = self.rng.randint(-RANGE, RANGE)
        return value.xreplace({s: self.at[s] for s in free})

    def _value(self, node: Node) -> Value:
        if isinstance(node, Derivative):
            return self._derivative(node)
        if isinstance(node, Sum):  # a written-out entry's hundreds of terms: one flatten
            values = [number(self.value(term)) for term in node.terms]
            if all(isinstance(v, sp.Expr) and v.is_commutative for v in values):
                return sp.Add(*values)
            return functools.reduce(add, values)
        if isinstance(node, Power) and isinstance(node.base, Norm) and node.exponent == 2:
            inner = self.value(node.base.operand)
            cells = list(inner) if isinstance(inner, sp.MatrixBase) else [inner]
            return sp.Add(*(cell**2 for cell in cells))
        if isinstance(node, Norm):
            raise DocumentError("a norm not squared")
        return super().value(node)

    def _derivative(self, node: Derivative) -> Value:
        """The derivative of the scalar ``node.of`` by every entry of ``node.by``."""
        with self._symbolic():
            of = scalar(self.value(node.of))
            by = self.value(node.by)
        if not of.is_commutative:
            raise DocumentError(f"a derivative of {of}, which the document does not define")
        variables = by if isinstance(by, sp.MatrixBase) else sp.Matrix([[by]])
        if not all(isinstance(v, sp.Symbol) and v.is_commutative for v in variables):
            raise DocumentError("a derivative by something that is not a weight, bias or entry")
        derivative = variables.applyfunc(lambda v: self._diff(of, v))
        return derivative if isinstance(by, sp.MatrixBase) else derivative[0, 0]

    def _diff(self, of: sp.Expr, by: sp.Symbol) -> sp.Expr:
        """``diff(of, by)``, once: the loss is differentiated by each entry twice (the row
        by the matrix, the row by the entry)."""
        if (of, by) not in self.derivatives:
            self.derivatives[of, by] = sp.diff(of, by)
        return self.derivatives[of, by]

    def _index_sum(self, node: IndexSum) -> Value:
        """A sum over the samples (up to a bound that is no width, ``P``) at
        :data:`SAMPLES` samples of symbols; any other sum as :class:`Meaning` reads it."""
        high = node.high
        if not (isinstance(high, Name) and high.base != "d" and high.key not in self.definitions):
            return super()._index_sum(node)
        if self._stated(high) is not None:
            return super()._index_sum(node)
        self.sampled = True
        terms = [
            self.value(_renamed(node.body, node.index.key, f"{node.index.key}={k}"))  # type: ignore[arg-type]
            for k in self._samples(node)
        ]
        if not terms:  # from a sample beyond P = SAMPLES: no term, a zero of the body's shape
            body = self.value(_renamed(node.body, node.index.key, f"{node.index.key}=1"))  # type: ignore[arg-type]
            terms = [sp.Integer(0) * body]
        total = terms[0]
        for term in terms[1:]:
            total = add(total, term)
        return total

    def _samples(self, node: IndexSum) -> range:
        """The samples a sum over the data set takes at ``P`` = :data:`SAMPLES`: from its own
        lower bound, so ``\\sum_{\\mu=4}^{P}`` (a bound changed by hand) is not the sum
        from 1 the other rows take."""
        low = 1 if node.low is None else self._bound(node.low)
        if low < 0:
            raise DocumentError(f"a sum over the samples from {low}")
        return range(low, SAMPLES + 1)

    def _undefined(self, name: Name) -> Value:
        with self._symbolic():
            value = self._kept(name)
        return self._leaf(value)

    def _kept(self, name: Name) -> Value:
        """A sample's vector (``x_{\\mu=2}``: symbols in the shape of ``x``), the collapsed
        product (a matrix a data-set row uses but never defines, ``W_z``), else as
        :class:`Meaning` has it."""
        if name.key not in self.vectors and re.fullmatch(r".+=\d+", name.sub):
            like = self.value(Name(name.base))
            rows, cols = like.shape if isinstance(like, sp.MatrixBase) else (1, 1)
            self.vectors[name.key] = sp.Matrix(
                rows, cols, lambda i, j: sp.Symbol(f"{name.key}[{i},{j}]")
            )
        elif name.key not in self.vectors and self._collapsed(name):
            self.vectors[name.key] = self.value(self._layers_product())
        return super()._undefined(name)

    def _collapsed(self, name: Name) -> bool:
        """Whether ``name`` is the collapsed weight: a matrix the rows over the data set use
        and nothing defines, neither a layer's nor a sample's."""
        net = self.network
        if name.sub.isdecimal() or name.key in self.scalars | self.definitions.keys():
            return False
        if self._defines_product():  # the document says which name the collapsed weight has
            return False
        if name.base != net.weight and not self._alone(name):  # Q_{z} beside W_{z}: by hand
            return False
        return self._data_matrix(name)

    def _defines_product(self) -> bool:
        """Whether a definition states the product of the layers (``W_z := W_2 W_1``): then
        an undefined name in the rows over the data set is not taken for it."""
        product = self._layers_product()
        return any(node == product for node in self.definitions.values())

    def _layers_product(self) -> Product:
        r"""``W_n \cdots W_1`` (``W_1 \cdots W_n`` in the row convention), as printed."""
        net = self.network
        order = range(1, net.layers + 1) if net.rows else range(net.layers, 0, -1)
        return Product(tuple(Name(net.weight, str(k)) for k in order))

    def _alone(self, name: Name) -> bool:
        """Whether ``name`` is the only name outside the layers' letter that the rows over the
        data set use and nothing defines (``--names W_z=Q``: the collapsed weight is ``Q``)."""
        nodes = [
            n
            for row in self.document.rows
            for side in (row.lhs, row.rhs)
            if side
            for n in walk(side)
        ]
        ranges = {m for n in nodes if isinstance(n, IndexSum) for m in (n.index, n.high)}
        indices = {m.key for m in ranges if isinstance(m, Name)}
        others = {
            n
            for n in nodes
            if isinstance(n, Name)
            and n not in ranges | {name}
            and n.sub not in indices  # a sample's x_{mu}
            and not re.search(r"\d", n.sub)  # a layer's W_{1}
            and n.key not in self.scalars | self.definitions.keys()
        }
        return not any(self._data_matrix(n) for n in others)

    def _data_matrix(self, name: Name) -> bool:
        """Whether the rows over the data set use ``name`` (neither input nor function)."""
        net = self.network
        for row in self.document.rows:
            sums = [n for s in (row.lhs, row.rhs) if s for n in walk(s) if isinstance(n, IndexSum)]
            data = sums or (
                isinstance(row.lhs, Derivative)
                and key_of(row.lhs.of) in self.definitions
                and any(
                    isinstance(n, IndexSum)
                    for n in walk(self.definitions[key_of(row.lhs.of)])  # type: ignore[index]
                )
            )
            if data and name in walk(row.rhs) and name not in (net.input, net.function):
                return True
        return False

    def _verdict(self, checked: int, false: str | None) -> Verdict:
        verdict = super()._verdict(checked, false)
        if not self.sampled:
            return verdict
        note = f"sums over the data set checked at P = {SAMPLES} samples of symbols"
        return dataclasses.replace(verdict, notes=(*verdict.notes, note))
