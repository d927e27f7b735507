"""Gradients documents read back and checked by differentiating the loss they define
(:mod:`symcollapse.reading.calculus`): every format, convention, renaming, entry style and level
passes with rows checked; a hand edit of a gradient row is caught naming the row; a renderer
bug is an internal error with nothing written."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.reading import calculus, check_text, language_of
from symcollapse.reading.calculus import EXACT_SYMBOLS, SAMPLES

#: A non-square network of two layers, a square one of two, and one layer.
SHAPES = [(2, 3, 1), (2, 2, 2), (2, 2)]
LEVELS = ["brief", "standard", "full"]
FORMATS = {"latex": "tex", "markdown": "md", "github": "md", "json": "json"}
FORMATS |= {"typst": "typ", "html": "html"}

#: Options every format takes, and those of the typeset formats only (not JSON).
OPTIONS = {
    "row": ("--convention", "row"),
    "names": ("--names", "W=V,x=u,b=c,y=t,loss=E,Sigma_xx=C"),
}
TYPESET = {
    "flat": ("--entry-style", "flat"),
    "upper": ("--entry-style", "upper"),
    "pmatrix": ("--delimiter", "pmatrix"),
}


def document(tmp_path: Path, widths: tuple[int, ...], fmt: str, *options: str) -> Path:
    """The document ``gradients`` writes (after its own re-read) for ``widths`` in ``fmt``."""
    out = tmp_path / "doc"
    argv = ["gradients", *map(str, widths), "--format", fmt, "--out", str(out), *options]
    assert main(argv) == 0
    (path,) = out.iterdir()
    return path


def verdict_of(path: Path, text: str | None = None, widths: tuple[int, ...] | None = None):
    """The reader's verdict on ``path`` (or on ``text`` in its format)."""
    text = path.read_text() if text is None else text
    return check_text(text, language=language_of(str(path)), widths=widths)


def assert_checked(path: Path, widths: tuple[int, ...] | None) -> None:
    """The untouched document holds, with identities (the gradient rows) checked, and says
    the data-set rows were checked at the samples they were checked at."""
    verdict = verdict_of(path, widths=widths)
    assert verdict.false is None
    assert verdict.checked - verdict.definitions >= 2  # dL/dW_1 and dL/db_1 at least
    assert all(why == "no step names it" for _, why in verdict.unchecked), verdict.unchecked
    data_set = re.search("Sigma|Σ", path.read_text()) is not None  # its rows, where shown
    note = f"sums over the data set checked at P = {SAMPLES} samples of symbols"
    assert verdict.notes == ((note,) if data_set else ())


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_level_is_checked(
    tmp_path: Path, widths: tuple[int, ...], level: str, fmt: str
) -> None:
    path = document(tmp_path, widths, fmt, "--detail", level)
    assert_checked(path, widths)  # with the widths the re-read is given
    assert_checked(path, None)  # and from the document alone


@pytest.mark.parametrize("option", [*OPTIONS, *TYPESET])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("level", ["standard", "full"])
def test_every_notation_is_checked(tmp_path: Path, option: str, fmt: str, level: str) -> None:
    if fmt == "json" and option in TYPESET:
        pytest.skip("JSON takes no typesetting options")
    options = {**OPTIONS, **TYPESET}[option]
    path = document(tmp_path, (2, 3, 2), fmt, "--detail", level, *options)
    assert_checked(path, None)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 2, 2)])
def test_a_larger_network_is_checked_at_a_random_point(
    tmp_path: Path, fmt: str, widths: tuple[int, ...]
) -> None:
    """More than EXACT_SYMBOLS symbols: every row at the point, derivatives taken before it;
    as many rows checked as when they are expanded."""
    symbols = sum(a * b + a for a, b in zip(widths[1:], widths, strict=False))
    assert symbols + widths[0] + widths[-1] > EXACT_SYMBOLS
    path = document(tmp_path, widths, fmt, "--detail", "full")
    assert_checked(path, widths)
    at_point = verdict_of(path, widths=widths)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(calculus, "EXACT_SYMBOLS", 10**6)
        assert verdict_of(path, widths=widths) == at_point


def test_check_says_how_the_data_set_rows_were_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = document(tmp_path, (2, 3, 1), "latex")
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r": \d+ rows read: [1-9]\d* identities checked", out), out
    assert f"checked at P = {SAMPLES} samples of symbols" in out


def _once(pattern: str, replace: str, text: str) -> str:
    edited, count = re.subn(pattern, replace, text, count=1)
    assert count == 1, pattern
    return edited


#: Hand edits of a 2-3-1 document's gradient rows (in LaTeX and Markdown): each makes one row
#: false, and the row it makes false.
EDITS: dict[str, tuple[Callable[[str], str], str]] = {
    "a transpose dropped": (
        lambda t: _once(r"W_\{2\}\^\{T\} \\left\(f\(x\) - y\\right\) x\^\{T\}", "W_{2} x^{T}", t),
        'section "Backpropagation at matrix level", row 1',
    ),
    "a factor dropped": (
        lambda t: _once(
            r"= W_\{2\}\^\{T\} \\left\(f\(x\) - y\\right\)(?=\s*(?:&|\\\\|\\tag))", "= W_{2}^{T}", t
        ),
        'section "Backpropagation at matrix level", row 2',
    ),
    "a product's order swapped": (
        lambda t: _once(
            r"\\left\(f\(x\) - y\\right\) h_\{1\}\^\{T\}", r"h_{1}^{T} \\left(f(x) - y\\right)", t
        ),
        'section "Backpropagation at matrix level", row 3',
    ),
    "a sign changed": (
        lambda t: _once(r"(\\partial b_\{2\}\} &= )f\(x\) - y", r"\1y - f(x)", t),
        'section "Backpropagation at matrix level", row 4',
    ),
    "a data-set gradient's error reversed": (
        lambda t: _once(
            r"W_\{z\} \\Sigma_\{xx\} - \\Sigma_\{yx\}\\right\) W_\{1\}\^\{T\}",
            r"\\Sigma_{yx} - W_{z} \\Sigma_{xx}\\right) W_{1}^{T}",
            t,
        ),
        'section "Over a data set, without biases", row 6',
    ),
    "a coefficient 2 made 3": (
        lambda t: _once(r"&= 2 w\^\{\(2\)\}_\{11\}", "&= 3 w^{(2)}_{11}", t),
        'section "Every entry of layer 2", row 1',
    ),
    "an entry's index swapped": (
        lambda t: _once(
            r"(\\partial L\}\{\\partial b\^\{\(1\)\}_\{1\}\} &= )w\^\{\(2\)\}_\{11\}",
            r"\1w^{(2)}_{12}",
            t,
        ),
        'section "Every entry of layer 1", row 7',
    ),
}


@pytest.fixture(params=["exact", "at a random point"])
def comparison(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Rows compared expanded (a 2-3-1 network has few symbols), or at a random point after
    differentiating, as for larger networks: edits are caught either way."""
    if request.param != "exact":
        monkeypatch.setattr(calculus, "EXACT_SYMBOLS", 0)
    return str(request.param)


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_hand_edited_gradient_row_is_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, fmt: str, comparison: str
) -> None:
    change, where = EDITS[edit]
    options = ("--standalone",) if fmt == "latex" else ()  # with its sections, as Markdown
    path = document(tmp_path, (2, 3, 1), fmt, "--detail", "full", *options)
    path.write_text(change(path.read_text()))
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert " is false: " in out and where in out, out


@pytest.mark.parametrize("fmt", ["json", "typst", "html"])
def test_a_hand_edited_gradient_row_is_caught_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, comparison: str
) -> None:
    path = document(tmp_path, (2, 3, 1), fmt)
    text = path.read_text()
    if fmt == "json":
        data = json.loads(text)
        steps = [s for section in data["sections"] for s in section["steps"]]
        step = next(s for s in steps if s["lhs"] == "Derivative(L, W_1)")
        step["rhs"] = step["rhs"].replace("W_2.T*", "W_2*").replace("*x.T", "*x.T.T")
        edited = json.dumps(data)
    elif fmt == "typst":
        edited = _once(
            r"W_\(2\)\^\(T\) \(f\(x\) - y\) x\^\(T\)", "W_(2)^(T) (y - f(x)) x^(T)", text
        )
    else:
        edited = _once(r"<msup><mi>x</mi><mi>T</mi></msup>", "<mi>x</mi>", text)
    path.write_text(edited)
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    assert " is false: " in capsys.readouterr().out


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_index_base_0_is_checked(
    tmp_path: Path, widths: tuple[int, ...], level: str, fmt: str
) -> None:
    """Every entry, the target's too, counted from 0: no ``y_{m}`` beside ``x_{0}``."""
    path = document(tmp_path, widths, fmt, "--detail", level, "--index-base", "0")
    assert_checked(path, None)
    assert_checked(path, widths)


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_a_renderer_that_drops_a_transpose_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    from symcollapse.render.printer import NetworkLatexPrinter

    monkeypatch.setattr(
        NetworkLatexPrinter, "_print_Transpose", lambda self, expr: self._print(expr.arg)
    )
    out = tmp_path / "doc"
    capsys.readouterr()
    assert main(["gradients", "2", "3", "1", "--format", fmt, "--out", str(out)]) == 3
    assert not out.exists() or not any(out.iterdir())
    assert "says something false" in capsys.readouterr().err


def test_a_gradients_document_must_be_read_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from symcollapse.render.printer import NetworkLatexPrinter

    monkeypatch.setattr(  # a transpose printed as nothing the reader knows
        NetworkLatexPrinter, "_print_Transpose", lambda self, expr: f"{self._print(expr.arg)}^{{H}}"
    )
    out = tmp_path / "doc"
    capsys.readouterr()
    assert main(["gradients", "2", "3", "1", "--out", str(out)]) == 3
    assert not out.exists() or not any(out.iterdir())
    assert "cannot be read back" in capsys.readouterr().err


#: Every role a gradients document writes, renamed; and the letters none of them may keep.
EVERY_NAME = "W=V,x=u,b=c,y=t,loss=E"
DEFAULT_LETTERS = re.compile(r"(?<![\\A-Za-z#&])[xyWbLw](?![A-Za-z])")


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
@pytest.mark.parametrize("widths", SHAPES)
def test_every_name_follows_names(tmp_path: Path, fmt: str, widths: tuple[int, ...]) -> None:
    """The target's entries, the correlations' subscripts and the data set's loss follow the
    names too: no built-in letter is left anywhere in the mathematics."""
    path = document(tmp_path, widths, fmt, "--detail", "full", "--names", EVERY_NAME)
    text = path.read_text()
    shown = " ".join(re.findall(r"<mi[^>]*>([^<]*)</mi>", text)) if fmt == "html" else text
    assert DEFAULT_LETTERS.findall(shown) == []
    assert re.search(r"Sigma_\{?xx|Σ_xx|L_\{?D", shown) is None
    assert_checked(path, widths)


@pytest.mark.parametrize("names", ["L=J", "R=Q", "Theta=B"])
def test_a_role_the_document_does_not_use_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: str
) -> None:
    """``L=J`` (``L`` is the bottleneck factor, the loss is ``loss``) is refused with the
    document's roles, never ignored; nothing is written."""
    out = tmp_path / "doc"
    capsys.readouterr()
    assert main(["gradients", "2", "3", "1", "--names", names, "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "does not use" in error and "its roles: " in error and "loss" in error
    assert not out.exists()


@pytest.mark.parametrize("style", ["upper", "paren", "flat"])
def test_a_power_of_an_entry_reads_apart_from_an_upper_entry(tmp_path: Path, style: str) -> None:
    """Typst writes an upper entry ``w_(11)^(1)`` and a square alike unless the square's base
    is parenthesised: ``(x_(1))^(2)``; the reader needs no guess to tell them apart."""
    path = document(tmp_path, (2, 3, 1), "typst", "--detail", "full", "--entry-style", style)
    text = path.read_text()
    assert re.search(r"\(x_\(1\)\)\^\(2\)", text)
    assert not re.search(r"(?<!\()x_\(\d\)\^", text)
    assert_checked(path, None)
