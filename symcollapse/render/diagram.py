"""A picture of the paths: the network's units and weighted edges, with the paths that make up
one entry of ``W_z`` or ``b_z`` highlighted, as TikZ for papers (:mod:`symcollapse.render.svg`
draws the same layout as SVG).

Entry ``(W_z)_{ij}`` is a sum with one product per path from input ``j`` to output ``i``: the
highlighted edges are those from input ``j`` in the first layer, every edge between hidden
layers, and those into output ``i`` in the last layer. Entry ``(b_z)_i`` is a sum with one term
per path from a unit's bias to output ``i``: every unit but the inputs carries a bias on them
(highlighted with them), and every edge after the first layer into a unit on them.

A large network is drawn with elided middles: a layer wider than ``MAX_UNITS`` shows its first
and last ``ENDS`` units (and the highlighted entry's own input or output unit) around a vertical
ellipsis, and a network of more than ``MAX_LAYERS`` layers its first ``FIRST_LAYERS`` and last
``LAST_LAYERS`` layers around a horizontal one. Edge labels are drawn when every drawn layer is
at most ``LABELED_WIDTH`` wide (or on request): each sits on its edge at a fraction ``t`` of the
way across its layer, chosen so that no two labels of a layer are closer than ``LABEL_HEIGHT``
vertically (labels of different layers are ``LAYER_GAP`` apart horizontally).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from math import prod

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.network import Entry
from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.spec.widths import parse_widths

#: Horizontal distance between layers, unit radius, and the room one edge label needs (cm).
LAYER_GAP = 3.6
RADIUS = 0.34
LABEL_HEIGHT = 0.56
#: Least vertical distance between units of a layer (cm); more when labels need it.
MIN_UNIT_GAP = 1.5
#: Fractions of a layer's width where labels may sit: far enough from the units to clear them.
LABEL_POSITIONS = tuple(Fraction(p, 100) for p in range(25, 46))
#: Largest picture drawn (cm): labels forced on wide layers could need a poster.
MAX_HEIGHT = 18.0
#: Most units drawn per layer, and how many at each end a wider layer shows.
MAX_UNITS, ENDS = 6, 2
#: Most weight layers drawn, and how many at each end a deeper network shows.
MAX_LAYERS, FIRST_LAYERS, LAST_LAYERS = 6, 2, 2
#: Widest drawn layer whose edges are labelled by default: a 4 x 4 layer's 16 labels crowd
#: the middle of the picture into unreadable type (``labels=True`` draws them all the same).
LABELED_WIDTH = 3

#: The colour of the paths: TikZ's ``red!75!black``, and the same as RGB for SVG.
HIGHLIGHT = "red!75!black"
HIGHLIGHT_RGB = "#bf0000"


@dataclass(frozen=True)
class Unit:
    """Unit ``index`` (0-based) of network layer ``layer``, drawn at ``at`` (cm, y upwards) as
    node ``name``; ``highlighted`` when its bias is on the paths (an entry of ``b_z``)."""

    layer: int
    index: int
    at: tuple[float, float]
    label: str
    name: str
    highlighted: bool = False


@dataclass(frozen=True)
class Edge:
    """Entry ``(row, col)`` (0-based) of the weight matrix of ``layer``, drawn as an edge from
    node ``source`` at ``start`` to node ``target`` at ``end``; its label at ``label_at``, or
    none (None) when the picture leaves edge labels off."""

    layer: int
    row: int
    col: int
    symbol: sp.Symbol
    label: str
    highlighted: bool
    label_at: tuple[float, float] | None
    source: str
    target: str
    start: tuple[float, float]
    end: tuple[float, float]


def drawn_roles(widths: tuple[int, ...], bias: bool) -> frozenset[str]:
    """The roles the labels of a picture of ``widths`` print: the units' ``x``, ``h`` (when a
    layer is hidden) and ``f``, the edges' ``W``, and the entry's ``b_z`` (``bias``) or ``W_z``."""
    hidden = {"h"} if len(widths) > 2 else set()
    return frozenset({"x", "W", "f", "b_z" if bias else "W_z", *hidden})


@dataclass(frozen=True)
class Diagram:
    """Positions (cm, y upwards) of every drawn unit, edge and label, which edges and units are
    on the paths of ``entry`` (``(i, j)`` of ``W_z``, ``(i,)`` of ``b_z``, 0-based), and where
    an ellipsis stands for units (``"v"``) or layers (``"h"``) left out."""

    widths: tuple[int, ...]
    entry: tuple[int, ...]
    units: tuple[Unit, ...]
    edges: tuple[Edge, ...]
    layer_labels: tuple[tuple[float, str], ...]
    ellipses: tuple[tuple[float, float, str], ...]
    entry_label: str
    source_label: str | None
    target_label: str

    @property
    def roles(self) -> frozenset[str]:
        """The roles its labels print (:func:`drawn_roles`)."""
        return drawn_roles(self.widths, self.bias)

    @property
    def bias(self) -> bool:
        """Whether the highlighted entry is one of ``b_z``."""
        return len(self.entry) == 1

    @property
    def paths(self) -> int:
        """How many paths (terms) make up the entry: the product of the hidden widths for
        ``W_z``; for ``b_z``, one per path from each layer's biases to the output."""
        d = self.widths
        if self.bias:
            return sum(prod(d[k:-1]) for k in range(1, len(d)))
        return prod(d[1:-1])

    @property
    def top(self) -> float:
        """The height of the highest unit (cm)."""
        return max(unit.at[1] for unit in self.units)


def _separation(t: Fraction, sources: int, targets: int) -> Fraction:
    """Least vertical distance (in unit gaps) between two labels at fraction ``t`` of a layer."""
    gaps = [
        abs((1 - t) * da + t * db)
        for da in range(-(sources - 1), sources)
        for db in range(-(targets - 1), targets)
        if (da, db) != (0, 0)
    ]
    return min(gaps, default=Fraction(1))


def _label_position(sources: int, targets: int) -> Fraction:
    """Where a layer's labels sit: the fraction that keeps them farthest apart, the nearest to
    the sources among equals."""
    return max(LABEL_POSITIONS, key=lambda t: (_separation(t, sources, targets), -t))


def _slots(width: int, keep: set[int]) -> list[int | None]:
    """The units of a layer as drawn, top to bottom: all of them, or the first and last
    :data:`ENDS` and those in ``keep``, with None for each run of units left out."""
    if width <= MAX_UNITS:
        return list(range(width))
    shown = sorted({*range(ENDS), *range(width - ENDS, width), *keep})
    slots: list[int | None] = [shown[0]]
    for before, unit in pairwise(shown):
        if unit != before + 1:
            slots.append(None)
        slots.append(unit)
    return slots


def _drawn_layers(n: int) -> list[int | None]:
    """The network layers drawn, left to right: all, or the first and last few with None for
    the layers left out."""
    if n <= MAX_LAYERS:
        return list(range(n + 1))
    return [*range(FIRST_LAYERS + 1), None, *range(n - LAST_LAYERS, n + 1)]


def _check_entry(d: tuple[int, ...], entry: tuple[int, ...]) -> None:
    if len(entry) == 2 and 0 <= entry[0] < d[-1] and 0 <= entry[1] < d[0]:
        return
    if len(entry) == 1 and 0 <= entry[0] < d[-1]:
        return
    raise OptionError(
        f"entry {entry} (0-based) is not an entry of W_z, a {d[-1]} x {d[0]} matrix, nor "
        f"(i,) of b_z, a {d[-1]} x 1 vector"
    )


def _too_tall(widths: tuple[int, ...], height: float) -> str:
    return (
        f"a diagram of widths {' '.join(map(str, widths))} with its edge labels would be "
        f"{height:.0f} cm tall, above the limit of {MAX_HEIGHT:.0f} cm; leave the labels off "
        "(the default for layers wider than 3)"
    )


def diagram(
    widths: Sequence[object],
    entry: tuple[int, ...] = (0, 0),
    notation: Notation | None = None,
    *,
    labels: bool | None = None,
    convention: Convention = DEFAULT_CONVENTION,
) -> Diagram:
    """Lay out the network of ``widths`` with the paths of ``W_z[i, j]`` (``entry=(i, j)``) or
    ``b_z[i]`` (``entry=(i,)``) highlighted, 0-based: ``i`` the output, ``j`` the input, in
    either convention. ``labels`` draws the edge labels (True), leaves them off (False) or, by
    default, draws them when no drawn layer is wider than :data:`LABELED_WIDTH`. In the ``row``
    convention the labels are the row form's: the edge from unit ``a`` to unit ``b`` of layer
    ``k`` is ``w^{(k)}_{ab}``, ``W_k`` has ``d_{k-1}`` rows and the entry is ``(W_z)_{ji}``.

    Raises :class:`OptionError` for an entry outside ``W_z`` and ``b_z``, and
    :class:`SizeLimitError` before any drawing when labels asked for would make the picture
    taller than ``MAX_HEIGHT`` cm.
    """
    d = parse_widths(tuple(widths))
    row_form = check_convention(convention) == "row"
    entry = tuple(entry)
    _check_entry(d, entry)
    n = len(d) - 1
    bias = len(entry) == 1
    i = entry[0]
    layers = _drawn_layers(n)
    keep = {0: {entry[1]} if not bias else set(), n: {i}}
    slots = {k: _slots(d[k], keep.get(k, set())) for k in layers if k is not None}
    labelled = (
        labels
        if labels is not None
        else all(len(s) <= LABELED_WIDTH and None not in s for s in slots.values())
        and None not in layers
    )
    pairs = [(a, b) for a, b in pairwise(layers) if a is not None and b is not None]
    positions = {b: _label_position(len(slots[a]), len(slots[b])) for a, b in pairs}
    gap = MIN_UNIT_GAP
    if labelled and pairs:
        least = min(_separation(positions[b], len(slots[a]), len(slots[b])) for a, b in pairs)
        gap = max(MIN_UNIT_GAP, LABEL_HEIGHT / float(least))
    height = gap * (max(len(s) for s in slots.values()) - 1)
    if height > MAX_HEIGHT:
        raise SizeLimitError(_too_tall(d, height))
    printer_entries: dict[sp.Symbol, Entry] = {}

    def symbol(entry: Entry) -> sp.Symbol:
        made = sp.Symbol(entry.name)
        printer_entries[made] = entry
        return made

    # only the drawn entries get symbols: a layer of 10^5 units draws five
    inputs = {u: symbol(Entry("x", 0, u)) for u in slots[0] if u is not None}
    weights = {
        (b, row, col): symbol(Entry("W", b, col, row) if row_form else Entry("W", b, row, col))
        for a, b in pairs
        for row in slots[b]
        if row is not None
        for col in slots[a]
        if col is not None
    }
    printer = NetworkLatexPrinter(printer_entries, notation or Notation())
    base = printer.notation.index_base

    def unit_label(k: int, u: int) -> str:
        if k == 0:
            return printer.doprint(inputs[u])
        if k == n:
            return f"{printer.role_latex('f')}_{{{u + base}}}"
        return printer.doprint(symbols.scalar("h", u + base, sup=k))

    units: list[Unit] = []
    where: dict[tuple[int, int], tuple[float, float]] = {}
    ellipses: list[tuple[float, float, str]] = []
    for column, k in enumerate(layers):
        x = column * LAYER_GAP
        if k is None:
            ellipses.append((x, 0.0, "h"))
            continue
        for slot, u in enumerate(slots[k]):
            y = ((len(slots[k]) - 1) / 2 - slot) * gap
            if u is None:
                ellipses.append((x, y, "v"))
                continue
            where[k, u] = (x, y)
            on_path = bias and k > 0 and (k < n or u == i)
            units.append(Unit(k, u, (x, y), unit_label(k, u), f"u{k}-{u}", on_path))
    edges = []
    for a, b in pairs:
        t = float(positions[b])
        for row in slots[b]:
            for col in slots[a]:
                if row is None or col is None:
                    continue
                (x0, y0), (x1, y1) = where[a, col], where[b, row]
                into = b < n or row == i
                on_path = into and (b > 1 if bias else (b > 1 or col == entry[1]))
                label_at = (x0 + t * (x1 - x0), y0 + t * (y1 - y0)) if labelled else None
                w = weights[b, row, col]
                edges.append(
                    Edge(
                        b,
                        row,
                        col,
                        w,
                        printer.doprint(w),
                        on_path,
                        label_at,
                        f"u{a}-{col}",
                        f"u{b}-{row}",
                        (x0, y0),
                        (x1, y1),
                    )
                )
    layer_labels = []
    for column, (left, right) in enumerate(pairwise(layers)):
        x = (column + 0.5) * LAYER_GAP
        if left is not None and right is not None:
            shape = (d[left], d[right]) if row_form else (d[right], d[left])
            layer_labels.append((x, printer.doprint(symbols.matrix("W", *shape, right))))
    if bias:
        name = symbols.matrix("b_z", *((1, d[-1]) if row_form else (d[-1], 1)))
        label = name[0, i] if row_form else name[i, 0]
    else:
        name = symbols.matrix("W_z", *((d[0], d[-1]) if row_form else (d[-1], d[0])))
        label = name[entry[1], i] if row_form else name[i, entry[1]]
    return Diagram(
        widths=d,
        entry=entry,
        units=tuple(units),
        edges=tuple(edges),
        layer_labels=tuple(layer_labels),
        ellipses=tuple(ellipses),
        entry_label=printer.doprint(label),
        source_label=None if bias else unit_label(0, entry[1]),
        target_label=unit_label(n, i),
    )


def paths_phrase(picture: Diagram) -> str:
    """``"9 paths"`` or ``"1 path"``."""
    return f"{picture.paths} path{'s' if picture.paths != 1 else ''}"


def caption(picture: Diagram) -> tuple[str, str | None, str]:
    """LaTeX of the caption's mathematics: the entry, the input it starts at (None for an entry
    of ``b_z``, whose paths start at every bias), its output."""
    return picture.entry_label, picture.source_label, picture.target_label


def caption_end(picture: Diagram) -> str:
    """What the entry is, after ``is``: a sum of products of weights, or of biases times them."""
    if picture.bias:
        return "the sum over them of each bias times the product of the weights after it."
    return "the sum over them of the product of their weights."


def render_tikz(picture: Diagram, *, caption_node: bool = False, fit: bool = True) -> str:
    """A ``tikzpicture`` to ``\\input`` in a document that loads TikZ.

    ``fit`` scales the picture down to ``\\linewidth`` where it is wider (a column of a
    two-column paper), never up; ``caption_node`` adds a sentence under the picture (off: a paper
    has its own ``\\caption``).
    """
    what = "b_z" if picture.bias else "W_z"
    out = [
        f"% The paths behind one entry of {what}; needs \\usepackage{{tikz}}.",
        *(
            ["\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%"]
            if fit
            else []
        ),
        "\\begin{tikzpicture}[",
        f"  unit/.style={{circle, draw, minimum size={2 * RADIUS}cm, inner sep=0pt}},",
        "  weight/.style={font=\\scriptsize, fill=white, fill opacity=0.85, text opacity=1,"
        " inner sep=1pt},",
        f"  onpath/.style={{draw={HIGHLIGHT}, very thick}}, offpath/.style={{draw=black!30}}]",
    ]
    for unit in picture.units:
        x, y = unit.at
        style = "unit, onpath" if unit.highlighted else "unit"
        out.append(f"\\node[{style}] ({unit.name}) at ({x:.3f},{y:.3f}) {{${unit.label}$}};")
    for x, y, kind in picture.ellipses:
        dots = "\\vdots" if kind == "v" else "\\cdots"
        out.append(f"\\node at ({x:.3f},{y:.3f}) {{${dots}$}};")
    on_top = sorted(picture.edges, key=lambda e: e.highlighted)
    for e in on_top:
        style = "onpath" if e.highlighted else "offpath"
        out.append(f"\\draw[{style}] ({e.source}) -- ({e.target});")
    for e in on_top:
        if e.label_at is None:
            continue
        colour = f"text={HIGHLIGHT}" if e.highlighted else "text=black!60"
        x, y = e.label_at
        out.append(f"\\node[weight, {colour}] at ({x:.3f},{y:.3f}) {{${e.label}$}};")
    top = picture.top + 0.9
    for x, W in picture.layer_labels:
        out.append(f"\\node at ({x:.3f},{top:.3f}) {{${W}$}};")
    if caption_node:
        entry, source, target = caption(picture)
        start = f"from ${source}$" if source is not None else "from the biases of the units"
        middle = max(x for x, _ in (unit.at for unit in picture.units)) / 2
        out.append(
            f"\\node[text width={2 * middle:.1f}cm, align=center] at ({middle:.3f},{-top:.3f}) "
            f"{{{paths_phrase(picture)} {start} to ${target}$ (highlighted): ${entry}$ is "
            f"{caption_end(picture)}}};"
        )
    out.append(
        "\\path (current bounding box.south west) ++(-0.2,-0.2)"
        " (current bounding box.north east) ++(0.2,0.2);"
    )
    out.append("\\end{tikzpicture}" + ("}" if fit else ""))
    return "\n".join(out) + "\n"


def tikz_document(picture: Diagram, *, caption_node: bool = False) -> str:
    """A document whose one page is the picture (plain ``article``: no ``standalone`` class needed).

    The picture is set in a box and shipped out on a page of exactly its size.
    """
    return (
        "\\documentclass{article}\n\\usepackage{tikz}\n\\newsavebox{\\paths}\n"
        "\\begin{document}\n\\sbox{\\paths}{%\n"
        + render_tikz(picture, caption_node=caption_node, fit=False)
        + "}%\n\\pdfpagewidth=\\wd\\paths\n"
        "\\pdfpageheight=\\dimexpr\\ht\\paths+\\dp\\paths\\relax\n"
        "\\hoffset=-1in\n\\voffset=-1in\n\\shipout\\box\\paths\n\\end{document}\n"
    )
