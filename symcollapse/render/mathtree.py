"""Mathematics as a small tree of layout boxes, for the formats that are not written as LaTeX.

Typst and MathML both describe a formula as nested boxes (identifiers, numbers, operators, rows,
scripts, fractions, matrices); :mod:`symcollapse.render.boxes` prints the document's sympy
objects as these boxes once, and each format writes them out in its own syntax
(:mod:`symcollapse.render.typst`, :mod:`symcollapse.render.mathml`). Line breaking works on the
boxes too (:func:`lines`), by estimated width; :func:`name_box`, :func:`attach` and
:func:`joined` build the boxes every printer of them needs.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    ``tag`` names what the row stands for (``W_z 1 2``), for a page that highlights it;
    ``applied`` marks a function and its argument list (``f(x)``, ``sigma_1(...)``), written
    together as a typesetter writes them (no space in Typst, MathML's function application)."""

    items: tuple[Box, ...]
    sum: bool = False
    tag: str | None = None
    applied: bool = False


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
#: Scripts print at about 70% of the size of their base, a little apart from it.
SCRIPT_SCALE = 0.7
SCRIPT_GAP = 0.12


def width(box: Box) -> float:
    """Estimated printed width of ``box`` in em of the body font: enough to choose line
    breaks, as :mod:`symcollapse.render.widths` measures LaTeX."""
    if isinstance(box, Ident):  # capitals (W, Sigma) are wider than small letters
        if len(box.name) == 1 or box.name in GREEK:
            return 0.8 if box.name[0].isupper() else 0.58
        return 0.5 * len(box.name)
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
        return width(box.base) + SCRIPT_SCALE * max(scripts, default=0.0) + SCRIPT_GAP
    if isinstance(box, Frac):  # displays set fractions at full size
        return max(width(box.numerator), width(box.denominator)) + 0.3
    if isinstance(box, Fenced):
        return width(box.body) + 0.8
    columns = zip(*box.rows, strict=True)
    return sum(max(map(width, column)) + 0.6 for column in columns) + 0.8


def lines(box: Box, room: float) -> list[Box]:
    """``box`` as display lines no wider than ``room`` where it can be: a sum breaks before a
    top-level sign; anything else (``W_3 (W_2 (W_1 x + b_1) + b_2) + b_3`` nested as deep as
    the network) before a sign inside its parentheses or before a parenthesis that opens after a
    factor, so a parenthesis may open on one line and close on a later one. Each line is as
    full as fits; a box with nowhere to break stays whole (never wrong, at worst wide)."""
    if width(box) <= room:
        return [box]
    items = _opened(box)
    chunks: list[list[Box]] = [[]]  # pieces a line may end after: a term, a factor
    for item in items:
        after = chunks[-1][-1] if chunks[-1] else None
        if after is not None and _breaks_before(item, after):
            chunks.append([])
        chunks[-1].append(item)
    if len(chunks) == 1:
        return [box]
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
    tag = box.tag if isinstance(box, Row) else None
    return [Row(tuple(line), sum=True, tag=tag) for line in out]


def _breaks_before(item: Box, after: Box) -> bool:
    """A line may break before a sign, or before an opened parenthesis that follows a factor
    (``W_3 | (W_2 ...``), never right after a sign or an opened parenthesis (a function's
    own, ``sigma_2(``, included)."""
    if isinstance(after, Op) and after.text in ("(", "+", MINUS):
        return False
    if isinstance(after, Row) and after.applied:
        return False
    return isinstance(item, Op) and item.text in ("+", MINUS, "(")


def _opened(box: Box) -> list[Box]:
    """The boxes of ``box`` in a row, with rows and the parentheses around sums opened up, so
    that a line may break inside them (tagged rows, scripts and tall content stay whole); a
    function keeps its opening parenthesis (``sigma_2(`` | ``W_2 ...``)."""
    if isinstance(box, Row) and box.applied and len(box.items) == 2:
        name, argument = box.items
        opened = _opened(argument)
        if len(opened) > 1:
            return [Row((name, opened[0]), applied=True), *opened[1:]]
        return [box]
    if isinstance(box, Row) and box.tag is None:
        return [part for item in box.items for part in _opened(item)]
    if isinstance(box, Fenced) and box.open == "(" and isinstance(box.body, Row):
        return [box] if tall(box.body) else [Op("("), *_opened(box.body), Op(")")]
    return [box]


def tall(box: Box) -> bool:
    """Whether ``box`` holds something taller than a line (a fraction, a matrix, a ``∑``)."""
    if isinstance(box, Frac | Matrix) or (isinstance(box, Script) and box.limits):
        return True
    if isinstance(box, Row):
        return any(map(tall, box.items))
    if isinstance(box, Script):
        return tall(box.base)
    return isinstance(box, Fenced) and tall(box.body)


def name_box(name: str) -> Box:
    """A name as a box: ``W``, ``theta``, ``W_eff`` (a role's name), or any symbol's name with
    its subscripts (``a_12`` -> ``a`` sub ``12``, ``w_3_1_2`` -> ``w`` sub ``3,1,2``)."""
    base, *subs = name.split("_")
    if not subs:
        return Ident(base)
    return Script(Ident(base), sub=joined(Num(s) if s.isdigit() else Ident(s) for s in subs))


def attach(base: Box, sub: Box | None = None, sup: Box | None = None) -> Box:
    """``base`` with scripts; a subscript joins one ``base`` has already (``W_{eff,1}``)."""
    if isinstance(base, Script) and not base.limits and base.sup is None:
        if sub is not None and base.sub is not None:
            sub = Row((base.sub, Op(","), sub))
        return Script(base.base, sub if sub is not None else base.sub, sup)
    if isinstance(base, Script):
        base = Fenced(base)
    return Script(base, sub, sup)


def applied(function: Box, arguments: Box) -> Row:
    """``function`` applied to ``arguments``, in parentheses: ``f(x_1, x_2)``."""
    return Row((function, Fenced(arguments)), applied=True)


def joined(boxes: Iterable[Box], separator: str = ",") -> Box:
    """Boxes with ``separator`` between them; one box as it is."""
    items: list[Box] = []
    for box in boxes:
        items += [Op(separator), box] if items else [box]
    return items[0] if len(items) == 1 else Row(tuple(items))
