"""The page, in a real headless Chromium: every formula laid out as MathML (CSS display
``math``: the browser's own layout, not an unknown inline element), and pointing at an
entry of ``W_z`` or ``b_z`` highlights exactly the edges of its paths (counted here by walking
the paths) and its terms. Screenshots go to the test's directory, to be looked at."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from symcollapse import derive
from symcollapse.cli import main
from symcollapse.render.diagram import diagram
from symcollapse.render.html import render_html
from symcollapse.render.notation import Notation
from tests.model_files import dense_layers, require, write_onnx

from .chromium import Browser, chromium_or_skip
from .kinds import KINDS, argv

SVG = "{http://www.w3.org/2000/svg}"


def path_edges(widths: tuple[int, ...], role: str, i: int, j: int = 0) -> set[tuple[int, ...]]:
    """Edges ``(layer, row, col)`` (1-based) of the paths behind an entry, by walking them: for
    ``(W_z)_ij`` from input ``j``, for ``(b_z)_i`` from every unit a bias enters below the
    output, each through every unit of the layers above to output ``i``."""
    n = len(widths) - 1
    starts = [(0, j)] if role == "W_z" else [(k, u) for k in range(1, n) for u in range(widths[k])]
    edges = set()
    for start, unit in starts:
        middle = [range(1, widths[k] + 1) for k in range(start + 1, n)]
        for hidden in itertools.product(*middle):
            walk = (unit if role == "W_z" else unit + 1, *hidden, i)
            for step, (col, row) in enumerate(itertools.pairwise(walk), start=start + 1):
                edges.add((step, row, col))
    return edges


@pytest.fixture(scope="module")
def browser():
    opened = Browser(chromium_or_skip(), width=1000, height=2600)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    require("onnx", "ONNX")
    path = tmp_path_factory.mktemp("model") / "student.onnx"
    return write_onnx(dense_layers((2, 3, 3, 1), seed=7), path, "matmul_add")


FORMULAS = """[...document.querySelectorAll("math")].map(m => {
  const r = m.getBoundingClientRect();
  return [r.width, r.height, getComputedStyle(m).display];
})"""


@pytest.mark.parametrize("kind", KINDS)
def test_every_formula_of_every_kind_renders(kind, browser, model, tmp_path, capsys):
    assert main(argv(kind, model, "--format", "html")) == 0
    page = tmp_path / f"{kind}.html"
    page.write_text(capsys.readouterr().out)
    text = page.read_text()
    assert not re.search(
        r"<(link|img|iframe)|\bsrc=|\bhref=|https?://(?!www\.w3\.org/2000/svg)", text
    )
    browser.open(page)
    formulas = browser.evaluate(FORMULAS)
    assert formulas
    assert all(
        w > 0 and h > 0 and display in ("math", "inline math", "block math")
        for w, h, display in formulas
    ), formulas
    assert browser.evaluate('document.querySelectorAll("merror").length') == 0
    assert "\\" not in browser.evaluate("document.body.innerText")  # no LaTeX leaked
    assert browser.evaluate(OVERFLOW) == [], "wider than the text column"
    browser.screenshot(tmp_path / f"{kind}.png")


#: The steps and pictures that stick out of the body's text column (by more than a pixel).
OVERFLOW = """(() => {
  const body = document.body.getBoundingClientRect();
  const right = body.right - parseFloat(getComputedStyle(document.body).paddingRight);
  return [...document.querySelectorAll("table.steps, figure svg")]
    .filter(e => e.getBoundingClientRect().right > right + 1).map(e => e.outerHTML.slice(0, 80));
})()"""
POINT = """(() => {
  const e = document.querySelector('.entry[data-entry="TAG"]');
  const r = e.getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
})()"""
MARKED = """[...document.querySelectorAll("svg line.path")].map(
  l => [Number(l.dataset.layer), Number(l.dataset.row), Number(l.dataset.col)])"""


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 2, 2)])
def test_pointing_at_an_entry_highlights_its_paths_and_terms(widths, browser, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(render_html(derive(widths), Notation()))
    browser.open(page)
    entries = [("W_z", i, j) for i in range(1, widths[-1] + 1) for j in range(1, widths[0] + 1)]
    for role, i, *j in entries + [("b_z", i, 0) for i in range(1, widths[-1] + 1)]:
        tag = " ".join(map(str, (role, i, *j))) if role == "W_z" else f"b_z {i}"
        browser.hover(*browser.evaluate(POINT.replace("TAG", tag)))
        marked = {tuple(e) for e in browser.evaluate(MARKED)}
        assert marked == path_edges(widths, role, i, *(j or [0]))
        rows = browser.evaluate(
            f'document.querySelectorAll("tr.hl[data-entry=\\"{tag}\\"]").length'
        )
        assert rows >= 1  # the expansion of the entry: its terms
        browser.screenshot(tmp_path / f"{tag.replace(' ', '-')}.png")
    browser.hover(1, 1)
    assert browser.evaluate(MARKED) == []


def test_numbered_is_refused_for_a_page(capsys):
    assert main(["derive", "2", "1", "--format", "html", "--numbered"]) == 2
    assert capsys.readouterr().err == (
        "symcollapse: error: --numbered applies to LaTeX and Typst output, not html\n"
    )


def test_every_reason_is_in_whole_parentheses():
    """One-word reasons lost their opening parenthesis (both ends were the same word)."""
    page = render_html(derive((2, 3, 3, 1)))
    cells = re.findall(r'<td class="reason">(.*?)</td>', page)
    reasons = [re.sub(r"<math>.*?</math>|<[^>]+>", "", cell) for cell in cells]
    assert reasons and all(r.startswith("(") and r.endswith(")") for r in reasons if r), reasons


class _Structure(HTMLParser):
    """The open elements of a page as it is read; what closes out of order or stays open."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "col", "area", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()


#: Wide and deep networks whose picture elides units or layers (seven layers of 3 elide as
#: twelve do, and their Σ forms share one sign over six indices).
ELIDED = [(4, 8, 8, 8, 3), (2, 20, 1), (2, 3, 3, 3, 3, 3, 3, 1)]


@pytest.mark.parametrize("widths", ELIDED)
def test_a_page_with_an_elided_picture(widths, browser, tmp_path):
    """The page embeds the picture's SVG with its dots, sets the labels' scripts and the
    caption's mathematics as mathematics (italic, scripts smaller and shifted), nests every
    element properly, and in the browser lays out every formula and fits its column."""
    derivation = derive(widths, detail="brief")
    page = render_html(derivation, Notation())
    structure = _Structure()
    structure.feed(page)
    assert structure.errors == [] and structure.open == []
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", page, re.S)[0])
    texts = svg.findall(f"{SVG}text")
    picture = diagram(widths, (0, 0))
    dots = [t for t in texts if t.get("class") == "ellipsis"]
    assert len(dots) == len(picture.ellipses) > 0
    assert {t.text for t in dots} <= {"\u22ee", "\u22ef"}
    units = [t for t in texts if t.get("class") == "unit"]
    assert units and all(t.get("font-style") == "italic" for t in units)
    scripted = [t for t in units if t.find(f"{SVG}tspan[@dy]") is not None]
    assert len(scripted) == len(units)  # x_1, h^{(1)}_1, f_1: every unit label has a script
    caption = [t for t in texts if t.get("class") == "caption"]
    math = [s for t in caption for s in t.iter(f"{SVG}tspan") if s.get("font-style") == "italic"]
    assert math, "the caption's mathematics is upright"
    path = tmp_path / "page.html"
    path.write_text(page)
    browser.open(path)
    assert browser.evaluate('document.querySelectorAll("figure svg .ellipsis").length') == len(dots)
    formulas = browser.evaluate(FORMULAS)
    assert formulas and all(w > 0 and h > 0 for w, h, _ in formulas)
    assert browser.evaluate('document.querySelectorAll("merror").length') == 0
    assert browser.evaluate(OVERFLOW) == []
    browser.screenshot(tmp_path / "page.png")
