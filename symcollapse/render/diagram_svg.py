"""The picture of the paths as SVG, written directly (no plotting library, same output every run).

Same layout as the TikZ picture (:func:`symcollapse.render.diagram.diagram`); the LaTeX of each
label (``w^{(2)}_{13}``, ``\\Omega_{1}``, ``\\left(W_{z}\\right)_{11}``) becomes text with raised
and lowered ``tspan`` parts, for answers on sites that take an image. Each edge says which entry
of which layer it is (``data-layer``, ``data-row``, ``data-col``, 1-based), so a page can
highlight the paths of any entry.
"""

from __future__ import annotations

import re
from html import escape

from symcollapse.render.diagram import (
    HIGHLIGHT_RGB,
    RADIUS,
    Diagram,
    caption,
    caption_end,
    paths_phrase,
)
from symcollapse.render.names import GREEK, GREEK_CHARACTERS

#: Pixels per centimetre of the layout, and font sizes (px) of unit and edge labels.
SCALE = 40
UNIT_FONT = 16
LABEL_FONT = 12
MARGIN = 24
#: Least picture width (px): the caption's longer line, in UNIT_FONT serif, with margins.
CAPTION_WIDTH = 460

_TOKEN = re.compile(r"\\left\(|\\right\)|\\mathrm|\\[A-Za-z]+|[_^]|\{|\}|[^\\_^{}]")


def _group(tokens: list[str]) -> list[str]:
    """The tokens of one argument: a braced group or a single token."""
    first = tokens.pop(0)
    if first != "{":
        return [first]
    depth, inside = 1, []
    while tokens:
        token = tokens.pop(0)
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth == 0:
            break
        inside.append(token)
    return inside


def _plain(tokens: list[str]) -> str:
    """Script contents as plain text (no further scripts in our labels' scripts)."""
    out = []
    for token in tokens:
        if token.startswith("\\") and token[1:] in GREEK:
            out.append(GREEK_CHARACTERS[token[1:]])
        elif token not in ("{", "}", "\\mathrm"):
            out.append({"\\left(": "(", "\\right)": ")"}.get(token, token))
    return "".join(out)


def tspans(latex: str, size: int) -> str:
    """SVG text for one label: letters as they are, scripts smaller and shifted with ``dy``."""
    tokens = _TOKEN.findall(latex)
    out, shift, script = [], 0.0, round(size * 0.7)
    while tokens:
        token = tokens.pop(0)
        if token in ("^", "_"):
            target = -0.38 * size if token == "^" else 0.28 * size
            text = escape(_plain(_group(tokens)))
            out.append(f'<tspan dy="{target - shift:.1f}" font-size="{script}">{text}</tspan>')
            shift = target
        else:
            text = escape(_plain([token]))
            if shift:
                out.append(f'<tspan dy="{-shift:.1f}">{text}</tspan>')
                shift = 0.0
            else:
                out.append(text)
    if shift:  # back to the baseline, for whatever text follows the label
        out.append(f'<tspan dy="{-shift:.1f}">\u200b</tspan>')
    return "".join(out)


def _math(latex: str) -> str:
    """Mathematics inside a line of words: italic, as the labels are, scripts set by
    :func:`tspans`."""
    return f'<tspan font-style="italic">{tspans(latex, UNIT_FONT)}</tspan>'


def render_svg(picture: Diagram) -> str:
    """The picture as a standalone SVG document."""
    xs = [unit.at[0] for unit in picture.units] + [x for x, _, _ in picture.ellipses]
    ys = [unit.at[1] for unit in picture.units]
    top, bottom = max(ys) + 1.0, min(ys) - RADIUS - 0.8
    layout_width = (max(xs) - min(xs) + 2 * RADIUS) * SCALE + 2 * MARGIN
    width = max(layout_width, CAPTION_WIDTH)
    height = (top - bottom) * SCALE + 2 * MARGIN + 1.4 * UNIT_FONT

    def at(x: float, y: float) -> tuple[float, float]:
        left = (width - layout_width) / 2 + MARGIN
        return (x + RADIUS) * SCALE + left, (top - y) * SCALE + MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="serif" '
        f'data-layers="{len(picture.widths) - 1}">',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
    ]
    edges = sorted(picture.edges, key=lambda e: e.highlighted)
    for e in edges:
        (x0, y0), (x1, y1) = at(*e.start), at(*e.end)
        stroke = (
            f'stroke="{HIGHLIGHT_RGB}" stroke-width="2.4"'
            if e.highlighted
            else ('stroke="#b3b3b3" stroke-width="1"')
        )
        edge = f'data-layer="{e.layer}" data-row="{e.row + 1}" data-col="{e.col + 1}"'
        out.append(
            f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" {stroke} {edge}/>'
        )
    for e in edges:
        if e.label_at is None:
            continue
        x, y = at(*e.label_at)
        colour = HIGHLIGHT_RGB if e.highlighted else "#666666"
        box = 0.62 * LABEL_FONT * len(_plain(_TOKEN.findall(e.label))) + 4
        out.append(
            f'<rect x="{x - box / 2:.1f}" y="{y - 0.75 * LABEL_FONT:.1f}" width="{box:.1f}" '
            f'height="{1.5 * LABEL_FONT:.1f}" fill="white" fill-opacity="0.85"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{y + 0.3 * LABEL_FONT:.1f}" font-size="{LABEL_FONT}" '
            f'font-style="italic" text-anchor="middle" fill="{colour}">'
            f"{tspans(e.label, LABEL_FONT)}</text>"
        )
    for unit in picture.units:
        cx, cy = at(*unit.at)
        stroke = (
            f'stroke="{HIGHLIGHT_RGB}" stroke-width="2.4"'
            if unit.highlighted
            else ('stroke="black" stroke-width="1.2"')
        )
        out.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS * SCALE:.1f}" fill="white" {stroke}/>'
        )
        # a hidden unit's h^{(k)}_i fits its circle in the labels' size
        size = LABEL_FONT if "^" in unit.label else UNIT_FONT
        out.append(
            f'<text class="unit" x="{cx:.1f}" y="{cy + 0.35 * size:.1f}" '
            f'font-size="{size}" font-style="italic" text-anchor="middle">'
            f"{tspans(unit.label, size)}</text>"
        )
    for x, y, kind in picture.ellipses:
        cx, cy = at(x, y)
        dots = "\u22ee" if kind == "v" else "\u22ef"
        out.append(
            f'<text class="ellipsis" x="{cx:.1f}" y="{cy + 0.35 * UNIT_FONT:.1f}" '
            f'font-size="{UNIT_FONT}" text-anchor="middle">{dots}</text>'
        )
    for x, W in picture.layer_labels:
        out.append(
            f'<text x="{at(x, 0)[0]:.1f}" y="{at(0, top - 0.4)[1]:.1f}" font-size="{UNIT_FONT}" '
            f'font-style="italic" text-anchor="middle">{tspans(W, UNIT_FONT)}</text>'
        )
    entry, source, target = caption(picture)
    start = f"from {_math(source)}" if source is not None else "from the biases"
    lines = (
        f"{paths_phrase(picture)} {start} to {_math(target)} (highlighted): {_math(entry)} is",
        caption_end(picture),
    )
    for number, line in enumerate(lines):
        y = at(0, bottom)[1] + number * 1.4 * UNIT_FONT
        out.append(
            f'<text class="caption" x="{width / 2:.1f}" y="{y:.1f}" font-size="{UNIT_FONT}" '
            f'text-anchor="middle">{line}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
