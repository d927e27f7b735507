"""A picture of the paths: the network's units and weighted edges, with the paths that make up
one entry of ``W_z`` highlighted, as TikZ for papers (:mod:`symcollapse.render.svg` draws the same
layout as SVG).

Entry ``(W_z)_{ij}`` is a sum with one product per path from input ``j`` to output ``i``: the
highlighted edges are those from input ``j`` in the first layer, every edge between hidden
layers, and those into output ``i`` in the last layer. Every label sits on its edge at a fraction
``t`` of the way across its layer, chosen so that no two labels of a layer are closer than
``LABEL_HEIGHT`` vertically (labels of different layers are ``LAYER_GAP`` apart horizontally).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.network import build_network
from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.widths import Spec

#: Horizontal distance between layers, unit radius, and the room one edge label needs (cm).
LAYER_GAP = 3.6
RADIUS = 0.34
LABEL_HEIGHT = 0.56
#: Least vertical distance between units of a layer (cm); more when labels need it.
MIN_UNIT_GAP = 1.5
#: Fractions of a layer's width where labels may sit: far enough from the units to clear them.
LABEL_POSITIONS = tuple(Fraction(p, 100) for p in range(25, 46))
#: Largest picture drawn (cm): beyond this, labels would need a poster.
MAX_HEIGHT = 18.0
MAX_LAYERS = 6

#: The colour of the paths: TikZ's ``red!75!black``, and the same as RGB for SVG.
HIGHLIGHT = "red!75!black"
HIGHLIGHT_RGB = "#bf0000"


@dataclass(frozen=True)
class Edge:
    """Entry ``(row, col)`` (0-based) of the weight matrix of ``layer``, drawn as an edge."""

    layer: int
    row: int
    col: int
    symbol: sp.Symbol
    label: str
    highlighted: bool
    label_at: tuple[float, float]


@dataclass(frozen=True)
class Diagram:
    """Positions (cm, y upwards) of every unit and edge label, and which edges are on the paths."""

    widths: tuple[int, ...]
    entry: tuple[int, int]
    units: tuple[tuple[tuple[float, float], ...], ...]
    unit_labels: tuple[tuple[str, ...], ...]
    edges: tuple[Edge, ...]
    layer_labels: tuple[str, ...]
    entry_label: str

    @property
    def paths(self) -> int:
        """How many paths make up the entry: the product of the hidden widths."""
        return int(sp.prod(self.widths[1:-1]))


def _separation(t: Fraction, sources: int, targets: int) -> Fraction:
    """Least vertical distance (in unit gaps) between two labels at fraction ``t`` of a layer."""
    gaps = [
        abs((1 - t) * da + t * db)
        for da in range(-(sources - 1), sources)
        for db in range(-(targets - 1), targets)
        if (da, db) != (0, 0)
    ]
    return min(gaps, default=Fraction(1))


def _too_tall(widths: tuple[int, ...], height: float) -> str:
    return (
        f"a diagram of widths {' '.join(map(str, widths))} would be at least {height:.0f} cm "
        f"tall (its edge labels need room), above the limit of {MAX_HEIGHT:.0f} cm; draw a "
        "network with fewer units per layer"
    )


def diagram(
    widths: Sequence[object], entry: tuple[int, int] = (0, 0), notation: Notation | None = None
) -> Diagram:
    """Lay out the network of ``widths`` with the paths of ``W_z[entry]`` (0-based) highlighted.

    Raises :class:`SizeLimitError` before any drawing when the picture would be taller than
    ``MAX_HEIGHT`` cm or have more than ``MAX_LAYERS`` layers.
    """
    d = Spec(tuple(widths)).widths
    n = len(d) - 1
    if n > MAX_LAYERS:
        raise SizeLimitError(f"a diagram of {n} layers is above the limit of {MAX_LAYERS}")
    if not (0 <= entry[0] < d[-1] and 0 <= entry[1] < d[0]):
        raise OptionError(
            f"entry {entry} (0-based) is not an entry of W_z, a {d[-1]} x {d[0]} matrix"
        )
    if (max(d) - 1) * MIN_UNIT_GAP > MAX_HEIGHT:  # refused before the label search below
        raise SizeLimitError(_too_tall(d, (max(d) - 1) * MIN_UNIT_GAP))
    positions = [
        max(LABEL_POSITIONS, key=lambda t, k=k: (_separation(t, d[k - 1], d[k]), -t))
        for k in range(1, n + 1)
    ]
    least = min(_separation(t, d[k], d[k + 1]) for k, t in enumerate(positions))
    gap = max(MIN_UNIT_GAP, LABEL_HEIGHT / float(least))
    height = gap * (max(d) - 1)
    if height > MAX_HEIGHT:
        raise SizeLimitError(_too_tall(d, height))
    units = tuple(
        tuple((k * LAYER_GAP, ((width - 1) / 2 - u) * gap) for u in range(width))
        for k, width in enumerate(d)
    )
    network = build_network(Spec(d))
    printer = NetworkLatexPrinter(network.entries, notation or Notation())
    i, j = entry
    edges = []
    for k, W in enumerate(network.weights, start=1):
        t = float(positions[k - 1])
        for row in range(W.rows):
            for col in range(W.cols):
                (x0, y0), (x1, y1) = units[k - 1][col], units[k][row]
                on_path = (k > 1 or col == j) and (k < n or row == i)
                at = (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
                label = printer.doprint(W[row, col])
                edges.append(Edge(k, row, col, W[row, col], label, on_path, at))
    base = printer.notation.index_base
    unit_labels = [tuple(printer.doprint(x) for x in network.x)]
    unit_labels += [
        tuple(printer.doprint(symbols.scalar("h", u + base, sup=k)) for u in range(width))
        for k, width in enumerate(d[1:-1], start=1)
    ]
    unit_labels.append(tuple(f"f_{{{r + base}}}" for r in range(d[-1])))
    return Diagram(
        widths=d,
        entry=(i, j),
        units=units,
        unit_labels=tuple(unit_labels),
        edges=tuple(edges),
        layer_labels=tuple(printer.doprint(W) for W in network.weight_symbols),
        entry_label=printer.doprint(symbols.matrix("W_z", d[-1], d[0])[i, j]),
    )


def paths_phrase(picture: Diagram) -> str:
    """``"9 paths"`` or ``"1 path"``."""
    return f"{picture.paths} path{'s' if picture.paths != 1 else ''}"


def caption(picture: Diagram) -> tuple[str, str, str]:
    """LaTeX of the caption's mathematics: the entry, the input it starts at, its output."""
    i, j = picture.entry
    return picture.entry_label, picture.unit_labels[0][j], picture.unit_labels[-1][i]


def render_tikz(picture: Diagram, *, caption_node: bool = False, fit: bool = True) -> str:
    """A ``tikzpicture`` to ``\\input`` in a document that loads TikZ.

    ``fit`` scales the picture down to ``\\linewidth`` where it is wider (a column of a
    two-column paper), never up; ``caption_node`` adds a sentence under the picture (off: a paper
    has its own ``\\caption``).
    """
    out = [
        "% The paths behind one entry of W_z; needs \\usepackage{tikz}.",
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
    for k, layer in enumerate(picture.units):
        for u, (x, y) in enumerate(layer):
            label = picture.unit_labels[k][u]
            text = f"${label}$" if label else ""
            out.append(f"\\node[unit] (u{k}-{u}) at ({x:.3f},{y:.3f}) {{{text}}};")
    on_top = sorted(picture.edges, key=lambda e: e.highlighted)
    for e in on_top:
        style = "onpath" if e.highlighted else "offpath"
        out.append(f"\\draw[{style}] (u{e.layer - 1}-{e.col}) -- (u{e.layer}-{e.row});")
    for e in on_top:
        colour = f"text={HIGHLIGHT}" if e.highlighted else "text=black!60"
        x, y = e.label_at
        out.append(f"\\node[weight, {colour}] at ({x:.3f},{y:.3f}) {{${e.label}$}};")
    top = max(y for layer in picture.units for _, y in layer) + 0.9
    for k, W in enumerate(picture.layer_labels):
        out.append(f"\\node at ({(k + 0.5) * LAYER_GAP:.3f},{top:.3f}) {{${W}$}};")
    if caption_node:
        entry, source, target = caption(picture)
        middle = (len(picture.units) - 1) * LAYER_GAP / 2
        out.append(
            f"\\node[text width={2 * middle:.1f}cm, align=center] at ({middle:.3f},{-top:.3f}) "
            f"{{{paths_phrase(picture)} from ${source}$ to ${target}$ (highlighted): "
            f"${entry}$ is the sum over them of the product of their weights.}};"
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
