"""Rows checked under the document's own definitions: what holds, what does not and why."""

from __future__ import annotations

import re

import pytest

from symcollapse.reading import check_text


def display(*rows: str, prose: str = "") -> str:
    return prose + "\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


MATRICES = (
    r"A &= \begin{bmatrix} a_{11} & a_{12} \\ a_{21} & a_{22} \end{bmatrix}",
    r"B &= \begin{bmatrix} b_{11} & b_{12} \\ b_{21} & b_{22} \end{bmatrix}",
)


def test_matrix_rows_hold_by_substitution_and_symbols_do_not_commute() -> None:
    text = display(
        *MATRICES,
        r"\left(A B\right)_{12} &= a_{11} b_{12} + a_{12} b_{22}",
        r"P Q + P R &= P \left(Q + R\right)",
    )
    verdict = check_text(text)
    assert (verdict.checked, verdict.definitions, verdict.false) == (4, 2, None)
    assert "is false" in check_text(display(r"P Q &= Q P")).false


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (r"\left(A B\right)_{12} &= a_{11} b_{21} + a_{12} b_{22}", "the two sides differ"),
        (r"A + \begin{bmatrix} 1 \end{bmatrix} &= A", "a 2x2 matrix plus a 1x1 one"),
        (
            r"A &= \begin{bmatrix} a_{11} & a_{21} \\ a_{12} & a_{22} \end{bmatrix}",
            "entry (1, 2) differs",
        ),
    ],
)
def test_a_false_row_says_why(row: str, why: str) -> None:
    assert check_text(display(*MATRICES, row)).false.endswith(why)


def test_the_entry_convention_is_the_documents() -> None:
    swapped = r"A &= \begin{bmatrix} a_{11} & a_{21} \\ a_{12} & a_{22} \end{bmatrix}"
    assert check_text(display(swapped)).false == (
        'section "(before the first section)", row 1 is false: the entry at (1, 2) of A is '
        "named a_{21}"
    )


def test_activations_are_the_identity_only_where_the_document_says_so() -> None:
    rows = (r"f(x) &= \sigma_{1}\left(P x\right)", r"&= P x")
    assert check_text(display(*rows, prose="every activation is the identity")).false is None
    with pytest.raises(Exception, match=r"does not define the function \\sigma_\{1\}"):
        check_text(display(*rows))


COLUMN_LAYERS = (
    r"A_{3} \sigma_{2}\left(A_{2} \sigma_{1}\left(A_{1} x + c_{1}\right) + c_{2}\right) + c_{3}",
    r"A_{3} \left(A_{2} \left(A_{1} x + c_{1}\right) + c_{2}\right) + c_{3}",
)
ROW_LAYERS = (  # the weight after the layer's input; the last bias moved out of the bracket
    r"\sigma_{2}\left(\sigma_{1}\left(x A_{1} + c_{1}\right) A_{2} + c_{2}\right) A_{3}",
    r"\left(\left(x A_{1} + c_{1}\right) A_{2} + c_{2}\right) A_{3}",
)


@pytest.mark.parametrize(("argument", "collapsed"), [COLUMN_LAYERS, ROW_LAYERS])
@pytest.mark.parametrize(
    ("outer", "false"),
    [("3", None), ("1", None), ("0", "0"), ("4", "4")],
)
def test_an_identity_activation_is_one_of_the_documents_layers(
    argument: str, collapsed: str, outer: str, false: str
) -> None:
    """``sigma_{1}`` is as much the identity as ``sigma_{3}``; ``sigma_{0}`` or ``sigma_{4}``
    of a 3-layer network is the activation of no layer, whatever letters the layers use and
    on whichever side of its input a layer's weight stands."""
    rows = (rf"f(x) &= \sigma_{{{outer}}}\left({argument}\right)", rf"&= {collapsed}")
    if argument == ROW_LAYERS[0]:
        rows = (rows[0] + " + c_{3}", rows[1] + " + c_{3}")
    verdict = check_text(display(*rows, prose="every activation is the identity"))
    if false is None:
        assert verdict.false is None
    else:
        assert verdict.false.endswith(
            f"\\sigma_{{{false}}} is the activation of no layer (1, 2, 3)"
        )


def test_large_documents_are_checked_at_a_random_point_and_still_catch_a_change() -> None:
    size = 7  # 98 scalar symbols: above the exact limit
    cells = lambda name: r" \\ ".join(  # noqa: E731
        " & ".join(f"{name}_{{{i}{j}}}" for j in range(1, size + 1)) for i in range(1, size + 1)
    )
    rows = (
        rf"A &= \begin{{bmatrix}} {cells('a')} \end{{bmatrix}}",
        rf"B &= \begin{{bmatrix}} {cells('b')} \end{{bmatrix}}",
        r"\left(A B\right)_{34} &= "
        + " + ".join(f"a_{{3{k}}} b_{{{k}4}}" for k in range(1, size + 1)),
    )
    assert check_text(display(*rows)).false is None
    dropped = rows[2].rsplit(" + ", 1)[0]
    assert "is false" in check_text(display(*rows[:2], dropped)).false


def test_rounded_documents_are_held_to_their_digits() -> None:
    """``1.0`` shown to 3 digits is anything in [0.995, 1.005]; ``1`` is exactly 1 (a rounded
    page writes its rounded numbers with a point)."""
    rows = (
        r"A &= \begin{bmatrix} 1.0 & 2 \end{bmatrix}",
        r"3 A &= \begin{bmatrix} 3.01 & 6 \end{bmatrix}",
    )
    assert check_text(display(*rows)).false is not None
    assert check_text(display(*rows), digits=3).false is None
    whole = (rows[0].replace("1.0", "1"), rows[1])
    assert check_text(display(*whole), digits=3).false is not None


def test_a_sum_over_an_index_is_expanded_and_checked() -> None:
    text = display(
        *MATRICES,
        r"\left(A B\right)_{12} &= \sum_{k=1}^{2} a_{1k} b_{k2}",
        r"\left(A B\right)_{ij} &= \sum_{k=1}^{2} a_{i\,k} b_{k\,j}",
        r"\left(A B\right)_{11} &= a_{11} b_{11} + a_{12} b_{21}",
    )
    verdict = check_text(text)
    assert (verdict.checked, verdict.false, verdict.unchecked) == (5, None, ())


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (r"\left(A B\right)_{12} &= \sum_{k=1}^{2} a_{k1} b_{k2}", "row 3 is false"),
        (r"\left(A B\right)_{ij} &= \sum_{k=1}^{2} a_{i\,k} b_{j\,k}", "row 3 (i = 1, j = 1)"),
        (r"\left(A B\right)_{ij} &= \sum_{k=1}^{1} a_{i\,k} b_{k\,j}", "row 3 (i = 1, j = 1)"),
        (r"\left(A B\right)_{i1} &= \sum_{k=1}^{2} a_{i\,k} b_{k\,2}", "row 3 (i = 1)"),
    ],
)
def test_a_wrong_index_or_range_in_a_sum_is_false(row: str, where: str) -> None:
    false = check_text(display(*MATRICES, row)).false
    assert false is not None and where in false


def test_a_sum_the_reader_cannot_bound_is_shown_not_checked_and_so_is_its_chain() -> None:
    text = display(
        *MATRICES,
        r"\left(A B\right)_{12} &= \sum_{k} a_{1k} b_{k2}",
        r"&= a_{11} b_{12}",  # false, but it continues a row that is not read
        r"\left(A B\right)_{11} &= \sum_{k=1}^{n} a_{1k} b_{k1}",
    )
    verdict = check_text(text)
    assert (verdict.checked, verdict.false) == (2, None)
    assert [why for _, why in verdict.unchecked] == [
        r"sums over an index (\sum)",
        "continues a row not read",
        "a sum up to n, a width the document does not give",
    ]


@pytest.mark.parametrize(
    ("matrix", "entry"),
    [(r"\Theta", r"\theta^{(LAYER)}"), ("W", "w^{(LAYER)}"), ("W", "W^{LAYER}")],
)
def test_a_sum_names_entries_of_the_matrices_in_the_documents_notation(matrix, entry) -> None:
    """No entry of the matrices is written by its symbol: the sum's entries are read as the
    entries of the matrix of their letter and layer, ``d_{1}`` as that matrix's rows."""
    first, second = (entry.replace("LAYER", layer) for layer in "12")
    text = display(
        rf"{matrix}_{{1}} &= \begin{{bmatrix}} 1 & 2 & 0 \\ 3 & 4 & 1 \end{{bmatrix}}",
        rf"{matrix}_{{2}} &= \begin{{bmatrix}} 5 & 6 \\ 7 & 8 \end{{bmatrix}}",
        rf"\left({matrix}_{{2}} {matrix}_{{1}}\right)_{{ij}} &= "
        rf"\sum_{{k=1}}^{{d_{{1}}}} {second}_{{i\,k}} {first}_{{k\,j}}",
    )
    assert check_text(text).false is None
    swapped = text.replace(rf"{first}_{{k\,j}}", rf"{first}_{{j\,k}}")
    assert "row 3 (i = 1, j = 1) is false" in check_text(swapped).false


#: Networks through a bottleneck, and the rank of W_z (width of the narrowest layer).
BOTTLENECKS = {"2 > dense 1 > dense 2": 1, "3 > dense 2 > dense 4 > dense 3": 2}


@pytest.mark.parametrize("spec", sorted(BOTTLENECKS))
@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
def test_a_symbolic_rank_row_is_checked(tmp_path, capsys, fmt, spec) -> None:
    """``rank(W_z) = 1`` at random weights, ``W_z`` symbolic: checked as the rank for generic
    weights (a random point), not shown unchecked; a wrong rank is a false row."""
    from symcollapse.cli import main

    out = tmp_path / "doc"
    assert main(["layers", spec, "--format", fmt, "--out", str(out)]) == 0
    (path,) = out.iterdir()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    assert "not checked" not in capsys.readouterr().out
    rank = BOTTLENECKS[spec]
    text = path.read_text()
    shown = re.search(rf'rank(}}|"\)|</mi>)[^\n]*?(&=|<mo>=</mo>)\s*(<mn>)?{rank}(?!\d)', text)
    assert shown, text
    edited = shown[0][: -len(str(rank))] + str(rank + 1)
    path.write_text(text.replace(shown[0], edited, 1))
    assert main(["check", str(path)]) == 1
    assert " is false: " in capsys.readouterr().out


def test_a_rank_is_a_number_an_instance_can_be_given() -> None:
    """``f(x) = rank(x)`` then ``x`` given numbers: the rank is a sympy number as any value
    (it was Python's int, which an instance's row took apart: an internal error)."""
    text = display(
        r"x &= \begin{bmatrix} 1 \\ -1 \end{bmatrix}",
        r"f(x) &= \operatorname{rank}(x)",
        r"f(x) &= \begin{bmatrix} 0 \\ 0 \end{bmatrix}",
        r"f(x) &= \tanh(x)",
        r"x &= \begin{bmatrix} 1 \\ -1 \end{bmatrix}",
    )
    assert check_text(text).false.endswith("row 3 is false: a 2x1 matrix against 1")


@pytest.mark.parametrize("digit", ["²", "٣", "³"])
def test_a_subscript_of_other_digits_is_no_layer_number(digit: str) -> None:
    """``W_{²}`` (a superscript two, or another script's digit) is a name like any other: the
    page is read, never an internal error from ``int()``."""
    rows = (
        rf"f(x) &= \sigma_{{3}}\left(W_{{{digit}}} \sigma_{{1}}\left(W_{{1}} x + b_{{1}}\right)"
        r" + b_{2}\right)",
        rf"&= W_{{{digit}}} \left(W_{{1}} x + b_{{1}}\right) + b_{{2}}",
    )
    verdict = check_text(display(*rows, prose="every activation is the identity"))
    assert verdict.false is None or "is false" in verdict.false


def test_forgetting_values_forgets_what_was_found_through_them() -> None:
    """A sum's bounds and the matrix an entry's symbol is in are found once, and kept only as
    long as the values they were found through: forgetting the values forgets them too."""
    from symcollapse.reading import read_document
    from symcollapse.reading.meaning import Meaning

    row = r"\left(A B\right)_{12} &= \sum_{k=1}^{2} a_{1k} b_{k2}"
    meaning = Meaning(read_document(display(*MATRICES, row)))
    assert meaning.check().false is None
    assert meaning._bounds and meaning.values
    meaning.forget()
    assert not (meaning._bounds or meaning._entry_sources or meaning.values)
