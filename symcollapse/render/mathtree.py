"""Mathematics as a small tree of layout boxes, for the formats that are not written as LaTeX.

Typst and MathML both describe a formula as nested boxes (identifiers, numbers, operators, rows,
scripts, fractions, matrices); :mod:`symcollapse.render.boxes` prints the document's sympy
objects as these boxes once, and each format writes them out in its own syntax
(:mod:`symcollapse.render.typst`, :mod:`symcollapse.render.mathml`). Line breaking works on the
boxes too: a long sum breaks before one of its top-level ``+``/``-`` signs, by estimated width.
"""

from __future__ import annotations

from dataclasses import dataclass

from symcollapse.render.names import GREEK

#: The minus sign (not the hyphen ``-``).
MINUS = "\u2212"


@dataclass(frozen=True)
class Ident:
    """An identifier: a letter, a Greek letter's name (``theta``), or a word set upright."""

    name: str


@dataclass(frozen=True)
class Num:
    """A number as written (``3``, ``0.25``); never negative (the sign is an :class:`Op`)."""

    text: str


@dataclass(frozen=True)
class Op:
    """An operator or separator as its Unicode character (``+``, :data:`MINUS`, ``⋯``, ``∑``)."""

    text: str


@dataclass(frozen=True)
class Words:
    """Prose inside a formula; ``code`` sets it in a monospaced font (a Coq name, a layer)."""

    text: str
    code: bool = False


@dataclass(frozen=True)
class Row:
    """Boxes side by side. ``sum`` marks a sum, which may break before its top-level signs;
    ``tag`` names what the row stands for (``W_z 1 2``), for a page that highlights it."""

    items: tuple[Box, ...]
    sum: bool = False
    tag: str | None = None


@dataclass(frozen=True)
class Script:
    """``base`` with a subscript and/or superscript; ``limits`` sets them under and over
    (a display ``∑``)."""

    base: Box
    sub: Box | None = None
    sup: Box | None = None
    limits: bool = False


@dataclass(frozen=True)
class Frac:
    numerator: Box
    denominator: Box


@dataclass(frozen=True)
class Fenced:
    """``body`` between delimiters that grow with it."""

    body: Box
    open: str = "("
    close: str = ")"


@dataclass(frozen=True)
class Matrix:
    """A matrix of boxes between ``open`` and ``close`` brackets."""

    rows: tuple[tuple[Box, ...], ...]
    open: str = "["
    close: str = "]"


Box = Ident | Num | Op | Words | Row | Script | Frac | Fenced | Matrix

#: How wide an operator prints with the spaces around it, in em (binary operators and relations
#: get medium and thick spaces on both sides); other operators are :data:`OPERATOR_EM`.
SPACED_EM = {"+": 1.2, MINUS: 1.2, "=": 1.35, "≔": 1.6, "≥": 1.35, "<": 1.35, "≤": 1.35}
OPERATOR_EM = 0.6
#: Scripts print at about 70% of the size of their base.
SCRIPT_SCALE = 0.7


def width(box: Box) -> float:
    """Estimated printed width of ``box`` in em of the body font: enough to choose line
    breaks, as :mod:`symcollapse.render.widths` measures LaTeX."""
    if isinstance(box, Ident):
        return 0.6 if len(box.name) == 1 or box.name in GREEK else 0.5 * len(box.name)
    if isinstance(box, Num):
        return 0.5 * len(box.text)
    if isinstance(box, Op):
        return SPACED_EM.get(box.text, OPERATOR_EM)
    if isinstance(box, Words):
        return 0.45 * len(box.text)
    if isinstance(box, Row):
        return sum(map(width, box.items))
    if isinstance(box, Script):
        scripts = [width(s) for s in (box.sub, box.sup) if s is not None]
        return width(box.base) + SCRIPT_SCALE * max(scripts, default=0.0)
    if isinstance(box, Frac):
        return SCRIPT_SCALE * max(width(box.numerator), width(box.denominator)) + 0.3
    if isinstance(box, Fenced):
        return width(box.body) + 0.8
    columns = zip(*box.rows, strict=True)
    return sum(max(map(width, column)) + 1.0 for column in columns) + 0.8


def lines(box: Box, room: float) -> list[Box]:
    """``box`` as display lines no wider than ``room`` where it can be: a sum breaks before a
    top-level sign, each line as full as fits; anything else stays whole (never wrong, at worst
    wide). A line that continues a sum starts with its sign."""
    if not (isinstance(box, Row) and box.sum) or width(box) <= room:
        return [box]
    chunks: list[list[Box]] = [[]]  # each term with the sign before it
    for item in box.items:
        if isinstance(item, Op) and item.text in ("+", MINUS) and chunks[-1]:
            chunks.append([])
        chunks[-1].append(item)
    out: list[list[Box]] = []
    used = room
    for chunk in chunks:
        size = sum(map(width, chunk))
        if out and used + size <= room:
            out[-1] += chunk
            used += size
        else:
            out.append(list(chunk))
            used = size
    return [Row(tuple(line), sum=True, tag=box.tag) for line in out]
