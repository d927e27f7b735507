"""Exact numbers for weights and biases: seeded, or read from JSON and validated against widths."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from symcollapse.errors import OptionError, SizeLimitError, SpecError
from symcollapse.spec.limits import parameter_count
from symcollapse.spec.values import (
    MAX_RESULT_DIGITS,
    RANDOM_DENOMINATORS,
    RANDOM_NUMERATORS,
    check_digits,
    exact_number,
    load_values,
    parse_values,
    random_values,
    result_digits,
)

WIDTHS = (2, 3, 1)
GOOD = {
    "weights": [[[1, "1/2"], [0, -2], ["0.25", 3]], [[1, 2, "-3/4"]]],
    "biases": [[1, 2, 3], [5]],
}


@pytest.mark.parametrize("widths", [(1, 1), (2, 3, 1), (3, 2, 2, 4)])
@pytest.mark.parametrize("seed", [0, 7])
def test_random_values_are_small_exact_and_reproducible(widths: tuple[int, ...], seed: int) -> None:
    values = random_values(widths, seed)
    assert values == random_values(widths, seed)
    assert values.source == f"seed {seed}"
    shapes = [(W.shape, b.shape) for W, b in zip(values.weights, values.biases, strict=True)]
    assert shapes == [((widths[k], widths[k - 1]), (widths[k], 1)) for k in range(1, len(widths))]
    for matrix in (*values.weights, *values.biases):
        for entry in matrix:
            assert isinstance(entry, sp.Rational)
            assert entry.q in RANDOM_DENOMINATORS
            assert entry.p in RANDOM_NUMERATORS


def test_different_seeds_give_different_numbers() -> None:
    assert random_values((3, 3, 3), 1).weights != random_values((3, 3, 3), 2).weights


def test_parse_values_is_exact() -> None:
    values = parse_values(json.loads(json.dumps(GOOD)), WIDTHS, "test")
    assert values.weights[0] == sp.ImmutableMatrix(
        [[1, sp.Rational(1, 2)], [0, -2], [sp.Rational(1, 4), 3]]
    )
    assert values.weights[1] == sp.ImmutableMatrix([[1, 2, sp.Rational(-3, 4)]])
    assert values.biases == (sp.ImmutableMatrix([1, 2, 3]), sp.ImmutableMatrix([5]))


def test_load_values_reads_decimals_exactly(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text('{"weights": [[[0.1]]], "biases": [[-2.5]]}')
    values = load_values(path, (1, 1))
    assert values.weights[0][0, 0] == sp.Rational(1, 10)
    assert values.biases[0][0] == sp.Rational(-5, 2)
    assert values.source == "file v.json"


def test_data_round_trips(tmp_path: Path) -> None:
    values = random_values((2, 3, 2), 3)
    path = tmp_path / "v.json"
    path.write_text(json.dumps(values.data()))
    again = load_values(path, (2, 3, 2))
    assert (again.weights, again.biases) == (values.weights, values.biases)


def _with(path: tuple[object, ...], value: object) -> dict[str, object]:
    data = json.loads(json.dumps(GOOD))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


LIKE = "must be a number or a string like '3/4', got"
KEYS = "values must be an object with keys 'biases' and 'weights', got"
COUNT = "must be a list of 2 for widths (2, 3, 1), got"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], f"{KEYS} list"),
        ({"weights": []}, f"{KEYS} ['weights']"),
        (_with(("weights",), [[[1, 2]]]), f"'weights' {COUNT} 1"),
        (_with(("biases",), 3), f"'biases' {COUNT} int"),
        (
            _with(("weights", 0), [[1, 2]]),
            "W_1 must be a list of 3 rows of 2 numbers, got 1 entries",
        ),
        (_with(("weights", 1, 0), [1, 2]), "W_2 row 1 must be a list of 3 numbers, got 2 entries"),
        (_with(("biases", 0), [1, 2]), "b_1 must be a list of 3 numbers, got 2 entries"),
        (_with(("weights", 0, 2, 1), "abc"), f"W_1[3,2] {LIKE} 'abc'"),
        (_with(("weights", 0, 2, 1), True), f"W_1[3,2] {LIKE} True"),
        (_with(("biases", 1, 0), None), f"b_2[1] {LIKE} None"),
        (
            _with(("biases", 1, 0), "1e9999"),
            "b_2[1] = '1e9999' would have more than 1,000 digits written out; "
            "give it as a fraction p/q or a shorter decimal",
        ),
        (_with(("biases", 1, 0), "inf"), f"b_2[1] {LIKE} 'inf'"),
        (_with(("biases", 1, 0), "1/0"), "b_2[1] has a zero denominator: '1/0'"),
        (_with(("biases", 1, 0), "\u0661\u0662"), f"b_2[1] {LIKE} '\u0661\u0662'"),  # Arabic 12
        (_with(("biases", 1, 0), "1/\u0663"), f"b_2[1] {LIKE} '1/\u0663'"),
        (_with(("biases", 1, 0), "\uff15"), f"b_2[1] {LIKE} '\uff15'"),  # fullwidth 5
    ],
)
def test_bad_values_are_one_line_errors(data: object, message: str) -> None:
    with pytest.raises(SpecError, match="^" + re.escape(message) + "$"):
        parse_values(data, WIDTHS, "test")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"weights": [[[NaN]]], "biases": [[1]]}', f"W_1[1,1] {LIKE} 'NaN'"),
        (
            '{"weights": ',
            "values file 'v.json' is not valid JSON: Expecting value: line 1 column 13 (char 12)",
        ),
    ],
)
def test_bad_files_are_one_line_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("v.json").write_text(text)
    with pytest.raises(SpecError, match="^" + re.escape(message) + "$"):
        load_values(Path("v.json"), (1, 1))


def test_a_file_that_is_not_utf8_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("v.json").write_bytes(b'{"weights": [[[1]]], "biases": [[\xff]]}')
    message = "values file 'v.json' is not UTF-8 text (byte 0xff at position 33)"
    with pytest.raises(SpecError, match="^" + re.escape(message) + "$"):
        load_values(Path("v.json"), (1, 1))


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (3, sp.Integer(3)),
        ("-3/4", sp.Rational(-3, 4)),
        (" 0.25 ", sp.Rational(1, 4)),
        (0.1, sp.Rational(1, 10)),  # the decimal that was written, not the binary double
        (-2.5e-3, sp.Rational(-1, 400)),
        (Fraction(2, 6), sp.Rational(1, 3)),
        (sp.Rational(5, 7), sp.Rational(5, 7)),
    ],
)
def test_exact_number_reads_decimals_exactly(value: object, number: sp.Rational) -> None:
    assert exact_number(value, "x") == number


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), "1e99999x", "NaN", True, sp.Float(0.5), "\u0661"]
)
def test_exact_number_refuses_what_is_not_an_exact_number(value: object) -> None:
    message = f"input 1 must be a number or a string like '3/4', got {value!r}"
    with pytest.raises(SpecError, match="^" + re.escape(message) + "$"):
        exact_number(value, "input 1")


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    message = "cannot read values file 'none.json': No such file or directory"
    with pytest.raises(OptionError, match="^" + re.escape(message) + "$"):
        load_values(Path("none.json"), (1, 1))


def test_size_limit() -> None:
    assert parameter_count((2, 3, 1)) == 3 * 3 + 1 * 4
    message = "widths 2 3 1 have 13 weights and biases, above the limit of 12; raise max_terms"
    with pytest.raises(SizeLimitError, match="^" + re.escape(message) + "$"):
        random_values((2, 3, 1), 0, max_terms=12)


@pytest.mark.parametrize("widths", [(2, 3, 1), (3, 3), (1, 2, 2, 4)])
@pytest.mark.parametrize("digits", [1, 40])
def test_result_digits_bounds_every_number_of_the_collapse(widths, digits) -> None:
    """The bound against the numbers actually computed (square and non-square layers)."""
    from symcollapse.algebra.numeric import collapse_values

    number = "-0." + "7" * (digits - 1) + "3"
    data = {
        "weights": [
            [[number] * widths[k] for _ in range(widths[k + 1])] for k in range(len(widths) - 1)
        ],
        "biases": [[number] * widths[k + 1] for k in range(len(widths) - 1)],
    }
    values = parse_values(data, widths, "test")
    largest = max(
        len(str(abs(e.p))) + len(str(e.q))
        for e in (*collapse_values(values).W_z, *collapse_values(values).b_z)
    )
    assert largest <= result_digits(values)


def test_numbers_too_long_to_collapse_are_refused_before_multiplying() -> None:
    """997-digit decimals in six layers: the products pass Python's 4,300-digit limit."""
    number = "0." + "3" * 997
    data = {"weights": [[[number, number], [number, number]]] * 6, "biases": [[number, number]] * 6}
    values = parse_values(data, (2,) * 7, "file deep.json")
    assert result_digits(values) > MAX_RESULT_DIGITS
    with pytest.raises(SizeLimitError, match=r"^with file deep.json, the collapsed numbers may"):
        check_digits(values)


@pytest.mark.parametrize(
    "seed",
    [-1, 2**64, 10**5000, True, 1.0, "3"],
    ids=["-1", "2^64", "10^5000", "True", "1.0", "str"],
)
def test_seeds_out_of_range_are_refused(seed) -> None:
    with pytest.raises(OptionError, match=r"^seed must be an integer from 0 to 2\*\*64 - 1, got"):
        random_values(WIDTHS, seed)
