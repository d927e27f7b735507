"""The held-out check of issue 20's "Done when", in every format and notation: a swapped index,
a dropped term, a layer skipped, a transposed matrix, a renamed symbol used inconsistently and
a wrong number, each made by hand in the text of a document ``derive`` wrote, are caught by
``symcollapse check`` (exit 1, naming the row); the untouched documents pass.

Formats: a LaTeX fragment and a standalone LaTeX document, Markdown, Typst, HTML and JSON.
Notations: the default, renamed symbols, index base 0, the upper entry style and the three
levels of detail. The edits find what they change by its spelling in each format, never by the
code that printed it. A square and a non-square network of three layers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sympy as sp

from symcollapse.cli import main
from tests.reading.documents import assert_caught, assert_passes, check, document, written

SHAPES = [(3, 3, 3, 3), (2, 3, 4, 1)]
#: Format -> (the derive format, its options).
FORMATS = {
    "latex": ("latex", ()),
    "standalone": ("latex", ("--standalone",)),
    "markdown": ("markdown", ()),
    "typst": ("typst", ()),
    "html": ("html", ()),
    "json": ("json", ()),
}
#: Notation -> (level of detail, options).
NOTATIONS = {
    "standard": ("standard", ()),
    "brief": ("brief", ()),
    "full": ("full", ()),
    "names": ("standard", ("--names", "W=Theta,b=beta")),
    "index-base-0": ("standard", ("--index-base", "0")),
    "upper": ("standard", ("--entry-style", "upper")),
}
#: Notations that are typesetting options, which JSON does not take.
TYPESETTING = {"index-base-0", "upper"}
#: How each format spells the names' letters: (W, b) and, with --names, (Theta, beta).
LETTERS = {
    "latex": {"W": "W", "b": "b", "Theta": r"\Theta", "beta": r"\beta"},
    "typst": {"W": "W", "b": "b", "Theta": "Theta", "beta": "beta"},
    "html": {"W": "W", "b": "b", "Theta": "Θ", "beta": "β"},
    "json": {"W": "W", "b": "b", "Theta": "Theta", "beta": "beta"},
}
#: Between the factors of a product: a space, ``*`` (JSON), nothing (MathML).
TIMES = r"(\s*\*?\s*)"


def _language(fmt: str) -> str:
    return {"markdown": "latex", "standalone": "latex"}.get(fmt, fmt)


def _spelled(fmt: str, letter: str, sub: str) -> str:
    """The name ``letter_sub`` as ``fmt`` prints it."""
    language = _language(fmt)
    base = LETTERS[language].get(letter, letter)
    return {
        "latex": f"{base}_{{{sub}}}",
        "typst": f"{base}_({sub})",
        "html": f"<msub><mi>{base}</mi><mn>{sub}</mn></msub>",
        "json": f"{base}_{sub}",
    }[language]


def _pattern(fmt: str, letter: str, sub: str) -> str:
    """A regex for ``letter_sub`` in ``fmt`` (MathML's ``<mi>`` may carry attributes)."""
    return re.escape(_spelled(fmt, letter, sub)).replace("<mi>", "<mi[^>]*>")


def _edit(text: str, pattern: str, replace: Callable[[re.Match[str]], str] | str) -> str:
    edited, count = re.subn(pattern, replace, text, count=1)
    if not count:
        raise LookupError(pattern)
    return edited


def _letters(notation: str) -> tuple[str, str]:
    return ("Theta", "beta") if notation == "names" else ("W", "b")


def skip_layer(text: str, fmt: str, notation: str, depth: int) -> str:
    """``W_3 W_2 W_1 x`` becomes ``W_3 W_1 x``: layer 2 is skipped."""
    weight = _letters(notation)[0]
    top, middle, low = (_pattern(fmt, weight, str(k)) for k in (depth, depth - 1, depth - 2))
    return _edit(text, f"({top}){TIMES}{middle}{TIMES}({low})", r"\1\2\4")


def rename(text: str, fmt: str, notation: str, depth: int) -> str:
    """One ``W_2`` of the product ``W_3 W_2 W_1`` is called by another name (renamed symbols:
    by the default name ``W_2``; else ``V_2``), which the document never defines."""
    weight = _letters(notation)[0]
    other = _spelled(fmt, "W" if notation == "names" else "V", str(depth - 1))
    top, middle = (_pattern(fmt, weight, str(k)) for k in (depth, depth - 1))
    return _edit(text, f"({top}){TIMES}{middle}", lambda m: m[1] + m[2] + other)


def drop_term(text: str, fmt: str, notation: str, depth: int) -> str:
    """The first ``+ b_n`` (the last layer's bias, in the substitution row) is gone."""
    bias = _pattern(fmt, _letters(notation)[1], str(depth))
    return _edit(text, rf"(\s*\+\s*|<mo>\+</mo>){bias}(?![\[\w])", "")


#: Entries of layer 2 with two one-digit indices, by format and entry style: (before, i, j,
#: after); a brief document writes no entry out, and its sum rows' indices k_2 k_1 are swapped.
ENTRIES = {
    "latex": [
        r"(\^\{\(2\)\}_\{)(\d)(\d)(\})",
        r"(\^\{2\}_\{)(\d)(\d)(\})",
        r"(\^\{\(2\)\}_\{k_\{)(2)(\}\\,k_\{)(1)(\}\})",
        r"(\^\{2\}_\{k_\{)(2)(\}\\,k_\{)(1)(\}\})",
    ],
    "typst": [
        r"(_\()(\d)(\d)(\)\^\(\(2\)\))",
        r"(_\()(\d)(\d)(\)\^\(2\))",
        r"(_\(k_\()(2)(\) , k_\()(1)(\)\)\^\(\(2\)\))",
        r"(_\(k_\()(2)(\) , k_\()(1)(\)\)\^\(2\))",
    ],
    "html": [
        r"(<msubsup><mi[^>]*>[^<]+</mi><mn>)(\d)(\d)(</mn><mrow><mo stretchy=\"false\">\(</mo>"
        r"<mn>2</mn>)",
        r"(<msubsup><mi[^>]*>[^<]+</mi><mn>)(\d)(\d)(</mn><mn>2</mn></msubsup>)",
        r"(<msubsup><mi[^>]*>[^<]+</mi><mrow><msub><mi>k</mi><mn>)(2)(</mn></msub>.{0,40}?"
        r"<msub><mi>k</mi><mn>)(1)(</mn></msub></mrow><mrow><mo stretchy=\"false\">\(</mo>"
        r"<mn>2</mn>)",
        r"(<mn>2</mn><mo>,</mo><mrow><msub><mi>k</mi><mn>)(2)(</mn></msub><mo>,</mo><msub>"
        r"<mi>k</mi><mn>)(1)(</mn>)",
    ],
    "json": [r"(\w_2_)(\d)(_)(\d)(?!\d)()", r"(_2\[k_)(2)(, k_)(1)(\])"],
}


def swap_index(text: str, fmt: str, notation: str, depth: int) -> str:
    """The first entry of layer 2 with two different indices, ``w^{(2)}_{12}``, becomes
    ``w^{(2)}_{21}`` (in a sum row, ``k_{2}\\,k_{1}`` becomes ``k_{1}\\,k_{2}``)."""
    found = [
        match
        for pattern in ENTRIES[_language(fmt)]
        for match in re.finditer(pattern, text)
        if match[2] != match[len(match.groups()) - 1 if len(match.groups()) == 5 else 3]
    ]
    if not found:
        raise LookupError("no entry of layer 2 with two different indices")
    match = min(found, key=lambda m: m.start())
    groups = match.groups()
    swapped = (
        groups[0] + groups[3] + groups[2] + groups[1] + groups[4]
        if len(groups) == 5
        else groups[0] + groups[2] + groups[1] + groups[3]
    )
    return text[: match.start()] + swapped + text[match.end() :]


#: A written-out matrix of numbers, by format: its cells as one string.
MATRICES = {
    "latex": r"\\begin\{[bp]matrix\} (.*?) \\end\{[bp]matrix\}",
    "typst": r"mat\(delim: \"[\[(]\", (.*?)\)",
    "html": r"<mtable>(.*?)</mtable>",
}


def _split(fmt: str, cells: str) -> list[list[str]]:
    language = _language(fmt)
    if language == "latex":
        return [row.split(" & ") for row in cells.split(r" \\ ")]
    if language == "typst":
        return [row.split(", ") for row in cells.split("; ")]
    return [re.findall(r"<mtd>(.*?)</mtd>", row) for row in re.findall(r"<mtr>(.*?)</mtr>", cells)]


def _joined(fmt: str, rows: list[list[str]]) -> str:
    language = _language(fmt)
    if language == "latex":
        return r" \\ ".join(" & ".join(row) for row in rows)
    if language == "typst":
        return "; ".join(", ".join(row) for row in rows)
    return "".join("<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in row) + "</mtr>" for row in rows)


def _first_matrix(text: str, fmt: str) -> re.Match[str]:
    """The first matrix of at least 2 x 2 whose transpose differs from it."""
    for match in re.finditer(MATRICES[_language(fmt)], text, re.S):
        rows = _split(fmt, match[1])
        columns = [list(column) for column in zip(*rows, strict=True)]
        if len(rows) > 1 and len(columns) > 1 and rows != columns:
            return match
    raise LookupError("no matrix of numbers")


def transpose(text: str, fmt: str, notation: str, depth: int) -> str:
    """The first matrix of numbers is shown transposed (JSON: its first weight)."""
    if fmt == "json":
        data = json.loads(text)
        data["weights"][0] = [list(column) for column in zip(*data["weights"][0], strict=True)]
        return json.dumps(data)
    match = _first_matrix(text, fmt)
    rows = _split(fmt, match[1])
    columns = [list(column) for column in zip(*rows, strict=True)]
    start, end = match.span(1)
    return text[:start] + _joined(fmt, columns) + text[end:]


def wrong_number(text: str, fmt: str, notation: str, depth: int) -> str:
    """The first number of the first matrix of numbers gets a digit more (JSON: its first
    weight)."""
    if fmt == "json":
        data = json.loads(text)
        data["weights"][0][0][0] = str(sp.Rational(data["weights"][0][0][0]) + 1)
        return json.dumps(data)
    match = _first_matrix(text, fmt)
    start = match.start(1) + re.search(r"\d", match[1]).start()  # type: ignore[union-attr]
    return text[:start] + "7" + text[start:]


#: Edit -> (the edit, whether it needs numbers: --values random).
EDITS: dict[str, tuple[Callable[[str, str, str, int], str], bool]] = {
    "swap_index": (swap_index, False),
    "drop_term": (drop_term, False),
    "skip_layer": (skip_layer, False),
    "transpose": (transpose, True),
    "rename": (rename, False),
    "wrong_number": (wrong_number, True),
}
NUMBERS = ("--values", "random", "--seed", "5")


def _document(tmp_path: Path, widths: tuple[int, ...], fmt: str, notation: str, *more: str):
    if fmt == "json" and notation in TYPESETTING:
        pytest.skip("--format json takes no typesetting options")
    derived, options = FORMATS[fmt]
    level, notation_options = NOTATIONS[notation]
    return document(tmp_path, widths, level, derived, *options, *notation_options, *more)


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("numbers", [False, True])
def test_untouched_documents_pass(tmp_path, capsys, numbers, fmt, notation, widths) -> None:
    assert_passes(_document(tmp_path, widths, fmt, notation, *(NUMBERS if numbers else ())), capsys)


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_hand_edits_are_caught(tmp_path, capsys, edit, fmt, notation, widths) -> None:
    change, numbers = EDITS[edit]
    path = _document(tmp_path, widths, fmt, notation, *(NUMBERS if numbers else ()))
    depth = len(widths) - 1
    assert_caught(path, capsys, lambda text: change(text, fmt, notation, depth))


#: A network whose batch norm divides by its scale symbols ``s^{(2)}_{k}``; and, by format, a
#: denominator ``2 s^{(2)}_{2}`` of a folded weight as printed (found by benchmarks/hand_edits.py:
#: a false row with a division was an internal error, exit 3, when check tried it as rounded).
DIVIDED = "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1"
DENOMINATORS = {
    "latex": ("{2 s^{(2)}_{2}}", "{1 s^{(2)}_{2}}"),
    "markdown": ("{2 s^{(2)}_{2}}", "{1 s^{(2)}_{2}}"),
    "typst": (", 2 s_(2)^((2)))", ", 1 s_(2)^((2)))"),
    "html": ("<mn>2</mn><msubsup><mi>s</mi><mn>2</mn>", "<mn>3</mn><msubsup><mi>s</mi><mn>2</mn>"),
}


@pytest.mark.parametrize("fmt", sorted(DENOMINATORS))
def test_a_wrong_denominator_is_false_not_an_internal_error(tmp_path, capsys, fmt) -> None:
    path = written(tmp_path, "layers", fmt, DIVIDED)
    old, new = DENOMINATORS[fmt]
    assert_caught(path, capsys, lambda text: text.replace(old, new, 1))


def _caught_once(path: Path, capsys, old: str, new: str) -> None:
    """The document at ``path``, ``old`` in it replaced once by ``new``, is false."""
    assert old in path.read_text()
    assert_caught(path, capsys, lambda text: text.replace(old, new, 1))


#: Edits found by benchmarks/hand_edits.py that check counted as "shown but not checked" in a
#: document that writes its matrices out through their entries: by format, (text, its edit).
UNCHECKED_EDITS = {
    # the entry row of (b_z)_i renamed on its left: (Q_z)_i, a matrix the document never defines
    "renamed_entry_matrix": {
        "latex": (r"\left(b_{z}\right)_{i}", r"\left(Q_{z}\right)_{i}"),
        "markdown": (r"\left(b_{z}\right)_{i}", r"\left(Q_{z}\right)_{i}"),
        "typst": ("(b_(z))_(i)", "(Q_(z))_(i)"),
        "html": (
            '<msub><mi>b</mi><mi>z</mi></msub><mo stretchy="false">)</mo></mrow><mrow><mi>i',
            '<msub><mi>Q</mi><mi>z</mi></msub><mo stretchy="false">)</mo></mrow><mrow><mi>i',
        ),
        "json": ('"lhs": "b_z[i]"', '"lhs": "Q_z[i]"'),
    },
    # a summand over k_2 takes b_2's entry k_1, an index no sum of that summand binds
    "unbound_index": {
        "latex": ("b^{(2)}_{k_{2}}", "b^{(2)}_{k_{1}}"),
        "markdown": ("b^{(2)}_{k_{2}}", "b^{(2)}_{k_{1}}"),
        "typst": ("b_(k_(2))^((2))", "b_(k_(1))^((2))"),
        "html": (
            "<msubsup><mi>b</mi><msub><mi>k</mi><mn>2</mn></msub><mrow>",
            "<msubsup><mi>b</mi><msub><mi>k</mi><mn>1</mn></msub><mrow>",
        ),
        "json": ("b_2[k_2]", "b_2[k_1]"),
    },
}


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("fmt", sorted(UNCHECKED_EDITS["unbound_index"]))
@pytest.mark.parametrize("edit", sorted(UNCHECKED_EDITS))
def test_an_entry_no_definition_or_sum_gives_is_false(tmp_path, capsys, edit, fmt, widths) -> None:
    """Not "shown but not checked": the other matrices are known entry by entry, so an entry
    of a name never defined, or at an index no sum binds, makes the row false."""
    _caught_once(document(tmp_path, widths, "standard", fmt), capsys, *UNCHECKED_EDITS[edit][fmt])


#: The lower bound of a sum over the data set, by format: (text, its edit). Found by
#: benchmarks/hand_edits.py: the sum was taken over samples 1 to 3 whatever its lower bound.
SAMPLE_BOUNDS = {
    "latex": (r"\sum_{\mu=1}^{P}", r"\sum_{\mu=2}^{P}"),
    "markdown": (r"\sum_{\mu=1}^{P}", r"\sum_{\mu=2}^{P}"),
    "typst": ("sum_(mu = 1)^(P)", "sum_(mu = 2)^(P)"),
    "html": ("<mi>μ</mi><mo>=</mo><mn>1</mn>", "<mi>μ</mi><mo>=</mo><mn>2</mn>"),
    "json": ("(mu, 1, P)", "(mu, 2, P)"),
}


@pytest.mark.parametrize("widths", [(2, 3, 1), (2, 2, 2)])
@pytest.mark.parametrize("fmt", sorted(SAMPLE_BOUNDS))
def test_a_sum_over_the_data_from_another_sample_is_false(tmp_path, capsys, fmt, widths) -> None:
    path = written(tmp_path, "gradients", fmt, *map(str, widths))
    _caught_once(path, capsys, *SAMPLE_BOUNDS[fmt])


#: The left side of the definition of W_z renamed, by format: (text, its edit). Every row stays
#: true (the entries rows still define W_z), but no other row uses the name it defines: false.
DEFINITION_LEFT_SIDES = {
    "latex": (r"W_{z} &\mathrel{:=}", r"Q_{z} &\mathrel{:=}"),
    "markdown": (r"W_{z} &\mathrel{:=}", r"Q_{z} &\mathrel{:=}"),
    "typst": ("W_(z) &:=", "Q_(z) &:="),
    "html": (
        '<msub><mi>W</mi><mi>z</mi></msub></math></td><td class="rhs"><math><mrow><mo>≔',
        '<msub><mi>Q</mi><mi>z</mi></msub></math></td><td class="rhs"><math><mrow><mo>≔',
    ),
    "json": (
        '"lhs": "W_z",\n          "relation": ":="',
        '"lhs": "Q_z",\n          "relation": ":="',
    ),
}


@pytest.mark.parametrize("fmt", sorted(DEFINITION_LEFT_SIDES))
def test_a_definition_no_row_uses_is_named(tmp_path, capsys, fmt) -> None:
    path = document(tmp_path, (2, 3, 3, 1), "full", fmt)
    old, new = DEFINITION_LEFT_SIDES[fmt]
    assert old in path.read_text()
    status, out = check(path, capsys)
    assert status == 0 and "never used" not in out, out
    path.write_text(path.read_text().replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1 and "defines Q_{z}, which no other row uses" in out, out


#: W_z in the data set's loss L_D renamed Q_z, by format: (text, its edit). Found by
#: benchmarks/hand_edits.py: any name the data rows use undefined was taken for W_z.
LOSS_WEIGHTS = {
    "latex": (r"y_{\mu} - W_{z} x_{\mu}", r"y_{\mu} - Q_{z} x_{\mu}"),
    "markdown": (r"y_{\mu} - W_{z} x_{\mu}", r"y_{\mu} - Q_{z} x_{\mu}"),
    "typst": ("y_(mu) - W_(z) x_(mu)", "y_(mu) - Q_(z) x_(mu)"),
    "html": (
        "<mi>μ</mi></msub><mo>\u2212</mo><mrow><msub><mi>W</mi><mi>z</mi></msub>",
        "<mi>μ</mi></msub><mo>\u2212</mo><mrow><msub><mi>Q</mi><mi>z</mi></msub>",
    ),
    "json": ("y_mu - W_z*x_mu", "y_mu - Q_z*x_mu"),
}


@pytest.mark.parametrize("widths", [(2, 3, 1), (2, 2, 2)])
@pytest.mark.parametrize("fmt", sorted(LOSS_WEIGHTS))
def test_another_name_for_the_collapsed_weight_is_not_it(tmp_path, capsys, fmt, widths) -> None:
    """Exit 1 (false) or 2 (a name it cannot check), never 0."""
    path = written(tmp_path, "gradients", fmt, *map(str, widths))
    old, new = LOSS_WEIGHTS[fmt]
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    capsys.readouterr()
    status = main(["check", str(path)])
    said = "".join(capsys.readouterr())  # exit 2 says why on stderr
    assert status in (1, 2) and "Q_{z}" in said, said


@pytest.mark.parametrize("fmt", ["latex", "markdown", "github"])
@pytest.mark.parametrize(
    "command",
    [
        ["derive", "2", "2", "1", "--detail", "full"],
        ["layers", "2 > dense 2 tanh > dense 1"],
        ["layers", "2 > dense 2 relu > dense 1"],
    ],
)
def test_an_entry_name_repeated_in_a_matrix_is_caught(tmp_path, capsys, command, fmt):
    """``w^{(1)}_{21}`` written ``w^{(1)}_{12}`` (the name of another cell): the matrix is no
    longer of distinct names, which let it pass as a convolution's repeated kernel does."""
    path = written(tmp_path, command[0], fmt, *command[1:])
    capsys.readouterr()
    assert_caught(path, capsys, lambda t: t.replace("w^{(1)}_{21}", "w^{(1)}_{12}", 1))


#: A range ``k = 1, ..., 3`` (the layer scheme's) or ``j = 1, ..., 2`` (the scalar form's
#: coefficients') as each format prints it: its letter, then the last number.
RANGES = {
    "latex": r"({letter} = [01], \\dots, )(\d+)",
    "typst": r"({letter} = [01] , dots , )(\d+)",
    "html": r"(<mi>{letter}</mi><mo>=</mo><mn>[01]</mn><mo>,</mo><mo>…</mo><mo>,</mo><mn>)(\d+)",
    "json": r"({letter} = [01], \.\.\., )(\d+)",
}


@pytest.mark.parametrize("widths", [(2, 3, 4, 1), (3, 4, 2, 2)])
@pytest.mark.parametrize("letter", ["k", "j", "i"])
@pytest.mark.parametrize("notation", ["standard", "brief", "names", "index-base-0"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_range_longer_than_the_network_is_false(tmp_path, capsys, fmt, notation, letter, widths):
    """The layer scheme stated for one layer more than the network has (``k = 1, ..., 4`` in a
    document of three, whose words state ``d_0, ..., d_3`` and whose ``f(x) = h^{(3)}``), or
    the scalar form's coefficients ``a_j := (W_z)_{1j}`` (``f_i``, ``i = 1, ..., d_n``) for
    one index more than ``W_z`` has, is false."""
    if (fmt, notation, letter) == ("latex", "brief", "i"):
        pytest.skip("a fragment that states no widths: f_i for i = 1, ..., 3 is a 3-output one")
    path = _document(tmp_path, widths, fmt, notation)
    pattern = RANGES[_language(fmt)].format(letter=letter)
    if re.search(pattern, path.read_text()) is None:
        pytest.skip(f"no range of {letter} in this document")
    assert_caught(path, capsys, lambda text: _edit(text, pattern, _one_more))


def _one_more(found: re.Match[str]) -> str:
    return found[1] + str(int(found[2]) + 1)


#: Hand edits of a brief LaTeX fragment's rows over widths it never states: (pattern, new).
BRIEF_EDITS = {
    "wrong_bound": (r"(\\sum_\{k_\{1\}=[01]\}\^\{d_\{)1(\})", r"\g<1>2\g<2>"),
    "bound_past_the_end": (r"\^\{d_\{2\} - 1\}", r"^{d_{2}}"),  # from index base 0
    "swapped_entry": (r"k_\{1\}\\,([ij])\}", r"\1\\,k_{1}}"),
    "sign": (r"(\\left\((?:b|\\beta)_\{z\}\\right\)_\{[ij]\} &= .*) \+ ", r"\1 - "),
    "undefined_name": (r"\\left\((W|\\Theta)_\{z\}\\right\)_", r"\\left(Q_{z}\\right)_"),
    "wrong_argument": (r"(\n *f(?:_\{[ij]\})?\(x_\{1\}.*?&= .*? )x_\{1\}", r"\1x_{2}"),
}
#: Brief fragments: renamed, by rows, from index base 0, in the flat and upper entry styles.
BRIEF_OPTIONS = {
    "default": (),
    "names": ("--names", "W=Theta,b=beta"),
    "row": ("--convention", "row"),
    "base-0": ("--index-base", "0"),
    "flat": ("--entry-style", "flat"),
    "upper": ("--entry-style", "upper"),
}


@pytest.mark.parametrize("widths", [(2, 3, 4, 1), (3, 4, 2, 2), (2, 2, 2)])
@pytest.mark.parametrize("options", sorted(BRIEF_OPTIONS))
@pytest.mark.parametrize("edit", sorted(BRIEF_EDITS))
def test_a_brief_fragment_is_checked_at_widths_it_does_not_state(
    tmp_path, capsys, edit, options, widths
) -> None:
    """A brief LaTeX fragment never states ``d_1, d_2``: its rows in sum form hold for every
    width, so they are checked at sampled widths, and an edit false at one of them is caught
    (a bound ``d_2`` for ``d_1``, a sum past its end, an entry's indices swapped, a sign, a name no
    row defines, an argument of the scalar form); untouched, it passes saying so."""
    path = document(tmp_path, widths, "brief", "latex", *BRIEF_OPTIONS[options])
    status, out = check(path, capsys)
    assert status == 0 and "rows over unstated widths" in out and "not checked" not in out, out
    pattern, new = BRIEF_EDITS[edit]
    if edit == "wrong_bound" and len(widths) < 4:
        pytest.skip("one hidden width: no other bound to confuse it with")
    if re.search(pattern, path.read_text()) is None:
        pytest.skip(f"no row for {edit} in this fragment")
    assert_caught(path, capsys, lambda text: _edit(text, pattern, new))
