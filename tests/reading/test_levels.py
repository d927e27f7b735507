"""The documents of every level of detail read back: untouched they pass in every format and
notation, square and non-square; hand edits of the rows the levels added (the hidden units'
row for every k, the scalar regression form, the forward pass with numbers) are caught."""

from __future__ import annotations

import json
import re

import pytest

from symcollapse.cli import main
from tests.reading.documents import check, document

LEVELS = ["brief", "standard", "full"]
FORMATS = ["latex", "markdown", "github", "json"]
#: Square (3-3-3, 2-2) and non-square (2-3-3-1, 1-4-1) networks.
WIDTHS = [(2, 3, 3, 1), (3, 3, 3), (2, 2), (1, 4, 1)]
NOTATIONS = {
    "plain": (),
    "numbers": ("--values", "random", "--seed", "7"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
    # one letter in two cases: the weights' entries are \Omega^{(k)}_{ij}, the biases' \omega
    "one-letter": ("--names", "W=Omega,b=omega"),
    "flat-0": ("--entry-style", "flat", "--index-base", "0", "--delimiter", "pmatrix"),
    "upper-numbered": ("--entry-style", "upper", "--numbered", "all", "--standalone"),
}
TYPESETTING = {"flat-0", "upper-numbered"}


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("level", LEVELS)
def test_untouched_documents_pass(request, tmp_path, capsys, level, fmt, notation, widths) -> None:
    if fmt == "json" and notation in TYPESETTING:
        pytest.skip("--format json takes no typesetting options")
    if fmt != "latex" and notation == "upper-numbered":
        pytest.skip("--numbered and --standalone are LaTeX only")
    path = document(tmp_path, widths, level, fmt, *NOTATIONS[notation])
    status, out = check(path, capsys)
    assert status == 0, out
    checked = re.search(r"rows read: (\d+) identities checked", out)
    assert checked and int(checked[1]) >= 2, out


def _edit_row(text: str, row: str, change) -> str:
    """``text`` with the first line matching ``row`` changed by ``change``."""
    found = re.search(row, text, re.M)
    if found is None:
        raise LookupError(row)
    line = text[found.start() : text.index("\n", found.start())]
    edited = change(line)
    assert edited != line
    return text.replace(line, edited, 1)


def wrong_scalar_coefficient(text: str) -> str:
    """The scalar form's first x_j gets a factor 2 (its coefficient doubled)."""
    return _edit_row(
        text,
        r"^f(_\{\w+\})?\(x_\{",
        lambda line: re.sub(r"(&= .*?)( ?)(x_\{)", r"\1\2 2 \3", line, count=1),
    )


def wrong_hidden_value(text: str) -> str:
    """The first hidden unit's expanded value gains 1."""
    at = text.find("h^{(1)}")
    if at < 0:
        raise LookupError("no hidden unit")
    head, tail = text[:at], text[at:]
    edited, count = re.subn(r"&= \\begin\{bmatrix\} ", r"&= \\begin{bmatrix} 1 + ", tail, count=1)
    if not count:
        raise LookupError("no hidden unit expanded")
    return head + edited


def wrong_scheme(text: str) -> str:
    """The hidden units' row adds the previous layer's bias."""
    return _edit_row(text, r"^h\^\{\(k\)\}", lambda line: line.replace("+ b_{k}", "+ b_{k-1}"))


def swapped_output_index(text: str) -> str:
    """A scalar form f_i takes its first coefficient from column 2 instead of 1."""
    return _edit_row(
        text, r"^f_\{i\}\(", lambda line: line.replace(r"\right)_{i1}", r"\right)_{i2}", 1)
    )


#: (edit, level) pairs whose row the level does not print: full has no h^{(k)} row.
PRINTED_WITHOUT = {("wrong_scheme", "full")}

EDITS = {
    "wrong_scalar_coefficient": (wrong_scalar_coefficient, NOTATIONS["numbers"]),
    "wrong_hidden_value": (wrong_hidden_value, NOTATIONS["numbers"]),
    "wrong_scheme": (wrong_scheme, ()),
}


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("fmt", ["latex", "markdown", "github"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_edits_of_the_new_rows_are_caught(tmp_path, capsys, edit, level, fmt, widths) -> None:
    change, options = EDITS[edit]
    path = document(tmp_path, widths, level, fmt, *options)
    try:
        path.write_text(change(path.read_text()))
    except LookupError:  # this level or these widths print no such row
        assert (edit, level) in PRINTED_WITHOUT or len(widths) < 3 or widths[-1] > 1
        pytest.skip(f"no row for {edit} at {level}")
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out)


@pytest.mark.parametrize("widths", [(3, 3, 3), (2, 3, 2)])
@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_swapped_index_in_a_scalar_form_of_several_outputs_is_caught(
    tmp_path, capsys, fmt, widths
) -> None:
    """At the standard level, which writes the entries of W_z out (brief does not: its scalar
    forms are shown, not checked; full prints none)."""
    path = document(tmp_path, widths, "standard", fmt)
    path.write_text(swapped_output_index(path.read_text()))
    status, out = check(path, capsys)
    assert status == 1, out
    assert "(i = 1) is false" in out


@pytest.mark.parametrize("widths", WIDTHS)
def test_a_json_scheme_edit_is_caught(tmp_path, capsys, widths) -> None:
    path = document(tmp_path, widths, "standard", "json")
    data = json.loads(path.read_text())
    steps = [s for section in data["sections"] for s in section.get("steps") or []]
    (hidden,) = [s for s in steps if s.get("lhs") == "h(k)"]
    hidden["rhs"] = hidden["rhs"].replace("h(k - 1)", "h(k - 1) + h(k - 1)")
    path.write_text(json.dumps(data))
    status, out = check(path, capsys)
    assert status == 1, out


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 3, 3), (1, 4, 1), (2, 4, 3, 2)])
@pytest.mark.parametrize("options", [(), ("--convention", "row"), ("--index-base", "0")])
def test_sum_rows_of_a_brief_fragment_are_checked_at_sampled_widths(
    tmp_path, capsys, options, widths
) -> None:
    """A brief LaTeX fragment (displays only, no words) states no widths ``d_k`` and writes no
    matrix out: its rows in sum form, identities for every width, are checked at the widths its
    scalar form pins (``d_0``, ``d_n``) and three samples of the hidden ones, and says so."""
    path = document(tmp_path, widths, "brief", "latex", *options)
    status, out = check(path, capsys)
    assert status == 0 and "not checked" not in out, out
    hidden = ", ".join(f"d_{k}" for k in range(1, len(widths) - 1))
    sampled = re.search(rf"rows over unstated widths {hidden} checked at d = (.*)\)", out)
    assert sampled, out
    tuples = re.findall(r"\(([\d,]+)\)", sampled[1])
    assert len(tuples) == 3, out
    assert all(t.startswith(f"{widths[0]},") and t.endswith(f",{widths[-1]}") for t in tuples)


#: Hand edits of the JSON rows in sum form, (old, new), and of its widths field.
JSON_SUM_EDITS = {
    "swapped_index": ("W_2[k_2, k_1]", "W_2[k_1, k_2]"),
    "wrong_layer": ("W_3[i, k_2]*b_2[k_2]", "W_3[i, k_2]*b_1[k_2]"),
    "dropped_term": (" + Sum(W_3[i, k_2]*b_2[k_2], (k_2, 1, d_2))", ""),
    "short_range": ("*b_2[k_2], (k_2, 1, d_2)", "*b_2[k_2], (k_2, 2, d_2)"),
    "wrong_width": ('"widths": [2, 3, 3', '"widths": [2, 3, 2'),
}


@pytest.mark.parametrize("level", ["brief", "standard"])
def test_json_sum_rows_are_checked(tmp_path, capsys, level) -> None:
    """JSON's rows in sum form (``Sum(..., (k_1, 1, d_1))``) are read and checked at the
    widths of its own ``widths`` field."""
    status, out = check(document(tmp_path, (2, 3, 3, 1), level, "json"), capsys)
    assert status == 0 and "(sums over an index" not in out, out


@pytest.mark.parametrize("level", ["brief", "standard"])
@pytest.mark.parametrize("edit", sorted(JSON_SUM_EDITS))
def test_edits_of_json_sum_rows_are_caught(tmp_path, capsys, edit, level) -> None:
    old, new = JSON_SUM_EDITS[edit]
    path = document(tmp_path, (2, 3, 3, 1), level, "json")
    text = json.dumps(json.loads(path.read_text()))  # one line per field: the edits' spacing
    assert old in text
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "The entries", row \d+ \(i = 1(, j = 1)?\) is false: ', out)


#: Hand edits of the rows in sum form, (old, new): an index swapped, a layer's entry for
#: another's, a term dropped, a range cut short.
SUM_EDITS = {
    "swapped_index": (r"w^{(2)}_{k_{2}\,k_{1}}", r"w^{(2)}_{k_{1}\,k_{2}}"),
    "wrong_layer": (r"w^{(3)}_{i\,k_{2}} b^{(2)}_{k_{2}}", r"w^{(3)}_{i\,k_{2}} b^{(1)}_{k_{2}}"),
    "dropped_term": (r" + \sum_{k_{2}=1}^{d_{2}} w^{(3)}_{i\,k_{2}} b^{(2)}_{k_{2}}", ""),
    "short_range": (r"\sum_{k_{2}=1}^{d_{2}} w^{(3)}_{i", r"\sum_{k_{2}=2}^{d_{2}} w^{(3)}_{i"),
}
SUM_WIDTHS = [(2, 3, 3, 1), (3, 3, 3, 3), (2, 3, 4, 2)]


@pytest.mark.parametrize("widths", SUM_WIDTHS)
@pytest.mark.parametrize("options", [("markdown",), ("latex", "--standalone")])
def test_sum_rows_at_brief_are_checked_at_the_stated_widths(tmp_path, capsys, options, widths):
    """Brief documents write no matrix out, but their words state the widths (``$d_{1} = 3$``):
    every row is checked, the rows in sum form entry by entry."""
    status, out = check(document(tmp_path, widths, "brief", *options), capsys)
    assert status == 0 and "not checked" not in out, out


@pytest.mark.parametrize("widths", SUM_WIDTHS)
@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_sum_rows_at_standard_are_checked(tmp_path, capsys, fmt, widths) -> None:
    status, out = check(document(tmp_path, widths, "standard", fmt), capsys)
    assert status == 0 and "(sums over an index" not in out and "every entry ij" not in out


@pytest.mark.parametrize("widths", SUM_WIDTHS)
@pytest.mark.parametrize(
    "options",
    [("markdown",), ("latex",), ("latex", "--standalone"), ("latex", "--index-base", "0")],
)
@pytest.mark.parametrize("level", ["brief", "standard"])
@pytest.mark.parametrize("edit", sorted(SUM_EDITS))
def test_edits_of_sum_rows_are_caught(tmp_path, capsys, edit, level, options, widths) -> None:
    """In a fragment at standard level the widths are the rows of the matrices it writes out
    (``d_1`` those of ``W_1``), from index base 0 too (``\\sum_{k_{1}=0}^{d_{1} - 1}``)."""
    old, new = SUM_EDITS[edit]
    path = document(tmp_path, widths, level, *options)
    text = path.read_text()
    if "--index-base" in options:
        old, new = (t.replace("=1}^{d_{2}}", "=0}^{d_{2} - 1}") for t in (old, new))
        new = new.replace("=2}^{d_{2} - 1}", "=1}^{d_{2} - 1}")
    assert old in text
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+ \(i = [01](, j = [01])?\) is false: ', out)


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("level", LEVELS)
def test_slides_read_through_their_overlays(tmp_path, capsys, level, widths) -> None:
    """beamer's ``\\uncover<2->{...}`` wraps each side: read as what it wraps, and a hand edit
    inside it is still caught."""
    path = document(tmp_path, widths, level, "beamer")
    assert check(path, capsys)[0] == 0
    text = path.read_text()
    path.write_text(text.replace(r"W_{2} W_{1} x", r"W_{1} W_{2} x", 1))
    if path.read_text() == text:
        pytest.skip("no product W_2 W_1 x in one row")
    status, out = check(path, capsys)
    assert status == 1, out


@pytest.mark.parametrize("widths", [(11, 3), (12, 1), (3, 11, 2), (11, 2, 1)])
@pytest.mark.parametrize("fmt", ["latex", "markdown", "json"])
@pytest.mark.parametrize("level", LEVELS)
def test_wide_networks_pass(tmp_path, capsys, level, fmt, widths) -> None:
    """Two-digit indices (``b^{(1)}_{11}`` is entry 11 of a vector) and a scalar form whose
    arguments are elided (``f(x_{1}, \\dots, x_{12})``, shown but not checked)."""
    path = document(tmp_path, widths, level, fmt)
    status, out = check(path, capsys)
    assert status == 0, out


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (1, 4, 1), (4, 1)])
@pytest.mark.parametrize("fmt", ["markdown", "github", "latex"])
@pytest.mark.parametrize("level", ["brief", "standard"])
def test_the_scalar_form_is_checked_under_the_words_defining_a_and_c(
    tmp_path, capsys, level, fmt, widths
) -> None:
    """The words say ``a_j = (W_z)_{1j}`` and ``c = (b_z)_1``: the scalar form is checked (at
    brief under the widths the words state), and a coefficient moved is caught."""
    options = ("--standalone",) if fmt == "latex" else ()
    path = document(tmp_path, widths, level, fmt, *options)
    status, out = check(path, capsys)
    assert status == 0, out
    text = path.read_text()
    edited = re.sub(r"^(f\(x_\{[^\n]*?)\+ c(?![A-Za-z])", r"\1+ 2 c", text, count=1, flags=re.M)
    assert edited != text
    path.write_text(edited)
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out)


@pytest.mark.parametrize("widths", SUM_WIDTHS)
@pytest.mark.parametrize("edit", sorted(SUM_EDITS))
def test_a_brief_fragment_is_checked_at_widths_given_to_check(tmp_path, capsys, edit, widths):
    """``check --widths 2 3 3 1``: the widths a brief fragment does not state; its rows in sum
    form are then checked (and hold at any widths), and each edit of them is caught."""
    path = document(tmp_path, widths, "brief", "latex")
    given = ["--widths", *map(str, widths)]
    capsys.readouterr()
    assert main(["check", str(path), *given]) == 0
    assert "every entry" not in capsys.readouterr().out
    old, new = SUM_EDITS[edit]
    path.write_text(path.read_text().replace(old, new, 1))
    assert main(["check", str(path), *given]) == 1
    assert re.search(r"row \d+ \(i = 1(, j = 1)?\) is false: ", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (["2", "0"], "widths are 2 or more whole numbers from 1 to 1,000,000"),
        (["2"], "widths are 2 or more whole numbers"),
        (["2", "4", "4", "1"], r"the document states d_\{1\} = 3, the widths given differ"),
    ],
)
def test_widths_given_to_check_that_are_not_widths_are_exit_2(tmp_path, capsys, given, message):
    path = document(tmp_path, (2, 3, 3, 1), "brief", "markdown")  # its words state the widths
    capsys.readouterr()
    assert main(["check", str(path), "--widths", *given]) == 2
    assert re.search(message, capsys.readouterr().err)
