"""Rows stated for a range of an index: the range and base case read from the reason as each
format prints it, and the instances the reader makes of the row."""

from __future__ import annotations

import pytest

from symcollapse.reading.latex import parse
from symcollapse.reading.plain import parse_plain
from symcollapse.reading.schemes import base_case, instantiate, scheme

REASONS = {
    "latex tag": r"($k = 1, \dots, 3$, with $h^{(0)} = x$)",
    "markdown": r"\left(k = 1, \dots, 3\text{, with }h^{(0)} = x\right)",
    "json": "k = 1, ..., 3, with h(0) = x",
}


@pytest.mark.parametrize("printed", sorted(REASONS))
def test_the_range_and_the_base_case_are_read_from_the_reason(printed: str) -> None:
    reason = REASONS[printed]
    assert scheme(reason) == ("k", 1, 3)
    case = base_case(reason)
    assert case is not None
    assert case.replace(" ", "") in ("h^{(0)}=x", "h(0)=x")


@pytest.mark.parametrize("reason", ["(distribute $W_{3}$)", "k = 3, \\dots, 1", "", "group"])
def test_a_reason_without_a_literal_range_makes_no_scheme(reason: str) -> None:
    assert scheme(reason) is None


@pytest.mark.parametrize(("k", "previous"), [(1, "0"), (2, "1"), (4, "3")])
def test_an_instance_sets_the_index_and_its_offsets(k: int, previous: str) -> None:
    row = parse(r"W_{k} h^{(k-1)} + b_{k}")
    expected = parse(rf"W_{{{k}}} h^{{({previous})}} + b_{{{k}}}")
    assert instantiate(row, "k", k) == expected


def test_an_instance_of_a_plain_formula_adds_up_its_index() -> None:
    assert instantiate(parse_plain("W_k*h(k - 1)"), "k", 3) == parse_plain("W_3*h(2)")


@pytest.mark.parametrize("outputs", [2, 3])
def test_an_instance_of_a_scalar_form_names_its_output(outputs: int) -> None:
    row = parse(r"\left(W_{z}\right)_{i1} x_{1} + \left(b_{z}\right)_{i}")
    assert instantiate(row, "i", outputs) == parse(
        rf"\left(W_{{z}}\right)_{{{outputs},1}} x_{{1}} + \left(b_{{z}}\right)_{{{outputs}}}"
    )


@pytest.mark.parametrize(
    "reason", [r"($k = 1$, with $h^{(0)} = \xi$)", r"\left(k = 1\text{, with }h^{(0)} = x\right)"]
)
def test_a_range_of_one_value_is_read(reason: str) -> None:
    assert scheme(reason) == ("k", 1, 1)


@pytest.mark.parametrize(("index", "expected"), [("ij", "2,j"), ("i1", "2,1"), ("1i", "1,2")])
def test_two_one_character_indices_are_kept_apart(index: str, expected: str) -> None:
    assert instantiate(parse(rf"w_{{{index}}}"), "i", 2) == parse(rf"w_{{{expected}}}")


def test_a_sum_over_the_same_index_is_not_instantiated_inside() -> None:
    row = parse(r"\sum_{k=1}^{n} a_{1k} + a_{k}")
    assert instantiate(row, "k", 2) == parse(r"\sum_{k=1}^{n} a_{1k} + a_{2}")
