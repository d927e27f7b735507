"""Typst documents read back: untouched they pass at every level, square and non-square, in
every notation; a swapped index, a dropped term, a transposed matrix or a wrong number is
caught, and ``derive --format typst`` reads its own document before writing it."""

from __future__ import annotations

import re

import pytest

from symcollapse.errors import DocumentError
from symcollapse.reading import check_text
from symcollapse.reading.typst import latex_of, math
from tests.reading import documents as docs


@pytest.mark.parametrize(
    ("typst", "latex"),
    [
        ("w_(12)^((3))", "w^{(3)}_{12}"),
        ("h^((k - 1))", "h^{(k-1)}"),
        ("W_(z , i , j)", r"\left(W_{z}\right)_{i,j}"),
        ('mat(delim: "[", 1, - 2; 3, 4)', r"\begin{bmatrix} 1 & - 2 \\ 3 & 4 \end{bmatrix}"),
        ("sum_(k_(1) = 1)^(d_(1)) x_(k_(1))", r"\sum_{k_{1}=1}^{d_{1}} x_{k_{1}}"),
        ("f (x)", "f(x)"),
        ("theta_(2)", r"\theta_{2}"),
    ],
)
def test_typst_math_is_spelled_in_latex(typst: str, latex: str) -> None:
    assert re.sub(r"\s+", " ", math(typst)) == latex


@pytest.mark.parametrize("text", ["$ x &= mat(1, 2 $", "$ a &= #unknown $", '$ a &= op("\\x") $'])
def test_what_is_not_typst_math_of_ours_is_named(text: str) -> None:
    with pytest.raises(DocumentError):
        check_text(text, language="typst")


def test_a_reason_alone_on_a_line_is_the_reason_of_the_row_above() -> None:
    text = "$ W &= A \\\n  &quad #[(multiply $A$)] $"
    assert latex_of(text).count(r"\tag*{(multiply $A$)}") == 1


@pytest.mark.parametrize("widths", docs.WIDTHS)
@pytest.mark.parametrize("level", docs.LEVELS)
@pytest.mark.parametrize("notation", sorted(docs.NOTATIONS))
def test_untouched_typst_documents_pass(tmp_path, capsys, notation, level, widths) -> None:
    docs.assert_passes(
        docs.document(tmp_path, widths, level, "typst", *docs.NOTATIONS[notation]), capsys
    )


def _swapped_index(text: str) -> str:
    return text.replace("w_(13)^((2)) w_(31)^((1))", "w_(31)^((2)) w_(31)^((1))", 1)


def _dropped_term(text: str) -> str:
    return text.replace(" + W_(3) b_(2) + b_(3) &&", " + b_(3) &&", 1)


def _transposed_matrix(text: str) -> str:
    old = 'W_(1) &= mat(delim: "[", 2, - 4, 4; 2, 3, - 0.5; - 2, - 2, 0)'
    return text.replace(old, 'W_(1) &= mat(delim: "[", 2, 2, - 2; - 4, 3, - 2; 4, - 0.5, 0)', 1)


def _wrong_number(text: str) -> str:
    found = re.search(r"&= mat\(delim: \"\[\", (- )?\d+", text.split("Multiply")[1])
    if found is None:
        raise LookupError
    return text.replace(found[0], found[0] + "1", 1)


EDITS = {
    "swapped_index": _swapped_index,
    "dropped_term": _dropped_term,
    "transposed_matrix": _transposed_matrix,
    "wrong_number": _wrong_number,
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_hand_edits_of_a_typst_document_are_caught(tmp_path, capsys, edit) -> None:
    widths, level, options = docs.EDITED[edit]
    docs.assert_caught(
        docs.document(tmp_path, widths, level, "typst", *options), capsys, EDITS[edit]
    )


@pytest.mark.parametrize("level", docs.LEVELS)
def test_numbered_equations_each_a_display_of_their_own_pass(tmp_path, capsys, level) -> None:
    """``--numbered`` prints every row as its own ``#math.equation(...)`` with a label after it,
    a continued row too."""
    options = ("--names", "W=Theta", "--numbered", "--label-prefix", "deep")
    docs.assert_passes(docs.document(tmp_path, (3, 4, 4, 2), level, "typst", *options), capsys)
