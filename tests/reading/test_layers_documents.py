"""``symcollapse layers`` documents read back: a ReLU network's piecewise collapse (the
activations evaluated at points, the masks as each point's pattern, the instance at a point)
and the affine layer kinds, in every readable format and notation; and hand edits of them
caught, naming the row."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.reading import check_text, language_of, read_document
from symcollapse.reading.maps import misnamed_map
from tests.reading.documents import assert_caught, assert_passes, check

FORMATS = ["latex", "markdown", "github", "json", "typst", "html"]

#: Piecewise networks: one ReLU, a leaky one (slope 1/10), two ReLU layers, a ReLU last;
#: square and not.
PIECEWISE = [
    "2 > dense 3 relu > dense 1",
    "2 > dense 4 leaky_relu(1/10) > dense 1",
    "2 > dense 3 relu > dense 2 relu > dense 1",
    "3 > dense 3 relu > dense 3",
    "2 > dense 3 > dense 2 relu",  # merged to one map and the identity after the ReLU
]

#: The affine layer kinds (each the first of its kind's examples), before a dense layer.
AFFINE = [
    "8 > conv1d k=3 > dense 2",
    "8 > avgpool 2 > dense 2",
    "8 > batchnorm > dense 2",
    "8 > dropout 1/4 > dense 2",
    "8 > residual(dense 8) > dense 2",
]

#: Max pooling: default stride and not, alone and after a (leaky) ReLU; square and not.
POOLED = [
    "4 > maxpool 2",
    "6 > maxpool 3 s=1",
    "6 > maxpool 2 s=4",
    "2 > dense 6 relu > maxpool 3 s=1 > dense 1",
    "3 > dense 4 leaky_relu(1/10) > maxpool 2 s=1 > dense 3",
]

#: Notation options of the typeset formats (JSON takes only --names).
NOTATIONS = {
    "row": ("--convention", "row"),
    "names": ("--names", "x=y,W=M,W_z=M_eff"),
    "flat": ("--entry-style", "flat"),
    "upper": ("--entry-style", "upper"),
    "base0": ("--index-base", "0"),
    "pmatrix": ("--delimiter", "pmatrix"),
    "two-column": ("--two-column",),
    "row-flat-0": ("--convention", "row", "--entry-style", "flat", "--index-base", "0"),
}


def layers(tmp_path: Path, spec: str, fmt: str, *options: str) -> Path:
    """The document ``layers`` writes for ``spec`` in ``fmt`` (it re-read it before writing)."""
    out = tmp_path / "doc"
    assert main(["layers", spec, "--format", fmt, "--out", str(out), *options]) == 0
    (path,) = out.iterdir()
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("spec", PIECEWISE + AFFINE + POOLED)
def test_layers_documents_pass(tmp_path, capsys, spec, fmt):
    assert_passes(layers(tmp_path, spec, fmt), capsys)


#: Networks whose one layer has no bias, or that have no affine layer (dropout is the identity):
#: the page states b_z as the zero vector it uses, and W_z as the identity matrix it is.
NO_BIAS = [
    "8 > avgpool 2",
    "8 > maxpool 1 s=2",
    "6 > maxpool 1 s=3",
    "8 > dropout",
    "5 > dropout > dropout",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("spec", NO_BIAS)
def test_a_layer_without_bias_states_b_z(tmp_path, capsys, spec, fmt):
    path = layers(tmp_path, spec, fmt)
    assert_passes(path, capsys)
    assert re.search(r"no bias", path.read_text())


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("spec", [PIECEWISE[0], PIECEWISE[3]])
def test_piecewise_documents_pass_in_every_notation(tmp_path, capsys, spec, fmt, notation):
    assert_passes(layers(tmp_path, spec, fmt, *NOTATIONS[notation]), capsys)


def test_json_piecewise_document_passes_renamed(tmp_path, capsys):
    assert_passes(layers(tmp_path, PIECEWISE[0], "json", *NOTATIONS["names"]), capsys)


@pytest.mark.parametrize("fmt", FORMATS)
def test_piecewise_rows_are_checked_not_skipped(tmp_path, fmt):
    """Every row of the ReLU document is read and counted: none is left unchecked."""
    path = layers(tmp_path, PIECEWISE[0], fmt)
    verdict = check_text(path.read_text(), language=language_of(path.name))
    assert verdict.false is None and verdict.unchecked == ()
    assert verdict.checked - verdict.definitions >= 12


#: Hand edits of the 2-3-1 ReLU document in LaTeX: (old, new, the row named).
LATEX_EDITS = {
    "mask entry flipped": (
        r"D_{1} &= \begin{bmatrix} 0 & 0 & 0",
        r"D_{1} &= \begin{bmatrix} 1 & 0 & 0",
        "row 27 is false: D_1 is not the activation pattern",
    ),
    "region matrix transposed": (
        r"\begin{bmatrix} 27.75 & -43 \end{bmatrix}",
        r"\begin{bmatrix} -43 & 27.75 \end{bmatrix}",
        "row 28 is false",
    ),
    "region product reordered": (
        r"W_{z}(D) &\mathrel{:=} A_{2} D_{1} A_{1}",
        r"W_{z}(D) &\mathrel{:=} A_{2} A_{1} D_{1}",
        "row 12 is false",
    ),
    "mask dropped on the region": (
        r"A_{2} \left(D_{1} \left(A_{1} x + a_{1}\right)\right) + a_{2}",
        r"A_{2} \left(A_{1} x + a_{1}\right) + a_{2}",
        "row 11 is false",
    ),
    "dropped term": (r" + w^{(2)}_{13} \delta^{(1)}_{3} w^{(1)}_{31}", "", "row 17 is false"),
    "masks swapped in an entry": (
        r"w^{(2)}_{11} \delta^{(1)}_{1} w^{(1)}_{11} + w^{(2)}_{12} \delta^{(1)}_{2}",
        r"w^{(2)}_{11} \delta^{(1)}_{2} w^{(1)}_{11} + w^{(2)}_{12} \delta^{(1)}_{1}",
        "row 17 is false",
    ),
    "wrong pre-activation": (
        r"2 x_{1} + 4.5 x_{2} + 0.75",
        r"2 x_{1} + 4.5 x_{2} + 0.5",
        "row 26 is false: not the pre-activation of layer 1",
    ),
    "wrong value at the point": (r"&= \frac{5569}{48}", r"&= \frac{5567}{48}", "row 30 is false"),
    "wrong certificate number": (
        r"f(u) + f(v) &= 17",
        r"f(u) + f(v) &= 16",
        "row 38 is false",
    ),
    # every value of the certificate is non-zero and no two are equal, so dropping, negating
    # or exchanging a term, or moving v (f(v) stays f at a ReLU that is off), makes a row false
    "certificate term dropped": (r"f(u) + f(v) &= 17", r"f(u) &= 17", "row 38 is false"),
    "certificate term negated": (r"f(u + v) + f(0) &=", r"f(u + v) - f(0) &=", "row 37 is false"),
    "certificate terms exchanged": (
        r"f(u + v) + f(0) &=",
        r"f(u + v) + f(v) &=",
        "row 37 is false",
    ),
    "certificate input moved": (
        r"v &= \begin{bmatrix} -1 \\ -1",
        r"v &= \begin{bmatrix} -2 \\ -1",
        "row 37 is false",
    ),
    "wrong merge": (
        r"\operatorname{ReLU}\left(A_{1} x + a_{1}\right)",
        r"\operatorname{ReLU}\left(A_{1} x - a_{1}\right)",
        "row 6 is false",
    ),
}


@pytest.mark.parametrize("edit", sorted(LATEX_EDITS))
def test_hand_edits_are_caught(tmp_path, capsys, edit):
    old, new, named = LATEX_EDITS[edit]
    path = layers(tmp_path, PIECEWISE[0], "latex")
    text = path.read_text()
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert named in out, out


def _json_edit(text: str, section: str, lhs: str, new_rhs: str) -> str:
    """The JSON document with the first step ``lhs`` of ``section`` given ``new_rhs``."""
    data = json.loads(text)
    (steps,) = [s["steps"] for s in data["sections"] if s["title"] == [section]]
    (step,) = [s for s in steps if s["lhs"] == lhs][:1]
    step["rhs"] = new_rhs
    return json.dumps(data)


#: Hand edits of the JSON document: (section, step, new right side, the row named).
JSON_EDITS = {
    "mask entry flipped": (
        "The activation pattern at a point",
        "D_1",
        "[[0, 0, 0], [0, 0, 0], [0, 0, 1]]",
        "is not the activation pattern",
    ),
    "region order": ("Piecewise collapse", "W_z(D)", "A_2*A_1*D_1", "is false"),
    "wrong number": ("No single affine map", "f(u) + f(v)", "[[7]]", "is false: entry"),
}


@pytest.mark.parametrize("edit", sorted(JSON_EDITS))
def test_json_hand_edits_are_caught(tmp_path, capsys, edit):
    section, lhs, rhs, named = JSON_EDITS[edit]
    path = layers(tmp_path, PIECEWISE[0], "json")
    path.write_text(_json_edit(path.read_text(), section, lhs, rhs))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(rf'section "{section}", row \d+.*{named}', out), out


#: A forward function file for ``layers --function``: the affine network and a ReLU one.
FUNCTIONS = """
W: dict = {}
b: dict = {}


def relu(v):
    return v


def affine_net(x):
    return W[2] @ (W[1] @ x + b[1]) + b[2]


def relu_net(x):
    return W[2] @ relu(W[1] @ x + b[1]) + b[2]
"""


def function_document(tmp_path: Path, name: str, fmt: str, *options: str) -> Path:
    """The document ``layers --function`` writes for ``name`` of :data:`FUNCTIONS`."""
    source = tmp_path / "net.py"
    source.write_text(FUNCTIONS)
    out = tmp_path / "doc"
    argv = ["layers", "--function", f"{source}:{name}", "--widths", "2", "3", "1"]
    assert main([*argv, "--format", fmt, "--out", str(out), *options]) == 0
    (path,) = out.iterdir()
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["affine_net", "relu_net"])
def test_function_documents_pass(tmp_path, capsys, name, fmt):
    assert_passes(function_document(tmp_path, name, fmt), capsys)


@pytest.mark.parametrize("fmt", ["latex", "typst", "html"])
@pytest.mark.parametrize("notation", ["names", "base0", "flat"])
def test_function_documents_pass_in_every_notation(tmp_path, capsys, fmt, notation):
    assert_passes(function_document(tmp_path, "relu_net", fmt, *NOTATIONS[notation]), capsys)


#: Hand edits of the function's line, by format: (old, new).
FUNCTION_EDITS = {
    "latex": (r"\mathclose{}\right) + b_{2} &=", r"\mathclose{}\right) &="),
    "json": ("+ b[1]) + b[2]", "+ b[1])"),
    "typst": ('+ b[1]) + b[2]")', '+ b[1]) + b[1]")'),
    "html": ("+ b[1]) + b[2]</mtext>", "+ b[1]) + b[2] + b[2]</mtext>"),
}


@pytest.mark.parametrize("fmt", sorted(FUNCTION_EDITS))
def test_an_edited_function_line_is_caught(tmp_path, capsys, fmt):
    old, new = FUNCTION_EDITS[fmt]
    path = function_document(tmp_path, "relu_net", fmt)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row [12]( \(the function.s code\))? is false', out), out


#: How each format prints max pooling over windows of 3 with stride 1: the stride is printed
#: (the size alone reads as stride 3, another map); with the default stride it is not.
STRIDES = {
    "latex": (r"\operatorname{maxpool}_{3, s = 1}", r"\operatorname{maxpool}_{3}"),
    "json": ("maxpool[3, s=1]", "maxpool[3]"),
    "text": ("maxpool[3, s=1]", "maxpool[3]"),
    "typst": ('op("maxpool")_(3 , s = 1)', 'op("maxpool")_(3)'),
    "html": ("<mi>s</mi>", None),
}


@pytest.mark.parametrize("fmt", sorted(STRIDES))
@pytest.mark.parametrize("width", [6, 9])
def test_maxpool_prints_its_stride_where_not_the_size(tmp_path, fmt, width):
    strided, default = STRIDES[fmt]
    text = layers(tmp_path / "s1", f"{width} > maxpool 3 s=1", fmt).read_text()
    assert strided in text
    plain = layers(tmp_path / "s3", f"{width} > maxpool 3", fmt).read_text()
    assert strided not in plain
    if default is not None:
        assert default in plain and default not in text


def check_with(path: Path, capsys, *options: str) -> tuple[int, str]:
    """``symcollapse check path OPTIONS``: its exit status and what it printed."""
    capsys.readouterr()
    status = main(["check", str(path), *options])
    return status, capsys.readouterr().out


#: A ReLU network and an affine one whose pages show rounded numbers.
ROUNDED = ["2 > dense 3 relu > dense 1", "3 > dense 3 relu > dense 3", "8 > avgpool 3"]


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
@pytest.mark.parametrize("spec", ROUNDED)
@pytest.mark.parametrize("digits", [3, 6])
def test_check_takes_the_rounding_of_a_digits_document(tmp_path, capsys, spec, fmt, digits):
    path = layers(tmp_path, spec, fmt, "--digits", str(digits))
    status, out = check_with(path, capsys, "--digits", str(digits))
    assert status == 0, out
    assert f"(numbers held to {digits} significant digits)" in out
    exact, out = check_with(path, capsys)
    if exact:  # false as exact numbers: the message says how to check a rounded page
        assert exact == 1 and "--digits" in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_rounded_page_says_its_rounding(tmp_path, capsys, fmt):
    """``--digits`` pages say in words what they rounded, so check holds them to it untold."""
    path = layers(tmp_path, ROUNDED[0], fmt, "--digits", "3")
    status, out = check_with(path, capsys)
    assert status == 0 and "(numbers held to 3 significant digits)" in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_rounded_page_checked_as_exact_names_digits(tmp_path, capsys, fmt):
    """Without its words, a rounded page checked as exact numbers says to give --digits."""
    path = layers(tmp_path, ROUNDED[0], fmt, "--digits", "3")
    path.write_text(path.read_text().replace("significant", "sig."))
    status, out = check_with(path, capsys)
    assert status == 1 and "give check the --digits they were rounded to" in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_check_learns_the_rounding_the_document_states(tmp_path, capsys, fmt):
    path = layers(tmp_path, ROUNDED[0], fmt, "--digits", "3")
    text = path.read_text()
    sentence = "Numbers are rounded to 3 significant digits."
    path.write_text(text.replace("### The network\n", f"### The network\n\n{sentence}\n", 1))
    if fmt == "latex":
        path.write_text(sentence + "\n" + text)
    status, out = check_with(path, capsys)
    assert status == 0 and "(numbers held to 3 significant digits)" in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_number_wrong_beyond_the_digits_is_caught(tmp_path, capsys, fmt):
    """The value at the point, 116.0 at 3 digits, made 136.0: further off than the rounding
    (half a unit of each shown number's third digit, carried through the row) allows."""
    path = layers(tmp_path, ROUNDED[0], fmt, "--digits", "3")
    text = path.read_text()
    assert text.count("116.0") == 1, "the value at the point, rounded to 3 digits"
    status, out = check_with(path, capsys, "--digits", "3")
    assert status == 0, out
    path.write_text(text.replace("116.0", "136.0"))
    status, out = check_with(path, capsys, "--digits", "3")
    assert status == 1 and "is false" in out, out


@pytest.mark.parametrize("value", ["0", "51", "x"])
def test_check_refuses_digits_out_of_range(tmp_path, capsys, value):
    path = layers(tmp_path, ROUNDED[0], "markdown")
    assert main(["check", str(path), "--digits", value]) == 2


@pytest.mark.parametrize("fmt", ["latex", "typst", "html"])
@pytest.mark.parametrize("notation", ["row", "names", "base0", "flat"])
def test_maxpool_documents_pass_in_every_notation(tmp_path, capsys, fmt, notation):
    options = NOTATIONS[notation]
    if notation == "names" and fmt == "latex":  # a fragment prints no W_z: W_z=M_eff is refused
        options = ("--names", "x=y,W=M")
    assert_passes(layers(tmp_path, POOLED[3], fmt, *options), capsys)


_ONES = r"\begin{bmatrix} 1 \\ 1 \\ 0 \\ 0 \\ 0 \\ 0 \end{bmatrix}\right)"

#: Hand edits of the max pooling rows (in POOLED[3]'s LaTeX): (old, new).
POOLING_EDITS = {
    "certificate value": (
        _ONES + r" &= \begin{bmatrix} 1 \\ 1 \\ 0 \\ 0 \end{bmatrix}",
        _ONES + r" &= \begin{bmatrix} 1 \\ 0 \\ 0 \\ 0 \end{bmatrix}",
    ),
    "certificate stride": (
        r"\operatorname{maxpool}_{3, s = 1}\left(" + _ONES,
        r"\operatorname{maxpool}_{3, s = 2}\left(" + _ONES,
    ),
    "certificate window": (
        r"\operatorname{maxpool}_{3, s = 1}\left(" + _ONES,
        r"\operatorname{maxpool}_{2, s = 1}\left(" + _ONES,
    ),
    "merged stride": (
        r"A_{3} \operatorname{maxpool}_{3, s = 1}",
        r"A_{3} \operatorname{maxpool}_{3, s = 3}",
    ),
}


@pytest.mark.parametrize("edit", sorted(POOLING_EDITS))
def test_maxpool_hand_edits_are_caught(tmp_path, capsys, edit):
    old, new = POOLING_EDITS[edit]
    path = layers(tmp_path, POOLED[3], "latex")
    assert_caught(path, capsys, lambda text: text.replace(old, new, 1))


def test_a_json_maxpool_with_its_stride_dropped_is_caught(tmp_path, capsys):
    path = layers(tmp_path, POOLED[1], "json")
    text = path.read_text()
    assert "maxpool[3, s=1]([[1], [1], [0], [0], [0], [0]])" in text
    edited = text.replace(
        "maxpool[3, s=1]([[1], [1], [0], [0], [0], [0]])",
        "maxpool[3]([[1], [1], [0], [0], [0], [0]])",
    )
    assert_caught(path, capsys, lambda _: edited)


def _kind_examples() -> list[str]:
    """Each layer kind's examples, alone and before a ReLU layer; a curved activation's left
    out (with 8 inputs its number at the point, of f_1(x_1, ..., x_8), is shown, not read;
    before a ReLU it is not read): tests/reading/test_curved_documents.py reads curved ones."""
    from symcollapse.spec.kinds.registry import KINDS

    examples = [e for kind in KINDS for e in kind.examples if "tanh" not in e]
    return [f"8 > {e}{tail}" for e in examples for tail in ("", " > dense 2 relu > dense 1")]


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json", "typst", "html"])
@pytest.mark.parametrize("spec", _kind_examples())
def test_every_kind_example_reads_whole(tmp_path, capsys, spec, fmt):
    path = layers(tmp_path, spec, fmt)
    assert_passes(path, capsys)
    assert "shown but not checked" not in check(path, capsys)[1] or "maxpool" in spec


def test_an_instance_given_entry_by_entry_is_checked(tmp_path, capsys):
    """A wide instance matrix is printed one entry a row: its entries are the instance's."""
    path = layers(tmp_path, "8 > conv1d k=3 > dense 2 relu > dense 1", "markdown")
    text = path.read_text()
    row = re.search(r"^\\left\(A_\{1\}\\right\)_\{11\} &= (-?[\d.]+)", text, re.M)
    assert row, "A_1 given entry by entry"
    wrong = str(float(row.group(1)) + 1)
    assert_caught(path, capsys, lambda t: t[: row.start(1)] + wrong + t[row.end(1) :])


#: z_{1}'s first entry of PIECEWISE[0] (2 x_1 + 4.5 x_2 + 0.75) edited to one of the same
#: value at the document's point (x_1 = 0.75) but another function of x, by format.
PREACTIVATION = {
    "latex": ("2 x_{1} + 4.5 x_{2} + 0.75", "4 x_{1} + 4.5 x_{2} - 0.75"),
    "markdown": ("2 x_{1} + 4.5 x_{2} + 0.75", "4 x_{1} + 4.5 x_{2} - 0.75"),
    "typst": ("2 x_(1) + 4.5 x_(2) + 0.75", "4 x_(1) + 4.5 x_(2) - 0.75"),
    "json": ("2*x_1 + 9/2*x_2 + 3/4", "4*x_1 + 9/2*x_2 - 3/4"),
}


@pytest.mark.parametrize("fmt", sorted(PREACTIVATION))
def test_a_preactivation_right_only_at_the_point_is_caught(tmp_path, capsys, fmt):
    """z_{j} is an affine function of x on the point's region (the masks kept): one that agrees
    with it at the point alone passed (a term of x_{3}, 0 there, dropped did too)."""
    old, new = PREACTIVATION[fmt]
    path = layers(tmp_path, PIECEWISE[0], fmt)
    assert old in path.read_text()
    assert_caught(path, capsys, lambda t: t.replace(old, new, 1))


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "json"])
@pytest.mark.parametrize("which", ["symbolic", "instance"])
def test_a_map_of_the_masks_renamed_is_caught(tmp_path, capsys, fmt, which):
    """b_{z}(D) renamed Q_{z}(D) where it is defined (as its entries, or JSON's expression) or
    given numbers: a name no other row uses, b_{z}(D) left as it was; it passed."""
    # JSON's W_{z}(D) is its expression (its b_{z}(D) its entries, as the others write both)
    shown = {"typst": "b_(z)(D) &=", "json": '"lhs": "W_z(D)",\n          "relation": "="'}
    shown = shown.get(fmt, "b_{z}(D) &=")
    path = layers(tmp_path, PIECEWISE[0], fmt)
    rows = [m.start(1) for m in re.finditer(rf"^\s*({re.escape(shown)})", path.read_text(), re.M)]
    assert len(rows) == 2, rows  # defined (JSON: expanded), then given numbers
    at = rows[0] if which == "symbolic" else rows[1]
    renamed = shown.replace("b_", "Q_").replace("W_", "Q_")
    assert_caught(path, capsys, lambda t: t[:at] + renamed + t[at + len(shown) :])


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "json", "html"])
@pytest.mark.parametrize("edit", ["a map given twice", "a division by zero"])
def test_an_instance_that_does_not_evaluate_is_false_not_an_error(tmp_path, capsys, fmt, edit):
    """A_{2}'s numbers given as A_{1}'s (the product's shapes differ), 8/3 written 8/0: the
    instance's rows do not evaluate; that was an internal error (exit 3), it is a false row."""
    path = layers(tmp_path, PIECEWISE[0], fmt)
    text = path.read_text()
    if edit == "a division by zero":
        old = {"typst": "frac(8, 3)", "json": "8/3", "html": "<mn>8</mn><mn>3</mn>"}
        old, new = old.get(fmt, "\\frac{8}{3}"), "0"
        new = old.replace("3", new)
    else:
        old = {"typst": "A_(2) &= mat", "json": '"lhs": "A_2",\n          "relation": "="'}
        old["html"] = '<msub><mi>A</mi><mn>2</mn></msub></math></td><td class="rhs">'
        old = old.get(fmt, "A_{2} &= \\begin")
        new = old.replace("2", "1", 1)
    assert old in text
    assert_caught(path, capsys, lambda t: t.replace(old, new, 1))


#: z_{1}'s first entry of PIECEWISE[3] under --digits 3, 0.5 x_{3} in it made 0.6 x_{3}.
ROUNDED_PREACTIVATION = {
    "latex": ("- 0.5 x_{3} + 0.75", "- 0.6 x_{3} + 0.75"),
    "markdown": ("- 0.5 x_{3} + 0.75", "- 0.6 x_{3} + 0.75"),
    "typst": ("- 0.5 x_(3) + 0.75", "- 0.6 x_(3) + 0.75"),
}


@pytest.mark.parametrize("fmt", sorted(ROUNDED_PREACTIVATION))
def test_a_rounded_first_preactivation_is_held_to_its_maps(tmp_path, capsys, fmt):
    """z_{1} = A_{1} x + a_{1} shows the numbers A_{1} and a_{1} show: held exactly under
    --digits, not within 10 % of its largest coefficient (0.5 made 0.6 passed)."""
    old, new = ROUNDED_PREACTIVATION[fmt]
    path = layers(tmp_path, PIECEWISE[3], fmt, "--digits", "3")
    assert old in path.read_text()
    assert_caught(path, capsys, lambda t: t.replace(old, new, 1))


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst"])
def test_rounded_piecewise_rows_of_symbols_are_held_exactly(tmp_path, capsys, fmt):
    """--digits 3: a_{2} dropped from the merged form (a row of symbols, shown as it is) was
    within the rounding's 10 %; and z_{1}, which shows A_{1}'s and a_{1}'s numbers as shown."""
    path = layers(tmp_path, PIECEWISE[3], fmt, "--digits", "3")
    merged = {"typst": "(A_(1) x + a_(1)) + a_(2)"}.get(
        fmt, "\\left(A_{1} x + a_{1}\\right) + a_{2}"
    )
    assert merged in path.read_text()
    assert_caught(path, capsys, lambda t: t.replace(merged, merged.rsplit(" + ", 1)[0], 1))


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "json"])
def test_a_matrix_written_as_another_ones_entries_is_named(tmp_path, fmt):
    """b_{z}(D) = [(b_{z}(D))_{1}] with its left side renamed: the row itself says the
    matrix is another's entries (reading/maps.py), whether or not another row uses the name."""
    shown = {"typst": "b_(z)(D) &=", "json": '"lhs": "b_z(D)",\n          "relation": "="'}
    shown = shown.get(fmt, "b_{z}(D) &= \\begin")
    path = layers(tmp_path, PIECEWISE[0], fmt)
    edited = path.read_text().replace(shown, shown.replace("b_", "Q_"), 1)
    assert edited != path.read_text()
    document = read_document(edited, language_of(path.name))
    assert "its cells are the entries of b_{z}(...)" in str(misnamed_map(document))
    assert misnamed_map(read_document(path.read_text(), language_of(path.name))) is None
