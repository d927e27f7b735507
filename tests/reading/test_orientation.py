"""Row-convention documents read back: the reader learns from the document that its vectors
are rows (``h^{(k)} = h^{(k-1)} W_{k} + b_{k}``, ``x W_{1}``; JSON's ``convention`` field) and
checks every row; hand edits (an index swapped, ``W_2 W_1`` for ``W_1 W_2``, a term dropped,
the layer written the column way, the field contradicting the rows) are caught."""

from __future__ import annotations

import json
import re

import pytest

from symcollapse.errors import DocumentError
from symcollapse.reading import check_text, language_of, read_document
from symcollapse.reading.orientation import row_vectors
from tests.reading.documents import check, document

LEVELS = ["brief", "standard", "full"]
#: Square (3-3-3) and non-square networks; one output and several.
WIDTHS = [(2, 3, 3, 1), (3, 3, 3), (2, 2), (1, 4, 2)]
NOTATIONS = {
    "plain": (),
    "numbers": ("--values", "random", "--seed", "7"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
    "flat-0": ("--entry-style", "flat", "--index-base", "0"),
    "upper": ("--entry-style", "upper", "--numbered", "all", "--standalone"),
}
TYPESETTING = {"flat-0", "upper"}
ROW = ("--convention", "row")


#: (format, notation, widths): LaTeX and Markdown in every notation and network, the other
#: formats in the notations they take, every network in plain symbols.
CASES = [
    (fmt, notation, widths)
    for fmt in ("latex", "markdown", "json", "typst", "html")
    for notation in sorted(NOTATIONS)
    for widths in WIDTHS
    if fmt == "latex"
    or (notation != "upper" and fmt == "markdown")
    or (notation not in TYPESETTING and (notation == "plain" or widths == WIDTHS[0]))
]


@pytest.mark.parametrize(("fmt", "notation", "widths"), CASES)
@pytest.mark.parametrize("level", LEVELS)
def test_untouched_row_documents_pass(tmp_path, capsys, level, fmt, notation, widths) -> None:
    path = document(tmp_path, widths, level, fmt, *ROW, *NOTATIONS[notation])
    status, out = check(path, capsys)
    assert status == 0, out
    checked = re.search(r"rows read: (\d+) identities checked", out)
    assert checked and int(checked[1]) >= 2, out


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("convention", ["column", "row"])
def test_the_convention_is_learnt_from_the_document(tmp_path, convention, level) -> None:
    path = document(tmp_path, (2, 3, 1), level, "latex", "--convention", convention)
    assert row_vectors(read_document(path.read_text())) == (convention == "row")


#: Hand edits of a standard 2-3-3-1 row document (LaTeX): (old, new).
EDITS = {
    "swapped_sum_index": (r"w^{(2)}_{k_{1}\,k_{2}}", r"w^{(2)}_{k_{2}\,k_{1}}"),
    "swapped_entry_index": (r"w^{(1)}_{12} w^{(2)}_{21}", r"w^{(1)}_{21} w^{(2)}_{21}"),
    "reversed_product": (r"\mathrel{:=} W_{1} W_{2} W_{3}", r"\mathrel{:=} W_{2} W_{1} W_{3}"),
    "dropped_term": (r" + b_{2} W_{3}", ""),
    "column_layer": (r"h^{(k-1)} W_{k}", r"W_{k} h^{(k-1)}"),
    "wrong_layer": (r"b^{(1)}_{k_{1}} w^{(2)}", r"b^{(2)}_{k_{1}} w^{(2)}"),
}


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 3, 3, 3)])
@pytest.mark.parametrize("options", [("latex", "--standalone"), ("markdown",)])
@pytest.mark.parametrize("level", ["brief", "standard"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edits_of_row_documents_are_caught(tmp_path, capsys, edit, level, options, widths):
    old, new = EDITS[edit]
    path = document(tmp_path, widths, level, *options, *ROW)
    text = path.read_text()
    if old not in text:
        assert edit == "swapped_entry_index" and (level == "brief" or widths[1] == 3 == widths[0])
        pytest.skip(f"no {old} in this document")
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("convention", ["column", "row"])
def test_a_json_convention_field_contradicting_the_rows_is_caught(
    tmp_path, capsys, level, convention
) -> None:
    """The field says the other convention than the rows are written in: false, not read."""
    path = document(tmp_path, (2, 3, 3, 1), level, "json", "--convention", convention)
    data = json.loads(path.read_text())
    assert data.get("convention", "column") == convention
    data["convention"] = "column" if convention == "row" else "row"
    path.write_text(json.dumps(data))
    status, out = check(path, capsys)
    assert status == 1, out


def test_a_json_convention_field_of_another_value_is_refused(tmp_path) -> None:
    path = document(tmp_path, (2, 1), "brief", "json", *ROW)
    data = json.loads(path.read_text())
    data["convention"] = "diagonal"
    with pytest.raises(DocumentError, match="the convention 'diagonal'"):
        check_text(json.dumps(data), language=language_of("x.json"))
