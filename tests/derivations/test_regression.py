"""The regression document says in words which inputs were sampled (the result holds data)."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from symcollapse.algebra.regression import regress
from symcollapse.derivations.regression import derive_regression


def _intro(result) -> tuple:
    """The samples' sentence, up to its second: words and mathematical objects."""
    section = next(s for s in derive_regression(result).sections if s.title == ("The samples",))
    return section.intro[: section.intro.index(". Row ") + 1]


@pytest.mark.parametrize(("widths", "seed"), [((2, 1), 4), ((3, 2, 1), 0)])
def test_sampled_and_given_inputs_are_told_apart(widths, seed):
    sampled = regress(list(widths), seed=seed)
    count = sampled.samples
    # the range's bounds are numbers, typeset as mathematics, never typed as words
    assert _intro(sampled) == (
        "Sample ",
        f"{count} inputs with integer entries from ",
        sp.Integer(-3),
        " to ",
        sp.Integer(3),
        f" (seed {seed})",
        ". Row ",
    )
    given = regress(sampled.numeric, inputs=sampled.X[:, 1:])
    assert _intro(given) == ("Sample ", f"{count} given inputs", ". Row ")


@pytest.mark.parametrize(("widths", "seed"), [((2, 3, 1), 0), ((3, 2, 2), 4), ((1, 2, 2, 3), 9)])
def test_the_row_document_is_the_row_network_sampled(widths, seed):
    """Every matrix the row document states, evaluated here: the network run as
    ``h W_k + b_k`` with its row numbers gives each row of ``Y`` from that row of ``X``,
    ``Theta`` is ``b_z`` over ``W_z`` untransposed, ``W_1 \\cdots W_n = W_z``."""
    document = derive_regression(regress(list(widths), seed=seed), "row")
    assert document.convention == "row"
    named = {
        str(s.lhs): sp.Matrix(s.rhs)
        for section in document.sections
        for s in section.steps
        if s.lhs is not None and isinstance(s.rhs, sp.MatrixBase)
    }
    n = len(widths) - 1
    W = [named[f"W_{k}"] for k in range(1, n + 1)]
    b = [named[f"b_{k}"] for k in range(1, n + 1)]
    assert [w.shape for w in W] == list(itertools.pairwise(widths))
    X, Y = named["X"], named["Y"]
    for r in range(X.rows):
        h = X[r, 1:]
        for w, c in zip(W, b, strict=True):
            h = h * w + c
        assert h == Y[r, :]
    Theta = [s.rhs for s in document.sections[2].steps][-1]
    W_z, b_z = named["W_z"], named["b_z"]
    assert W_z == Theta[1:, :] and b_z == Theta[:1, :]
    product = W[0]
    for w in W[1:]:
        product = product * w
    assert product == W_z
    stated = [
        str(s.rhs)
        for section in document.sections
        for s in section.steps
        if str(s.lhs) == "W_z" and not isinstance(s.rhs, sp.MatrixBase)
    ]
    assert stated == ["*".join(f"W_{k}" for k in range(1, n + 1))]  # W_z = W_1 ... W_n, in order
