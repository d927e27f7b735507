"""Piecewise-affine documents read back: a network with ReLU activations, its collapse on each
activation region and the instances it works out at a point.

The activations a document applies by their standard names (``\\operatorname{ReLU}``, JSON's
``relu``) are ``max(0, z)`` entry by entry, evaluated exactly; so the rows are checked at
:data:`POINTS` random points of exact integers (weights and input), never symbolically, and
at more until every unit was on and off and every max pooling window picked each of its entries
(:mod:`~symcollapse.reading.units`: an edit a unit off at every point hides is seen). The
masks ``D_{j} = diag(...)`` the document defines take, as its words say, the value 1 where the
pre-activation is non-negative and 0 (a leaky one's slope) elsewhere: in a chain that puts an
activation and a mask side by side ("each activation acts as D_j on the region") they are the
pattern of the point;
everywhere else they are free numbers, so a row that must hold for every mask is checked for
any. Each point brings its own pattern, so a row that mixes the masks up fails at a point
where they differ.

A run of rows that gives numbers to names the document defined before (``A_{1} = [2 ...]``,
its input ``x`` and mask ``D_{1}`` at a point) is an instance: the maps of the function's last
stated form (``f(x) = A_{2} ReLU(A_{1} x + a_{1}) + a_{2}``, checked equal to its definition)
take the numbers given, a mask's symbols take the mask given, which must be the activation
pattern at the point given; a pre-activation ``z_{j}`` the instance defines must be the
argument of the ``j``-th activation there; every other row (``W_z(D) = [...]``) is checked
under those numbers. A defined function applied to another argument (``f(u + v)``, ``f(0)``)
is its definition there. Rows are counted as the instance's definitions where they give it
numbers, as checked where they are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sympy as sp

from symcollapse.reading.code import CODE, foreign_code
from symcollapse.reading.forms import Undecided, key_of
from symcollapse.reading.maps import misnamed_map
from symcollapse.reading.meaning import RANGE, Meaning, Verdict
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Document,
    Entry,
    MatrixLiteral,
    Name,
    Node,
    Number,
    Row,
    index_parts,
    walk,
)
from symcollapse.reading.pooling import max_pool, window
from symcollapse.reading.units import MAX_POINTS, Pieces
from symcollapse.reading.unused import never_used
from symcollapse.reading.values import (
    Mismatch,
    Noise,
    Rounding,
    Unbounded,
    Value,
    difference,
    midpoint,
    noisy,
    sign_of,
)

#: The activations read, by their printed name: the slope below zero (ReLU's is 0); a leaky
#: ReLU's is its subscript, ``\operatorname{LeakyReLU}_{0.1}``, JSON's ``leaky_relu[1/10]``.
PIECEWISE = {
    r"\operatorname{ReLU}": sp.Integer(0),
    "relu": sp.Integer(0),
    r"\mathrm{relu}": sp.Integer(0),  # a forward function's relu, typeset by latexify
}
LEAKY = (r"\operatorname{LeakyReLU}", "leaky_relu")


def slope(function: Name) -> sp.Rational | None:
    """The slope below zero of the activation ``function``, None if it is none read here."""
    if function.key in PIECEWISE:
        return PIECEWISE[function.key]
    if function.base in LEAKY and not function.sup:
        try:
            value = sp.Rational(function.sub)
        except (TypeError, ValueError):
            return None
        return value if 0 <= value < 1 else None
    return None


def _active(node: Node) -> bool:
    """Whether ``node`` applies an activation (or max pooling) read here."""
    return isinstance(node, Apply) and (
        slope(node.function) is not None or window(node.function) is not None
    )


#: Random points each row is checked at (each with its own activation pattern); more, up to
#: :data:`~symcollapse.reading.units.MAX_POINTS`, until every unit took each of its pieces.
POINTS = 4

#: Significant digits a pre-activation that is not a rational (one after a tanh) is evaluated
#: to, and the margin around 0 within which its sign is not decided (a kink, not a guess).
DIGITS = 60
MARGIN = sp.Rational(1, 10**30)


def sign(value: Any) -> int | None:
    """The sign of the number ``value``: exact for a rational; else of its value to
    :data:`DIGITS` digits, None within :data:`MARGIN` of 0 (rational 0 is 0)."""
    value = sp.sympify(value)
    if value.is_Rational:
        return int(sp.sign(value))
    if noisy(value) and all(isinstance(s, Noise) for s in value.free_symbols):
        try:  # rounded numbers: the sign every value they stand for has
            return sign_of(value)
        except Unbounded:
            return None
    if value.free_symbols:
        raise Undecided(f"the sign of {value}, which is not a number")
    approximate = sp.N(value, DIGITS)
    if not (approximate.is_Number and approximate.is_finite and approximate.is_real):
        raise Undecided(f"the sign of {value}, which is not a real number")
    if abs(approximate) <= MARGIN:
        return None
    return 1 if approximate > 0 else -1


def piecewise(document: Document) -> bool:
    """Whether ``document`` applies an activation of :data:`PIECEWISE`."""
    return any(_active(node) for node in document.nodes())


def check_piecewise(
    document: Document,
    seed: int = 0,
    rounding: Rounding | None = None,
    region: type[Region] | None = None,
) -> Verdict:
    """Every row of the piecewise ``document``: its symbolic rows at :data:`POINTS` points, and
    at more until each unit took each of its pieces (:mod:`~symcollapse.reading.units`), then
    each instance under its own numbers; stops at the first false row."""
    evaluate = region or Region  # a curved document's: reading/curved.py
    if (misnamed := misnamed_map(document)) is not None:  # W_{2} = [w^{(0)}_{11} ...]
        return Verdict(0, 0, document.unchecked, misnamed)
    main, instances = _scopes(document.rows)
    symbolic = replace(document, rows=main)
    first, pieces = _at_points(symbolic, seed, rounding, evaluate)
    if first.false:
        return first
    checked, definitions = first.checked, first.definitions
    unchecked = list(first.unchecked)
    reading = evaluate(symbolic, seed, rounding)
    if (unused := _unused_of_masks(document, main, reading)) is not None:
        return replace(first, false=unused)
    prefix = _masks_whole(tuple(main[i] for i in sorted(reading.defining)), reading)
    form = reading.form()
    for rows in instances:
        scope = replace(document, rows=prefix + rows, unchecked=())
        verdict = evaluate(scope, seed, rounding, given=len(prefix), form=form).check()
        if verdict.false:
            return replace(verdict, unchecked=tuple(unchecked) + verdict.unchecked)
        checked += verdict.checked
        definitions += verdict.definitions
        unchecked += verdict.unchecked
    defined = reading.definitions.keys() | reading.entries.keys()  # the symbolic rows' names
    unused = never_used(document, defined, reading.defining)  # the instances' rows use them
    notes = (unused,) if unused else ()
    return Verdict(checked, definitions, tuple(unchecked), None, notes=notes + pieces)


def _at_points(
    symbolic: Document, seed: int, rounding: Rounding | None, evaluate: type[Region]
) -> tuple[Verdict, tuple[str, ...]]:
    """The verdict on the rows ``symbolic`` at :data:`POINTS` random points, and at more (as
    many as :meth:`Pieces.draws` estimates, at most :data:`MAX_POINTS`) while a unit has a
    piece no point took; the first false verdict, else the first point's, with the notes of
    the pieces never taken."""
    pieces = Pieces()
    first: Verdict | None = None
    drawn, limit = 0, POINTS
    while drawn < limit and (drawn < POINTS or pieces.missing()):  # stop once all taken
        reading = evaluate(symbolic, seed + drawn, rounding)
        verdict = reading.check()
        if verdict.false:
            return verdict, ()
        first = first or verdict
        pieces.update(reading.pieces)
        drawn += 1
        if drawn == POINTS:
            limit = min(MAX_POINTS, POINTS + pieces.draws())
    assert first is not None
    return first, pieces.notes(symbolic, drawn)


def _masks_whole(rows: tuple[Row, ...], reading: Region) -> tuple[Row, ...]:
    """``rows`` with a mask written entry by entry (a wide one) as the one definition
    ``D_{1} = [...]`` its entries spell: what an instance's ``D_{1} = [0 ...]`` gives numbers."""
    spelt = reading.spelt.keys() & reading.mask_keys.keys()
    whole: list[Row] = []
    for row in rows:
        key = _entry_of(row.lhs)
        if key not in spelt:
            whole.append(row)
        elif not any(key_of(kept.lhs) == key for kept in whole):
            whole.append(replace(row, lhs=reading.names[key], rhs=reading.spelt[key]))
    return tuple(whole)


def _step(row: Row) -> bool:
    """Whether ``row`` states a function (``f(x) = ...``) with a step's reason ("merge
    consecutive affine maps"), not its definition: a claim about a function defined above,
    never the definition of one (an ``f`` renamed in its definition leaves it undefined)."""
    reason = row.reason.lower()
    function = isinstance(row.lhs, Apply) and isinstance(row.lhs.argument, Name)
    return function and bool(reason.strip()) and "defin" not in reason


def _unused_of_masks(document: Document, main: tuple[Row, ...], reading: Region) -> str | None:
    """The verdict's line for a map of the masks defined (``Q_{z}(D) = [...]``) that no other
    row of ``document`` names: a name changed by hand where ``W_{z}(D)`` was shown; else None."""
    masks = {reading.names[key].base for key in reading.mask_keys if key in reading.names}
    for i in sorted(reading.defining):
        lhs = main[i].lhs
        if not (isinstance(lhs, Apply) and isinstance(lhs.argument, Name)):
            continue
        if lhs.argument.base not in masks:  # W_{z}(D) of the masks D_{1}, D_{2}, ...
            continue
        others = [r for r in document.rows if r is not main[i]]
        if not any(n == lhs for r in others for s in (r.lhs, r.rhs) if s for n in walk(s)):
            return f"{main[i].where} is false: it defines {_shown(lhs)}, which no other row names"
    return None


def _symbolic(node: Node | None) -> bool:
    """Whether ``node`` shows no number but whole ones (``2``, ``0``): a row of symbols, which
    ``--digits`` leaves as it is, so it holds exactly or not at all."""
    numbers = [n.value for n in walk(node) if isinstance(n, Number)] if node is not None else []
    return all(getattr(v, "is_Integer", False) for v in numbers)


def _held(left: Value, right: Value, exact: bool) -> str | None:
    """:func:`difference` of ``left`` and ``right``: of their numbers as shown if ``exact``
    (a row that copies numbers shown above), else of every value they were rounded from."""
    return difference(midpoint(left), midpoint(right)) if exact else difference(left, right)


def _shown(node: Node | None) -> str:
    """A left side as a person reads it: ``a_{3}``, ``Q_{z}(D)``."""
    if isinstance(node, Apply) and isinstance(node.argument, Name):
        return f"{node.function.key}({node.argument.key})"
    return node.key if isinstance(node, Name) else "its left side"


def _numbers_only(node: Node) -> bool:
    """Whether ``node`` is written with numbers alone (an instance's matrix)."""
    return not any(isinstance(n, Name) for n in walk(node))


def _symbol_free(node: Node) -> bool:
    """Whether ``node`` names no symbol but the identity ``I`` (``A_{2} := I``)."""
    return all(n == Name("I") for n in walk(node) if isinstance(n, Name))


def _diagonal(node: Node) -> list[Name] | None:
    """The diagonal of ``node`` if it is a square matrix of distinct names on its diagonal and
    zeros off it: a mask ``diag(delta^{(1)}_{1}, ...)``, whatever its own name (``--names
    D=Q``)."""
    if not isinstance(node, MatrixLiteral) or len(node.rows) != len(node.rows[0]):
        return None
    cells = [(r == c, cell) for r, row in enumerate(node.rows) for c, cell in enumerate(row)]
    diagonal = [cell for on, cell in cells if on]
    off = [cell for on, cell in cells if not on]
    names = [cell for cell in diagonal if isinstance(cell, Name)]
    plain = len(names) == len(set(names)) == len(diagonal)
    zeros = all(isinstance(cell, Number) and cell.value == 0 for cell in off)
    return names if plain and zeros else None


def _mask_letters(document: Document) -> set[str]:
    """The letters the maps of the masks take as their argument: ``D`` of ``W_{z}(D) :=
    A_{2} D_{1} A_{1}``, a function of a letter whose right side names that letter with a
    layer's number (how a page says which matrices are its masks, a 1x1 one too)."""
    letters = set()
    for row in document.rows:
        lhs = row.lhs
        if isinstance(lhs, Apply) and isinstance(lhs.argument, Name) and not lhs.argument.sub:
            letter = lhs.argument.base
            named = [n for n in walk(row.rhs) if isinstance(n, Name) and n.base == letter]
            if any(n.sub.isdecimal() and not n.sup for n in named):
                letters.add(letter)
    return letters


def _entry_of(node: Node | None) -> str | None:
    """The matrix ``(A_1)_{11}`` is an entry of (its key), None for anything else."""
    if isinstance(node, Entry) and isinstance(node.matrix, Name):
        return node.matrix.key
    return None


def _literal_of_entries(entries: dict[str, Node], base: int) -> MatrixLiteral | None:
    """The matrix a document writes entry by entry (``(D_{1})_{1,1} = \\delta^{(1)}_{1}``, a
    mask too wide for one literal) as the literal it spells, read as one is; None where its
    indices are not pairs (``1,2``, ``12``) that fill a matrix."""
    cells = {}
    for index, node in entries.items():
        parts = index_parts(index)
        if len(parts) != 2 or not all(p.isdecimal() for p in parts):
            return None
        cells[int(parts[0]) - base, int(parts[1]) - base] = node
    rows, cols = 1 + max(i for i, _ in cells), 1 + max(j for _, j in cells)
    if len(cells) != rows * cols or min(min(at) for at in cells) < 0:
        return None
    return MatrixLiteral(tuple(tuple(cells[i, j] for j in range(cols)) for i in range(rows)))


def _numeric_entries(rows: tuple[Row, ...]) -> list[bool]:
    """Per row, whether it is in a run of entries of one matrix all given numbers (an
    instance's wide matrix), not a symbolic matrix's entries, some of which are 0."""
    numeric = [False] * len(rows)
    start = 0
    while start < len(rows):
        matrix, end = _entry_of(rows[start].lhs), start + 1
        while matrix is not None and end < len(rows) and _entry_of(rows[end].lhs) == matrix:
            end += 1
        run = matrix is not None and all(_numbers_only(row.rhs) for row in rows[start:end])
        numeric[start:end] = [run] * (end - start)
        start = end
    return numeric


def _scopes(rows: tuple[Row, ...]) -> tuple[tuple[Row, ...], list[tuple[Row, ...]]]:
    """The document's symbolic rows, and its instances: each a run of rows that begins where a
    name defined before is given numbers, and ends where a name it gave is given again."""
    main: list[Row] = []
    instances: list[list[Row]] = []
    defined: dict[str, Node] = {}  # key -> its definition
    given: set[str] = set()
    numeric = _numeric_entries(rows)
    for at, row in enumerate(rows):
        key = key_of(row.lhs)
        target = _entry_of(row.lhs) or key  # (A_1)_{11} = -10 gives A_1 one entry
        # A_2 := I restated as the identity's entries gives no symbol a number: not an instance
        gives = target in defined and _numbers_only(row.rhs) and not _symbol_free(defined[target])
        gives = gives and (key is not None or numeric[at])
        entry = key is None and gives
        key = repr(row.lhs) if entry else key  # an entry given twice: a new instance
        if gives and (not instances or key in given or (not entry and target in given)):
            instances.append([])
            given = set()
        if not instances:
            main.append(row)
            if key and key not in defined:
                defined[key] = row.rhs
            continue
        instances[-1].append(row)
        given |= {key, target} if gives and key and target else set()
    return tuple(main), [tuple(rows) for rows in instances]


class Region(Meaning):
    """A document's meaning with its activations evaluated at a random point (and its first
    ``given`` rows the definitions an instance's rows give numbers to)."""

    def __init__(
        self,
        document: Document,
        seed: int = 0,
        rounding: Rounding | None = None,
        given: int = 0,
        form: Row | None = None,
    ) -> None:
        self.instance_form = form  # before Meaning reads the orientation
        super().__init__(document, seed, rounding)
        for i in sorted(self.defining):  # maxpool_2([1; 1; 0; 0]) = [1; 0]: evaluated, a claim
            lhs = document.rows[i].lhs
            if lhs is not None and (_active(lhs) or _step(document.rows[i])):
                self.defining.discard(i)
                self.definitions.pop(key_of(lhs), None)  # type: ignore[arg-type]
        self.parameters: set[str] = set()  # the maps of the function's form an instance gives
        self.function = key_of(form.lhs) if form is not None else None
        if form is not None:  # checked equal to the definition: the instance's function
            self.definitions[key_of(form.lhs)] = form.rhs  # type: ignore[index]
            self.parameters = {
                n.key for n in walk(form.rhs) if isinstance(n, Name) and n.key in self.definitions
            }
        # every scalar a number (the activations need numbers): the point, shared with Meaning
        self.at: dict[str, Any] = {k: self.rng.randint(-RANGE, RANGE) for k in sorted(self.scalars)}
        self.point = self.at
        self.free = dict(self.at)
        self.given = given
        self.prefix = {key_of(document.rows[i].lhs) for i in self.defining if i < given}
        self.prefix.discard(None)  # (W_1)_{11} := ...: an entry's row names no map given
        self.masks = self._masks()
        self.recorded: list[tuple[sp.Matrix, sp.Matrix]] = []  # (argument, mask) per activation
        self.pieces = Pieces()  # the pieces the units took at the point: reading/units.py
        self.fixed: list[sp.Matrix] | None = None  # the masks kept, x free: see _on_region
        self.on_region = False
        self.uses: dict[tuple[str, str], bool] = {}
        self.substituted: set[str] = set()  # the symbols an instance's rows gave numbers
        self.entry_rows: dict[str, dict[str, Node]] = {}  # a map's entries given one by one

    def orientation(self, document: Document) -> bool:
        """Whether the vectors are rows, told by the instance's function form too: an
        instance's rows may write no product with ``x`` (``f(x) = maxpool_2(x) W_2 + b_2``
        beside its form ``maxpool_2(x A_1 + a_1) A_2 + a_2``)."""
        given = self.instance_form
        rows = document.rows if given is None else (given, *document.rows)
        return super().orientation(replace(document, rows=rows))

    def _first_counted(self) -> int:
        """An instance's verdict counts its own rows: its first ``given`` rows, the symbolic
        rows' definitions it gives numbers to, were counted (or shown unread) by theirs."""
        return self.given

    def _masks(self) -> dict[int, list[str]]:
        """``D_{j}`` -> its diagonal's symbols, for the masks the document defines as diagonal
        matrices of symbols (``\\delta^{(1)}_{1}`` ...)."""
        masks = {}
        self.mask_keys: dict[str, int] = {}  # D_{1} (or its --names letter) -> 1
        spelt = {key: _literal_of_entries(cells, self.base) for key, cells in self.entries.items()}
        self.spelt = {key: node for key, node in spelt.items() if node is not None}
        letters = _mask_letters(self.document)
        for key, node in (self.spelt | self.definitions).items():  # a wide mask: entry by entry
            name = self.names.get(key)
            diagonal = _diagonal(node)
            if name is None or not name.sub.isdecimal() or diagonal is None:
                continue
            if len(diagonal) == 1 and name.base not in letters:
                continue  # b_{2} = b^{(2)}_{1} is diagonal too: a 1x1 mask by the masks' letter
            masks[int(name.sub)] = [cell.key for cell in diagonal]
            self.mask_keys[key] = int(name.sub)
        return masks

    def value(self, node: Node) -> Value:
        """As :meth:`Meaning.value`, with the activations evaluated and a defined function
        applied to any argument."""
        if _active(node):
            return self._activation(node)  # type: ignore[arg-type]
        if (
            isinstance(node, Apply)
            and not isinstance(node.argument, Arguments)
            and key_of(node) not in self.definitions
        ):
            defined = self._function(node.function)
            if defined is not None:
                return self._applied(defined, node.argument)
        return super().value(node)

    def _activation(self, node: Apply) -> Value:
        """``max(0, z)`` entry by entry (a slope below zero for a leaky one), recorded with its
        argument and mask in the order evaluated: innermost first, layer by layer."""
        argument = self.value(node.argument)
        cells = argument if isinstance(argument, sp.MatrixBase) else sp.Matrix([[argument]])
        free = self.fixed is None or window(node.function) is not None
        symbols = {s for c in cells for s in sp.sympify(c).free_symbols}
        if free and any(not isinstance(s, Noise) for s in symbols):  # rounded numbers: numbers
            raise Undecided(f"{node.function.key} of something that is not a number at the point")
        pooled = window(node.function)
        if pooled is not None:  # a maximum per window: no mask, nothing recorded
            out = max_pool(cells, *pooled)
            self._picked(node, cells, *pooled)
            return out if isinstance(argument, sp.MatrixBase) else out[0, 0]
        kept = self.fixed is not None  # the point's pattern, kept where x is free
        mask = self.fixed[len(self.recorded)] if kept else self._mask(node, cells)  # type: ignore[index]
        self.recorded.append((cells, mask))
        below = slope(node.function)
        hides = frozenset({below}) if below == 0 else frozenset()  # ReLU's 0 shows no argument
        for unit, (at, piece) in enumerate(zip(cells, mask, strict=True) if not kept else ()):
            self.pieces.take(node, unit, at, piece, frozenset({sp.Integer(1), below}), hides)
        out = cells.multiply_elementwise(mask)
        return out if isinstance(argument, sp.MatrixBase) else out[0, 0]

    def _picked(self, node: Apply, cells: sp.Matrix, size: int, stride: int) -> None:
        """The entry each window of the max pooling ``node`` picked at the numbers ``cells``
        (the first of equal ones), as the pieces its windows took."""
        entries = list(cells)
        has = frozenset(("entry", k) for k in range(size))
        for unit, start in enumerate(range(0, len(entries) - size + 1, stride)):
            part = entries[start : start + size]
            largest = sp.Max(*part)
            if largest in part:  # not where sympy cannot order them
                picked = ("entry", part.index(largest))
                self.pieces.take(node, unit, tuple(part), picked, has, frozenset())

    def _mask(self, node: Apply, cells: sp.Matrix) -> sp.Matrix:
        """The mask of the activation ``node`` at the numbers ``cells``: 1 where non-negative,
        its slope below zero elsewhere; a number within :data:`MARGIN` of 0 is undecided."""
        signs = [sign(c) for c in cells]  # a tanh's output: its sign to DIGITS digits
        if None in signs:
            near = (
                "a rounded number whose values reach"
                if noisy(cells)
                else f"a number within {MARGIN} of"
            )
            raise Undecided(f"{node.function.key} of {near} its kink")
        below = slope(node.function)
        pieces = [sp.Integer(1) if s >= 0 else below for s in signs]  # type: ignore[operator]
        return sp.Matrix(cells.rows, cells.cols, pieces)

    def _function(self, function: Name) -> Apply | None:
        """The left side ``f(x)`` of the definition of ``function`` of one name, if any."""
        for row in self.document.rows:
            lhs = row.lhs
            if (
                isinstance(lhs, Apply)
                and lhs.function == function
                and isinstance(lhs.argument, Name)
                and key_of(lhs) in self.definitions
            ):
                return lhs
        return None

    def _applied(self, defined: Apply, argument: Node) -> Value:
        """The function defined as ``defined`` (``f(x)``) at ``argument`` (``u + v``; ``0`` the
        zero vector; a number the vector of one entry, as a page of width 1 writes it): its
        definition with ``x`` bound to the argument's value, of ``x``'s shape."""
        parameter = defined.argument
        assert isinstance(parameter, Name)
        at = self.value(argument)
        self.value(defined)  # x met as a generic vector: its size known
        shape = self.value(parameter)
        if isinstance(shape, sp.MatrixBase) and not isinstance(at, sp.MatrixBase):
            if at != 0 and len(shape) > 1:
                raise Mismatch(
                    f"{_shown(defined)} of the number {at}, not of a vector of {len(shape)}"
                )
            at = sp.Matrix(shape.rows, shape.cols, [at] * len(shape))  # 0, or x's one entry
        vectors, values = dict(self.vectors), dict(self.values)
        definition = self.definitions.pop(parameter.key, None)
        self.vectors[parameter.key] = at
        self.forget()
        try:
            return self.value(self.definitions[key_of(defined)])  # type: ignore[index]
        finally:
            self.vectors, self.values = vectors, values
            self.forget_found()
            if definition is not None:
                self.definitions[parameter.key] = definition

    def _uses(self, node: Node, what: str, test: Callable[[Node], bool]) -> bool:
        """Whether ``node`` or a definition it names (through definitions) passes ``test``."""
        for n in walk(node):
            if test(n):
                return True
            key = key_of(n)
            defined = self.spelt | self.definitions  # a wide mask's entries name its symbols
            if key is not None and key in defined:
                if (key, what) not in self.uses:
                    self.uses[key, what] = False  # a definition in terms of itself: no loop
                    self.uses[key, what] = self._uses(defined[key], what, test)
                if self.uses[key, what]:
                    return True
        return False

    def _chain(self, i: int) -> list[Row]:
        """The rows of the chain row ``i`` is in (a first row and its ``&= ...`` rows)."""
        rows = self.document.rows
        start, end = i, i + 1
        while start > 0 and rows[start].lhs is None:
            start -= 1
        while end < len(rows) and rows[end].lhs is None:
            end += 1
        return list(rows[start:end])

    def _region_chain(self, i: int) -> bool:
        """Whether the chain of row ``i`` sets an activation beside a mask: its masks are then
        the activation pattern of the point."""
        masks = {key for keys in self.masks.values() for key in keys}
        sides = [side for row in self._chain(i) for side in (row.lhs, row.rhs) if side]

        def masked(n: Node) -> bool:
            return isinstance(n, Name) and n.key in masks

        return any(self._uses(s, "active", _active) for s in sides) and any(
            self._uses(s, "masked", masked) for s in sides
        )

    def _pattern(self) -> list[tuple[sp.Matrix, sp.Matrix]]:
        """The activations' arguments and masks at the point: those of the instance's function
        (its form), else of the first function the document defines through an activation (any
        other is equal to it: checked), evaluated afresh."""
        for row in self.document.rows:
            key = key_of(row.lhs)
            if (
                isinstance(row.lhs, Apply)
                and key in self.definitions
                and self._uses(row.lhs, "active", _active)
                and self.function in (None, key)
                and row.label != CODE  # the code's line, in the code's names
            ):
                self.forget()
                self.recorded = []
                self.value(self.definitions[key])
                self.forget()
                return list(self.recorded)
        raise Undecided("masks with no function of activations to take their pattern from")

    def _set_region(self, on: bool) -> str | None:
        """Masks as the point's pattern (``on``) or as free numbers; what is wrong if the
        masks do not fit the activations."""
        if on == self.on_region:
            return None
        self.on_region = on
        self.at.update({k: v for k, v in self.free.items() if k not in self.substituted})
        for key in self.spelt.keys() & self.mask_keys.keys():  # a wide mask: of the symbols'
            self.vectors.pop(key, None)  # numbers at the time, so read again
        self.forget()
        if not on:
            return None
        pattern = self._pattern()
        for j, keys in self.masks.items():
            if not 1 <= j <= len(pattern) or len(pattern[j - 1][1]) != len(keys):
                return f"D_{j} does not fit the activation {j} of the network"
            self.at.update(dict(zip(keys, pattern[j - 1][1], strict=True)))
        self.forget()
        return None

    def _compare(
        self, i: int, lhs: Node | None, rhs: Node, previous: Value | None
    ) -> tuple[str | None, Value | None]:
        if i >= self.given and self.given:
            try:
                return self._instance_row(i, lhs, rhs, previous)
            except Mismatch as error:  # numbers of the wrong shape, 8/0: the row is false
                return f"the instance's numbers do not evaluate: {error}", None
        if not self.given:
            if foreign_code(self.document.rows, i):
                raise Undecided(f"{CODE} in its own names: the document calls its input otherwise")
            try:
                wrong = self._set_region(self._region_chain(i))
            except Mismatch as error:  # the masks' function cannot be evaluated: the row fails
                wrong = str(error)
            if wrong:
                return wrong, None
            if _symbolic(lhs) and _symbolic(rhs):  # no rounded number in it: its 2 exact
                rounding, self.rounding = self.rounding, None
                try:
                    return super()._compare(i, lhs, rhs, previous)
                finally:
                    self.rounding = rounding
        return super()._compare(i, lhs, rhs, previous)

    def _instance_row(
        self, i: int, lhs: Node | None, rhs: Node, previous: Value | None
    ) -> tuple[str | None, Value | None]:
        """Row ``i`` of an instance: its numbers given to a map, a mask's symbols or an entry,
        a pre-activation checked at the point, or any other row checked under the numbers."""
        if key_of(lhs) in self.prefix and _numbers_only(rhs):
            wrong = self._give(i, lhs, rhs)  # type: ignore[arg-type]
            if wrong != "":
                return wrong, None
        elif isinstance(lhs, Entry) and _entry_of(lhs) in self.parameters and _numbers_only(rhs):
            self._give_entry(i, lhs, rhs)
            return None, None
        elif i in self.defining and isinstance(lhs, Name) and self._fresh(lhs):
            return self._preactivation(lhs, rhs), None
        elif i in self.defining and isinstance(lhs, Entry) and self._fresh(lhs.matrix):
            return self._preactivation_entry(lhs, rhs), None
        elif i in self.defining and _numbers_only(rhs) and not self._used_after(i):
            return f"it gives numbers to {_shown(lhs)}, which no row defines or uses", None
        return super()._compare(i, lhs, rhs, previous)

    def _used_after(self, i: int) -> bool:
        """Whether a row after row ``i`` names what row ``i`` gives numbers (``u``, ``v`` of
        ``f(u) + f(v)``; not ``a_{3}`` put for ``a_{2}``, nor ``Q_{z}(D)`` for ``W_{z}(D)``)."""
        key = key_of(self.document.rows[i].lhs)
        parameter = self._parameter()
        if parameter is not None and key == parameter.key:  # the point: a derivative's there
            return True
        later = [s for row in self.document.rows[i + 1 :] for s in (row.lhs, row.rhs) if s]
        return any(key_of(n) == key for side in later for n in walk(side))

    def applies(self, node: Node) -> bool:
        """Whether ``node`` applies an activation this reading evaluates (a curved one's too:
        reading/curved.py)."""
        return _active(node)

    def form(self) -> Row | None:
        """The last row stating the function defined through activations with activations in
        it (``f(x) = A_{2} ReLU(A_{1} x + a_{1}) + a_{2}``, the merged maps'): the form whose
        maps an instance gives numbers."""
        found = None
        for row in self.document.rows:
            key = key_of(row.lhs)
            stated = isinstance(row.lhs, Apply) and key in self.definitions
            if stated and any(self.applies(n) for n in walk(row.rhs)):
                found = row
        return found

    def _give(self, i: int, lhs: Node, rhs: Node) -> str | None:
        """An instance's row giving numbers to a defined name: a map of the function's form
        takes them; a name defined by one symbol per entry (a mask) has its symbols take them
        (None); any other (``W_z(D)``) is checked as any row (``""``). A mask given must be the
        pattern at the point given."""
        if key_of(lhs) in self.parameters:  # the instance's data: counted as a definition
            self.definitions[key_of(lhs)] = rhs  # type: ignore[index]
            self.defining.add(i)
            self.forget()
            return None
        vectors = dict(self.vectors)
        self.point = None  # symbols, to see what the definition is made of
        self.forget()
        try:
            symbolic = self.value(lhs)
        finally:
            self.point, self.vectors = self.at, vectors
            self.forget()
        numbers = self.value(rhs)
        if key_of(lhs) in self.mask_keys:  # a mask's 1, 0 and slopes are exact, never rounded
            numbers = midpoint(numbers)
        cells = list(symbolic) if isinstance(symbolic, sp.MatrixBase) else [symbolic]
        given = list(numbers) if isinstance(numbers, sp.MatrixBase) else [numbers]
        symbols = [c for c in cells if isinstance(c, sp.Symbol)]
        plain = all(isinstance(c, sp.Symbol) or c.is_Number for c in cells)
        if not plain or len(set(symbols)) != len(symbols) or len(cells) != len(given):
            return ""
        for cell, number in zip(cells, given, strict=True):
            if isinstance(cell, sp.Symbol):
                self.at[cell.name] = number
                self.substituted.add(cell.name)
            elif difference(cell, number) is not None:
                return f"gives {midpoint(number)} for an entry its definition fixes at {cell}"
        self.forget()
        if key_of(lhs) in self.mask_keys:
            return self._mask_at_point(self.mask_keys[key_of(lhs)])  # type: ignore[index]
        return None

    def _give_entry(self, i: int, lhs: Entry, rhs: Node) -> None:
        """An instance's row giving one entry of a map of the function's form (a wide matrix,
        printed entry by entry): counted as a definition; the map takes the entries once all
        are given (until then, rows using it are false)."""
        key = _entry_of(lhs)
        assert key is not None
        self.defining.add(i)
        given = self.entry_rows.setdefault(key, {})
        given[lhs.index] = rhs
        shape = self.value(lhs.matrix)
        rows, cols = shape.shape if isinstance(shape, sp.MatrixBase) else (1, 1)
        wide = rows >= 10 or cols >= 10  # (A_1)_{1,11}: indices apart by a comma
        index = [
            [f"{r + self.base}{',' if wide else ''}{c + self.base}" for c in range(cols)]
            for r in range(rows)
        ]
        if all(cell in given for row in index for cell in row):
            literal = MatrixLiteral(tuple(tuple(given[cell] for cell in row) for row in index))
            self.definitions[key] = literal
            self.forget()

    def _parameter(self) -> Name | None:
        """The input the instance gives (``x`` of ``f(x)``), if it gives one."""
        for row in self.document.rows:
            if isinstance(row.lhs, Apply) and isinstance(row.lhs.argument, Name):
                key = row.lhs.argument.key
                given = [i for i in self.defining if i >= self.given]
                if any(key_of(self.document.rows[i].lhs) == key for i in given):
                    return row.lhs.argument
        return None

    def _mask_at_point(self, j: int) -> str | None:
        """What is wrong with the mask ``D_{j}`` the instance gives: not the pattern of its
        activation ``j`` at the point the instance gives."""
        if self._parameter() is None:
            return None  # no point given: the mask is a choice
        pattern = self._pattern()
        if not 1 <= j <= len(pattern):
            return f"D_{j}: the network has {len(pattern)} activations"
        masks = [self.at[key] for key in self.masks[j]]
        if masks != list(pattern[j - 1][1]):
            return f"D_{j} is not the activation pattern {list(pattern[j - 1][1])} at the point"
        return None

    def _fresh(self, node: Node) -> bool:
        """Whether ``node`` is a name with a layer's number the instance defines afresh (not a
        map it gives numbers, a mask, nor its input): a pre-activation ``z_{j}``, whatever its
        letter (``--names z=...``); its rows are claims about the point, checked."""
        parameter = self._parameter()
        maps = {self.names[key].base for key in self.prefix if key in self.names}
        return (
            isinstance(node, Name)
            and node.sub.isdecimal()
            and node.base not in maps  # a_{3} beside a_{1}, a_{2}: a map, not z_{3}
            and node.key not in self.prefix
            and node.key not in self.mask_keys
            and (parameter is None or node.key != parameter.key)
        )

    def _preactivation_entry(self, lhs: Entry, rhs: Node) -> str | None:
        """An entry ``(z_{j})_{k}`` of a pre-activation the instance writes entry by entry (a
        wide one): the entry ``k`` of the argument of the activation ``j`` at the point."""
        assert isinstance(lhs.matrix, Name)
        if not lhs.index.isdecimal():
            return None
        k = int(lhs.index) - self.base
        return self._argument_at_point(lhs.matrix, rhs, lambda argument: argument[k])

    def _preactivation(self, lhs: Name, rhs: Node) -> str | None:
        """A pre-activation ``z_{j}`` the instance defines (the full document's words name them
        so; the name is the usual one where a fragment has no words): its entries
        at the point's ``x_{i}`` are the argument of the activation ``j``."""
        return self._argument_at_point(lhs, rhs, lambda argument: argument)

    def _argument_at_point(
        self, name: Name, rhs: Node, part: Callable[[sp.Matrix], Any]
    ) -> str | None:
        """What is wrong with ``rhs`` as ``part`` of the argument of the activation numbered
        as ``name`` (``z_{j}``: the ``j``-th) at the point the instance gives; None if right
        or if the instance gives no point."""
        parameter = self._parameter()
        if parameter is None:
            return None
        x = self.value(parameter)
        if not isinstance(x, sp.MatrixBase) or not name.sub.isdecimal():
            return None
        for i, entry in enumerate(x):
            self.at[Name(parameter.base, str(i + self.base)).key] = entry
        self.forget()
        pattern = self._pattern()
        j = int(name.sub)
        if not 1 <= j <= len(pattern):
            return f"{name.key}: the network has {len(pattern)} activations"
        # z_{1} = A_{1} x + a_{1} shows A_{1}'s and a_{1}'s numbers as they are shown: exactly
        exact = j == 1
        try:
            wrong = _held(part(pattern[j - 1][0]), self.value(rhs), exact)
        except (Mismatch, IndexError) as error:
            wrong = str(error) or "no such entry"
        if wrong:
            return f"not the pre-activation of layer {j} at the point: {wrong}"
        wrong = self._on_region(parameter, x, pattern, j, rhs, part, exact)
        return f"not the pre-activation of layer {j} on its region: {wrong}" if wrong else None

    def _on_region(
        self,
        parameter: Name,
        x: sp.Matrix,
        pattern: list[tuple[sp.Matrix, sp.Matrix]],
        j: int,
        rhs: Node,
        part: Callable[[sp.Matrix], Any],
        exact: bool,
    ) -> str | None:
        """What is wrong with ``rhs`` (``z_{j}``, written in the inputs ``x_{i}``) as the
        argument of the activation ``j`` as an affine function of ``x``, the point's pattern
        kept (what the document says it is: a term of ``x_{3}`` dropped is false even where
        ``x_{3}`` is 0 at the point); coefficient by coefficient, the numbers as shown if
        ``exact``, else as the values they were rounded from.
        None where it holds, or where a max pooling's window (no mask) is in the way."""
        applied = [n for n in self.document.nodes() if isinstance(n, Apply)]
        if any(window(n.function) is not None for n in applied):
            return None
        keys = [Name(parameter.base, str(i + self.base)).key for i in range(len(x))]
        free = sp.Matrix(x.rows, x.cols, [sp.Symbol(key) for key in keys])
        at, vectors = dict(self.at), dict(self.vectors)
        definition = self.definitions.pop(parameter.key, None)
        self.vectors[parameter.key] = free
        self.at.update(zip(keys, free, strict=True))
        self.fixed = [mask for _, mask in pattern]
        self.forget()
        try:
            arguments = self._pattern()
            return _held(part(arguments[j - 1][0]), self.value(rhs), exact)
        except (Mismatch, IndexError) as error:
            return str(error) or "no such entry"
        finally:
            self.fixed = None
            self.at.clear()
            self.at.update(at)
            self.vectors = vectors
            if definition is not None:
                self.definitions[parameter.key] = definition
            self.forget()
