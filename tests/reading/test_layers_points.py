"""The points a piecewise page's symbolic rows are checked at: more than the first few where a
unit was never on there (an edit of its active piece would go unseen), and a note where a unit
is never on at any point drawn (its region empty), never a claim that its rows were checked."""

# ruff: noqa: RUF001 - MathML's minus sign is U+2212

from __future__ import annotations

from pathlib import Path

import pytest

from symcollapse.reading import check_text
from symcollapse.reading.piecewise import POINTS
from symcollapse.reading.units import MAX_POINTS, MISSED, Pieces
from tests.reading.documents import assert_caught
from tests.reading.test_layers_documents import layers

#: A ReLU after a tanh: its units' signs at random integer points are a coin toss each, so
#: the first points often find both off (in some notations all four of them did).
CURVED = "2 > dense 2 tanh > dense 2 relu > dense 1"

#: Where the definition's tanh begins, and its sum's plus and a minus, per file type.
TANH = {
    ".tex": (r"\tanh\left(", "+", "-"),
    ".md": (r"\tanh\left(", "+", "-"),
    ".typ": ('op("tanh")(', "+", "-"),
    ".html": ("<mi>tanh</mi>", "<mo>+</mo>", "<mo>−</mo>"),
    ".json": ("tanh(", "+", "-"),
}

NOTATIONS = {
    "default": (),
    "upper": ("--entry-style", "upper"),
    "flat": ("--entry-style", "flat"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
    "base0": ("--index-base", "0"),
    "row": ("--convention", "row"),
}


def _flip_inside_tanh(text: str, suffix: str) -> str:
    """``tanh(W_1 x + b_1)`` in the definition made ``tanh(W_1 x - b_1)``."""
    marker, plus, minus = TANH[suffix]
    start = text.index(marker)
    at = text.index(plus, start)
    return text[:at] + minus + text[at + len(plus) :]


@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html", "json"])
def test_an_edit_behind_relu_units_is_caught(tmp_path, capsys, fmt, notation):
    if fmt == "json" and notation not in ("default", "names", "row"):
        pytest.skip("JSON takes only --names and --convention")
    path = layers(tmp_path, CURVED, fmt, *NOTATIONS[notation])
    assert_caught(path, capsys, lambda text: _flip_inside_tanh(text, path.suffix))


#: A unit whose pre-activation is negative for every number (``-c^2 - 1``): its rows cannot be
#: checked on its active piece, and the verdict says so.
NEVER_ON = r"""## A unit never on

$$
\begin{aligned}
b &= \begin{bmatrix} a \\ - c^{2} - 1 \end{bmatrix} \\
d &= \begin{bmatrix} a \\ - c^{2} - %s \end{bmatrix} \\
y &= \operatorname{ReLU}\left(b\right) \\
y &= \operatorname{ReLU}\left(d\right) \\
&\qquad (\text{the second unit is off})
\end{aligned}
$$
"""


@pytest.mark.parametrize("offset", [1, 2, 5])
def test_a_unit_never_on_is_said_not_checked(offset):
    verdict = check_text(NEVER_ON % offset)
    assert verdict.false is None
    (first, second) = verdict.notes  # each row's ReLU
    assert "unit 2 of" in first and "row 3 was never on" in first, first
    assert "row 4 was never on" in second, second
    off = Pieces(has={("u", 0): frozenset({0, 1})}, took={("u", 0): {0}}, seen={("u", 0): {1, 2}})  # type: ignore[dict-item]
    drawn = min(MAX_POINTS, POINTS + off.draws())
    assert f"at the {drawn} points drawn" in first


def test_a_unit_on_somewhere_has_no_note():
    text = NEVER_ON.replace(r"- c^{2} - %s", "c").replace(r"- c^{2} - 1", "c")
    verdict = check_text(text)
    assert verdict.false is None and verdict.notes == ()


@pytest.mark.parametrize("pieces", [2, 3, 5])
def test_the_draws_leave_a_piece_untaken_only_rarely(pieces):
    """A piece taken with probability 1/pieces at each point stays untaken at all the extra
    draws with probability at most MISSED; one draw fewer would not do."""
    has = frozenset(range(pieces))
    left = Pieces(has={("u", 0): has}, took={("u", 0): {0}}, seen={("u", 0): {1, 2}})  # type: ignore[dict-item]
    draws = left.draws()
    assert (1 - 1 / pieces) ** draws <= MISSED < (1 - 1 / pieces) ** (draws - 1)


def test_a_unit_whose_argument_the_page_fixes_needs_no_draws():
    fixed = Pieces(has={("u", 0): frozenset({0, 1})}, took={("u", 0): {0}}, seen={("u", 0): {7}})  # type: ignore[dict-item]
    assert fixed.missing() == {} and fixed.draws() == 0


def test_the_layers_pages_are_unchanged_where_units_turn_on(tmp_path, capsys):
    """The usual pages: no note about pieces (their units all turn on at the points drawn)."""
    pooled = "2 > dense 6 relu > maxpool 3 s=1 > dense 1"
    for spec in (CURVED, "2 > dense 3 relu > dense 1", pooled):
        path = layers(tmp_path / spec.replace(" ", "").replace(">", "-"), spec, "markdown")
        verdict = check_text(Path(path).read_text())
        assert verdict.false is None
        assert not any("never" in note for note in verdict.notes), verdict.notes


#: ``f(0)`` of the additivity certificate as each file type spells it.
AT_ZERO = {
    ".tex": "f(0)",
    ".md": "f(0)",
    ".typ": "f(0)",
    ".json": "f(0)",
    ".html": '<mo stretchy="false">(</mo><mn>0</mn><mo stretchy="false">)</mo>',
}


@pytest.mark.parametrize("number", ["5", "1"])
@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html", "json"])
def test_a_function_of_a_vector_applied_to_a_number_is_false(tmp_path, capsys, fmt, number):
    """``f(5)`` where ``f`` takes a vector of 2 (the edit of ``f(0)``, the zero vector) is no
    vector's image: the row is false, not evaluated with some vector in place of 5."""
    path = layers(tmp_path, "2 > dense 3 relu > dense 1", fmt)
    spelt = AT_ZERO[path.suffix]
    edited = spelt.replace("0", number)  # the row's (the words' g(0) comes first in HTML)
    assert_caught(path, capsys, lambda text: edited.join(text.rsplit(spelt, 1)))
