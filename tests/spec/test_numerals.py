"""Strict numerals: ASCII digits, one sign, length capped before any conversion."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.errors import SpecError
from symcollapse.spec.numerals import MAX_DIGITS, parse_integer, parse_rational, parse_rationals


@pytest.mark.parametrize(
    ("text", "number"), [("3", 3), (" 12 ", 12), ("+7", 7), ("007", 7), (5, 5)]
)
def test_integers(text: object, number: int) -> None:
    assert parse_integer(text, "n") == number


@pytest.mark.parametrize(
    "text", ["\u00b2", "\uff13", "\u0661", "+-3", "--3", "3.0", "", " ", "1_000", "0x10", True, 2.0]
)
def test_integers_outside_the_grammar_are_refused(text: object) -> None:
    with pytest.raises(SpecError, match=r"^n must be an integer, got "):
        parse_integer(text, "n")


def test_a_sign_only_where_it_makes_sense() -> None:
    assert parse_integer("-3", "n", signed=True) == -3
    with pytest.raises(SpecError, match=r"^n must be an integer, got '-3'$"):
        parse_integer("-3", "n")


@pytest.mark.parametrize("digits", [MAX_DIGITS + 2, 5000, 10**6])
def test_long_numerals_are_refused_before_conversion(digits: int) -> None:
    with pytest.raises(SpecError, match=r"^n has [0-9,]+ digits, above the limit of 1,000$"):
        parse_integer("9" * digits, "n")
    with pytest.raises(SpecError, match=r"^q (has [0-9,]+ digits|.* more than 1,000 digits)"):
        parse_rational("9" * digits, "q")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("-3/4", Fraction(-3, 4)),
        ("0.1", Fraction(1, 10)),
        (0.1, Fraction(1, 10)),
        ("1e-3", Fraction(1, 1000)),
        (".5", Fraction(1, 2)),
        ("2.", Fraction(2)),
        (Fraction(2, 3), Fraction(2, 3)),
        (-4, Fraction(-4)),
    ],
)
def test_rationals(text: object, number: Fraction) -> None:
    assert parse_rational(text, "q") == number


@pytest.mark.parametrize("text", ["1e-999999999", "1e999999999", "1e1001", "1" * 500 + "e600"])
def test_huge_exponents_are_refused_instantly(text: str) -> None:
    with pytest.raises(SpecError, match=r"would have more than 1,000 digits written out"):
        parse_rational(text, "q")


@pytest.mark.parametrize(
    "value", ["nan", "inf", float("nan"), float("inf"), "1/\u0663", "\uff15", "1/-2", None, [1]]
)
def test_non_numbers_are_refused(value: object) -> None:
    with pytest.raises(SpecError, match=r"^q must be a number or a string like '3/4', got "):
        parse_rational(value, "q")


def test_zero_denominator() -> None:
    with pytest.raises(SpecError, match=r"^q has a zero denominator: '1/0'$"):
        parse_rational("1/0", "q")


def test_lists_of_numbers_are_capped() -> None:
    assert parse_rationals("-1/2,3", "--point", max_count=2) == (Fraction(-1, 2), Fraction(3))
    with pytest.raises(SpecError, match=r"^--point has more than 2 numbers$"):
        parse_rationals("1,2,3", "--point", max_count=2)
    with pytest.raises(SpecError, match=r"^--point entry 2 must be a number"):
        parse_rationals("1,,2", "--point", max_count=5)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.binary(max_size=10)))
def test_any_input_is_a_number_or_one_typed_line(value: object) -> None:
    for parse in (parse_integer, parse_rational):
        try:
            parse(value, "x")
        except SpecError as error:
            assert "\n" not in str(error) and len(str(error)) < 300


@given(st.integers(-(10**50), 10**50), st.integers(1, 10**50))
def test_fractions_round_trip(p: int, q: int) -> None:
    assert parse_rational(f"{p}/{q}", "x") == Fraction(p, q)
