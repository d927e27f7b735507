"""The LaTeX reader: the printed language into trees, exactly; what it refuses, in one line."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.errors import DocumentError
from symcollapse.reading.latex import parse, tokenize
from symcollapse.reading.nodes import (
    Apply,
    Entry,
    MatrixLiteral,
    Name,
    Negative,
    Number,
    Power,
    Product,
    Quotient,
    Sum,
    Transpose,
)

W1, W2, x, b1 = Name("W", "1"), Name("W", "2"), Name("x"), Name("b", "1")


@pytest.mark.parametrize(
    ("tex", "tree"),
    [
        (r"W_{2} W_{1} x", Product((W2, W1, x))),
        (r"W_{2} \cdot W_{1}", Product((W2, W1))),
        (r"W_{2} \left(W_{1} x + b_{1}\right)", Product((W2, Sum((Product((W1, x)), b1))))),
        (r"\sigma_{1}\left(W_{1} x\right)", Apply(Name(r"\sigma", "1"), Product((W1, x)))),
        ("f(x)", Apply(Name("f"), x)),
        (r"w^{(3)}_{11}", Name("w", "11", "(3)")),
        (r"W^{1}_{11}", Name("W", "11", "1")),
        (r"W_{1,11}", Name("W", "1,11")),
        (r"\Theta_{z}^{(n)}", Name(r"\Theta", "z", "(n)")),
        (r"\left(W_{z}\right)_{11}", Entry(Name("W", "z"), "11")),
        (r"x_{1}^{2}", Power(Name("x", "1"), 2)),
        (r"W_{2}^{\top}", Transpose(W2)),
        (r"- 0.5 x", Negative(Product((Number(sp.Rational(1, 2)), x)))),
        (r"\frac{1}{3}", Quotient(Number(sp.Integer(1)), Number(sp.Integer(3)))),
        (
            r"\begin{pmatrix} 1 & -2 \\[3pt] x_{1} & 0 \end{pmatrix}",
            MatrixLiteral(
                (
                    (Number(sp.Integer(1)), Negative(Number(sp.Integer(2)))),
                    (Name("x", "1"), Number(sp.Integer(0))),
                )
            ),
        ),
        (
            r"\left[\begin{matrix} 1 \\ 2 \end{matrix}\right. \left.\begin{matrix} 3 \\ 4 "
            r"\end{matrix}\right]",
            MatrixLiteral(
                tuple((Number(sp.Integer(a)), Number(sp.Integer(b))) for a, b in ((1, 3), (2, 4)))
            ),
        ),
    ],
)
def test_the_printed_language_is_read_exactly(tex: str, tree: object) -> None:
    assert parse(tex) == tree


def test_a_whole_indexed_name_is_one_token() -> None:
    texts = [t.text for t in tokenize(r"w^{(3)}_{11} \Theta_{1} \etax_{1}")]
    assert texts == ["w^{(3)}_{11}", r"\Theta_{1}", r"\etax", "_", "{", "1", "}"]


@pytest.mark.parametrize(
    ("tex", "message"),
    [
        (r"\partial L", r"^derivatives \(\\partial\) are not read$"),  # in a \frac it is read
        (r"\cdots W_{1}", r"^elided factors or terms \(\\cdots\) are not read$"),
        (r"\sum x_{k}", r"^sums over an index \(\\sum\) are not read$"),
        (r"\sum_{k} x_{k}", r"^sums over an index \(\\sum\) are not read$"),
        (r"W +", r"^cannot read at 'the end'$"),
        (r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", r"^a bmatrix with rows of different"),
        (r"x^{y}", r"^cannot read the superscript 'y'"),
    ],
)
def test_what_is_not_read_is_named(tex: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse(tex)
