"""Meaning of a document of a network with curved activations (``layers "2 > dense 2 tanh >
dense 1"``): its rows evaluated with the standard functions named, its second derivatives
checked with sympy, its number at the point to the digits its tag states.

``\\tanh`` is sympy's tanh and ``\\operatorname{sigmoid}`` the logistic ``1 / (1 + e^{-z})``
(the standard functions the names denote: the documents define neither). The affine rows and
the merged form are evaluated at random integer points as for ReLU
(:class:`~symcollapse.reading.piecewise.Region`), exactly: the activations stay symbolic
(``tanh(3)``), so two sides agree only if their arguments do. A row
``\\frac{d^{2}}{d z^{2}} \\tanh(z) = ...`` is compared with sympy's derivative of the named
function; ``\\frac{\\partial^{2}}{\\partial x_{1}^{2}} f_{1}(x_{1}, x_{2}) = -0.0186...`` with the
derivative of the document's merged form under its numbers at its point, in 60-digit
arithmetic, to the significant digits its tag states (and, where the tag says so, not zero).

Beside ReLU, leaky ReLU or max pooling (a network mixing curved and piecewise activations),
each piecewise unit is on the linear piece its pre-activation's sign picks at the point (max
pooling: the window's argmax), decided to 60 digits (the pre-activation after a tanh is a
transcendental number); one within 10^-30 of its kink is a DocumentError naming the unit,
never a guess. The inputs not differentiated by are numbers before anything is
differentiated, so sympy differentiates a curve in one variable. The derivative's arguments,
elided or not (``f_{1}(x_{1}, \\dots, x_{8})``), must be exactly the point's inputs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Context, Decimal
from typing import Any

import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.meaning import Verdict, _zero_index
from symcollapse.reading.nodes import (
    Apply,
    Arguments,
    Derivative,
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
    RealPower,
    Row,
    Sum,
    index_parts,
    walk,
)
from symcollapse.reading.piecewise import MARGIN, Region, check_piecewise, sign, slope
from symcollapse.reading.pooling import window
from symcollapse.reading.values import Mismatch, Noise, Rounding, Unbounded, Value, enclosure

_Z = sp.Symbol("z")

#: The curved activations read, by the name printed, as the standard functions they name.
CURVED: dict[str, Any] = {
    r"\tanh": sp.tanh,
    "tanh": sp.tanh,
    r"\operatorname{tanh}": sp.tanh,
    r"\operatorname{sigmoid}": lambda z: 1 / (1 + sp.exp(-z)),
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)),
    r"\mathrm{tanh}": sp.tanh,  # a forward function's, typeset by latexify
    r"\mathrm{sigmoid}": lambda z: 1 / (1 + sp.exp(-z)),
}

#: Functions of a scalar a curved activation's derivative is written with (JSON's ``exp(z)``).
ELEMENTARY: dict[str, Any] = {
    "exp": sp.exp,
    r"\exp": sp.exp,
    r"\operatorname{exp}": sp.exp,
    "log": sp.log,
    r"\log": sp.log,
    r"\ln": sp.log,
}

#: Working precision (decimal digits) of the number at the point.
PRECISION = 60

#: A tag's claim that the number at the point is not zero (checked: its sign is decided).
NOT_ZERO = re.compile(r"non-zero|not zero")


def _curved(node: Node) -> bool:
    return isinstance(node, Apply) and node.function.key in CURVED


def _piecewise(node: Apply) -> bool:
    """Whether ``node`` applies a piecewise activation (ReLU, leaky ReLU, max pooling)."""
    return slope(node.function) is not None or window(node.function) is not None


def curved(document: Document) -> bool:
    """Whether ``document`` applies a curved activation of :data:`CURVED`."""
    return any(_curved(node) for node in document.nodes())


class CurvedRegion(Region):
    """A piecewise region whose curved activations are the functions named, entry by entry."""

    def applies(self, node: Node) -> bool:
        return _curved(node) or super().applies(node)

    def value(self, node: Node) -> Value:
        if isinstance(node, Apply) and _curved(node):
            function = CURVED[node.function.key]
            argument = self.value(node.argument)
            if isinstance(argument, sp.MatrixBase):
                return argument.applyfunc(function)
            return function(argument)
        return super().value(node)


def check_curved(document: Document, seed: int = 0, rounding: Rounding | None = None) -> Verdict:
    """Every row of the curved ``document``: its second derivatives by sympy, the rest as a
    piecewise document with the curved functions evaluated (notes say which function each name
    was read as)."""
    derivatives = [r for r in document.rows if isinstance(r.lhs, Derivative)]
    rest = replace(document, rows=tuple(r for r in document.rows if r not in derivatives))
    verdict = check_piecewise(rest, seed, rounding, region=CurvedRegion)
    if verdict.false:
        return verdict
    undecided: list[tuple[str, str]] = []
    for row in derivatives:
        try:
            wrong = _derivative_row(row, document, rounding)
        except Mismatch as error:  # 8/0 among the numbers it is evaluated under
            wrong = f"its numbers do not evaluate: {error}"
        except Unbounded as error:  # rounded weights too coarse to decide it
            undecided.append((row.where, str(error)))
            continue
        if wrong:
            return replace(verdict, false=f"{row.where} is false: {wrong}")
    named = sorted({n.function.key for r in document.rows for n in _applied(r)})
    notes = tuple(
        f"{name} read as the standard function it names (the document does not define it)"
        for name in named
    )
    return replace(
        verdict,
        checked=verdict.checked + len(derivatives) - len(undecided),
        unchecked=verdict.unchecked + tuple(undecided),
        notes=verdict.notes + notes,
    )


def _applied(row: Row) -> list[Apply]:
    return [n for s in (row.lhs, row.rhs) if s is not None for n in walk(s) if _curved(n)]  # type: ignore[misc]


def _order(node: Derivative) -> tuple[Node, list[Name]]:
    """What ``node`` differentiates and by what, innermost last."""
    by: list[Name] = []
    while isinstance(node, Derivative):
        if not isinstance(node.by, Name):
            raise DocumentError("cannot read a derivative by something that is not one name")
        by.append(node.by)
        node = node.of  # type: ignore[assignment]
    return node, by


def _derivative_row(row: Row, document: Document, rounding: Rounding | None) -> str | None:
    """What is wrong with the second-derivative ``row`` (None if it holds)."""
    assert isinstance(row.lhs, Derivative)
    of, by = _order(row.lhs)
    if isinstance(of, Apply) and _curved(of) and isinstance(of.argument, Name):
        variable = sp.Symbol(of.argument.key)
        expected = CURVED[of.function.key](variable)
        for name in by:
            expected = sp.diff(expected, sp.Symbol(name.key))
        stated = _scalar(row.rhs, {})
        if sp.simplify(expected - stated) != 0:
            return f"sympy's derivative is {expected}, not {stated}"
        return None
    if isinstance(of, Apply) and (inputs := _inputs(of)) is not None:
        return _at_point(row, of, inputs, by, document, rounding)
    raise DocumentError(f"cannot read {row.where}: a derivative of something not read")


def _inputs(of: Apply) -> tuple[Node, ...] | None:
    """The arguments of an output ``f_{1}(x_{1}, x_{2})`` (Arguments), or of ``f_{1}(x_{1})``
    of one input (its one argument, no comma: an input's entry, with an index); None else."""
    if _curved(of):
        return None
    if isinstance(of.argument, Arguments):
        return of.argument.items
    if isinstance(of.argument, Name) and of.argument.sub:
        return (of.argument,)
    return None


def _scalar(node: Node, symbols: dict[str, Any], at: dict[sp.Symbol, Any] | None = None) -> Any:
    """``node`` as a sympy expression or matrix; names are the values in ``symbols``, else
    scalars of their own; a piecewise activation (ReLU, leaky, max pooling) is the linear piece
    each unit is on at the point ``at`` (the values of the symbols left)."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        if node.key in symbols:
            return symbols[node.key]
        return sp.E if node.key == "e" else sp.Symbol(node.key)
    if isinstance(node, Negative):
        return -_scalar(node.operand, symbols, at)
    if isinstance(node, Sum):
        total = _scalar(node.terms[0], symbols, at)
        for term in node.terms[1:]:
            total = _add(total, _scalar(term, symbols, at))
        return total
    if isinstance(node, Product):
        value = _scalar(node.factors[0], symbols, at)
        for factor in node.factors[1:]:
            value = value * _scalar(factor, symbols, at)
        return value
    if isinstance(node, Quotient):
        denominator = _scalar(node.denominator, symbols, at)
        if denominator == 0:
            raise Mismatch("a division by zero")
        return _scalar(node.numerator, symbols, at) / denominator
    if isinstance(node, Power):
        return _scalar(node.base, symbols, at) ** node.exponent
    if isinstance(node, RealPower):
        return _scalar(node.base, symbols, at) ** _scalar(node.exponent, symbols, at)
    if isinstance(node, Apply) and _piecewise(node):
        return _piece(node.function, _scalar(node.argument, symbols, at), at)
    if isinstance(node, Apply) and _curved(node):
        argument = _scalar(node.argument, symbols, at)
        function = CURVED[node.function.key]
        if isinstance(argument, sp.MatrixBase):
            return argument.applyfunc(function)
        return function(argument)
    if isinstance(node, Apply) and node.function.key in ELEMENTARY:
        return ELEMENTARY[node.function.key](_scalar(node.argument, symbols, at))
    if isinstance(node, MatrixLiteral):
        return sp.Matrix([[_scalar(c, symbols, at) for c in cells] for cells in node.rows])
    raise DocumentError(f"cannot read {type(node).__name__} in a curved network's row")


def _piece(function: Name, argument: Any, at: dict[sp.Symbol, Any] | None) -> Any:
    """The linear piece of the activation ``function`` each unit of ``argument`` is on at the
    point ``at``: ReLU's mask (0 or 1, a leaky slope), max pooling's argmax per window; a unit
    whose pre-activation is within :data:`MARGIN` of its kink is a DocumentError, not a guess."""
    if at is None:
        raise DocumentError(f"cannot read {function.key} of a number: a piece at no point")
    cells = argument if isinstance(argument, sp.MatrixBase) else sp.Matrix([[argument]])
    entries = list(cells)
    pooled = window(function)
    if pooled is not None:
        size, stride = pooled
        if len(entries) < size:
            raise DocumentError(f"max pooling over windows of {size} of {len(entries)} entries")
        picked = []
        for start in range(0, len(entries) - size + 1, stride):
            best = start
            for k in range(start + 1, start + size):
                ahead = sign(sp.sympify(entries[k] - entries[best]).xreplace(at))
                if ahead is None or ahead == 0:
                    raise DocumentError(
                        f"the point is on a kink of unit {start // stride + 1} of {function.key}"
                        f": entries {best + 1} and {k + 1} tie (within {MARGIN})"
                    )
                best = k if ahead > 0 else best
            picked.append(entries[best])
        out = sp.Matrix(picked) if cells.cols == 1 else sp.Matrix([picked])
    else:
        below = slope(function)
        pieces = []
        for k, entry in enumerate(entries):
            side = sign(sp.sympify(entry).xreplace(at))
            if side is None or side == 0:
                raise DocumentError(
                    f"the point is on a kink of unit {k + 1} of {function.key}: its "
                    f"pre-activation is within {MARGIN} of 0"
                )
            pieces.append(entry if side > 0 else below * entry)
        out = sp.Matrix(cells.rows, cells.cols, pieces)
    return out if isinstance(argument, sp.MatrixBase) else out[0, 0]


def _add(left: Any, right: Any) -> Any:
    """``left + right``, a 1x1 matrix and a number added as numbers (``b_2 = 1.75``)."""
    matrices = [isinstance(v, sp.MatrixBase) for v in (left, right)]
    if matrices[0] != matrices[1]:
        matrix, number = (left, right) if matrices[0] else (right, left)
        if matrix.shape != (1, 1):
            raise DocumentError(f"a number added to a {matrix.rows}x{matrix.cols} matrix")
        return matrix + sp.Matrix([[number]])
    return left + right


def _at_point(
    row: Row,
    of: Apply,
    items: tuple[Node, ...],
    by: list[Name],
    document: Document,
    rounding: Rounding | None,
) -> str | None:
    """The number at the point: the merged form (the last ``f(x) = ...`` row) under the
    numbers the document gives last, differentiated, at the point ``x``, to the stated digits."""
    reason = _words(row.reason)
    digits = re.search(r"rounded to (\d+) significant digits", reason)
    stated = _scalar(row.rhs, {})  # 3.02936160370122 \cdot 10^{-20} too
    if digits is None or not getattr(stated, "is_Rational", False):
        raise DocumentError(f"cannot read {row.where}: a number at the point without its digits")
    numbers: dict[str, Any] = {}
    entries: dict[str, dict[str, Any]] = {}  # (A_1)_{16} = 5.89: a wide map given entrywise
    form: Row | None = None
    for r in document.rows:
        given = not any(isinstance(n, Name) for n in walk(r.rhs))  # not [(A_1)_{11} ...]
        if isinstance(r.lhs, Name) and given:
            numbers[r.lhs.key] = _scalar(r.rhs, {})
        if isinstance(r.lhs, Entry) and isinstance(r.lhs.matrix, Name) and given:
            entries.setdefault(r.lhs.matrix.key, {})[r.lhs.index] = _scalar(r.rhs, {})
        if isinstance(r.lhs, Apply) and isinstance(r.lhs.argument, Name) and _uses_curved(r.rhs):
            form = r
    if form is None or not isinstance(form.lhs, Apply) or not isinstance(form.lhs.argument, Name):
        raise DocumentError(f"cannot read {row.where}: no merged form f(x) = ... above it")
    x = form.lhs.argument.key
    if of.function.base != form.lhs.function.base or of.function.sup:  # Q_1 for f_1
        return f"it differentiates {of.function.key}, not an output of {form.lhs.function.key}"
    base = 0 if any(_zero_index(n) for n in document.nodes()) else 1
    used = {n.key for n in walk(form.rhs) if isinstance(n, Name)} - numbers.keys()
    numbers |= {key: _by_entries(entries[key], base) for key in used & entries.keys()}
    if x in numbers and not isinstance(numbers[x], sp.MatrixBase):  # x = 1/3: one input
        numbers[x] = sp.Matrix([[numbers[x]]])
    if x not in numbers:
        raise DocumentError(f"cannot read {row.where}: the point {x} is not given")
    if rounding is not None:  # each number shown stands for every value that rounds to it
        numbers = {key: _widened(value, rounding) for key, value in numbers.items()}
    point = numbers.pop(x)
    variables = [sp.Symbol(f"{x}_{i + 1}") for i in range(len(point))]
    inputs = [Name(form.lhs.argument.base, str(base + i)).key for i in range(len(point))]
    arguments = [a.key if isinstance(a, Name) else repr(a) for a in items]
    if arguments != inputs:  # f_1(x_1, \dots, x_7) of 8 inputs, or of y: not the point's
        return f"{of.function.key} of {', '.join(arguments)}, not of the inputs {', '.join(inputs)}"
    rename = dict(zip(arguments, variables, strict=True))
    for name in by:
        if name.key not in rename:
            raise DocumentError(f"cannot read {row.where}: a derivative by {name.key}")
    # the inputs not differentiated by are their numbers before anything is differentiated
    free = {rename[name.key] for name in by}
    at = {v: p for v, p in zip(variables, point, strict=True) if v in free}
    cells = [v if v in free else p for v, p in zip(variables, point, strict=True)]
    shaped = sp.Matrix(cells).reshape(*point.shape)  # a row vector in the row convention
    try:
        output = _scalar(form.rhs, {**numbers, x: shaped}, at)
    except sp.ShapeError as error:
        return f"its form f(x) = ... does not evaluate under the numbers given: {error}"
    index = int(of.function.sub or base) - base if isinstance(output, sp.MatrixBase) else None
    if index is not None and not 0 <= index < len(output):
        return f"the output {of.function.key} of {len(output)} outputs"
    value = output[index] if index is not None else output
    for name in by:
        value = sp.diff(value, rename[name.key])
    exact = value.xreplace(at)
    unknown = {s for s in getattr(exact, "free_symbols", ()) if not isinstance(s, Noise)}
    if unknown:  # A_1 given twice, A_3 given for it: no number
        names = ", ".join(sorted(str(s) for s in unknown))
        return f"the form f(x) = ... takes no numbers for {names} at the point"
    places = int(digits[1])
    if rounding is not None:  # the weights shown rounded (--digits): the values they stand for
        return _within(exact, stated, Rounding(places), NOT_ZERO.search(reason) is not None)
    true = sp.N(exact, PRECISION)
    if stated != sp.Rational(str(_rounded(true, places))):  # 16 digits shown: false too
        actual = sp.N(true, places + 3)
        return f"the derivative at the point is {actual}, not {sp.N(stated, places)}"
    if NOT_ZERO.search(reason):  # the tag's claim, checked: its sign decided
        side = sign(exact)
        if side is None:
            raise DocumentError(f"cannot read {row.where}: non-zero claimed within {MARGIN} of 0")
        if side == 0:
            return "the derivative at the point is 0, not non-zero"
    return None


def _widened(value: Any, rounding: Rounding) -> Any:
    """A number or matrix of numbers given rounded, as the values it stands for."""
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(rounding.shown)
    return rounding.shown(value) if getattr(value, "is_Rational", False) else value


def _rounded(value: sp.Expr, places: int) -> Decimal:
    """``value`` (a rational, or a float of many more digits) rounded once to ``places``
    significant digits: the digits a page shows. sympy's ``Float(value, places)`` rounds
    twice, to binary and then to decimal, and is one unit off for some values. The printers'
    own rounding (``symcollapse.doc.numbers``) is not imported: the reader shares no code with
    what it checks."""
    exact = sp.Rational(value)
    return Context(prec=places).divide(Decimal(int(exact.p)), Decimal(int(exact.q)))


def _within(exact: sp.Expr, stated: sp.Rational, rounding: Rounding, nonzero: bool) -> str | None:
    """What is wrong with ``stated``, the number at the point rounded as ``rounding`` says, as
    the value of ``exact`` (an expression in the roundings of the weights, :mod:`.values`):
    the values it stands for must meet the bounds of ``exact`` over every rounding, and a
    claim that it is not zero needs every value ``exact`` may take away from 0."""
    low, high = enclosure(exact)  # Unbounded: a division by a number that may be 0
    radius = rounding.radius(stated)
    if stated + radius < low or stated - radius > high:
        shown = (sp.N(v, rounding.digits) for v in (low, high, stated))
        return (
            "the derivative at the point is between {} and {} for the numbers shown, not {}".format(
                *shown
            )
        )
    if nonzero and low <= 0 <= high:
        raise Unbounded(
            "not zero, claimed of a number the rounded weights leave 0 among the values of"
        )
    return None


def _by_entries(cells: dict[str, Any], base: int) -> sp.Matrix:
    """The matrix whose entries ``cells`` gives by index (``16``, ``1,16``; from ``base``)."""
    at = {}
    for index, value in cells.items():
        parts = index_parts(index)
        if len(parts) != 2 or not all(p.isdecimal() for p in parts):
            raise DocumentError(f"cannot read the entry index {index} of a map given entrywise")
        at[int(parts[0]) - base, int(parts[1]) - base] = value
    rows, cols = (max(k[i] for k in at) + 1 for i in (0, 1))
    if len(at) != rows * cols or min(min(k) for k in at) < 0:
        raise DocumentError("a map given entrywise with entries missing")
    return sp.Matrix(rows, cols, lambda i, j: at[i, j])


def _words(reason: str) -> str:
    """A tag's words as one line: a reason wrapped over lines (``\\text{... significant}
    \\text{digits ...}``) joined with single spaces."""
    return " ".join(re.sub(r"\}\s*\\text\{", " ", reason).split())


def _uses_curved(node: Node) -> bool:
    return any(_curved(n) for n in walk(node))


__all__ = ["CURVED", "check_curved", "curved"]
