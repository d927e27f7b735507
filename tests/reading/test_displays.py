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
