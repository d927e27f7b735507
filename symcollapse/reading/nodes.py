"""The printed mathematics as a tree: what a document says, before anything is evaluated.

Both readers (:mod:`symcollapse.reading.latex` for LaTeX and Markdown, and
:mod:`symcollapse.reading.plain` for the JSON document's plain formulas) build these values;
:mod:`symcollapse.reading.meaning` gives them a meaning. Nothing here knows how symcollapse
printed the document: the reader reads bytes, so its check is independent of the printer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

#: Largest power of a number read either way: scientific notation goes to 10^{±324} for floats,
#: and a 1,000-digit power costs nothing; a power of 10^9 would never finish.
MAX_NUMBER_EXPONENT = 1000


@dataclass(frozen=True)
class Number:
    """An exact number as printed: ``3``, ``-0.5`` (the sign is a :class:`Negative`).

    ``whole``: written as digits alone. A page that rounds numbers (``--digits``) writes each
    rounded one with a point or an exponent (``13.0``, ``1.2 \\cdot 10^{5}``), so ``13`` is exact
    there."""

    value: sp.Rational
    whole: bool = field(default=False, compare=False, repr=False)  # keys are reprs


@dataclass(frozen=True)
class Name:
    """A symbol as printed: its base (``W``, ``\\Theta``), subscript and superscript label.

    ``w^{(3)}_{11}`` is base ``w``, label ``(3)``, subscript ``11``; ``W_{1}`` is base ``W``,
    subscript ``1``. The key is the whole printed name, the symbol's identity in the document.
    """

    base: str
    sub: str = ""
    sup: str = ""

    def __post_init__(self) -> None:  # the key is read millions of times in deep documents
        key = self.base + (f"_{{{self.sub}}}" if self.sub else "")
        object.__setattr__(self, "_key", key + (f"^{{{self.sup}}}" if self.sup else ""))

    @property
    def key(self) -> str:
        return self._key  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Apply:
    """A function applied to an argument: ``f(x)``, ``\\sigma_{1}\\left(W_1 x + b_1\\right)``."""

    function: Name
    argument: Node


@dataclass(frozen=True)
class Arguments:
    """Several arguments of one function, ``f(x_{1}, x_{2})``: the entries of its vector."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Entry:
    """An entry of a matrix or vector: ``\\left(W_{z}\\right)_{11}``, ``W_z[1, 1]``."""

    matrix: Node
    index: str


def index_parts(index: str) -> list[str]:
    """An entry's indices as written: ``1,16`` -> ["1", "16"], ``ij`` -> ["i", "j"], ``3`` ->
    ["3"]: a comma separates them where there is one, else each is one character."""
    return index.split(",") if "," in index else list(index)


@dataclass(frozen=True)
class Sum:
    """Terms added (a subtracted term is a :class:`Negative`)."""

    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Product:
    """Factors multiplied in the printed order (matrices do not commute)."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Negative:
    """``-a``."""

    operand: Node


@dataclass(frozen=True)
class Quotient:
    """``\\frac{a}{b}`` or ``a/b``."""

    numerator: Node
    denominator: Node


@dataclass(frozen=True)
class Power:
    """``a^{2}`` with a whole-number exponent."""

    base: Node
    exponent: int


@dataclass(frozen=True)
class Transpose:
    """``A^{\\top}``."""

    operand: Node


@dataclass(frozen=True)
class MatrixLiteral:
    """``\\begin{bmatrix} ... \\end{bmatrix}`` or ``[[...], [...]]``: rows of cells."""

    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True)
class IndexSum:
    """``\\sum_{k_{1}=1}^{d_{1}} body``: ``body`` added up for the index ``index`` from ``low``
    to ``high`` (a width the document gives, ``d_{1}``, or a number); ``low`` None: over the
    ``high`` units of a layer, from the document's index base (``\\sum_{k_{1}, \\dots, k_{6}}``)."""

    index: Name
    low: Node | None
    high: Node
    body: Node


@dataclass(frozen=True)
class Unread:
    """A side of a row the reader shows as not checked (a sum over an index): what it is."""

    what: str


@dataclass(frozen=True)
class Elided:
    """``W_{n} W_{n-1} \\cdots W_{1}`` (``sum`` False) or ``a_{1} + \\cdots + a_{n}`` (``sum``
    True): what is printed before and after the dots, continued by its printed pattern
    (:mod:`symcollapse.reading.elision`), never guessed."""

    before: tuple[Node, ...]
    after: tuple[Node, ...]
    sum: bool


@dataclass(frozen=True)
class RowsOf:
    """Rows ``first`` to ``last`` (counted from 1, as words count; ``last`` None: to the end)
    of ``matrix``: what a reason reads a matrix off, "rows 2 to the end of Θ"."""

    matrix: Node
    first: int
    last: int | None


@dataclass(frozen=True)
class Norm:
    """``\\left\\lVert v \\right\\rVert``, Typst's ``‖v‖``: the Euclidean norm of a vector
    (documents print its square, a :class:`Power` of it, the squared loss)."""

    operand: Node


@dataclass(frozen=True)
class Derivative:
    """``\\frac{\\partial L}{\\partial W_{1}}``, ``Derivative(L, W_1)``: the derivative of the
    scalar ``of`` by every entry of ``by`` (a matrix, a vector or one entry's symbol), in the
    shape of ``by``."""

    of: Node
    by: Node


@dataclass(frozen=True)
class RealPower:
    """``u(t)^{2 - \\frac{2}{N}}``, ``e^{\\frac{2 s t}{\\tau}}``: a power whose exponent is not
    a whole number (a fraction, a symbol); :class:`Power` keeps the whole ones."""

    base: Node
    exponent: Node


Node = (
    (
        Number
        | Name
        | Apply
        | Arguments
        | Entry
        | Sum
        | Product
        | Negative
        | Quotient
        | Power
        | Transpose
    )
    | MatrixLiteral
    | IndexSum
    | Unread
    | Elided
    | RowsOf
    | Norm
    | Derivative
    | RealPower
)


@dataclass(frozen=True)
class Row:
    """One row of a display: ``lhs relation rhs``; ``lhs`` None continues the previous row's
    chain (``&= ...``). ``where`` names it for people: section title, row number, label. A row
    that may not define (a JSON field) is only ever checked."""

    lhs: Node | None
    relation: str
    rhs: Node
    section: str
    number: int
    label: str = ""
    defines: bool = True  # whether a first row of an undefined name defines it
    over: tuple[str, int, int] | None = None  # a scheme: for index k from lo to hi, as stated
    reason: str = ""  # the reason printed beside it: "(Saxe et al. 2014, eq. 2)" cites

    @property
    def where(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f'section "{self.section}", row {self.number}{label}'


@dataclass(frozen=True)
class Document:
    """A document read back: its rows in order, its prose (where it states its assumptions,
    e.g. that every activation is the identity), rows it shows but cannot be checked
    (elided with dots, approximate), with the reason, and the equations its words state."""

    rows: tuple[Row, ...]
    prose: str
    unchecked: tuple[tuple[str, str], ...] = ()
    stated: tuple[tuple[Node, Node], ...] = ()  # what the words define: $c = (b_z)_1$

    def nodes(self) -> tuple[Node, ...]:
        """Every node of every side of the rows (:func:`nodes_of`), walked once: the reader of
        each kind of document looks through them all for what makes a document its kind."""
        found: tuple[Node, ...] | None = self.__dict__.get("_nodes")
        if found is None:
            found = tuple(nodes_of(self.rows))
            object.__setattr__(self, "_nodes", found)
        return found


#: Each kind of node's parts, in order (a matrix's cells row by row); looked up by type, not
#: by dataclass introspection (a third of reading a large document) or a chain of isinstance.
_PARTS: dict[type, Callable[[Any], tuple[Node, ...]]] = {
    Sum: lambda n: n.terms,
    Arguments: lambda n: n.items,
    Product: lambda n: n.factors,
    Negative: lambda n: (n.operand,),
    Transpose: lambda n: (n.operand,),
    Apply: lambda n: (n.function, n.argument),
    Entry: lambda n: (n.matrix,),
    Quotient: lambda n: (n.numerator, n.denominator),
    Power: lambda n: (n.base,),
    MatrixLiteral: lambda n: tuple(cell for row in n.rows for cell in row),
    Elided: lambda n: (*n.before, *n.after),
    RowsOf: lambda n: (n.matrix,),
    IndexSum: lambda n: (n.index, *([n.low] if n.low is not None else []), n.high, n.body),
    Norm: lambda n: (n.operand,),
    Derivative: lambda n: (n.of, n.by),
    RealPower: lambda n: (n.base, n.exponent),
}


def children(node: Node) -> tuple[Node, ...]:
    """The nodes directly below ``node`` (none for a name, a number or an unread side)."""
    parts = _PARTS.get(type(node))
    return () if parts is None else parts(node)


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node below it, in the order of a recursive walk (parents first,
    children left to right); a stack, not nested generators, which cost the depth of each
    node (quadratic in a deep network's nested composition)."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def nodes_of(rows: Iterable[Row]) -> Iterator[Node]:
    """Every node of every side of ``rows``."""
    for row in rows:
        for side in (row.lhs, row.rhs):
            if side is not None:
                yield from walk(side)
