"""Dynamics documents (``symcollapse dynamics saxe`` and ``arora``) read back and checked
(:mod:`symcollapse.reading.dynamics`): every format, both conventions and renamed notation pass
with rows checked and only what is given reported (the paper's assumptions as cited, the
learning rule as given, the measured numbers as measured); a hand edit of a row that follows
from others is caught naming the row; a renderer bug is an internal error with nothing
written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.reading import check_text, language_of

FORMATS = {"latex": "tex", "markdown": "md", "github": "md", "json": "json"}
FORMATS |= {"typst": "typ", "html": "html", "beamer": "tex"}
MODELS = {"saxe": ("--strengths", "3,2,1"), "arora": ("--depth", "3")}

#: Options every format takes (JSON takes --names of the notation options).
OPTIONS = {"plain": (), "row": ("--convention", "row"), "names": ("--names", "W=A")}
OPTIONS["roles"] = ("--names", "ROLES")
#: Each model's own roles renamed (a role its document does not print is refused, not ignored).
ROLES = {
    "saxe": "U=E,V=F,rotation=O,singular=Z,mode_strength=v",
    "arora": "G=H,after=A,before=B,N=m",
}

#: What each model's document cites, and how many rows at least follow from others in a
#: document with words (a LaTeX fragment has none: the rows that need them are not checked).
CITED = {"saxe": "cited: Saxe et al. 2014, eq. 3", "arora": "cited: Arora et al. 2018"}
CHECKED = {"saxe": 8, "arora": 10}
FRAGMENT = {"saxe": 8, "arora": 7}


def document(tmp_path: Path, model: str, fmt: str, *options: str) -> Path:
    """The document ``dynamics model`` writes (after its own re-read) in ``fmt``."""
    out = tmp_path / "doc"
    argv = ["dynamics", model, *MODELS[model], "--format", fmt, "--out", str(out), *options]
    argv = [ROLES[model] if a == "ROLES" else a for a in argv]
    assert main(argv) == 0
    (path,) = (p for p in out.iterdir() if p.suffix == "." + FORMATS[fmt])
    return path


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", MODELS)
def test_every_format_and_notation_is_checked(
    tmp_path: Path, model: str, fmt: str, option: str
) -> None:
    path = document(tmp_path, model, fmt, *OPTIONS[option])
    verdict = check_text(path.read_text(), language=language_of(str(path)))
    assert verdict.false is None
    fragment = fmt == "latex"  # no words: P_j and Q_j not stated
    least = (FRAGMENT if fragment else CHECKED)[model]
    if (model, fmt, option) == ("saxe", "json", "names"):  # JSON's --names writes a(t) as
        least -= 2  # m(t) but keeps D_a: eq. 8's two rows are then not checked, and say so
    assert verdict.checked - verdict.definitions >= least
    reasons = [why for _, why in verdict.unchecked]
    assert any(why.startswith(CITED[model]) for why in reasons), reasons
    assert "measured, not checked" in reasons
    assert all(
        why.startswith(("cited: ", "measured", "given: ", "not checked: ")) for why in reasons
    ), reasons
    assert len(verdict.notes) == verdict.checked - verdict.definitions  # each says how


def _once(pattern: str, replace: str, text: str) -> str:
    edited, count = re.subn(pattern, replace, text, count=1)
    assert count == 1, pattern
    return edited


#: Hand edits of the Markdown documents: each makes one row false, and the row it makes false.
EDITS: dict[str, tuple[str, Callable[[str], str], str]] = {
    "a layer no loss has, transposed": (
        "saxe",
        lambda t: _once(r"&= W_\{2\}\^\{T\} \\left", r"&= W_{3}^{T} \\left", t),
        'section "The setting", row 4',
    ),
    "a layer renamed once in the loss": (
        "saxe",
        lambda t: _once(r"- W_\{2\} W_\{1\} \\right", r"- Q_{2} W_{1} \\right", t),
        'section "The setting", row 4',
    ),
    "a strength's flow renamed once": (
        "saxe",
        lambda t: _once(r"\\tau \\frac\{\\partial b\(t\)\}", r"\\tau \\frac{\\partial Q(t)}", t),
        'section "One mode at a time", row 3',
    ),
    "a strength renamed once in a flow": (
        "saxe",
        lambda t: _once(r"\\right\) b\(t\) \\\\", r"\\right) Q(t) \\\\", t),
        'section "One mode at a time", row 2',
    ),
    "a strength renamed once in the product": (
        "saxe",
        lambda t: _once(r"&\\mathrel\{:=\} a\(t\) b\(t\)", r"&\\mathrel{:=} a(t) Q(t)", t),
        'section "One mode at a time", row 4',
    ),
    "the ODE's 2 made 3": (
        "saxe",
        lambda t: _once(
            r"&= 2 \\left\(s - u\(t\)\\right\) u\(t\)", r"&= 3 \\left(s - u(t)\\right) u(t)", t
        ),
        'section "One mode at a time", row 4',
    ),
    "a sign flipped in u(t)": (
        "saxe",
        lambda t: _once(r"\{u_\{0\}\} \+ e\^", "{u_{0}} - e^", t),
        'section "One mode at a time", row 6',
    ),
    "the growth's sign flipped in u(t)": (
        "saxe",
        lambda t: re.sub(r"e\^\{\\frac\{2 s t\}", r"e^{- \\frac{2 s t}", t),
        'section "One mode at a time", row 6',
    ),
    "the log's fraction inverted": (
        "saxe",
        lambda t: _once(
            r"\\frac\{u_\{f\} \\left\(s - u_\{0\}\\right\)\}"
            r"\{u_\{0\} \\left\(s - u_\{f\}\\right\)\}",
            r"\\frac{u_{0} \\left(s - u_{f}\\right)}{u_{f} \\left(s - u_{0}\\right)}",
            t,
        ),
        'section "One mode at a time", row 5',
    ),
    "eq. 15's exponent changed": (
        "saxe",
        lambda t: _once(r"u\(t\)\^\{2 - ", "u(t)^{3 - ", t),
        'section "More layers", row 3',
    ),
    "eq. 15's exponent right at N_l = 3 only": (
        "saxe",
        lambda t: _once(r"u\(t\)\^\{2 - \\frac\{2\}\{N_\{l\} - 1\}\}", "u(t)^{N_{l} - 2}", t),
        'section "More layers", row 3',
    ),
    "eq. 2's sign flipped": (
        "saxe",
        lambda t: _once(r"&= W_\{2\}\^\{T\} \\left\(\\Sigma", r"&= - W_{2}^{T} \\left(\\Sigma", t),
        'section "The setting", row 4',
    ),
    "eq. 2's transpose dropped": (
        "saxe",
        lambda t: _once(r"\\right\) W_\{1\}\^\{T\}", r"\\right) W_{1}", t),
        'section "The setting", row 6',
    ),
    "eq. 8's last b dropped": (
        "saxe",
        lambda t: _once(r"b\(t\)\\right\) b\(t\)", r"b(t)\\right)", t),
        'section "One mode at a time", row 2',
    ),
    "eq. 8's a and b swapped": (
        "saxe",
        lambda t: _once(r"b\(t\)\\right\) a\(t\)", r"b(t)\\right) b(t)", t),
        'section "One mode at a time", row 3',
    ),
    "eq. 15's factor changed": (
        "saxe",
        lambda t: _once(r"&= \\left\(N_\{l\} - 1\\right\)", r"&= \\left(N_{l} - 2\\right)", t),
        'section "More layers", row 3',
    ),
    "a transpose dropped in a layer's flow": (
        "arora",
        lambda t: _once(r"- W_\{3\}\^\{T\} G W_\{1\}\^\{T\}", "- W_{3}^{T} G W_{1}", t),
        'section "The chain rule", row 3',
    ),
    "an imbalance of the wrong Gram matrix": (
        "arora",
        lambda t: _once(r"- W_\{1\} W_\{1\}\^\{T\} \\\\", r"- W_{1}^{T} W_{1} \\\\", t),
        'section "Balanced layers", row 3',
    ),
    "a fractional power's exponent wrong": (
        "arora",
        lambda t: _once(r"\^\{\\frac\{N - j\}\{N\}\} \\\\", r"^{\\frac{N - j + 1}{N}} \\\\", t),
        'section "Balanced layers", row 7',
    ),
    "a Gram matrix transposed in a power": (
        "arora",
        lambda t: _once(
            r"Q_\{j\}\^\{T\} Q_\{j\} &= \\left\(W_\{e\}\^\{T\} W_\{e\}\\right\)",
            r"Q_{j}^{T} Q_{j} &= \\left(W_{e} W_{e}^{T}\\right)",
            t,
        ),
        'section "Balanced layers", row 8',
    ),
    "the product rule's P and Q swapped": (
        "arora",
        lambda t: _once(
            r"P_\{j\} P_\{j\}\^\{T\} G Q_\{j\}\^\{T\} Q_\{j\}",
            "Q_{j} Q_{j}^{T} G P_{j}^{T} P_{j}",
            t,
        ),
        'section "The chain rule", row 5',
    ),
    "an exponent wrong where substituted": (
        "arora",
        lambda t: _once(r"\^\{\\frac\{N - j\}\{N\}\} G", r"^{\\frac{N - j + 1}{N}} G", t),
        'section "Balanced layers", row 9',
    ),
    "the reversed sum's exponent changed": (
        "arora",
        lambda t: _once(r"\^\{\\frac\{j - 1\}\{N\}\} G", r"^{\\frac{j}{N}} G", t),
        'section "Balanced layers", row 10',
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_hand_edited_row_is_caught_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str
) -> None:
    model, change, where = EDITS[edit]
    path = document(tmp_path, model, "markdown")
    path.write_text(change(path.read_text()))
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{where} is false: " in out, out


@pytest.mark.parametrize(
    ("fmt", "pattern", "replace"),
    [
        ("typst", r"&= 2 \(s - u\(t\)\) u\(t\)", "&= 3 (s - u(t)) u(t)"),
        ("json", r'"2\*\(s - u\(t\)\)\*u\(t\)"', '"3*(s - u(t))*u(t)"'),
        (
            "html",
            r"<mn>2</mn><mrow><mo stretchy=\"false\">\(</mo><mrow><mi>s</mi>",
            '<mn>3</mn><mrow><mo stretchy="false">(</mo><mrow><mi>s</mi>',
        ),
    ],
)
def test_the_ode_edited_is_caught_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, pattern: str, replace: str
) -> None:
    path = document(tmp_path, "saxe", fmt)
    path.write_text(_once(pattern, replace, path.read_text()))
    capsys.readouterr()
    assert main(["check", str(path)]) == 1
    assert 'section "One mode at a time", row 4 is false: ' in capsys.readouterr().out


def test_a_given_row_is_not_checked_but_what_follows_from_it_is(tmp_path: Path) -> None:
    path = document(tmp_path, "saxe", "markdown")
    text = _once(r"U S V\^\{T\}", r"V S U^{T}", path.read_text())
    verdict = check_text(text)  # eq. 3, the decomposition, edited: given, so not false itself
    assert ('section "The setting", row 1', "cited: Saxe et al. 2014, eq. 3") in verdict.unchecked
    assert ('section "The setting", row 3', "given: gradient flow") in verdict.unchecked
    assert verdict.false is not None  # but eq. 8 no longer follows from it
    assert verdict.false.startswith('section "One mode at a time", row 2 is false: ')


def test_a_dynamics_document_must_be_read_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from symcollapse.render.printer import NetworkLatexPrinter

    monkeypatch.setattr(  # a logarithm printed as nothing the reader knows
        NetworkLatexPrinter, "_print_log", lambda self, e: rf"\lg{{{self._print(e.args[0])}}}"
    )
    out = tmp_path / "doc"
    capsys.readouterr()
    assert main(["dynamics", "saxe", "--format", "latex", "--out", str(out)]) == 3
    assert not out.exists() or not any(out.iterdir())
    assert "cannot be read back" in capsys.readouterr().err


def _eq2_negated(monkeypatch: pytest.MonkeyPatch) -> None:
    from symcollapse.derivations import dynamics as derivation

    descent = derivation._descent
    monkeypatch.setattr(
        derivation,
        "_descent",
        lambda error, W_1, W_2, flows, cited: descent(
            error, W_1, W_2, tuple(-flow for flow in flows), cited
        ),
    )


def _eq15_exponent(monkeypatch: pytest.MonkeyPatch) -> None:
    from symcollapse.algebra import dynamics as dyn

    wrong = (dyn.N_l - 1) * dyn.u ** (3 - 2 / (dyn.N_l - 1)) * (dyn.s - dyn.u)
    monkeypatch.setattr(dyn, "DEEP_FLOW", wrong)


def _eq8_without_b(monkeypatch: pytest.MonkeyPatch) -> None:
    from symcollapse.algebra import dynamics as dyn

    monkeypatch.setattr(dyn, "MODE_FLOW", (dyn.s - dyn.a * dyn.b, dyn.MODE_FLOW[1]))


def _exp_negated(monkeypatch: pytest.MonkeyPatch) -> None:
    from symcollapse.render.printer import NetworkLatexPrinter

    monkeypatch.setattr(  # e^{-x} for e^{x}: the closed form no longer solves eq. 10
        NetworkLatexPrinter, "_print_ExpBase", lambda self, e: f"e^{{- {self._print(e.exp)}}}"
    )


def _transpose_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    from symcollapse.render.printer import NetworkLatexPrinter

    monkeypatch.setattr(
        NetworkLatexPrinter, "_print_Transpose", lambda self, expr: self._print(expr.arg)
    )


#: Bugs in the code that emits a document (the derivation's rows, the LaTeX printer that
#: Markdown shares), each with the document, the formats it shows in and the row it makes false.
EMITTED = {
    "eq. 2 with the wrong sign": (
        "saxe",
        _eq2_negated,
        ("markdown", "json"),
        'section "The setting", row 4',
    ),
    "eq. 15 with a wrong exponent": (
        "saxe",
        _eq15_exponent,
        ("markdown", "json"),
        'section "More layers", row 3',
    ),
    "eq. 8 without its b": (
        "saxe",
        _eq8_without_b,
        ("markdown", "json"),
        'section "One mode at a time", row 2',
    ),
    "exp misprinted": ("saxe", _exp_negated, ("markdown",), 'section "One mode at a time", row 6'),
    "a transpose dropped": (
        "arora",
        _transpose_dropped,
        ("markdown",),
        'section "The chain rule", row 2',
    ),
}


@pytest.mark.parametrize(
    ("bug", "fmt"), [(bug, fmt) for bug, (_, _, formats, _) in EMITTED.items() for fmt in formats]
)
def test_a_wrong_row_emitted_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bug: str,
    fmt: str,
) -> None:
    model, inject, _, where = EMITTED[bug]
    inject(monkeypatch)
    out = tmp_path / "doc"
    capsys.readouterr()
    assert main(["dynamics", model, "--format", fmt, "--out", str(out)]) == 3
    assert not out.exists() or not any(out.iterdir())
    err = capsys.readouterr().err
    assert "says something false" in err and f"{where} is false" in err, err


def test_a_root_too_deep_to_check_is_refused_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A power's denominator sets the length of the words compared: above the deepest product
    checked it is refused in one line, not expanded a billion times."""
    path = document(tmp_path, "arora", "markdown")
    path.write_text(
        _once(
            r"\{\\frac\{N - j\}\{N\}\} \\\\",
            r"{\\frac{N - j}{1000000000 N}} \\\\",
            path.read_text(),
        )
    )
    capsys.readouterr()
    assert main(["check", str(path)]) == 2
    assert "row 7: a root above the 8th at j = 1" in capsys.readouterr().err
