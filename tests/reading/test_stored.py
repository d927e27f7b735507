"""Decimals that stand for floats: exact nearest rounding (ties, subnormals, overflow), the
shortest decimal of a float, and the rule a document states in words, checked against numpy's
own conversions (which the reader does not use)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.stored import FORMATS, Stored, hidden, nearest, shortest, stored

DTYPES = {"float16": np.uint16, "float32": np.uint32, "float64": np.uint64}


def floats(kind: str, count: int = 400) -> list[np.floating]:
    """Random bit patterns of ``kind`` (every exponent, subnormals among them), finite, with
    the extremes."""
    dtype = np.dtype(kind)
    rng = np.random.default_rng(len(kind))
    raw = rng.integers(0, np.iinfo(DTYPES[kind]).max, count, dtype=DTYPES[kind]).view(dtype)
    info = np.finfo(dtype)
    extremes = [info.smallest_subnormal, info.tiny, info.max, -info.max, dtype.type(0)]
    return [v for v in [*raw, *(dtype.type(e) for e in extremes)] if np.isfinite(v)]


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_a_float_is_its_own_nearest_and_its_shortest_decimal_is_numpys_length(kind):
    for value in floats(kind):
        exact = Fraction(float(value))
        assert nearest(exact, kind) == exact
        text = np.format_float_positional(value, unique=True, trim="-")
        assert shortest(exact, kind) == Fraction(text), (kind, text)


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_between_two_floats_the_nearer_and_a_tie_to_the_even_one(kind):
    dtype = np.dtype(kind)
    for value in floats(kind, 200):
        with np.errstate(over="ignore"):  # the largest float's next is infinity
            up_value = np.nextafter(value, dtype.type(np.inf))
        if not np.isfinite(up_value):
            continue
        low, up = Fraction(float(value)), Fraction(float(up_value))
        middle, tiny = (low + up) / 2, (up - low) / 2**40
        assert nearest(middle - tiny, kind) == low
        assert nearest(middle + tiny, kind) == up
        odd = np.array([value], dtype=dtype).view(DTYPES[kind])[0] & 1  # last significand bit
        assert nearest(middle, kind) == (up if odd else low), (kind, value)


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_subnormals_and_the_ends_of_the_range(kind):
    precision, least, largest = FORMATS[kind]
    step = Fraction(2) ** (least - precision + 1)  # the smallest subnormal
    assert nearest(step / 2, kind) == 0  # a tie with 0, whose significand is even
    assert nearest(step / 2 + step / 100, kind) == step
    assert nearest(-3 * step / 2, kind) == -2 * step  # tie between 1 and 2 steps: 2
    top = Fraction(2) ** largest * (2 - Fraction(2) ** (1 - precision))  # the largest float
    assert nearest(top, kind) == top
    assert nearest(top + Fraction(2) ** (largest - precision), kind) is None  # tie: infinity
    assert nearest(top + Fraction(2) ** (largest - precision) / 3, kind) == top


def test_a_decimal_rounds_to_float32_as_numpy_reads_it():
    rng = np.random.default_rng(3)
    for _ in range(300):
        text = f"{rng.standard_normal() * 10.0 ** rng.integers(-40, 38):.12g}"
        assert nearest(Fraction(text), "float32") == Fraction(float(np.float32(text))), text


def _rule(words: str) -> Stored:
    rule = stored(words)
    assert rule is not None
    return rule


def test_the_rule_is_learnt_from_the_words():
    words = (
        "each decimal stands for the float16 number nearest to it. They are shown as the "
        "shortest decimals of the nearest float32 numbers."
    )
    assert stored(words) == Stored("float16", "float32", None)
    assert stored(
        "each decimal stands for the float64 number nearest to it; W_z is shown "
        "rounded to 3 significant digits"
    ) == Stored("float64", None, 3)
    assert stored("the shortest decimals of the nearest float32 numbers") is None  # no weights
    assert stored("each decimal is a float32") is None  # not the rule's words


@pytest.mark.parametrize(
    "words",
    [
        "each decimal stands for the float32 number nearest to it, and each decimal stands "
        "for the float16 number nearest to it",
        "each decimal stands for the float32 number nearest to it; rounded to 3 significant "
        "digits; rounded to 4 significant digits",
    ],
)
def test_a_rule_stated_two_ways_is_unreadable(words):
    with pytest.raises(DocumentError, match="stand for"):
        stored(words)


def test_a_computed_number_is_held_to_the_stated_showing():
    third = sp.Rational(1, 3)
    rule = _rule(
        "each decimal stands for the float32 number nearest to it; shown as the shortest "
        "decimals of the nearest float32 numbers"
    )
    shown = sp.Rational(str(np.float32(1 / 3)))  # 0.33333334
    assert rule.difference(sp.Matrix([[third]]), shown) is None  # a 1x1 matrix and a number
    assert rule.difference(third, third) is None  # exactly right is right (a JSON p/q)
    assert rule.difference(third, sp.Rational("0.33333335")) is None  # as short, same float
    assert (
        "is 0.33333337, but its exact value as the shortest decimal of the nearest float32 "
        "number is 0.33333334" in (rule.difference(third, sp.Rational("0.33333337")) or "")
    )
    assert "entry (1, 1) is 0.333333343267" in (
        rule.difference(third, sp.Rational("0.333333343267")) or ""  # same float, not shortest
    )
    assert "1x2 matrix against a 2x1" in (
        rule.difference(sp.Matrix([[third, third]]), sp.Matrix([shown, shown])) or ""
    )
    digits = _rule(
        "each decimal stands for the float32 number nearest to it; rounded to 2 significant digits"
    )
    assert digits.difference(sp.Rational(1, 8), sp.Rational("0.12")) is None  # 0.125: to even
    assert "0.12" in (digits.difference(sp.Rational(1, 8), sp.Rational("0.13")) or "")
    assert digits.difference(sp.Rational(9999, 1000), sp.Integer(10)) is None


def test_a_printed_decimal_denotes_its_float():
    rule = _rule(
        "each decimal stands for the float16 number nearest to it; the shortest decimals of "
        "the nearest float16 numbers"
    )
    assert rule.denoted(sp.Matrix([[sp.Rational("0.1")]])) == sp.Matrix(
        [[sp.Rational(Fraction(float(np.float16("0.1"))))]]
    )
    with pytest.raises(DocumentError, match="beyond the float16 numbers"):
        rule.denoted(sp.Integer(70000))


def test_why_the_weights_are_not_shown_is_read_from_the_words():
    assert hidden("x. The weights are not shown: 1,204 numbers, too many. Then") == (
        "1,204 numbers, too many"
    )
    assert hidden("The weights are shown.") is None
