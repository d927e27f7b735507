"""Names a document defines that none of its other rows uses: a renamed symbol, or a note.

A definition is true by fiat, so a hand edit of its left side (``W_{z} = ...`` made ``Q_{z} =
...``) leaves every row true: nothing is false, but the document now defines a name it never
uses. :func:`renamed_once` makes that the false row (a document defines a name to use it;
unless its own words say why: a matrix named for its entries' sake, a value reported as
numeric); :func:`never_used` is the verdict's older note on definitions the reader learned.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from symcollapse.reading.code import CODE
from symcollapse.reading.forms import key_of
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Entry,
    MatrixLiteral,
    Name,
    Node,
    Row,
    walk,
)
from symcollapse.reading.schemes import instantiate


def _instances(row: Row, side: Node) -> Iterator[Node]:
    """``side`` as the row states it: once, or once for each value of its scheme's index."""
    if row.over is None:
        yield side
    else:
        var, low, high = row.over
        yield from (instantiate(side, var, k) for k in range(low, high + 1))


def _defined_by(row: Row) -> set[str]:
    """The keys the left side of the definition ``row`` defines (an entry's: its matrix's)."""
    if row.lhs is None:
        return set()
    sides = list(_instances(row, row.lhs))
    keys = {key_of(side.matrix if isinstance(side, Entry) else side) for side in sides}
    return {key for key in keys if key is not None}


def _used_by(row: Row, defining: bool) -> set[str]:
    """The names a row uses: its right side's (a definition's), else both sides'."""
    sides = [row.rhs] if defining or row.lhs is None else [row.lhs, row.rhs]
    return {
        node.key
        for side in sides
        for instance in _instances(row, side)
        for node in walk(instance)
        if isinstance(node, Name)
    }


def _own_entries(row: Row) -> bool:
    """Whether the definition ``row`` names a matrix of its own entries' symbols in their
    convention, ``\\kappa_{1} = [\\kappa^{(1)}_{1}, ...]`` (or its one entry alone,
    ``\\kappa_{1} = \\kappa^{(1)}_{1}``): a name for the reader, whose entries the other rows
    use."""
    lhs, rhs = row.lhs, row.rhs
    if not isinstance(lhs, Name) or not isinstance(rhs, MatrixLiteral | Name):
        return False
    cells = [rhs] if isinstance(rhs, Name) else [cell for cells in rhs.rows for cell in cells]
    return all(
        isinstance(cell, Name)
        and cell.base in (lhs.base, lhs.base.lower())
        and lhs.sub in (cell.sup.strip("()"), re.split("[_,]", cell.sub)[0])  # JSON: kappa_{1_1}
        for cell in cells
    )


def never_used(document: Document, defined: Collection[str], defining: Collection[int]) -> str:
    """The verdict's note naming the keys of ``defined`` (names, not ``f(x)``) that no row
    but the rows ``defining`` them uses, nor the document's words; "" if there are none."""
    rows = document.rows
    by_row = {i: _defined_by(rows[i]) for i in defining}
    used_in = [_used_by(row, i in defining) for i, row in enumerate(rows)]
    stated = {n.key for _, rhs in document.stated for n in walk(rhs) if isinstance(n, Name)}
    lefts = [rows[i].lhs for i in defining]
    names = {n.key for lhs in lefts if lhs is not None for n in walk(lhs) if isinstance(n, Name)}
    unused = [
        key
        for key in defined
        if key in names
        and key not in stated
        and not any(_own_entries(rows[i]) and key in by_row[i] for i in defining)
        and not any(key in used for i, used in enumerate(used_in) if key not in by_row.get(i, ()))
    ]
    return f"defined but never used: {', '.join(sorted(unused))}" if unused else ""


def _names_through(node: Node, definitions: dict[str, Node]) -> set[Name]:
    """The names ``node`` uses, and those of the definitions it names, through every level;
    not the functions it applies (``relu``)."""
    found: set[Name] = set()
    functions: set[Name] = set()
    pending, seen = [node], set()
    while pending:
        for n in walk(pending.pop()):
            if isinstance(n, Apply):
                functions.add(n.function)
            if isinstance(n, Name) and n not in found:
                found.add(n)
                if n.key in definitions and n.key not in seen:
                    seen.add(n.key)
                    pending.append(definitions[n.key])
    return found - functions


def _variable(name: Name, definitions: dict[str, Node]) -> bool:
    """Whether ``name`` is a variable: not defined, or given only numbers (the point ``x``)."""
    definition = definitions.get(name.key)
    return definition is None or not any(isinstance(n, Name) for n in walk(definition))


def unbound_argument(document: Document) -> str | None:
    """What is wrong with the first definition of a function of one named argument whose right
    side (through the definitions it names) uses neither that argument nor its entries but
    another variable, undefined: ``f(Q) = W_{2} x + b_{2}``, a hand edit of ``f(x)``, says
    nothing true of ``Q``; or uses none such and ``Q`` is named by no other row (``f(Q) =
    h^{(3)}``, the layers' scheme; ``x`` given by its entries ``x = [x_{1}; x_{2}]``): the
    verdict's false line, or None if there is none."""
    definitions: dict[str, Node] = {}
    for row in document.rows:
        if isinstance(row.lhs, Name):
            definitions.setdefault(row.lhs.key, row.rhs)
    first: set[str] = set()
    for row in document.rows:
        lhs = row.lhs
        if not (isinstance(lhs, Apply) and isinstance(lhs.argument, Name)) or row.label == CODE:
            continue
        key = key_of(lhs)
        if key is None or key in first:
            continue
        first.add(key)
        argument = lhs.argument
        used = _names_through(row.rhs, definitions)
        if any(n.key == argument.key or (n.base == argument.base and n.sub) for n in used):
            continue
        free = sorted(n.key for n in used if not (n.sub or n.sup) and _variable(n, definitions))
        said = f"{row.where} is false: it defines {lhs.function.key}({argument.key}) by a "
        if free:  # the variable it uses instead (h^{(3)} of words is none)
            return f"{said}right side that does not use {argument.key} but {', '.join(free)}"
        if not _named_elsewhere(document, row, argument):  # f(Q) = h^{(3)}: Q is nothing
            return f"{said}right side that does not use {argument.key}, which no other row names"
    return None


def names_elsewhere(document: Document, row: Row) -> list[Name]:
    """The names the rows of ``document`` but ``row`` write, on either side."""
    return [
        n
        for other in document.rows
        if other is not row
        for side in (other.lhs, other.rhs)
        if side is not None
        for n in walk(side)
        if isinstance(n, Name)
    ]


def _named_elsewhere(document: Document, row: Row, name: Name) -> bool:
    """Whether a row but ``row`` names ``name`` or an entry of it (``x_{1}`` of ``x``)."""
    return any(
        n.key == name.key or (n.base == name.base and n.sub and not name.sub)
        for n in names_elsewhere(document, row)
    )


#: A reason that says its row is there for its own sake, not to be used: a value measured
#: ("numeric, s = 3.0": a largest difference reported), a region its entries' signs cut out.
FOR_ITS_OWN_SAKE = re.compile(r"\b(?:numeric|region)\b")


def _stands_for(name: Name, values: range | None) -> set[str]:
    """The keys ``name`` stands for: its own, and with each letter of its indices set to each
    of ``values`` (``W_{z}^{(n)}`` stands for ``W_{z}^{(2)}``); with ``values`` None, its own
    only (:func:`_pattern` stands for the rest)."""
    letters = set(re.findall(r"[A-Za-z]+", name.sub + name.sup)) if values is not None else ()
    keys = {name.key}
    for letter in letters:
        keys |= {instantiate(name, letter, value).key for value in values}  # type: ignore[union-attr]
    return keys


def _pattern(name: Name) -> re.Pattern[str] | None:
    """The keys ``name`` stands for with each letter of its indices any whole number
    (``a_{j}`` in ``\\sum_{j=1}^{d_{0}} a_{j} x_{j}``: ``a_{12}`` too), or None if its indices
    have no letter."""
    if not re.search(r"[A-Za-z]", name.sub + name.sup):
        return None

    def index(text: str) -> str:
        return re.sub(r"[A-Za-z]+", r"\\d+", re.escape(text))

    sub = rf"_\{{{index(name.sub)}\}}" if name.sub else ""
    sup = rf"\^\{{{index(name.sup)}\}}" if name.sup else ""
    return re.compile(re.escape(name.base) + sub + sup)


def _names(node: Node) -> set[Name]:
    """The names ``node`` uses, not the functions it applies (``relu``)."""
    functions = {n.function for n in walk(node) if isinstance(n, Apply)}
    return {n for n in walk(node) if isinstance(n, Name)} - functions


def _for_use(row: Row) -> bool:
    """Whether ``row`` defines a name for other rows to use: it has a left side, and neither
    names a matrix of its own entries' symbols (which the other rows use) nor says by its
    reason that it is there for its own sake (:data:`FOR_ITS_OWN_SAKE`)."""
    return row.lhs is not None and not _own_entries(row) and not FOR_ITS_OWN_SAKE.search(row.reason)


def renamed_once(document: Document, values: range | None = None) -> str | None:
    """What is wrong with the first row whose left side is a name (``Q_{z} = ...``, by ``=``
    or ``:=``) that no other row of the document uses, nor an equation its words state; None
    if there is none. A name a document defines is there to be used: one defined and never
    used is a renamed symbol (``W_{z}`` made ``Q_{z}`` in the result row, which the words
    still call ``W_{z}``: words are no use), unless the row says why (:func:`_for_use`).
    Each value of a scheme's index is a row of its own (``h^{(k)} = W_{k} h^{(k-1)} + b_{k}``,
    k = 1 to 3, uses its own ``h^{(1)}``); a row and the reason beside it (``rows 2 to the
    end of Θ``) are one row; rows of code name their own. A letter in an index stands for any
    whole number, or for each of ``values`` (a document stated for every depth: the depths it
    is read at, so that ``W_{z}^{(7)} = W_{2} W_{1}``, which no depth checks, is no use of
    ``W_{z}^{(n)}``)."""
    rows: list[tuple[tuple[str, int], str | None, set[str]]] = []  # (unit, defines, uses)
    patterns: list[tuple[tuple[str, int], re.Pattern[str]]] = []  # without values: a_{j}
    for row in document.rows:
        if row.label == CODE:
            continue
        sides = [row.rhs] if row.lhs is None else [row.lhs, row.rhs]
        instances = zip(*(_instances(row, side) for side in sides), strict=True)
        for t, sides_at in enumerate(instances):
            used = {
                key for side in sides_at for n in _names(side) for key in _stands_for(n, values)
            }
            if values is None:
                found = {_pattern(n) for side in sides_at for n in _names(side)}
                patterns += [((row.where, t), p) for p in found if p is not None]
            lhs = sides_at[0] if row.relation in ("=", ":=") and _for_use(row) else None
            rows.append(((row.where, t), lhs.key if isinstance(lhs, Name) else None, used))
    stated = {k for _, rhs in document.stated for n in _names(rhs) for k in _stands_for(n, values)}
    users: dict[str, set[tuple[tuple[str, int], str | None]]] = {}  # key -> rows that use it
    for unit, defines, used in rows:
        for name in used:
            users.setdefault(name, set()).add((unit, defines))
    for unit, key, _ in rows:
        if key is None or key in stated:
            continue
        if any(other != unit and pattern.fullmatch(key) for other, pattern in patterns):
            continue
        if not users.get(key, set()) - {(unit, key)}:
            return (
                f"{unit[0]} is false: it defines {key}, which no other row uses (a renamed symbol?)"
            )
    return None


def _letter(argument: Node) -> str | None:
    """The vector a function is applied to, by its letter: ``x`` of ``f(x)`` and of
    ``f(x_{1}, x_{2})`` (its entries); None for any other argument (``W_{1} x + b_{1}``)."""
    if isinstance(argument, Name) and not argument.sub and not argument.sup:
        return argument.base
    if isinstance(argument, Arguments):
        letters = {n.base if isinstance(n, Name) and n.sub else None for n in argument.items}
        return letters.pop() if len(letters) == 1 else None
    return None


def renamed_function(document: Document) -> str | None:
    """What is wrong with the first row defining a function (``Q(x) := \\sigma_{3}(...)``,
    ``Q(x_{1}, x_{2}) = a_{1} x_{1} + ...``) that no other row applies or names, while
    another row applies a function of another letter to the same vector (``f(x)``, which the
    document defines again further on): the name changed by hand in one row; None if there
    is none. A function defined once and used nowhere (``f(x) = h^{(3)}``, beside its
    entries' ``f_{i}(x_{1}, x_{2}, x_{3})``) is no such row."""
    applied = [
        (row, n)
        for row in document.rows
        for side in (row.lhs, row.rhs)
        if side is not None
        for n in walk(side)
        if isinstance(n, Apply | Name)
    ]
    for row in document.rows:
        lhs = row.lhs
        if not isinstance(lhs, Apply) or row.relation not in ("=", ":=") or row.label == CODE:
            continue
        function, letter = lhs.function, _letter(lhs.argument)
        if letter is None or not _for_use(row):
            continue
        others = [(other, n) for other, n in applied if other is not row]
        if any((n.function if isinstance(n, Apply) else n).key == function.key for _, n in others):
            continue
        beside = [
            n.function.key
            for _, n in others
            if isinstance(n, Apply)
            and n.function.base != function.base
            and _letter(n.argument) == letter
        ]
        if beside:
            return (
                f"{row.where} is false: it defines the function {function.key}, which no other "
                f"row uses, where the others apply {beside[0]} to {letter} (a renamed function?)"
            )
    return None
