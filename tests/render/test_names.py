"""Names a reader may give: Greek letters spelled or typed, and one-line refusals of LaTeX,
clashes and names that read as a layer's matrix."""

from __future__ import annotations

import re

import pytest

from symcollapse.errors import OptionError
from symcollapse.render.names import GREEK, check_names, spelled


@pytest.mark.parametrize(
    ("typed", "name"), [("Θ", "Theta"), ("θ_eff", "theta_eff"), ("λ", "lambda"), ("W", "W")]
)
def test_unicode_greek_is_spelled_as_latex_names_it(typed: str, name: str) -> None:
    assert spelled(typed) == name
    assert name.partition("_")[0] in GREEK | {"W"}


def test_every_greek_letter_has_its_unicode_letter() -> None:
    assert {spelled(chr(c)) for c in range(0x391, 0x3CA)} >= GREEK


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
        f"name for {role} must be {shape} (Greek names such as theta or Θ allowed), got "
        f"{name!r}; LaTeX commands and special characters are refused, not passed through"
    )
    with pytest.raises(OptionError, match="^" + re.escape(message) + "$"):
        check_names({"x": "x", "W": "W", "b": "b"} | {role: name})


def test_names_must_differ() -> None:
    with pytest.raises(OptionError, match=r"^the names must all differ, got x=x, W=A, b=A$"):
        check_names({"x": "x", "W": "A", "b": "A"})


SUBSCRIPT = "choose another subscript than digits or i, j, k, m, n"

LAYER_SUBSCRIPTS = [
    ({"W_z": "W_1", "b_z": "b_2"}, "'W_1' for W_z would read as the weight matrix W_1;"),
    ({"b_z": "b_2"}, "'b_2' for b_z would read as the bias b_2;"),
    ({"W_z": "x_1"}, "'x_1' for W_z would read as the input entry x_1;"),
    ({"W": "M", "W_z": "M_k"}, "'M_k' for W_z would read as the weight matrix M_k;"),
    ({"W_z": "W_n"}, "'W_n' for W_z would read as the weight matrix W_n;"),
    ({"h": "W_1"}, "'W_1' for h would read as the weight matrix W_1;"),  # any role, not W_z only
    ({"Theta": "x_i"}, "'x_i' for Theta would read as the input entry x_i;"),
]


@pytest.mark.parametrize(("names", "clash"), LAYER_SUBSCRIPTS)
def test_names_that_read_as_a_layer_are_refused(names: dict[str, str], clash: str) -> None:
    message = f"name {clash} {SUBSCRIPT}"
    with pytest.raises(OptionError, match="^" + re.escape(message) + "$"):
        check_names({"x": "x", "W": "W", "b": "b"} | names)


@pytest.mark.parametrize(("role", "name"), [("tau", "e"), ("h", "e_q"), ("x", "e")])
def test_eulers_number_is_no_name(role: str, name: str) -> None:
    """``tau=e`` printed ``e^{2 s t / e}``: a name that reads as Euler's number is refused."""
    with pytest.raises(OptionError, match=f"^name '{name}' for {role} would read as Euler's"):
        check_names({"x": "x", "W": "W", "b": "b"} | {role: name})
