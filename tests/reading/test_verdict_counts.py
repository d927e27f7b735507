"""A verdict's counts, whichever reader made it: its definitions are among the rows it read
(``0 <= definitions <= checked``), and each row it shows but did not check is listed once; a
definition the reader could not read (``f(x) = ReLU(x)`` of an ``x`` of no size) is shown but
not checked, never counted as a definition the rows read stand under."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.errors import DocumentError
from symcollapse.reading import check_text
from symcollapse.reading.meaning import Verdict

#: Rows of small hand-written pages, as LaTeX and as JSON's plain formulas (None: LaTeX only),
#: with ReLU of names that stand in no matrix, of ``x``, of a matrix's product, and without.
ROWS = (
    (r"f(x) = \operatorname{ReLU}(x)", "f(x) = relu(x)"),
    (r"f(x) = \operatorname{LeakyReLU}_{0.1}(x)", "f(x) = leaky_relu[1/10](x)"),
    (r"f(x) = \operatorname{ReLU}(W x)", "f(x) = relu(W*x)"),
    (r"f(x) = \operatorname{ReLU}(W x + b)", "f(x) = relu(W*x + b)"),
    (r"f(x) = \operatorname{ReLU}(z)", "f(x) = relu(z)"),
    (r"h = \operatorname{ReLU}(x)", "h = relu(x)"),
    (r"h = \operatorname{ReLU}(z)", "h = relu(z)"),
    (r"f(x) = \tanh(x)", "f(x) = tanh(x)"),
    (r"f(x) = W x + b", "f(x) = W*x + b"),
    (r"f(x) = W x", "f(x) = W*x"),
    (r"g(x) = 2 x", "g(x) = 2*x"),
    (r"f(x) = \operatorname{rank}(x)", None),
    (r"s = \sum_{k} x_{k}", None),
    (r"W = \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "W = [[1, 2], [3, 4]]"),
    (r"W = \begin{bmatrix} a & b \\ c & d \end{bmatrix}", "W = [[a, b], [c, d]]"),
    (r"b = \begin{bmatrix} 1 \\ 0 \end{bmatrix}", "b = [[1], [0]]"),
    (r"x = \begin{bmatrix} 1 \\ -1 \end{bmatrix}", "x = [[1], [-1]]"),
    (r"f(x) = \begin{bmatrix} 0 \\ 0 \end{bmatrix}", "f(x) = [[0], [0]]"),
    (r"f(x) = \begin{bmatrix} 1 \\ 0 \end{bmatrix}", "f(x) = [[1], [0]]"),
)


def page(rows: list[tuple[str, str | None]], language: str) -> str | None:
    """The rows as a LaTeX, Markdown or JSON page (None: a row JSON cannot write)."""
    if language == "json":
        if any(plain is None for _, plain in rows):
            return None
        steps = []
        for _, plain in rows:
            assert plain is not None
            lhs, rhs = plain.split(" = ", 1)
            steps.append({"lhs": lhs, "relation": "=", "rhs": rhs, "reason": ["definition"]})
        return json.dumps({"sections": [{"title": ["A page"], "steps": steps}]})
    lines = " \\\\\n".join(latex.replace(" = ", " &= ", 1) for latex, _ in rows)
    if language == "markdown":
        return f"$$\n\\begin{{aligned}}\n{lines}\n\\end{{aligned}}\n$$\n"
    return f"\\begin{{align*}}\n{lines}\n\\end{{align*}}\n"


def consistent(verdict: Verdict) -> None:
    """The counts of ``verdict`` agree with each other."""
    assert 0 <= verdict.definitions <= verdict.checked
    rows = [where for where, _ in verdict.unchecked]
    assert len(rows) == len(set(rows)), rows  # a row shown but not checked is listed once


#: The rows a page of :data:`ROWS` may start with: its matrices, then one function.
MATRICES, FUNCTIONS = ROWS[13:17], ROWS[:13]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(MATRICES), max_size=3, unique=True),
    st.sampled_from(FUNCTIONS),
    st.lists(st.sampled_from(ROWS), max_size=3),
    st.sampled_from(("latex", "markdown", "json")),
)
def test_no_verdict_counts_more_definitions_than_rows_read(
    matrices, function, rows, language
) -> None:
    text = page([*matrices, function, *rows], language)
    if text is None:
        return
    try:
        verdict = check_text(text)
    except DocumentError:  # unreadable: exit 2, no counts
        return
    consistent(verdict)


@pytest.mark.parametrize(
    ("row", "language"),
    [(row, language) for row in (0, 1, 2) for language in ("latex", "markdown", "json")]
    + [(11, "latex"), (11, "markdown")],
)
def test_a_definition_not_read_is_shown_and_not_counted(row, language) -> None:
    text = page([ROWS[row]], language) or ""
    verdict = check_text(text)
    consistent(verdict)
    assert (verdict.checked, verdict.definitions, verdict.false) == (0, 0, None)
    assert len(verdict.unchecked) == 1


#: An instance whose scope repeats a definition the symbolic rows could not read (``g(y)``):
#: it was counted as read by the instance and listed twice.
INSTANCE = (
    ROWS[14],
    (r"f(x) = \operatorname{ReLU}(W x)", None),
    (r"g(y) = \operatorname{ReLU}(y)", None),
    ROWS[13],
    ROWS[16],
    ROWS[17],
    (r"f(x) = g(W x)", None),
)


@pytest.mark.parametrize("language", ["latex", "markdown"])
def test_an_instance_counts_its_own_rows(language) -> None:
    verdict = check_text(page(list(INSTANCE), language) or "")
    consistent(verdict)
    assert verdict.false is None
    assert verdict.checked == 4  # W and f(x) of the symbolic rows, the instance's W and x
    assert [where[-5:] for where, _ in verdict.unchecked] == ["row 3", "row 6", "row 7"]


def test_a_verdict_refuses_counts_that_disagree() -> None:
    with pytest.raises(ValueError, match="2 definitions of 1 rows"):
        Verdict(1, 2, (), None)
    with pytest.raises(ValueError):
        Verdict(0, -1, (), None)
