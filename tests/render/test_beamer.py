"""Slides: a frame per stage, one step revealed per overlay, every frame within the slide."""

from __future__ import annotations

import re
import subprocess

import pytest

import symcollapse
from symcollapse.algebra.analysis import analyse
from symcollapse.render.beamer import FRAME_LINES, _uncovered, render_beamer
from symcollapse.render.notation import Notation
from symcollapse.verification.layered import verify_layers
from tests.conftest import pdflatex


def documents():
    layers = symcollapse.parse_layers("2 > dense 3 relu > dense 1")
    values = symcollapse.random_values([3, 4, 4, 2], seed=1)
    return {
        "dense-2331": symcollapse.derive((2, 3, 3, 1)),
        "dense-3332": symcollapse.derive((3, 3, 3, 2)),
        "proof": symcollapse.prove().derivation,
        "relu": symcollapse.derive_layers(verify_layers(analyse(layers))),
        "numbers": symcollapse.derive_values(symcollapse.collapse_values(values)),
    }


def frames(source: str) -> list[str]:
    return re.findall(r"\\begin\{frame\}\{.*?\\end\{frame\}", source, flags=re.S)


def overlays(frame: str) -> int:
    return max((int(n) for n in re.findall(r"\\uncover<(\d+)->", frame)), default=1)


def test_a_row_keeps_its_alignment_and_appears_with_its_step():
    row = r"f(x) &= W_{2} x + b_{2} \tag*{(distribute $W_{2}$)}"
    assert _uncovered(row, 3) == (
        r"\uncover<3->{f(x) }&\uncover<3->{= W_{2} x + b_{2}}"
        r" \tag*{\uncover<3->{(distribute $W_{2}$)}}"
    )
    assert _uncovered(r"&\quad + b_{1}", 2) == r"&\uncover<2->{\quad + b_{1}}"


def test_a_matrix_in_a_row_is_uncovered_whole():
    """Only the alignment's own ``&`` split a row: a matrix's cells stay inside one cell."""
    row = r"W_{1} &= \begin{bmatrix} a & b \\ c & d \end{bmatrix}"
    assert _uncovered(row, 2) == (
        r"\uncover<2->{W_{1} }&\uncover<2->{= \begin{bmatrix} a & b \\ c & d \end{bmatrix}}"
    )


@pytest.mark.parametrize("kind", sorted(documents()))
def test_every_step_is_revealed_once_in_order(kind):
    derivation = documents()[kind]
    source = render_beamer(derivation)
    shown = frames(source)
    steps = sum(len(section.steps) for section in derivation.sections)
    assert sum(overlays(frame) for frame in shown) >= steps  # a too-wide matrix splits a step
    for frame in shown:
        numbers = [int(n) for n in re.findall(r"\\uncover<(\d+)->", frame)]
        assert numbers == sorted(numbers) and set(numbers) == set(range(1, max(numbers) + 1))
    titles = re.findall(r"\\begin\{frame\}\{([^}]*)", source)
    assert len(titles) == len(shown) >= len(derivation.sections)


def test_the_notation_carries_into_the_slides():
    source = render_beamer(symcollapse.derive((2, 2, 1)), Notation().renamed({"W": "Theta"}))
    assert r"\Theta_{1}" in source and "W_{1}" not in source


@pytest.mark.latex
@pytest.mark.parametrize("kind", sorted(documents()))
def test_slides_compile_without_overfull_boxes(tmp_path, kind):
    derivation = documents()[kind]
    source = render_beamer(derivation)
    log = pdflatex(tmp_path, source, "slides", timeout=300)
    assert "Overfull \\hbox" not in log, "a line sticks out of the slide"
    assert "Overfull \\vbox" not in log, "a frame is taller than the slide"
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "slides.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == 1 + sum(overlays(frame) for frame in frames(source))


def test_a_frame_holds_at_most_its_lines():
    source = render_beamer(symcollapse.derive((3, 3, 3, 2)))
    for frame in frames(source):
        rows = frame.split(r"\begin{align*}")[1].count(r" \\" + "\n") + 1
        assert rows <= FRAME_LINES + 4
