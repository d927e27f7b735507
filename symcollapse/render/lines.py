"""Breaking a derivation step into display lines: shared by every math renderer.

A step whose right-hand side is a long sum is split into chunks of terms whose visible width fits
``Notation.line_width``; this is layout, not algebra: the terms come from the printer as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from symcollapse.algebra.paths import PathSum
from symcollapse.doc.model import Step, Text
from symcollapse.render.sums import one_sign
from symcollapse.render.widths import tex_width, tokens

#: One letter of ``Notation.line_width`` in em of the body font: 80 letters are 34.4 em, the
#: text width of a 10 pt ``article`` (345 pt), so a fragment at the default width fits there
#: and in the 11 pt standalone document (483 pt); 53 fit a ``twocolumn`` column (229.5 pt).
LETTER_EM = 0.43


def visible_width(tex: str) -> float:
    """Printed width of math-mode LaTeX in letters of ``line_width`` (see :mod:`.widths`)."""
    return tex_width(tex) / LETTER_EM


@dataclass(frozen=True)
class StepLines:
    """A step laid out: ``lhs``, relation, and one string per display line of the right side,
    with the printed width of each line (in letters, as :func:`visible_width` measures)."""

    lhs: str | None
    relation: str
    lines: tuple[str, ...]
    reason: Text
    widths: tuple[float, ...]


def layout(step: Step, printer: sp.printing.printer.Printer, width: float) -> StepLines:
    """Lay out ``step`` with ``printer``, breaking a long sum after whole terms.

    A Σ term (its signs and summand) breaks only before it or between terms while it fits a
    line of its own. One that fits no line is written with one sign over all its indices
    (``\\sum_{k_1, k_2}``, as a Σ over more than three always is; the prose states their
    ranges), and one that still fits none breaks between its summand's factors, as a product
    does."""
    laid = _broken(_printed(step, printer, width), split=False)
    room = rhs_width(laid.lhs, width)
    if all(line <= room for line in laid.widths) or not _has_sum(step.rhs):
        return laid
    with one_sign(printer):
        printed = _printed(step, printer, width)
    joined = _broken(printed, split=False)
    if all(line <= room for line in joined.widths):
        return joined
    return _broken(printed, split=True)


def _has_sum(rhs: object) -> bool:
    return isinstance(rhs, sp.Basic) and rhs.has(sp.Sum)


@dataclass(frozen=True)
class _Printed:
    """A step printed, its right side in lines of whole pieces (terms, factors, column blocks;
    or the whole side) with their widths: what :func:`_broken` breaks inside where too wide.
    Printed once for both ways of breaking a Σ term's summand (a deep sum prints slowly)."""

    step: Step
    lhs: str | None
    room: float
    lines: tuple[tuple[str, float], ...]


def _printed(step: Step, printer: sp.printing.printer.Printer, width: float) -> _Printed:
    """``step`` printed with ``printer`` in lines of whole pieces as wide as ``width`` allows."""
    lhs = None if step.lhs is None else printer.doprint(step.lhs)
    rhs = step.rhs
    width = rhs_width(lhs, width)
    if isinstance(rhs, PathSum | sp.Add):  # a sum is as wide as its pieces in a row
        pieces = _pieces(rhs, printer, width)
        widths = _Widths(pieces)
        if (whole_width := widths.line(0, len(pieces))) <= width:
            # a path sum's terms are plain products: the pieces in a row are the whole sum
            whole = " ".join(pieces) if isinstance(rhs, PathSum) else printer.doprint(rhs)
            return _Printed(step, lhs, width, ((whole, whole_width),))
    else:
        whole = printer.doprint(rhs)
        whole_width = visible_width(whole)
        if whole_width <= width or not isinstance(rhs, sp.MatMul | sp.MatrixBase):
            return _Printed(step, lhs, width, ((whole, whole_width),))  # one term breaks inside
        pieces = _pieces(rhs, printer, width)
        widths = _Widths(pieces)
    ranges = _balanced(pieces, width, widths) or _breaks(pieces, width, widths)
    lines = tuple((" ".join(pieces[a:b]), widths.line(a, b)) for a, b in ranges)
    return _Printed(step, lhs, width, lines)


def _broken(printed: _Printed, split: bool) -> StepLines:
    """``printed`` laid out, each line too wide broken inside (:func:`_unnested`), a Σ term's
    summand too (``split``) where it fits no line, or not."""
    lines: list[str] = []
    line_widths: list[float] = []
    for line, line_width in printed.lines:
        parts = _unnested(line, printed.room, split) if line_width > printed.room else (line,)
        lines += parts
        line_widths += [line_width] if len(parts) == 1 else map(visible_width, parts)
    step = printed.step
    return StepLines(printed.lhs, step.relation, tuple(lines), step.reason, tuple(line_widths))


#: Where a line may break inside nested parentheses: before a binary operator.
BREAKABLE = frozenset({"+", "-", r"\cdot"})


def _unnested(line: str, width: float, split: bool) -> tuple[str, ...]:
    """A line wider than ``width`` that no term or factor boundary breaks (``W_3 (W_2 (W_1 x +
    b_1) + b_2) + b_3`` nested as deep as the network), broken before binary operators inside
    its parentheses, each line as full as fits. ``\\left( ... \\right)`` become ``\\bigl(
    ... \\bigr)``, which need not close on the same line; a line holding a fraction, a matrix or
    any other ``\\left`` delimiter (which must size to what it holds) is left whole. A Σ
    term's summand breaks only with ``split``, and then only where the term fits no line."""
    if r"\frac" in line or r"\begin" in line or re.search(r"\\left[^(]|\\right[^)]", line):
        return (line,)
    parts = tokens(line.replace(r"\left(", r"\bigl(").replace(r"\right)", r"\bigr)"))
    ends, lines, start, first = [*_cuts(parts, width if split else None)], [], 0, 0
    ends.append(len(parts))

    def fits(end: int) -> bool:
        return visible_width(_line(parts, start, ends[end])) <= width

    while True:  # each line the first end after its start and then as many as fit: galloping,
        last, step = first, 1  # then bisection (a longer line is never narrower), so a line
        while last + step < len(ends) and fits(last + step):  # of k ends takes log k widths
            last, step = last + step, 2 * step
        over = min(last + step, len(ends))
        while over - last > 1:
            middle = (last + over) // 2
            last, over = (middle, over) if fits(middle) else (last, middle)
        lines.append(_line(parts, start, ends[last]))
        if last == len(ends) - 1:
            break
        start, first = ends[last], last + 1
    return tuple(lines) if len(lines) > 1 else (line,)


#: Tokens a line never breaks after: an opening parenthesis, a relation, a binary operator.
NO_BREAK_AFTER = frozenset({"(", "=", *BREAKABLE})

#: Big operators: a line never breaks between one and what it sums (its summand follows it).
BIG_OPERATORS = frozenset({r"\sum", r"\prod"})


def _cuts(parts: list[str], width: float | None = None) -> list[int]:
    """Where a line of tokens may break: before an operator, or at a space between two factors
    (a product) unless the factor before it is a sum sign with its limits, outside braces.

    A sum sign and its summand (``\\sum_{k_1} \\sum_{k_2} w^{(3)}_{i k_2} w^{(2)}_{k_2 k_1}
    w^{(1)}_{k_1 j}``, up to the next sign of its level) are one term: a line breaks between
    such terms or before the sign, not inside the summand, unless the term alone is wider than
    ``width`` (None: any width), where it breaks between the summand's factors as a product
    does: the rule for a summand that fits no line."""
    cuts: list[int] = []
    inside: list[tuple[int, int]] = []  # the cuts of each summand: (first, past the last)
    depth, parens, previous, head = 0, 0, None, None  # head: first token of the factor read
    summand: tuple[int, int] | None = None  # the summand being read: its parens, first cut
    for i, token in enumerate(parts):
        depth += (token == "{") - (token == "}")
        if depth == 0:
            parens += (token == "(") - (token == ")")
        ends = depth == 0 and (token in ("+", "-") or token == ")")
        if summand is not None and ends and parens <= summand[0]:
            inside.append((summand[1], len(cuts)))
            summand = None
        follows = previous is not None and previous not in NO_BREAK_AFTER
        product = depth == 0 and _between_factors(parts, i) and head not in BIG_OPERATORS
        if depth == 0 and follows and (token in BREAKABLE or product):
            cuts.append(i)
        if depth == 0 and token in BIG_OPERATORS and summand is None:
            summand = (parens, len(cuts))
        if depth == 0 and not token.isspace() and (head is None or parts[i - 1].isspace()):
            head = token
        previous = previous if token.isspace() else token
    if summand is not None:
        inside.append((summand[1], len(cuts)))
    dropped: set[int] = set()
    for first, stop in inside:
        start = cuts[first - 1] if first else 0  # where the term's line would start
        end = cuts[stop] if stop < len(cuts) else len(parts)
        if width is None or visible_width(_line(parts, start, end)) <= width:
            dropped.update(cuts[first:stop])
    return [cut for cut in cuts if cut not in dropped]


def _between_factors(parts: list[str], i: int) -> bool:
    """Whether token ``i`` is the space of an implicit product: a factor follows it."""
    if not parts[i].isspace():
        return False
    following = parts[i + 1] if i + 1 < len(parts) else ""
    before = parts[i - 1] if i else ""
    return following not in FACTOR_ENDS and before not in ELISIONS


#: Dots that stand for elided factors: a line does not break next to them.
ELISIONS = frozenset({r"\cdots", r"\dots", r"\ldots"})

#: What ends a product rather than starting a factor: a space before one is no product's.
FACTOR_ENDS = frozenset({"", ")", r"\bigr", r"\right", *ELISIONS, *BREAKABLE})


def _line(parts: list[str], start: int, stop: int) -> str:
    """Tokens ``start`` to ``stop`` as one line; one that starts inside a product (at a space
    between factors) continues it with ``\\cdot``, as a product broken between factors does."""
    text = "".join(parts[start:stop]).strip()
    return rf"\cdot {text}" if start and parts[start].isspace() else text


def _pieces(
    rhs: sp.Expr | PathSum, printer: sp.printing.printer.Printer, width: float
) -> list[str]:
    """The unbreakable pieces of a long right side: its terms, the factors of a product of
    matrices too wide for a line (continued with the printer's ``product_break``), and the
    column blocks of an explicit matrix too wide for a line (see :func:`_matrix_pieces`)."""
    is_sum = isinstance(rhs, PathSum | sp.Add)
    terms = printer.ordered_terms(rhs) if is_sum else [rhs]
    signs = printer.terms(rhs) if is_sum else [("+", printer.doprint(rhs))]
    pieces = []
    for i, (term, (sign, text)) in enumerate(zip(terms, signs, strict=True)):
        prefix = "" if i == 0 and sign == "+" else f"{sign} "
        factors = term.args if isinstance(term, sp.MatMul) and sign == "+" else ()
        if len(factors) > 1 and visible_width(text) > width:
            for k, factor in enumerate(factors):
                lead = prefix if k == 0 else f"{printer.product_break} "
                pieces += _matrix_pieces(lead, factor, printer, width)
        elif isinstance(term, sp.MatrixBase) and visible_width(text) > width:
            pieces += _matrix_pieces(prefix, term, printer, width)
        else:
            pieces.append(prefix + text)
    return pieces


def _matrix_pieces(
    lead: str, factor: sp.Basic, printer: sp.printing.printer.Printer, width: float
) -> list[str]:
    """``factor`` after ``lead``; an explicit matrix too wide for a line as blocks of as many
    whole columns as fit, one piece each, when the printer can write a matrix split over lines
    (``matrix_columns``). The numbers of a trained model's products have some 25 digits."""
    whole = lead + printer.parenthesize(factor, PRECEDENCE["Mul"])
    columns = getattr(printer, "matrix_columns", None)
    matrix = isinstance(factor, sp.MatrixBase) and factor.cols > 0
    if not matrix or columns is None or visible_width(whole) <= width:
        return [whole]
    blocks: list[str] = []
    start = 0
    while start < factor.cols:
        head = "" if blocks else lead
        measure = partial(_block_width, columns, factor, head, start)
        stop = _last_fitting(measure, start, factor.cols, width)
        blocks.append(head + columns(factor, start, stop))
        start = stop
    return blocks


def _block_width(
    columns: Callable[[sp.MatrixBase, int, int], str],
    matrix: sp.MatrixBase,
    head: str,
    start: int,
    stop: int,
) -> float:
    return visible_width(head + columns(matrix, start, stop))


def _last_fitting(measure: Callable[[int], float], start: int, end: int, width: float) -> int:
    """The largest ``stop`` in ``start + 1 .. end`` with ``measure(stop) <= width`` (widths grow
    with ``stop``), by bisection; ``start + 1`` when even that does not fit."""
    low, high = start + 1, end
    while low < high:
        middle = (low + high + 1) // 2
        if measure(middle) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def rhs_width(lhs: str | None, width: float) -> float:
    """Room for the right side of a step: the line less ``lhs =`` and the indent of a
    continuation line (half the line at least, so a long name never leaves no room)."""
    return max(width - visible_width(rf"{lhs or ''} = \quad"), width / 2)


def fitted(
    steps: tuple[Step, ...], printer: sp.printing.printer.Printer, width: float
) -> list[Step]:
    """``steps``, with a matrix too wide for the line written entry by entry: the matrix of entry
    names when that fits, then one step per entry (which line breaking can split), but for an
    entry that is its own name (a row whose two sides print alike says nothing). A matrix of
    its own entries' names stays whole: :func:`layout` splits it into blocks of columns.

    A named matrix is written so when it does not fit; a matrix continuing a chain (no left
    side: it equals the chain's last named matrix) only when one of its columns alone does not
    fit, since :func:`layout` can split a wider one into blocks of whole columns.
    """
    out: list[Step] = []
    chain = None
    for step in steps:
        matrix, name = step.rhs, step.lhs
        chain = chain if name is None else name
        continued = name is None and _column_too_wide(matrix, chain, printer, width)
        if continued:
            name = chain
        if not (isinstance(matrix, sp.MatrixBase) and isinstance(name, sp.MatrixSymbol)):
            out.append(step)
            continue
        room = rhs_width(printer.doprint(name), width)
        cells = [(i, j) for i in range(matrix.rows) for j in range(matrix.cols)]
        if not continued and visible_width(printer.doprint(matrix)) <= room:
            out.append(step)
            continue
        names = sp.ImmutableMatrix(matrix.rows, matrix.cols, [name[i, j] for i, j in cells])
        fits = visible_width(printer.doprint(names)) <= room
        parts = [(None if continued else name, names)] if fits else []
        # an entry that is its own name would print (W_z)_{11} = (W_z)_{11}, saying nothing
        parts += [(name[i, j], matrix[i, j]) for i, j in cells if matrix[i, j] != name[i, j]]
        if not parts:  # the matrix of its own entries' names: whole, in blocks of columns
            out.append(step)
            continue
        out += [
            Step(lhs, rhs, () if k else step.reason, step.relation, step.check)
            for k, (lhs, rhs) in enumerate(parts)
        ]
    return out


def _column_too_wide(
    matrix: object, chain: object, printer: sp.printing.printer.Printer, width: float
) -> bool:
    """Whether ``matrix`` continues the chain of the matrix ``chain`` (same shape) and one of its
    columns alone is wider than a continuation line."""
    if not (isinstance(matrix, sp.MatrixBase) and isinstance(chain, sp.MatrixSymbol)):
        return False
    if matrix.shape != chain.shape:
        return False
    room = rhs_width(None, width)
    return any(visible_width(printer.doprint(matrix[:, j])) > room for j in range(matrix.cols))


class _Widths:
    """Printed widths of pieces: a line of pieces ``a..b`` is as wide as piece ``a`` alone plus
    every later piece as it prints after another one (its sign then a binary operator). Exact for
    the width model, and linear instead of quadratic in the terms.

    A piece without groups that span spaces (no ``\\left``, environments or ``\\frac{a b}``) is a
    run of atoms whose widths add up, so it is measured chunk by chunk with a cache: a document
    prints each symbol thousands of times.
    """

    def __init__(self, pieces: list[str]) -> None:
        self.alone = [_piece_width(piece, after=False) for piece in pieces]
        self.after = [_piece_width(piece, after=True) for piece in pieces]

    def line(self, start: int, stop: int) -> float:
        return self.alone[start] + sum(self.after[start + 1 : stop])


def _piece_width(piece: str, after: bool) -> float:
    if "\\left" in piece or "\\begin" in piece:
        return _after_width(piece) if after else visible_width(piece)
    first, *rest = piece.split(" ")
    lead, balanced = _after_chunk(first) if after else _chunk(first)
    total = lead
    for chunk in rest:
        width, chunk_balanced = _chunk(chunk)
        total += width
        balanced = balanced and chunk_balanced
    if not balanced:  # a group spans a space: measure the piece whole
        return _after_width(piece) if after else visible_width(piece)
    return total


@lru_cache(maxsize=65536)
def _chunk(chunk: str) -> tuple[float, bool]:
    """A chunk's width, and whether its braces balance (else a group spans a space)."""
    return visible_width(chunk), chunk.count("{") == chunk.count("}")


@lru_cache(maxsize=65536)
def _after_chunk(chunk: str) -> tuple[float, bool]:
    return _after_width(chunk), chunk.count("{") == chunk.count("}")


@lru_cache(maxsize=65536)
def _after_width(text: str) -> float:
    """The width ``text`` adds when it follows another atom (a leading sign becomes binary)."""
    return visible_width(f"x {text}") - visible_width("x")


def _breaks(pieces: list[str], width: float, widths: _Widths) -> list[tuple[int, int]]:
    """Greedy filling as index ranges: each line takes as many whole pieces as fit."""
    ranges: list[tuple[int, int]] = []
    start, current = 0, 0.0
    for i in range(len(pieces)):
        current = widths.alone[i] if i == start else current + widths.after[i]
        if i > start and current > width:
            ranges.append((start, i))
            start, current = i, widths.alone[i]
    return [*ranges, (start, len(pieces))]


def _balanced(pieces: list[str], width: float, widths: _Widths) -> list[tuple[int, int]] | None:
    """As many lines as greedy filling (:func:`_breaks`) needs, with terms spread evenly, as
    index ranges; None if one is too wide."""
    count = len(_breaks(pieces, width, widths))
    per_line = -(-len(pieces) // count)
    ranges = [(i, min(i + per_line, len(pieces))) for i in range(0, len(pieces), per_line)]
    fits = len(ranges) == count and all(widths.line(a, b) <= width for a, b in ranges)
    return ranges if fits else None
