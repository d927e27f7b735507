"""The JSON document's plain formulas, read without eval; its fields become rows."""

from __future__ import annotations

import json

import pytest
import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.nodes import (
    Apply,
    Entry,
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


def test_not_json_is_one_line() -> None:
    with pytest.raises(DocumentError, match=r"^not JSON: "):
        read_json("{nope")
