"""Displays split into rows: sections, labels, reasons, continued rows, every display kind."""

from __future__ import annotations

import pytest

from symcollapse.errors import DocumentError
from symcollapse.reading.displays import read_displays
from symcollapse.reading.nodes import Name


def test_rows_sections_labels_and_continuations() -> None:
    document = read_displays(
        "\\section*{One}\n\\begin{align}\nA &= B + C \\label{s:1.1} \\displaybreak[0] \\\\\n"
        "&\\quad + D \\tag*{(a reason)} \\\\\n &= E && \\left(\\text{why}\\right) \\\\\n"
        "F &\\mathrel{:=} G \\qquad \\text{because}\n\\end{align}\n"
        "## Two\n\n$$\nH = I\n$$\n```math\nJ = K\n```\n\\[ L = M \\] "
        "\\begin{equation*} N \\approx O \\end{equation*}"
    )
    where = [(r.section, r.number, r.label, r.relation) for r in document.rows]
    assert where == [
        ("One", 1, "s:1.1", "="),
        ("One", 2, "", "="),
        ("One", 3, "", ":="),
        ("Two", 1, "", "="),
        ("Two", 2, "", "="),
        ("Two", 3, "", "="),
    ]
    assert document.rows[0].rhs.terms[-1] == Name("D")  # the continued row joined its row
    assert document.rows[1].lhs is None
    assert document.unchecked == (('section "Two", row 4', "approximate (rounded numbers)"),)


def test_a_row_without_relation_is_named() -> None:
    with pytest.raises(DocumentError, match=r'^cannot read section "S": a row without = at "A B"$'):
        read_displays("## S\n$$\nA B\n$$")


def test_overlays_are_read_as_what_they_wrap() -> None:
    document = read_displays(
        "\\begin{align*}\n\\uncover<1->{A }&\\uncover<1->{= B} \\tag*{\\uncover<2->{(why)}} \\\\\n"
        " &\\only<3->{= \\left(C\\right)}\n\\end{align*}"
    )
    assert [(row.lhs, row.rhs) for row in document.rows] == [
        (Name("A"), Name("B")),
        (None, Name("C")),
    ]


def test_a_reason_broken_over_rows_under_a_phantom_parenthesis_is_one_reason() -> None:
    """Numbered displays in a column break a long reason over rows, each later one indented
    by ``\\phantom{(}`` under the first word; they are the one row's reason, not rows, and
    the range it states is read (as ``derive --numbered --two-column`` prints it)."""
    document = read_displays(
        "\\begin{align}\nh^{(k)} &= W_{k} h^{(k-1)} + b_{k} \\label{p:1.1} \\\\\n"
        "&\\qquad (k = 1, \\dots, 3\\text{, with } \\\\\n"
        "&\\qquad \\phantom{(}h^{(0)} = x)\n\\end{align}"
    )
    base, scheme = document.rows  # the base case stated in the reason is a row of its own
    assert (base.lhs, base.rhs) == (Name("h", sup="(0)"), Name("x"))
    assert (scheme.label, scheme.over) == ("p:1.1", ("k", 1, 3))


@pytest.mark.parametrize(
    "words", ["with $a_{j} = C_{j}$ and $c = D$:", "with $`a_{j} = C_{j}`$ and $`c = D`$:"]
)
def test_the_words_state_equations_in_inline_math(words: str) -> None:
    document = read_displays(f"{words}\n$$\nf = c\n$$\nand $k = 1, \\dots, 3$ is no equation")
    assert document.stated == ((Name("a", "j"), Name("C", "j")), (Name("c"), Name("D")))


@pytest.mark.parametrize(
    ("printed", "reason"),
    [
        ("h^{(k)} &= W_{k} \\tag*{($k = 1, \\dots, 3$)}", "$k = 1, \\dots, 3$"),
        ("h^{(k)} &= W_{k} && \\left(k = 1, \\dots, 3\\right)", "k = 1"),
        ("h^{(k)} &= W_{k} \\\\\n&\\qquad \\left(k = 1, \\dots, 3\\right)", "k = 1"),
    ],
)
def test_a_reason_in_any_place_states_a_range(printed: str, reason: str) -> None:
    (row,) = read_displays(f"$$\n\\begin{{aligned}}\n{printed}\n\\end{{aligned}}\n$$").rows
    assert row.over == ("k", 1, 3), reason
