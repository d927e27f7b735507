"""Notation options: entry styles, index base, names (escaped or refused), numbering."""

from __future__ import annotations

import json
import re

import pytest
import sympy as sp

from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.network import Entry
from symcollapse.derivations.dense import derive
from symcollapse.errors import OptionError
from symcollapse.render.latex import NUMBER_WIDTH, render_fragment
from symcollapse.render.notation import ENTRY_STYLES, Notation, name_latex
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
    notation = Notation().renamed({"x": "y", "W": "M", "b": "c", "W_z": "M_eff", "b_z": "c_eff"})
    text = render_fragment(derive([2, 2, 1], detail="full"), notation)
    nested = r"\sigma_{2}\left(M_{2} \sigma_{1}\left(M_{1} y + c_{1}\right) + c_{2}\right)"
    assert f"f(y) &\\mathrel{{:=}} {nested}" in text
    assert r"M_{\mathrm{eff}} &\mathrel{:=} M_{2} M_{1}" in text
    assert r"c_{\mathrm{eff}} &\mathrel{:=} M_{2} c_{1} + c_{2}" in text
    assert r"m^{(2)}_{11} m^{(1)}_{11}" in text  # paren style: lower-case weight letter
    assert r"y_{1}" in text
    assert not re.search(r"(?<![a-z\\])[Wbx]_\{", text)  # no default name is left


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"W": "Omega", "W_z": "Omega_eff"}, [r"\Omega_{2}", r"\Omega_{\mathrm{eff}}", "x"]),
        ({"W": "Wt", "x": "inp"}, [r"\mathrm{Wt}_{2}", r"\mathrm{Wt}_{z}", r"\mathrm{inp}"]),
        ({"W": "M", "x": "xi"}, ["M_{2}", "M_{z}", r"\xi"]),
        ({"W": "Θ", "x": "ξ"}, [r"\Theta_{2}", r"\Theta_{z}", r"\xi"]),
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
    ("names", "message"),
    [
        ({"W": "A", "b": "A"}, r"^the names must all differ, got x=x, W=A, b=A$"),
        ({"W_z": "W_{z}"}, r"^name for W_z must be letters, optionally _ and a subscript .*$"),
        ({"b_z": "b_2"}, r"^name 'b_2' for b_z would read as the bias b_2; .*$"),
    ],
)
def test_a_notation_refuses_the_names_a_reader_may_not_give(
    names: dict[str, str], message: str
) -> None:
    with pytest.raises(OptionError, match=message):
        Notation().renamed(names)


@pytest.mark.parametrize(
    ("names", "present", "moved"),
    [
        ({"W": "Theta"}, {"W", "Theta", "X"}, {"Theta": "Xi"}),  # the regression's letter moves
        ({"b": "beta"}, {"b", "beta", "W"}, {"beta": "xi"}),
        ({"W": "sigma"}, {"W", "sigma"}, {"sigma": "xi"}),
        ({"x": "d"}, {"x", "d", "W"}, {"d": "m"}),  # c is the intercept; never e (Euler)
        ({"W": "A"}, {"W", "A", "a"}, {"A": "B"}),
    ],
)
def test_a_built_in_letter_moves_aside(
    names: dict[str, str], present: set[str], moved: dict[str, str]
) -> None:
    resolved = Notation().renamed(names).resolve(present)
    assert resolved.items() >= (names | moved).items()
    assert len({resolved[r].partition("_")[0] for r in present if r not in ("W_z", "b_z")}) == len(
        present - {"W_z", "b_z"}
    )


def test_built_in_letters_do_not_refuse_a_plain_derivation() -> None:
    # Theta and beta belong to the regression and batch normalisation, not to this document
    text = render_fragment(
        derive([3, 4, 4, 2]), Notation().renamed({"W": "Theta", "b": "beta", "W_z": "Theta_eff"})
    )
    assert r"\Theta_{\mathrm{eff}}" in text and r"\beta_{1}" in text


@pytest.mark.parametrize(
    ("names", "entry"),
    [({"x": "w"}, "W^{(2)}_{11}"), ({"W": "M", "b": "m"}, "M^{(2)}_{11}")],
)
def test_entries_keep_the_matrix_letter_when_the_lower_case_one_is_taken(
    names: dict[str, str], entry: str
) -> None:
    text = render_fragment(derive([2, 2, 1], detail="full"), Notation().renamed(names))
    assert entry in text


@pytest.mark.parametrize(
    "names",
    [
        {"W": "M", "W_z": "M_eff", "b_z": "b_eff"},  # a subscript that is not a layer's
        {"W_z": "W_1"} | {"W": "M"},  # W_1 is no longer a layer's matrix once W is M
        {"x": "w", "W": "M"},  # entries are m^{(k)}_{ij}
    ],
)
def test_names_that_do_not_clash_are_accepted(names: dict[str, str]) -> None:
    notation = Notation().renamed(names)
    assert notation.names.items() >= names.items()
    render_fragment(derive([2, 2, 1]), notation)


def test_unknown_role_and_option_are_errors() -> None:
    with pytest.raises(OptionError, match=r"^unknown name 'q' to rename; known: x, W, b, .*$"):
        Notation().renamed({"q": "u"})
    with pytest.raises(OptionError, match=r"^unknown notation option 'style'; known: .*$"):
        Notation().merged(style="flat")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"entry_style": "tensor"}, r"unknown entry style 'tensor'; choose one of paren .*"),
        ({"numbered": "yes"}, r"numbered must be True, False or 'all', got 'yes'"),
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
    derivation = derive(widths, detail="full")
    breaks = re.compile(r" \\label\{[^}]*\}| \\displaybreak\[0\]")  # labels, page breaks
    numbered = breaks.sub("", render_fragment(derivation, Notation(numbered="all")))
    # numbered lines leave room for the number: the unnumbered rows at that narrower width
    narrower = Notation(line_width=Notation().line_width - int(NUMBER_WIDTH))
    plain = breaks.sub("", render_fragment(derivation, narrower))
    assert "align*" not in numbered
    assert numbered.count(r"\begin{align}") == len(derivation.sections)
    steps = sum(len(s.steps) for s in derivation.sections)
    rows = numbered.count("\\\\\n") + len(derivation.sections)
    assert rows - numbered.count(r"\notag") == steps
    # The same rows, but for the reasons: a last column (or a row of its own when a line is
    # too wide for one) when numbered, \tag* when not.
    column = re.compile(r" && \(.*?\)(?= \\\\\n|\n)")
    row = re.compile(r" \\\\\n&\\qquad \(.*?\) \\notag(?= \\\\\n|\n)")
    tag = re.compile(r" \\tag\*\{.*?\}(?= \\\\\n|\n)")
    reasons = len(column.findall(numbered)) + len(row.findall(numbered))
    assert reasons == len(tag.findall(plain)) > 0
    without = column.sub("", row.sub("", numbered)).replace(r" \notag", "")
    assert without.replace("{align}", "{align*}") == tag.sub("", plain)


def test_pmatrix_delimiter() -> None:
    text = render_fragment(derive([2, 1], detail="full"), Notation(delimiter="pmatrix"))
    assert r"\begin{pmatrix} x_{1} \\ x_{2} \end{pmatrix}" in text
    assert "bmatrix" not in text


EVERY_ROLE = {
    "x": "xi",
    "W": "M",
    "b": "c",
    "W_z": "P",
    "b_z": "q",
    "d": "m",
    "sigma": "phi",
    "k": "l",
    "f": "g",
}


@pytest.mark.parametrize("render", ["latex", "markdown", "text", "json"])
def test_with_every_role_renamed_no_default_name_is_left(render: str) -> None:
    from symcollapse.render.json import render_json
    from symcollapse.render.markdown import render_markdown
    from symcollapse.render.text import render_text

    renderers = {
        "latex": render_fragment,
        "markdown": render_markdown,
        "text": render_text,
        "json": render_json,
    }
    derivation = derive([2, 2, 1])
    text = renderers[render](derivation, Notation().renamed(EVERY_ROLE))
    if render in ("latex", "markdown"):
        defaults = r"(?<![A-Za-z\\])(W|b|x|d|f|k)_\{|\\sigma|W_\{z\}|b_\{z\}|(?<![A-Za-z\\])w\^"
    else:
        defaults = r"(?<![A-Za-z])(W|b|x|d|w|f|k)_[0-9a-z]|sigma|W_z|b_z"
    if render == "json":  # the values a reader sees; keys such as "W_z" are the layout's
        text = " ".join(_strings(json.loads(text)))
    assert not re.search(defaults, text), re.search(defaults, text)


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return []


#: The roles of the 2-3-1 derivation at each detail (the scalar form's ``a`` only in some).
DERIVED = {detail: derive([2, 3, 1], detail=detail).roles for detail in ("brief", "full")}


@pytest.mark.parametrize(
    ("names", "detail", "unused"),
    [
        ({"L": "J"}, "brief", "L"),  # the bottleneck factor: no dense derivation has it
        ({"a": "r"}, "full", "a"),  # the scalar form's coefficients: not at full detail
        ({"W": "M", "loss": "E"}, "brief", "loss"),
    ],
)
def test_a_name_the_document_does_not_use_is_refused(
    names: dict[str, str], detail: str, unused: str
) -> None:
    with pytest.raises(
        OptionError, match=f"^renaming {unused} .* changes nothing: .* its roles: "
    ) as e:
        Notation().renamed(names).check_used(DERIVED[detail])
    assert e.value.parameter == "names"


@pytest.mark.parametrize(
    ("names", "present"),
    [
        ({"W": "M"}, {"W_z", "x"}),  # W_z follows W: M_z
        ({"x": "u"}, {"Sigma_xx", "W"}),  # the correlation follows x: Sigma_uu
        ({"a": "r"}, DERIVED["brief"]),
        ({"W": "W"}, {"x"}),  # renames nothing: nothing to refuse
    ],
)
def test_a_name_that_changes_a_name_shown_is_used(names: dict[str, str], present: set[str]) -> None:
    Notation().renamed(names).check_used(present)


@pytest.mark.parametrize(
    ("names", "present", "other", "role"),
    [
        ({"h": "W_z"}, {"h", "W", "W_z"}, "h", "W_z"),
        ({"W": "M", "h": "M_z"}, {"h", "W", "W_z"}, "h", "W_z"),
        ({"Theta": "b_z"}, {"Theta", "b", "b_z"}, "Theta", "b_z"),
        ({"W": "M", "U": "M_e"}, {"U", "W", "W_e"}, "U", "W_e"),
    ],
)
def test_a_name_another_role_of_the_document_has_is_refused(
    names: dict[str, str], present: set[str], other: str, role: str
) -> None:
    """Two roles printed with one name would read as one symbol, in every format (every
    printer resolves its names here)."""
    with pytest.raises(OptionError, match=f"^naming {other} .* the name {role} .* one symbol"):
        Notation().renamed(names).resolve(present)


@pytest.mark.parametrize("names", [{"h": "W_z"}, {"W": "M", "h": "M_z"}])
def test_a_renderer_refuses_a_name_two_roles_would_share(names: dict[str, str]) -> None:
    with pytest.raises(OptionError, match="would read as one symbol"):
        render_fragment(derive([2, 3, 1]), Notation().renamed(names))
