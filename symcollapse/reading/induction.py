"""Documents stated for every depth ``n`` (``symcollapse prove``: ``W_{z}^{(n)} = W_{n} \\cdots
W_{1}``, ``b_{z}^{(n)} = \\sum_{k=1}^{n} W_{n} \\cdots W_{k+1} b_{k}``, the induction step),
checked at the depths :data:`DEPTHS`: never proved for every ``n``, and the verdict says so.

At each depth ``N`` the document is made concrete and read by
:class:`~symcollapse.reading.meaning.Meaning`: a definition stated for ``n`` (``h^{(n+1)} :=
W_{n+1} h^{(n)} + b_{n+1}``, a fold ``\\operatorname{down}_{n+1}(A) := ...``) holds for ``n = 1,
..., N + 1``; every other row is set at ``n = N`` (a letter left free in an elision, the ``k``
of ``W_{n+1} \\cdots W_{k+1}``, takes every value from 0 to ``N + 1`` at which the row's
elisions read); sums ``\\sum_{k=1}^{N}`` are written out, elisions continued by their pattern
(:mod:`symcollapse.reading.elision`), folds applied, and ``I`` is the identity. The weights,
biases and input are then non-commuting symbols (a row that holds so holds at every width;
skipped where the document transposes one, which such a symbol cannot show) and matrices of
symbols of their own at each of :data:`WIDTHS` (square, and not: shapes must fit).
"""

from __future__ import annotations

import itertools
from dataclasses import fields, is_dataclass, replace
from typing import Any

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.elision import MAX_TERMS, Letter, expand, learn_steps
from symcollapse.reading.meaning import Meaning, Verdict
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Elided,
    IndexSum,
    MatrixLiteral,
    Name,
    Negative,
    Node,
    Number,
    Product,
    Row,
    Sum,
    Transpose,
    walk,
)
from symcollapse.reading.orientation import layer_shape
from symcollapse.reading.schemes import instantiate
from symcollapse.reading.values import Rounding

#: The depths every row stated for ``n`` is checked at.
DEPTHS = (1, 2, 3, 4)

#: The widths ``d_0, d_1, ...`` (repeating) the layers are also checked at: square and not.
WIDTHS = ((2, 2), (2, 3, 1))

#: The depth's letter, as the documents print it unless renamed (``--names n=N``).
DEPTH = "n"

#: The reasons of the claim proved by induction and of the step's use of its hypothesis.
CLAIM, HYPOTHESIS = "induction on", "induction hypothesis"

#: Most letters besides the depth a row's elisions may leave free (each takes N + 2 values).
MAX_FREE = 2

#: Most applications of the document's functions one row may take to unfold.
MAX_UNFOLD = 10_000


def general(document: Document) -> bool:
    """Whether ``document`` states rows for every depth: it elides factors or terms."""
    return any(isinstance(node, Elided) for node in document.nodes())


def _rebuild(node: Any, change: Any) -> Any:
    """``node`` with ``change`` applied to every node directly below it (in tuples too)."""
    if isinstance(node, tuple):
        return tuple(_rebuild(item, change) for item in node)
    if not is_dataclass(node) or isinstance(node, type):
        return node
    updates = {}
    for field in fields(node):
        value = getattr(node, field.name)
        if isinstance(value, tuple):
            updates[field.name] = tuple(
                _rebuild(item, change) if isinstance(item, tuple) else change(item)
                for item in value
            )
        elif is_dataclass(value):
            updates[field.name] = change(value)
    return replace(node, **updates)


def set_index(node: Node, var: str, value: int) -> Node:
    """``node`` with the letter ``var`` set to ``value`` everywhere (inside elisions too; a sum
    over ``var`` keeps its own), whole numbers added up (``n + 1``)."""
    if isinstance(node, Name):
        return instantiate(node, var, value)
    if isinstance(node, IndexSum) and node.index.key == var:
        low = None if node.low is None else set_index(node.low, var, value)
        return replace(node, low=low, high=set_index(node.high, var, value))
    changed = _rebuild(node, lambda child: set_index(child, var, value))
    if isinstance(changed, Sum) and all(_number(term) is not None for term in changed.terms):
        return Number(sp.Add(*(_number(term) for term in changed.terms)))
    return changed


def _number(node: Node) -> sp.Rational | None:
    if isinstance(node, Negative):
        inner = _number(node.operand)
        return None if inner is None else -inner
    return node.value if isinstance(node, Number) else None


def _sums_written_out(node: Node) -> Node:
    """Sums over an index between whole numbers (``\\sum_{k=1}^{3}``) as their terms."""
    node = _rebuild(node, _sums_written_out)
    if not isinstance(node, IndexSum) or node.low is None:
        return node
    low, high = _number(node.low), _number(node.high)
    if low is None or high is None:
        return node
    if not (low.is_integer and high.is_integer):
        raise DocumentError(f"a sum from {low} to {high}: not whole numbers")
    if int(high) - int(low) + 1 > MAX_TERMS:
        count = int(high) - int(low) + 1
        raise DocumentError(f"a sum of {count:,} terms (at most {MAX_TERMS:,} are read)")
    terms = [
        _sums_written_out(set_index(node.body, node.index.key, k))
        for k in range(int(low), int(high) + 1)
    ]
    return terms[0] if len(terms) == 1 else Sum(tuple(terms)) if terms else Number(sp.S(0))


def _continued(node: Node, steps: dict[Letter, int]) -> Node:
    """Every elision in ``node`` continued (:func:`~symcollapse.reading.elision.expand`)."""
    node = _rebuild(node, lambda child: _continued(child, steps))
    return expand(node, steps) if isinstance(node, Elided) else node


def _identity_dropped(node: Node) -> Node:
    """``I`` beside other factors dropped: the document's empty product is the identity."""
    node = _rebuild(node, _identity_dropped)
    if isinstance(node, Product):
        kept = tuple(f for f in node.factors if f != Name("I"))
        return kept[0] if len(kept) == 1 else Product(kept) if kept else Name("I")
    return node


def _arguments(node: Apply) -> tuple[Node, ...]:
    return node.argument.items if isinstance(node.argument, Arguments) else (node.argument,)


def _parameter(node: Node) -> bool:
    """A function's parameter in its definition: a bare name other than ``I`` (``A``)."""
    return isinstance(node, Name) and not node.sub and not node.sup and node.base != "I"


class _Unfolding:
    """The document's functions (``\\operatorname{down}_{2}(A) := A W_{2} W_{1}``) applied."""

    def __init__(self, definitions: list[tuple[Apply, Node]]) -> None:
        self.definitions = definitions
        self.budget = MAX_UNFOLD

    def __call__(self, node: Node) -> Node:
        node = _rebuild(node, self)
        if not isinstance(node, Apply):
            return node
        for lhs, rhs in self.definitions:
            bound = self._match(lhs, node)
            if bound is None:
                continue
            self.budget -= 1
            if self.budget < 0:
                raise DocumentError(f"{lhs.function.key} unfolds without end")
            for name, value in bound.items():
                rhs = _substituted(rhs, name, value)
            return self(rhs)
        return node

    @staticmethod
    def _match(lhs: Apply, call: Apply) -> dict[Name, Node] | None:
        given, wanted = _arguments(call), _arguments(lhs)
        if lhs.function != call.function or len(given) != len(wanted):
            return None
        bound: dict[Name, Node] = {}
        for parameter, argument in zip(wanted, given, strict=True):
            if _parameter(parameter):
                bound[parameter] = argument  # type: ignore[index]
            elif parameter != argument:
                return None
        return bound


def _substituted(node: Node, name: Name, value: Node) -> Node:
    if node == name:
        return value
    return _rebuild(node, lambda child: _substituted(child, name, value))


def _free_letters(row: Row, letter: str) -> list[str]:
    """Letters other than the depth left in the indices of a row's elisions (the ``k`` of
    ``W_{n+1} \\cdots W_{k+1}`` outside any sum)."""
    letters = set()
    for side in (row.lhs, row.rhs):
        for node in walk(side) if side is not None else ():
            if isinstance(node, Elided):
                for term in (*node.before, *node.after):
                    if isinstance(term, Name):
                        letters |= {c for c in term.sub if c.isalpha() and c != letter}
    return sorted(letters)


def _kind(row: Row) -> str:
    """``function``, ``definition`` (stated with ``:=`` for a name) or ``statement``."""
    if row.relation == ":=" and isinstance(row.lhs, Apply):
        return "function"
    if row.relation == ":=" and isinstance(row.lhs, Name):
        return "definition"
    return "statement"


def _uses_depth(row: Row, letter: str) -> bool:
    return any(
        (isinstance(n, Name) and (n.key == letter or set_index(n, letter, 0) != n))
        for side in (row.lhs, row.rhs)
        if side is not None
        for n in walk(side)
    )


def _instances(row: Row, depth: int, letter: str) -> list[Row]:
    """The concrete rows ``row`` stands for in the document at depth ``depth`` (its letter
    ``letter``)."""
    if not _uses_depth(row, letter):
        depths = [depth]
    else:
        depths = list(range(1, depth + 2)) if _kind(row) != "statement" else [depth]
    out = []
    for n in depths:
        at = replace(
            row,
            lhs=None if row.lhs is None else set_index(row.lhs, letter, n),
            rhs=set_index(row.rhs, letter, n),
            over=None if row.over is not None and row.over[0] == letter else row.over,
            defines=row.defines and not isinstance(row.lhs, Elided),
        )
        letters = _free_letters(at, letter)
        if len(letters) > MAX_FREE:
            raise DocumentError(f"cannot read {row.where}: elisions in {len(letters)} free letters")
        for values in itertools.product(range(depth + 2), repeat=len(letters)):
            one = at
            for free, value in zip(letters, values, strict=True):
                one = replace(
                    one,
                    lhs=None if one.lhs is None else set_index(one.lhs, free, value),
                    rhs=set_index(one.rhs, free, value),
                )
            out.append(one)
    return out


def _elisions(row: Row) -> list[Elided]:
    return [
        node
        for side in (row.lhs, row.rhs)
        if side is not None
        for node in walk(side)
        if isinstance(node, Elided)
    ]


def _concrete(document: Document, depth: int, letter: str) -> tuple[Document, str | None]:
    """``document`` at the depth ``depth`` (its letter ``letter``): see the module's docstring;
    with what is wrong where a row applies one of the document's functions where none of its
    definitions reaches (None if every application unfolds)."""
    rows: list[tuple[Row, Row]] = []  # (as printed, concrete)
    for row in document.rows:
        rows += [(row, one) for one in _instances(row, depth, letter)]
    sides = [
        (
            printed,
            replace(
                one, lhs=one.lhs and _sums_written_out(one.lhs), rhs=_sums_written_out(one.rhs)
            ),
        )
        for printed, one in rows
    ]
    steps: dict[Letter, int] = {}
    for printed, one in sides:
        try:
            steps = learn_steps(_elisions(one), steps)
        except DocumentError as error:
            raise DocumentError(f"cannot read {printed.where}: {error}") from None
    continued: list[tuple[Row, Row]] = []
    for printed, one in sides:
        try:
            one = replace(
                one, lhs=one.lhs and _continued(one.lhs, steps), rhs=_continued(one.rhs, steps)
            )
        except DocumentError as error:
            if _free_letters(printed, letter):
                continue  # a free letter's value at which the elisions do not read
            raise DocumentError(f"cannot read {printed.where}: {error}") from None
        continued.append((printed, one))
    for row in set(document.rows) - {printed for printed, _ in continued}:
        raise DocumentError(
            f"cannot read {row.where}: its elisions read at no value of its letters"
        )
    unfold = _Unfolding(
        [(one.lhs, one.rhs) for printed, one in continued if _kind(printed) == "function"]  # type: ignore[misc]
    )
    functions = {lhs.function.base for lhs, _ in unfold.definitions}
    concrete = []
    for printed, one in continued:
        if _kind(printed) == "function":
            continue  # applied wherever used
        try:
            one = replace(
                one,
                lhs=one.lhs and _identity_dropped(unfold(one.lhs)),
                rhs=_identity_dropped(unfold(one.rhs)),
            )
        except DocumentError as error:
            raise DocumentError(f"cannot read {printed.where}: {error}") from None
        if (call := _unreached(one, functions)) is not None:  # down_{1}(I) of a base down_{7}
            wrong = f"{printed.where} is false: it applies {call} where none of its definitions"
            return document, f"{wrong} reaches"
        concrete.append(one)
    return replace(document, rows=tuple(concrete)), None


def _unreached(row: Row, functions: set[str]) -> str | None:
    """The first of the document's ``functions`` (by name) ``row`` still applies once every
    application its definitions reach was unfolded, as the verdict names it; None if none:
    a fold whose base case was moved (``down(A, 7) := A W_1``) reaches no depth below it,
    and a row using it there claims what no definition gives."""
    for side in (row.lhs, row.rhs):
        for node in walk(side) if side is not None else ():
            if isinstance(node, Apply) and node.function.base in functions:
                return node.function.key
    return None


def _weight_letters(document: Document) -> set[str]:
    """The letters the document's elided products run over: its layers' weights."""
    return {
        term.base
        for row in document.rows
        for side in (row.lhs, row.rhs)
        if side is not None
        for node in walk(side)
        if isinstance(node, Elided) and not node.sum
        for term in (node.before[-1], node.after[0])  # next to the dots
        if isinstance(term, Name)
    }


def _rows_first(document: Document, weights: set[str]) -> bool:
    """Whether the document writes vectors as rows: its first product with a layer's weight
    at one end and something else at the other has the weight last (``b_{k} W_{k+1}``)."""
    for row in document.rows:
        for side in (row.lhs, row.rhs):
            for node in walk(side) if side is not None else ():
                if isinstance(node, Product):
                    first = _is_weight(node.factors[0], weights)
                    last = _is_weight(node.factors[-1], weights)
                    if first != last:
                        return last
    return False


def _is_weight(node: Node, weights: set[str]) -> bool:
    return isinstance(node, Name) and node.base in weights and node.sub.isdecimal() and not node.sup


def _explicit(document: Document, widths: tuple[int, ...], weights: set[str]) -> Document:
    """The concrete ``document`` with its layers' weights (``weights``: the letters its
    elisions run over), biases (any other letter numbered by layer) and input (a bare name it
    does not define) as matrices of symbols of their own, ``d_k = widths[k % len(widths)]``,
    in the convention its products show."""
    defined = {row.lhs.key for row in document.rows if isinstance(row.lhs, Name) and row.defines}
    names = {
        n
        for row in document.rows
        for side in (row.lhs, row.rhs)
        if side is not None
        for n in walk(side)
        if isinstance(n, Name) and n.key not in defined and not n.sup and n.base != "I"
    }
    rows = _rows_first(document, weights)
    shapes = {}
    for name in names:
        if name.sub.isdecimal():
            layer = int(name.sub)
            width, before = widths[layer % len(widths)], widths[(layer - 1) % len(widths)]
            weight = name.base in weights
            shapes[name.key] = (name, layer_shape(rows, width, before if weight else None))
        elif not name.sub:
            shapes[name.key] = (name, layer_shape(rows, widths[0], None))
    given = [
        Row(name, ":=", _symbols(name, *shape), "(the widths checked)", number)
        for number, (_, (name, shape)) in enumerate(sorted(shapes.items()), 1)
    ]
    return replace(document, rows=(*given, *document.rows))


def _symbols(name: Name, rows: int, cols: int) -> MatrixLiteral:
    """A ``rows`` x ``cols`` matrix of symbols of its own for ``name``."""
    return MatrixLiteral(
        tuple(tuple(Name(f"[{name.key}]", f"{r},{c}") for c in range(cols)) for r in range(rows))
    )


def check_general(document: Document, seed: int, rounding: Rounding | None) -> Verdict:
    """``document``, stated for every depth, checked at each of :data:`DEPTHS`: with its
    layers as non-commuting symbols (every width at once; not where it transposes one) and
    as matrices of symbols at each of :data:`WIDTHS`."""
    weights = _weight_letters(document)
    transposes = any(
        isinstance(node, Transpose)
        for row in document.rows
        for side in (row.lhs, row.rhs)
        if side is not None
        for node in walk(side)
    )
    letter = depth_letter(document)
    wrong = _step_off_claim(document, letter) or _recursion_off_step(document, letter)
    if wrong:
        return Verdict(0, 0, document.unchecked, wrong)
    unread: dict[str, str] = {}
    for depth in DEPTHS:
        concrete, wrong = _concrete(document, depth, letter)
        if wrong is not None:
            return Verdict(0, 0, document.unchecked, f"{wrong} (at {letter} = {depth})")
        passes = [] if transposes else [("", concrete)]
        for widths in WIDTHS:
            shown = ", ".join(map(str, widths))
            passes.append((f", widths {shown}, ...", _explicit(concrete, widths, weights)))
        for label, one in passes:
            verdict = Meaning(one, seed, rounding).check()
            if verdict.false:
                return replace(verdict, false=f"{verdict.false} (at {letter} = {depth}{label})")
            unread.update(verdict.unchecked[len(document.unchecked) :])
    # a definition shown but not read at some depth is no definition the rows read stand under
    definitions = sum(
        _kind(row) != "statement" and row.where not in unread for row in document.rows
    )
    depths = ", ".join(map(str, DEPTHS))
    symbols = "" if transposes else "as non-commuting symbols (every width) and "
    assigned = " and ".join(", ".join(map(str, w)) + ", ..." for w in WIDTHS)
    return Verdict(
        len(document.rows) - len(unread),
        definitions,
        document.unchecked + tuple(unread.items()),
        None,
        scope=(
            f"rows stated for every depth n checked at n = {depths} (n + 1 in a step), the "
            f"layers {symbols}as matrices of symbols at widths d_0, d_1, ... = {assigned}: "
            "checked at those depths, not proved for every n"
        ),
    )


def _claim(document: Document) -> Row | None:
    """The row proved by induction (its reason says ``induction on n``), or None."""
    return next((row for row in document.rows if CLAIM in row.reason and row.lhs), None)


def depth_letter(document: Document) -> str:
    """The letter of the depth: the label of the claim's left side (``h^{(N)}`` with
    ``--names n=N``), else :data:`DEPTH`."""
    claim = _claim(document)
    if claim is not None and isinstance(claim.lhs, Name):
        label = claim.lhs.sup.removeprefix("(").removesuffix(")")
        if label.isalpha():
            return label
    return DEPTH


def _chains(document: Document) -> list[list[Row]]:
    """The document's chains: a row with a left side and the rows continuing it."""
    chains: list[list[Row]] = []
    for row in document.rows:
        if row.lhs is None and chains:
            chains[-1].append(row)
        else:
            chains.append([row])
    return chains


def _step_off_claim(document: Document, letter: str) -> str | None:
    """What is wrong with the induction step (the chain using the induction hypothesis), if
    it does not prove the claim at ``letter + 1``: it must start from the claim's left side
    there and end at its right side. None when it does (or the document has no step)."""
    claim = _claim(document)
    steps = [c for c in _chains(document) if any(HYPOTHESIS in row.reason for row in c[1:])]
    if claim is None or not steps:
        return None
    chain = steps[0]
    ends = (
        (chain[0], chain[0].lhs, claim.lhs, "start from"),
        (chain[-1], chain[-1].rhs, claim.rhs, "end at"),
    )
    for row, side, wanted, how in ends:
        for depth in DEPTHS:
            if (
                side is None
                or wanted is None
                or (set_index(side, letter, depth) != set_index(wanted, letter, depth + 1))
            ):
                return (
                    f"{row.where} is false: the induction step does not {how} the claim at "
                    f"{letter} + 1 ({claim.where})"
                )
    return None


def _recursive_uses(row: Row, letter: str) -> list[Node]:
    """The uses of what the definition ``row`` defines (by ``letter``) on its own right side:
    ``h^{(n)}`` in ``h^{(n+1)} := W_{n+1} h^{(n)} + b_{n+1}``, ``\\operatorname{down}_{n}``
    in the fold's ``\\operatorname{down}_{n+1}(A) := \\operatorname{down}_{n}(A W_{n+1})``."""
    lhs = row.lhs
    if isinstance(lhs, Apply):
        base = lhs.function.base
        return [n for n in walk(row.rhs) if isinstance(n, Apply) and n.function.base == base]
    if not isinstance(lhs, Name):
        return []
    return [
        n
        for n in walk(row.rhs)
        if isinstance(n, Name)
        and n.base == lhs.base
        and (n.sub == lhs.sub or n.sup == lhs.sup)
        and set_index(n, letter, 0) != n
    ]


def _depth_part(node: Node) -> Node | tuple[Node, ...]:
    """What of ``node`` (set at a depth) says the depth: a name whole; of a function applied,
    its name and its arguments that are numbers (``(A, 5)``: the 5)."""
    if isinstance(node, Apply):
        return (node.function, *(a for a in _arguments(node) if isinstance(a, Number)))
    return node


def _recursion_off_step(document: Document, letter: str) -> str | None:
    """What is wrong with the first definition by recursion on ``letter`` whose left side is
    not one step past the use of itself on its right (``h^{(n+5)} := W_{n+1} h^{(n)} +
    b_{n+1}``: a hand edit that leaves every depth's ``h`` defined by some row); None if every
    one steps by one."""
    for row in document.rows:
        if _kind(row) == "statement" or row.lhs is None or not _uses_depth(row, letter):
            continue
        for use in _recursive_uses(row, letter):
            steps = [
                _depth_part(set_index(row.lhs, letter, depth))
                == _depth_part(set_index(use, letter, depth + 1))
                for depth in DEPTHS
            ]
            if not all(steps):
                return (
                    f"{row.where} is false: a definition by recursion on {letter} defines each "
                    "depth from the one before, this one from another"
                )
    return None
