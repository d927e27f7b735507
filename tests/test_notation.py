"""Notation options: entry styles, index base, names (escaped or refused), numbering."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from symcollapse.collapsing import collapse
from symcollapse.derivation import derive
from symcollapse.errors import OptionError
from symcollapse.network import Entry
from symcollapse.notation import ENTRY_STYLES, Notation, name_latex
from symcollapse.render.latex import render_fragment
from symcollapse.render.printer import NetworkLatexPrinter

W_ENTRY = Entry("W", 2, 0, 1)  # row 1, column 2 of W_2
B_ENTRY = Entry("b", 3, 1)  # entry 2 of b_3
X_ENTRY = Entry("x", 0, 0)


def _print(entry: Entry, notation: Notation) -> str:
    symbol = sp.Symbol(entry.name)
    return NetworkLatexPrinter({symbol: entry}, notation).doprint(symbol)


@pytest.mark.parametrize(
    ("style", "base", "weight", "bias"),
    [
        ("paren", 1, "w^{(2)}_{12}", "b^{(3)}_{2}"),
        ("paren", 0, "w^{(2)}_{01}", "b^{(3)}_{1}"),
        ("upper", 1, "W^{2}_{12}", "b^{3}_{2}"),
        ("upper", 0, "W^{2}_{01}", "b^{3}_{1}"),
        ("flat", 1, "W_{2,12}", "b_{3,2}"),
        ("flat", 0, "W_{2,01}", "b_{3,1}"),
    ],
)
def test_entry_styles(style: str, base: int, weight: str, bias: str) -> None:
    notation = Notation(entry_style=style, index_base=base)
    assert _print(W_ENTRY, notation) == weight
    assert _print(B_ENTRY, notation) == bias
    assert _print(X_ENTRY, notation) == f"x_{{{base}}}"


def test_every_style_is_listed_with_its_shape() -> None:
    assert set(ENTRY_STYLES) == {"paren", "upper", "flat"}


def test_two_digit_indices_are_separated_by_a_comma() -> None:
    entry = Entry("W", 1, 10, 2)
    assert _print(entry, Notation()) == "w^{(1)}_{11,3}"
    assert _print(entry, Notation(entry_style="flat")) == "W_{1,11,3}"


@pytest.mark.parametrize(
    ("name", "latex"),
    [("A", "A"), ("theta", r"\theta"), ("Theta", r"\Theta"), ("out", r"\mathrm{out}"),
     ("W_eff", r"W_{\mathrm{eff}}"), ("A_z", "A_{z}"), ("M_12", "M_{12}")],
)  # fmt: skip
def test_name_latex(name: str, latex: str) -> None:
    assert name_latex(name) == latex


def test_renamed_symbols_reach_every_printed_name() -> None:
    notation = Notation().renamed({"x": "u", "W": "A", "b": "c", "W_z": "A_eff", "b_z": "c_eff"})
    text = render_fragment(derive([2, 2, 1]), notation)
    nested = r"\sigma_{2}\left(A_{2} \sigma_{1}\left(A_{1} u + c_{1}\right) + c_{2}\right)"
    assert f"f(u) &= {nested}" in text
    assert r"A_{\mathrm{eff}} &\mathrel{:=} A_{2} A_{1}" in text
    assert r"c_{\mathrm{eff}} &\mathrel{:=} A_{2} c_{1} + c_{2}" in text
    assert r"a^{(2)}_{11} a^{(1)}_{11}" in text  # paren style: lower-case weight letter
    assert r"u_{1}" in text
    assert not re.search(r"(?<![a-z\\])[Wbx]_\{", text)  # no default name is left


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"W": "Theta", "W_z": "Theta_eff"}, [r"\Theta_{2}", r"\Theta_{\mathrm{eff}}", "x"]),
        ({"W": "Wt", "x": "inp"}, [r"\mathrm{Wt}_{2}", "W_{z}", r"\mathrm{inp}"]),
        ({"W": "A", "x": "xi"}, ["A_{2}", "W_{z}", r"\xi"]),
    ],
)
def test_matrix_names_are_applied_once(names: dict[str, str], expected: list[str]) -> None:
    result = collapse([2, 2, 1])
    printer = NetworkLatexPrinter(result.network.entries, Notation().renamed(names))
    shown = [result.network.weight_symbols[1], result.W_z_symbol, result.network.x_symbol]
    assert [printer.doprint(s) for s in shown] == expected


def test_default_notation_prints_what_the_core_printed() -> None:
    result = collapse([2, 2, 1])
    printer = NetworkLatexPrinter(result.network.entries, Notation())
    assert printer.doprint(result.W_z_symbol) == "W_{z}"
    assert printer.doprint(result.network.weight_symbols[1]) == "W_{2}"
    assert printer.doprint(result.W_z[0, 0]) == (
        "w^{(2)}_{11} w^{(1)}_{11} + w^{(2)}_{12} w^{(1)}_{21}"
    )


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("W", r"\alpha"),
        ("W", "W}"),
        ("x", "$x$"),
        ("b", "a b"),
        ("W", "W_1"),
        ("x", ""),
        ("W_z", "W_{z}"),
        ("b_z", "b_z%"),
        ("W_z", "W_&"),
    ],
)
def test_latex_special_names_are_refused(role: str, name: str) -> None:
    shape = (
        "letters"
        if role in ("x", "W", "b")
        else "letters, optionally _ and a subscript of letters/digits"
    )
    message = (
        f"name for {role} must be {shape} (Greek names such as theta allowed), got {name!r}; "
        "LaTeX commands and special characters are refused, not passed through"
    )
    with pytest.raises(OptionError, match="^" + re.escape(message) + "$"):
        Notation().renamed({role: name})


def test_names_must_differ() -> None:
    with pytest.raises(
        OptionError, match=r"^the names must all differ, got x=x, W=A, b=A, W_z=W_z, b_z=b_z$"
    ):
        Notation().renamed({"W": "A", "b": "A"})


def test_unknown_role_and_option_are_errors() -> None:
    known = "x, W, b, W_z, b_z"
    with pytest.raises(OptionError, match=rf"^unknown name 'y' to rename; known: {known}$"):
        Notation().renamed({"y": "u"})
    with pytest.raises(OptionError, match=r"^unknown notation option 'style'; known: .*$"):
        Notation().merged(style="flat")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"entry_style": "tensor"}, r"unknown entry style 'tensor'; choose one of paren .*"),
        ({"numbered": "yes"}, r"numbered must be True or False, got 'yes'"),
        ({"index_base": True}, r"index base must be 0 or 1, got True"),
        ({"index_base": 1.0}, r"index base must be 0 or 1, got 1\.0"),
        ({"index_base": 0.0}, r"index base must be 0 or 1, got 0\.0"),
        ({"index_base": 2}, r"index base must be 0 or 1, got 2"),
        ({"delimiter": "vmatrix"}, r"unknown matrix delimiter 'vmatrix'; .*"),
    ],
)
def test_bad_values_are_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(OptionError, match=f"^{message}$"):
        Notation().merged(**options)


@pytest.mark.parametrize("widths", [[2, 2, 1], [3, 2, 2, 2]])
def test_numbered_uses_align_with_one_number_per_step(widths: list[int]) -> None:
    derivation = derive(widths)
    numbered = render_fragment(derivation, Notation(numbered=True, line_width=30))
    plain = render_fragment(derivation, Notation(line_width=30))
    assert "align*" not in numbered
    assert numbered.count(r"\begin{align}") == len(derivation.sections)
    steps = sum(len(s.steps) for s in derivation.sections)
    rows = numbered.count("\\\\\n") + len(derivation.sections)
    assert rows - numbered.count(r"\notag") == steps
    # The same rows, but for the reasons: a last column when numbered, \tag* when not.
    column = re.compile(r" && \\left\(.*?\\right\)(?= \\\\\n|\n)")
    tag = re.compile(r" \\tag\*\{.*?\}(?= \\\\\n|\n)")
    assert len(column.findall(numbered)) == len(tag.findall(plain)) > 0
    without = column.sub("", numbered.replace(r" \notag", "")).replace("{align}", "{align*}")
    assert without == tag.sub("", plain)


def test_pmatrix_delimiter() -> None:
    text = render_fragment(derive([1, 1]), Notation(delimiter="pmatrix"))
    assert r"\begin{pmatrix} x_{1} \end{pmatrix}" in text
    assert "bmatrix" not in text
