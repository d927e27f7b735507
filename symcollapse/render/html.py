"""One self-contained web page: the derivation in MathML Core, the network as inline SVG, and
pointing at an entry of ``W_z`` or ``b_z`` highlights its paths and its terms.

Nothing is fetched: browsers lay out MathML themselves, the picture is inline, and the few lines
of script only toggle classes. The steps are a table (left side, relation and right side, reason)
whose long sums break before a top-level sign, as in the other formats. A reason is always in the
last column, on the row of its step's last line, in every section: the browser wraps it there.
"""

from __future__ import annotations

from html import escape

from symcollapse.algebra.collapsing import Collapse
from symcollapse.doc.model import Derivation, Section, Text
from symcollapse.doc.prose import written
from symcollapse.errors import SymcollapseError
from symcollapse.render.arguments import document_arguments
from symcollapse.render.boxes import NetworkBoxPrinter
from symcollapse.render.diagram import diagram, drawn_roles
from symcollapse.render.diagram_svg import render_svg
from symcollapse.render.lines import LETTER_EM
from symcollapse.render.mathml import mathml
from symcollapse.render.mathtree import Box, Op, Row, lines, width
from symcollapse.render.notation import Notation

STYLE = """
body { font-family: "Latin Modern Roman", "STIX Two Text", serif; max-width: 52em;
  margin: 2em auto; padding: 0 1em; line-height: 1.4; color: #111; }
math { font-family: "Latin Modern Math", "STIX Two Math", math; }
.code { font-family: monospace; }
.nowrap { white-space: nowrap; }
figure { margin: 1em 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
table.steps { border-collapse: collapse; margin: 0.5em auto; }
table.steps td { padding: 0.15em 0.3em; vertical-align: baseline; }
td.lhs { text-align: right; }
td.reason { padding-left: 2em; color: #444; }
tr.hl, .entry.hl { background: #ffe9a8; }
.entry { cursor: pointer; }
svg.pointing line:not(.path) { stroke: #d9d9d9; stroke-width: 1; }
svg line.path { stroke: #bf0000; stroke-width: 3; }
svg.pointing text:nth-last-of-type(-n+2) { visibility: hidden; }  /* the caption names (W_z)_11 */
"""

#: Pointing at an entry (hover or keyboard focus) marks everything tagged with it and the edges
#: of its paths: for (W_z)_ij the first layer's edges from input j, for (b_z)_i no first-layer
#: edge (the paths start at a bias); every later layer's edges, the last layer's into output i.
SCRIPT = """
const svg = document.querySelector("figure svg");
function point(tag, on) {
  document.querySelectorAll("[data-entry]").forEach(e => {
    e.classList.toggle("hl", on && e.dataset.entry === tag);
  });
  if (!svg) return;
  const [role, i, j] = tag.split(" ");
  const paths = on && (role === "W_z" || role === "b_z");
  const n = Number(svg.dataset.layers);
  svg.classList.toggle("pointing", paths);
  svg.querySelectorAll("line[data-layer]").forEach(l => {
    const k = Number(l.dataset.layer);
    const fromInput = role === "W_z" ? k > 1 || l.dataset.col === j : k > 1;
    const toOutput = k < n || l.dataset.row === i;
    l.classList.toggle("path", paths && fromInput && toOutput);
  });
}
document.querySelectorAll(".entry").forEach(e => {
  e.setAttribute("tabindex", "0");
  for (const [event, on] of [["mouseenter", true], ["mouseleave", false],
                             ["focus", true], ["blur", false]]) {
    e.addEventListener(event, () => point(e.dataset.entry, on));
  }
});
"""


def _math(box: Box, display: bool = False) -> str:
    block = ' display="block"' if display else ""
    return f"<math{block}>{mathml(box)}</math>"


def prose(parts: Text, printer: NetworkBoxPrinter) -> str:
    """Words escaped, code in ``<code>``, mathematics as inline ``<math>``."""
    return written(
        parts,
        escape,
        lambda code: f"<code>{escape(code)}</code>",
        lambda math: _math(printer.doprint(math)),
    )


def _reason(parts: Text, printer: NetworkBoxPrinter) -> str:
    """A reason in parentheses; a parenthesis never goes to a line of its own (a browser may
    break before or after a formula, so one that touches a parenthesis is held to it)."""
    if not parts:
        return ""
    words = [prose((part,), printer) for part in parts]
    words[0] = "(" + words[0]
    words[-1] += ")"  # after the line above: a one-word reason gets both parentheses
    for k in {0, len(parts) - 1}:
        if not isinstance(parts[k], str):
            words[k] = f'<span class="nowrap">{words[k]}</span>'
    return "".join(words)


def _continued(part: Box) -> str:
    """A line that continues a sum: indented, its leading sign binary (``form="infix"``; first
    in its row, a sign would be set as a prefix, tight against the term)."""
    inner = mathml(part).replace("<mo>", '<mo form="infix">', 1)
    return f'<math><mspace width="1em"></mspace>{inner}</math>'


def steps_table(section: Section, printer: NetworkBoxPrinter) -> str:
    """The steps as table rows; a row whose left side is an entry carries its ``data-entry``."""
    room = printer.notation.line_width * LETTER_EM
    rows = []
    for step in section.steps:
        lhs = None if step.lhs is None else printer.doprint(step.lhs)
        relation = Op("≔" if step.relation == ":=" else "=")
        head = 0.0 if lhs is None else width(lhs) + width(relation)
        parts = lines(printer.doprint(step.rhs), room - head)
        tag = lhs.tag if isinstance(lhs, Row) else None
        entry = "" if tag is None else f' data-entry="{escape(tag)}"'
        reason = _reason(step.reason, printer)
        for k, part in enumerate(parts):
            left = _math(lhs) if lhs is not None and k == 0 else ""
            right = _math(Row((relation, part))) if k == 0 else _continued(part)
            last = reason if k == len(parts) - 1 else ""
            rows.append(
                f'<tr{entry}><td class="lhs">{left}</td><td class="rhs">{right}</td>'
                f'<td class="reason">{last}</td></tr>'
            )
    return '<table class="steps">\n' + "\n".join(rows) + "\n</table>"


def _drawn(derivation: Derivation) -> tuple[int, ...] | None:
    """The widths of the network whose paths the page draws: a symbolic dense collapse's, in
    the column convention (the only one its edges' labels are written in); else None."""
    if not isinstance(derivation.collapse, Collapse) or derivation.convention != "column":
        return None
    return derivation.collapse.network.widths


def page_roles(derivation: Derivation) -> set[str]:
    """The roles the page prints: the derivation's and its picture's (``h`` of the units,
    which a ``--detail full`` derivation does not print)."""
    widths = _drawn(derivation)
    return derivation.roles | (set() if widths is None else drawn_roles(widths, bias=False))


def picture(derivation: Derivation, notation: Notation) -> str:
    """The network's paths as inline SVG, for a symbolic dense collapse; a network too large
    to draw says so instead."""
    widths = _drawn(derivation)
    if widths is None:
        return ""
    try:
        svg = render_svg(diagram(widths, (0, 0), notation))
    except SymcollapseError as error:
        return f"<p>(The picture of the paths is left out: {escape(str(error))}.)</p>"
    hint = "Point at an entry of <i>W</i><sub>z</sub> or <i>b</i><sub>z</sub> to see its paths."
    return f"<figure>\n{svg}<figcaption>{hint}</figcaption>\n</figure>"


def _plain(parts: Text) -> str:
    """Prose as plain words, for the window title (which holds no markup)."""
    return written(parts, str, str, str)


def render_html(derivation: Derivation, notation: Notation | None = None) -> str:
    """The derivation as one HTML page that needs nothing but a browser."""
    notation = document_arguments(derivation, notation)
    printer = NetworkBoxPrinter(derivation.symbols, notation, derivation.roles, derivation.numbers)
    title = prose(derivation.title, printer)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(_plain(derivation.title))}</title>",
        f"<style>{STYLE}</style>\n</head>",
        f"<body>\n<h1>{title}</h1>",
        picture(derivation, notation),
    ]
    for section in derivation.sections:
        out += [
            f"<section>\n<h2>{prose(section.title, printer)}</h2>",
            f"<p>{prose(section.intro, printer)}</p>",
            steps_table(section, printer),
            "</section>",
        ]
    out += [f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
