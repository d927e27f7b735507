"""The JSON document's plain formulas, read without eval; its fields become rows."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.nodes import (
    Apply,
    Entry,
    IndexSum,
    MatrixLiteral,
    Name,
    Negative,
    Number,
    Product,
    Quotient,
    Sum,
)
from symcollapse.reading.plain import parse_plain, read_json


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("W_3*W_2*x", Product((Name("W", "3"), Name("W", "2"), Name("x")))),
        ("W_z[1,2]", Entry(Name("W", "z"), "1,2")),
        ("sigma_1(x)", Apply(Name("sigma", "1"), Name("x"))),
        ("-1/2", Quotient(Negative(Number(sp.Integer(1))), Number(sp.Integer(2)))),
        ("[[1], [x_1]]", MatrixLiteral(((Number(sp.Integer(1)),), (Name("x", "1"),)))),
        ("a - b", Sum((Name("a"), Negative(Name("b"))))),
        # Python's floats in scientific notation, as a folded model's numbers print
        ("1e-30", Number(sp.Rational(1, 10**30))),
        ("2.5E+3", Number(sp.Integer(2500))),
        # sympy's Sum: the first range innermost; an entry's index k_2 named as the sum's index
        (
            "Sum(W_2[k_2, k_1], (k_2, 1, d_2), (k_1, 0, d_1 - 1))",
            IndexSum(
                Name("k", "1"),
                Number(sp.Integer(0)),
                Sum((Name("d", "1"), Negative(Number(sp.Integer(1))))),
                IndexSum(
                    Name("k", "2"),
                    Number(sp.Integer(1)),
                    Name("d", "2"),
                    Entry(Name("W", "2"), "k_{2},k_{1}"),
                ),
            ),
        ),
    ],
)
def test_plain_formulas(text: str, tree: object) -> None:
    assert parse_plain(text) == tree


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", r"^cannot read"),
        ("[[1, 2], [3]]", r"^a matrix with rows of different lengths$"),
        ("x**y", r"^cannot read the power 'y'$"),
        ("Sum(x)", r"^a sum without the range of its index$"),
        ("Sum(x, (2, 1, 3))", r"^a sum over something that is not an index$"),
        ("1e-999999999", r"^cannot read the number 1e-999999999: its exponent is too large$"),
    ],
)
def test_hostile_formulas_are_refused(text: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_plain(text)


def test_fields_are_rows_that_never_define() -> None:
    document = read_json(
        json.dumps(
            {
                "sections": [{"title": ["S"], "steps": [
                    {"lhs": "W_z", "relation": ":=", "rhs": "[[1, 2]]"},
                ]}],
                "W_z": [["1", "2"]],
                "weights": [[["5"]]],  # W_1 is not a name of the steps: not a row
            }
        )
    )  # fmt: skip
    field = document.rows[-1]
    assert (field.section, field.label, field.defines) == ("JSON fields", "W_z", False)
    assert len(document.rows) == 2
    assert document.unchecked == (("the JSON field W_1", "no step names it"),)


def test_fields_keyed_by_role_are_the_renamed_matrices() -> None:
    """``weights`` and ``W_z`` are the matrices the steps call Theta_1 and Theta_z (the letter
    multiplying from the left), ``biases`` and ``b_z`` those they call beta."""
    steps = [
        {"lhs": "Theta_z", "relation": ":=", "rhs": "Theta_1"},
        {"lhs": "beta_z", "relation": ":=", "rhs": "beta_1"},
        {"lhs": "f(x)", "relation": "=", "rhs": "Theta_1*x + beta_1"},
    ]
    document = read_json(
        json.dumps(
            {
                "sections": [{"title": ["S"], "steps": steps}],
                "weights": [[["5"]]],
                "biases": [["6"]],
                "W_z": [["5"]],
                "b_z": [["6"]],
            }
        )
    )
    fields = [row.lhs for row in document.rows if row.section == "JSON fields"]
    assert fields == [Name("Theta", "1"), Name("beta", "1"), Name("Theta", "z"), Name("beta", "z")]
    assert document.unchecked == ()


@pytest.mark.parametrize("widths", [[2, 0], [2, "3"], {"d_0": 2}, [True]])
def test_a_widths_field_that_is_not_widths_is_refused(widths: object) -> None:
    text = json.dumps({"sections": [], "widths": widths})
    with pytest.raises(DocumentError, match=r"^the JSON field widths is not a list of positive"):
        read_json(text)


def test_the_widths_field_states_the_widths() -> None:
    document = read_json(json.dumps({"sections": [], "widths": [2, 3]}))
    assert document.stated == (
        (Name("d", "0"), Number(sp.Integer(2))),
        (Name("d", "1"), Number(sp.Integer(3))),
    )


def test_not_json_is_one_line() -> None:
    with pytest.raises(DocumentError, match=r"^not JSON: "):
        read_json("{nope")
