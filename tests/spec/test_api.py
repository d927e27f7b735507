"""Every public entry point answers wrong types and values with a typed, one-line error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symcollapse as s
from symcollapse.errors import SymcollapseError
from symcollapse.verification.random import random_check

RELU = "2 > dense 2 relu > dense 1"


def _numeric() -> s.NumericCollapse:
    return s.collapse_values(s.random_values([2, 1], 0))


def _relu() -> s.LayeredCollapse:
    return s.analyse(s.parse_layers(RELU))


CALLS: dict[str, Callable[[], object]] = {
    "collapse(None)": lambda: s.collapse(None),
    "collapse(max_terms='x')": lambda: s.collapse([2, 1], max_terms="x"),
    "collapse(method=[])": lambda: s.collapse([2, 1], method=[]),
    "collapse(progress=3)": lambda: s.collapse([2, 1], progress=3),
    "collapse([2.5, 1])": lambda: s.collapse([2.5, 1]),
    "collapse({1: 2})": lambda: s.collapse({1: 2}),
    "derive(max_depth='x')": lambda: s.derive([2, 1], max_depth="x"),
    "derive([1, 9999])": lambda: s.derive([1, 9999]),
    "verify(None)": lambda: s.verify(None),
    "verify(method=None)": lambda: s.verify([2, 1], method=None),
    "verify(trials='x')": lambda: s.verify([2, 1], method="random", trials="x"),
    "verify(exact, seed=1)": lambda: s.verify([2, 1], method="exact", seed=1),
    "verify([200, 1000], exact)": lambda: s.verify([200, 1000], method="exact"),
    "prove(instances='x')": lambda: s.prove(instances="x"),
    "parse_layers(None)": lambda: s.parse_layers(None),
    "parse_layers(nested)": lambda: s.parse_layers("2 > " + "residual(" * 3000 + "dense 2"),
    "load_values(None)": lambda: s.load_values(None, [2, 1]),
    "load_values('/dev/zero')": lambda: s.load_values("/dev/zero", [2, 1]),
    "parse_values(None)": lambda: s.parse_values(None, [2, 1], "x"),
    "parse_values(mixed keys)": lambda: s.parse_values({1: 2, "a": 3}, [2, 1], "x"),
    "random_check((2, 0))": lambda: random_check((2, 0)),
    "random_check(prime=2)": lambda: random_check((2, 1), prime=2),
    "random_check(None)": lambda: random_check(None),
    "analyse(None)": lambda: s.analyse(None),
    "analyse(batchnorm 6000)": lambda: s.analyse(s.parse_layers("6000 > batchnorm")),
    "verify_layers(point='12')": lambda: s.verify_layers(_relu(), point="12"),
    "verify_layers(parameters=3)": lambda: s.verify_layers(_relu(), parameters=3),
    "verify_layers(seed='x')": lambda: s.verify_layers(_relu(), seed="x"),
    "verify_layers(max_terms=None)": lambda: s.verify_layers(_relu(), max_terms=None),
    "verify_layers(None)": lambda: s.verify_layers(None),
    "derive_layers(None)": lambda: s.derive_layers(None),
    "regress(None)": lambda: s.regress(None),
    "regress(samples='x')": lambda: s.regress(_numeric(), samples="x"),
    "regress(seed='x')": lambda: s.regress(_numeric(), seed="x"),
    "regress(inputs='12')": lambda: s.regress(_numeric(), inputs="12"),
    "collapse_values(None)": lambda: s.collapse_values(None),
    "random_values(seed=None)": lambda: s.random_values([2, 1], None),
    "descend(None)": lambda: s.descend(None, 10),
    "descend(10**9 epochs)": lambda: s.descend(s.regress(_numeric()), 10**9),
    "read_function(None)": lambda: s.read_function(None, [2, 1]),
    "verify_function(None)": lambda: s.verify_function(None),
    "derive_function(None)": lambda: s.derive_function(None),
    "derive_values(None)": lambda: s.derive_values(None),
    "derive_regression(None)": lambda: s.derive_regression(None),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_bad_calls_raise_one_typed_line(name: str) -> None:
    with pytest.raises(SymcollapseError) as caught:
        CALLS[name]()
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 400


def test_load_values_accepts_a_str_path(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(s.random_values([2, 1], 3).data()))
    assert s.load_values(str(path), [2, 1]) == s.load_values(path, [2, 1])


def test_verification_error_is_internal_not_bad_input() -> None:
    assert issubclass(s.VerificationError, s.InternalError)
    assert not issubclass(s.VerificationError, SymcollapseError)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(data=JSON, widths=st.lists(st.integers(-2, 4), max_size=4))
def test_any_values_data_is_values_or_a_typed_error(data: object, widths: list[int]) -> None:
    try:
        s.parse_values(data, widths, "hypothesis")
    except SymcollapseError as error:
        assert "\n" not in str(error)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=60), st.binary(max_size=20), st.integers(), st.none()))
def test_any_layer_string_is_a_spec_or_a_typed_error(text: object) -> None:
    try:
        s.parse_layers(text)
    except SymcollapseError as error:
        assert "\n" not in str(error)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.integers(), st.text(max_size=6), st.floats(), st.none()), max_size=5))
def test_any_widths_are_refused_or_bounded(widths: list[object]) -> None:
    try:
        s.collapse(widths, max_terms=2_000)
    except SymcollapseError as error:
        assert "\n" not in str(error)
