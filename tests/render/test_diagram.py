"""The picture of the paths: the right edges highlighted, labels apart, TikZ that compiles."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.collapsing import collapse
from symcollapse.cli import main
from symcollapse.derivations.convention import RowEntry, in_convention
from symcollapse.derivations.dense import derive
from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.render.diagram import RADIUS, diagram, render_tikz, tikz_document
from symcollapse.render.diagram_svg import LABEL_FONT, render_svg
from symcollapse.render.notation import Notation

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"

networks = st.lists(st.integers(1, 4), min_size=2, max_size=5).flatmap(
    lambda d: st.tuples(st.just(tuple(d)), st.integers(0, d[-1] - 1), st.integers(0, d[0] - 1))
)


@settings(max_examples=25, deadline=None)
@given(networks)
def test_highlighted_edges_are_the_weights_of_the_entry(network):
    """The algebra's (W_z)_ij: its weights are the highlighted edges, one term per path."""
    widths, i, j = network
    picture = diagram(widths, (i, j))
    entry = collapse(widths).W_z[i, j]
    assert {e.symbol for e in picture.edges if e.highlighted} == entry.free_symbols
    assert picture.paths == len(sp.Add.make_args(sp.expand(entry)))


@settings(max_examples=25, deadline=None)
@given(networks)
def test_row_labels_are_the_row_derivations_weights(network):
    """In the row convention each edge from unit a of layer k-1 to unit b of layer k is the row
    document's w^{(k)}_{ab}, the highlighted edges are the weights of its (W_z)_{ji}, and the
    entry is named so."""
    widths, i, j = network
    picture = diagram(widths, (i, j), convention="row")
    row = in_convention(derive(widths, detail="standard"), "row")
    for e in picture.edges:
        assert row.symbols[e.symbol] == RowEntry("W", e.layer, e.col, e.row)
        assert e.label == f"w^{{({e.layer})}}_{{{e.col + 1}{e.row + 1}}}"
    entry = row.collapse.W_z[j, i]
    assert {e.symbol for e in picture.edges if e.highlighted} == entry.free_symbols
    assert picture.entry_label == rf"\left(W_{{z}}\right)_{{{j + 1}{i + 1}}}"
    assert [W for _, W in picture.layer_labels][:1] == ["W_{1}"]


def test_the_row_entry_option_is_input_then_output(tmp_path, capsys):
    """``--diagram-entry 2,1`` with ``--convention row`` is (W_z)_{21}: from x_2 to f_1."""
    argv = ["derive", "2", "3", "1", "--diagram", "--diagram-entry", "2,1", "--diagram-caption"]
    assert main([*argv, "--convention", "row", "--out", str(tmp_path)]) == 0
    tikz = (tmp_path / "collapse-2-3-1-paths.tex").read_text()
    assert r"from $x_{2}$ to $f_{1}$ (highlighted): $\left(W_{z}\right)_{21}$" in tikz
    assert r"{$w^{(1)}_{23}$}" in tikz  # from x_2 to h_3
    assert main([*argv[:-2], "1,2", "--convention", "row"]) == 2
    assert "W_z, which has 2 row(s) and 1 column(s)" in capsys.readouterr().err


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """Boxes (left, top, right, bottom) of the edge labels and the units, read from the SVG."""
    root = ET.fromstring(svg)
    boxes = []
    for text in root.iter(f"{SVG}text"):
        if text.get("font-size") != str(LABEL_FONT) or text.get("class") == "unit":
            continue  # a unit's label is inside its circle, whose box follows
        chars = len("".join(text.itertext()).replace("\u200b", ""))
        x, y, w = float(text.get("x")), float(text.get("y")), 0.6 * LABEL_FONT * chars
        boxes.append((x - w / 2, y - 1.05 * LABEL_FONT, x + w / 2, y + 0.45 * LABEL_FONT))
    for circle in root.iter(f"{SVG}circle"):
        x, y, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
        boxes.append((x - r, y - r, x + r, y + r))
    return boxes


@settings(max_examples=25, deadline=None)
@given(networks)
def test_no_two_labels_or_units_overlap(network):
    """Labels forced on, even for 4-wide layers (off there by default)."""
    widths, i, j = network
    boxes = _boxes(render_svg(diagram(widths, (i, j), labels=True)))
    assert len(boxes) == sum(a * b for a, b in itertools.pairwise(widths)) + sum(widths)
    for a, b in itertools.combinations(boxes, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (a, b)


@pytest.mark.parametrize(
    ("notation", "label"),
    [
        (Notation(), r"{$w^{(2)}_{12}$}"),
        (Notation(entry_style="flat", index_base=0), r"{$W_{2,01}$}"),
        (Notation().renamed({"W": "Omega"}), r"{$\omega^{(2)}_{12}$}"),  # Greek entries: lower case
    ],
)
def test_labels_are_the_derivations_notation(notation, label):
    tikz = render_tikz(diagram((2, 3, 1), (0, 1), notation), caption_node=True)
    assert label in tikz
    assert "1 path" not in tikz and "3 paths from $x_{" in tikz


@pytest.mark.parametrize(
    ("notation", "unit", "entry"),
    [
        (Notation(), r"{$h_{3}^{(2)}$}", r"$\left(W_{z}\right)_{12}$"),
        (Notation(index_base=0), r"{$h_{2}^{(2)}$}", r"$\left(W_{z}\right)_{01}$"),
        (Notation().renamed({"W": "Theta", "h": "a"}), r"{$a_{3}^{(2)}$}", r"\Theta_{z}"),
        (Notation().renamed({"W_z": "M"}), r"{$h_{1}^{(1)}$}", r"$\left(M\right)_{12}$"),
    ],
)
def test_hidden_units_and_the_caption_are_named_in_the_notation(notation, unit, entry):
    tikz = render_tikz(diagram((2, 3, 3, 1), (0, 1), notation), caption_node=True)
    assert unit in tikz and entry in tikz


def test_no_caption_unless_asked_and_never_wider_than_the_line():
    tikz = render_tikz(diagram((2, 3, 3, 1)))
    assert "paths from" not in tikz and "text width" not in tikz
    assert tikz.count(r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%") == 1
    assert tikz.rstrip().endswith(r"\end{tikzpicture}}")
    assert r"\resizebox" not in tikz_document(diagram((2, 3, 3, 1)))


def test_svg_is_well_formed_with_every_label():
    svg = render_svg(diagram((2, 3, 3, 1)))
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert sum(t.startswith("w(") for t in texts) == 6 + 9 + 3
    assert "9 paths from x1\u200b to f1\u200b (highlighted): (Wz)11\u200b is" in texts


def _drawn(picture) -> dict[int, list[int]]:
    """Network layer -> the units drawn of it."""
    drawn: dict[int, list[int]] = {}
    for unit in picture.units:
        drawn.setdefault(unit.layer, []).append(unit.index)
    return drawn


@pytest.mark.parametrize(
    ("widths", "entry", "layers", "units"),
    [
        ((4, 8, 8, 8, 3), (2, 1), [0, 1, 2, 3, 4], {0: [0, 1, 2, 3], 1: [0, 1, 6, 7]}),
        ((10**5, 1), (0, 500), [0, 1], {0: [0, 1, 500, 99998, 99999], 1: [0]}),
        ((2,) + (3,) * 8 + (1,), (0, 1), [0, 1, 2, 7, 8, 9], {0: [0, 1], 8: [0, 1, 2]}),
        ((12,) * 10, (11,), [0, 1, 2, 7, 8, 9], {0: [0, 1, 10, 11], 9: [0, 1, 10, 11]}),
    ],
)
def test_large_networks_are_drawn_with_elided_middles(widths, entry, layers, units):
    picture = diagram(widths, entry)
    drawn = _drawn(picture)
    assert sorted(drawn) == layers
    assert {k: drawn[k] for k in units} == units
    vertical = [e for e in picture.ellipses if e[2] == "v"]
    horizontal = [e for e in picture.ellipses if e[2] == "h"]
    assert len(horizontal) == (len(widths) - 1 > 6)
    gaps = sum(len([1 for a, b in itertools.pairwise(drawn[k]) if b != a + 1]) for k in drawn)
    assert len(vertical) == gaps
    assert all(e.label_at is None for e in picture.edges)  # wide layers: labels off
    svg = render_svg(picture)
    assert svg.count('class="ellipsis"') == len(picture.ellipses)
    assert render_tikz(picture).count(r"\vdots") == len(vertical)


def test_labels_off_past_three_units_unless_asked():
    assert all(e.label_at is not None for e in diagram((2, 3, 3, 1)).edges)
    assert all(e.label_at is None for e in diagram((4, 4, 1)).edges)
    assert all(e.label_at is not None for e in diagram((4, 4, 1), labels=True).edges)
    assert all(e.label_at is None for e in diagram((2, 3, 1), labels=False).edges)


def test_labels_forced_on_too_many_units_are_refused():
    with pytest.raises(SizeLimitError, match="leave the labels off"):
        diagram((6, 6, 6), labels=True)


@settings(max_examples=25, deadline=None)
@given(networks)
def test_b_z_paths_are_the_entry_of_b_z(network):
    """The algebra's (b_z)_i: the highlighted edges are its weights, the highlighted units its
    biases, and there is one path per term."""
    widths, i, _ = network
    picture = diagram(widths, (i,))
    entry = sp.expand(collapse(widths).b_z[i])
    weights = {e.symbol.name for e in picture.edges if e.highlighted}
    biases = {(u.layer, u.index) for u in picture.units if u.highlighted}
    names = {s.name for s in entry.free_symbols}
    assert weights == {n for n in names if n.startswith("w_")}
    assert {f"b_{k}_{u + 1}" for k, u in biases} == {n for n in names if n.startswith("b_")}
    assert picture.paths == len(sp.Add.make_args(entry))


@pytest.mark.parametrize("entry", [(1, 0), (0, 2), (1,), (0, 0, 0)])
def test_an_entry_outside_W_z_and_b_z_is_refused(entry):
    with pytest.raises(OptionError, match="not an entry of W_z"):
        diagram((2, 3, 1), entry)


def test_derive_diagram_writes_the_files(tmp_path, capsys):
    argv = ["derive", "2", "3", "1", "--diagram", "--diagram-entry", "1,2", "--out", str(tmp_path)]
    assert main(argv) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"collapse-2-3-1.tex", "collapse-2-3-1-paths.tex", "collapse-2-3-1-paths.svg"}
    assert "paths from" not in (tmp_path / "collapse-2-3-1-paths.tex").read_text()
    assert main([*argv, "--diagram-caption"]) == 0
    assert "from $x_{2}$ to $f_{1}$" in (tmp_path / "collapse-2-3-1-paths.tex").read_text()


def test_diagram_entry_needs_diagram(capsys):
    assert main(["derive", "2", "1", "--diagram-entry", "1,2"]) == 2
    assert capsys.readouterr().err == "symcollapse: error: --diagram-entry goes with --diagram\n"


def test_the_example_picture_in_output_is_current():
    picture = diagram((2, 3, 3, 1))
    assert (ROOT / "output" / "example-paths.tex").read_text() == render_tikz(picture)
    assert (ROOT / "output" / "example-paths.svg").read_text() == render_svg(picture)


@pytest.mark.latex
@pytest.mark.parametrize(("widths", "entry"), [((2, 3, 3, 1), (0, 0)), ((3, 4, 2, 2), (1, 2))])
def test_tikz_compiles(widths, entry, compile_latex):
    assert compile_latex(tikz_document(diagram(widths, entry))).stat().st_size > 0


@pytest.mark.latex
def test_the_example_picture_inputs_into_a_two_column_paper(compile_latex):
    paper = (
        "\\documentclass[twocolumn]{article}\n\\usepackage{tikz}\n\\begin{document}\n"
        "\\begin{figure*}\\centering\n"
        + (ROOT / "output" / "example-paths.tex").read_text()
        + "\\caption{The paths of the 2-3-3-1 example.}\\end{figure*}\nText.\n\\end{document}\n"
    )
    assert re.fullmatch(r".*\.pdf", compile_latex(paper).name)


@pytest.mark.latex
def test_diagram_png_is_the_compiled_picture(tmp_path, capsys):
    argv = ["derive", "2", "3", "3", "1", "--diagram", "--diagram-png", "--out", str(tmp_path)]
    assert main(argv) == 0
    png = (tmp_path / "collapse-2-3-3-1-paths.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > height > 200  # the picture, wider than tall: not a blank letter-size page


@pytest.mark.parametrize("flag", ["--diagram-png", "--diagram-caption", "--diagram-labels"])
def test_diagram_flags_need_diagram(capsys, flag):
    assert main(["derive", "2", "1", flag]) == 2
    assert capsys.readouterr().err == f"symcollapse: error: {flag} goes with --diagram\n"


def test_diagram_png_needs_diagram(capsys):
    assert main(["derive", "2", "1", "--diagram-png"]) == 2
    assert capsys.readouterr().err == "symcollapse: error: --diagram-png goes with --diagram\n"


def test_derive_diagram_of_a_b_z_entry_and_with_every_label(tmp_path, capsys):
    argv = ["derive", "4", "4", "2", "--diagram", "--out", str(tmp_path)]
    assert main([*argv, "--diagram-entry", "b_z:2"]) == 0
    tikz = (tmp_path / "collapse-4-4-2-paths.tex").read_text()
    assert tikz.startswith("% The paths behind one entry of b_z;")
    assert r"\node[unit, onpath] (u2-1)" in tikz and r"\node[unit] (u2-0)" in tikz
    assert r"\node[weight" not in tikz  # 4-wide layers: no labels unless asked
    assert main([*argv, "--diagram-labels"]) == 0
    tikz = (tmp_path / "collapse-4-4-2-paths.tex").read_text()
    assert tikz.count(r"\node[weight") == 4 * 4 + 2 * 4


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("b_z:3", "--diagram-entry b_z:3 is not an entry of b_z, which has 2 row(s)"),
        ("b_z:0", "--diagram-entry b_z:0 is not an entry of b_z, which has 2 row(s)"),
        ("b_z:x", "--diagram-entry b_z:x is not an entry of b_z, which has 2 row(s)"),
    ],
)
def test_a_b_z_entry_outside_b_z_is_one_line(capsys, entry, message):
    assert main(["derive", "2", "3", "2", "--diagram", "--diagram-entry", entry]) == 2
    assert capsys.readouterr().err == f"symcollapse: error: {message}\n"


@pytest.mark.latex
@pytest.mark.parametrize(
    ("widths", "entry"), [((4, 8, 8, 8, 3), (2, 1)), ((2,) + (3,) * 8 + (1,), (0,))]
)
def test_elided_pictures_compile(widths, entry, compile_latex):
    picture = diagram(widths, entry)
    assert compile_latex(tikz_document(picture, caption_node=True)).stat().st_size > 0


def _distance(point: tuple[float, float], start: tuple[float, float], end: tuple[float, float]):
    """Distance (cm) from ``point`` to the segment from ``start`` to ``end``."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + t * dx - px, ay + t * dy - py)


#: Least distance (cm) from an ellipsis's centre to an edge or a unit's circle: half the height
#: of the dots (``\\vdots`` and SVG's 16 px ⋮ are about 0.4 cm) and a clear margin.
DOTS_CLEARANCE = 0.4

elided_networks = st.lists(st.sampled_from([1, 2, 3, 7, 8, 20]), min_size=2, max_size=10).flatmap(
    lambda d: st.tuples(
        st.just(tuple(d)),
        st.one_of(
            st.tuples(st.integers(0, d[-1] - 1), st.integers(0, d[0] - 1)),
            st.tuples(st.integers(0, d[-1] - 1)),
        ),
    )
)


def _assert_dots_clear(picture) -> None:
    for x, y, _ in picture.ellipses:
        for edge in picture.edges:
            assert _distance((x, y), edge.start, edge.end) >= DOTS_CLEARANCE, (x, y, edge)
        for unit in picture.units:
            assert math.dist((x, y), unit.at) - RADIUS >= DOTS_CLEARANCE, (x, y, unit)


@settings(max_examples=60, deadline=None)
@given(elided_networks)
def test_elision_dots_sit_where_no_edge_runs(network):
    """The dots of units or layers left out sit in a gap: no drawn edge passes near them and
    no unit touches them."""
    _assert_dots_clear(diagram(*network))


@pytest.mark.parametrize(
    ("widths", "entry"), [((4, 8, 8, 8, 3), (0, 0)), ((2, 20, 1), (0, 0)), ((3,) * 12, (0,))]
)
def test_the_named_elided_pictures_have_their_dots_clear(widths, entry):
    """The issue's pictures (a wide network, a wide layer, 12 widths of 3) elide, in a gap."""
    picture = diagram(widths, entry)
    assert picture.ellipses
    _assert_dots_clear(picture)


@pytest.mark.parametrize(
    ("widths", "entry", "names", "shown"),
    [
        ((2, 3, 1), (0, 1), {"f": "g"}, r"{$g_{1}$}"),  # the output unit, once spelled f
        ((2, 3, 1), (0, 1), {"h": "q", "W_z": "M"}, r"{$q_{1}^{(1)}$}"),
        ((2, 1), (0,), {"b_z": "c_z"}, r"\left(c_{z}\right)_{1}"),
    ],
)
def test_every_role_a_picture_draws_follows_the_names(widths, entry, names, shown):
    """Each role of :func:`drawn_roles` renamed shows in the picture: ``--names`` accepts a
    name that only the picture of ``derive --diagram`` prints, so the picture must print it."""
    picture = diagram(widths, entry, Notation().renamed(names))
    tikz = render_tikz(picture, caption_node=True)
    assert shown in tikz
    assert set(names) <= picture.roles
