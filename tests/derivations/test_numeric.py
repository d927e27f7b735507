"""The collapse with numbers, checked against a forward pass in Python Fractions (no sympy)."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
import sympy as sp

from symcollapse.algebra.numeric import collapse_values
from symcollapse.derivations.numeric import derive_values
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_fragment
from symcollapse.render.text import render_text
from symcollapse.spec.values import Values, parse_values, random_values

SHAPES = [(1, 1), (2, 1), (2, 3, 1), (2, 3, 3, 1), (3, 2, 4, 2, 2)]


def _fractions(matrix: sp.MatrixBase) -> list[list[Fraction]]:
    return [[Fraction(int(e.p), int(e.q)) for e in matrix.row(i)] for i in range(matrix.rows)]


def _forward(values: Values, x: list[Fraction]) -> list[Fraction]:
    """The network at ``x``, layer by layer, in plain Python fractions."""
    h = x
    for W, b in zip(values.weights, values.biases, strict=True):
        rows, bias = _fractions(W), _fractions(b)
        h = [sum((w * v for w, v in zip(row, h, strict=True)), Fraction(0)) + c[0]
             for row, c in zip(rows, bias, strict=True)]  # fmt: skip
    return h


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_W_z_and_b_z_agree_with_the_forward_pass(widths: tuple[int, ...], seed: int) -> None:
    values = random_values(widths, seed)
    result = collapse_values(values)
    W_z, b_z = _fractions(result.W_z), [row[0] for row in _fractions(result.b_z)]
    rng = random.Random(seed)
    for _ in range(3):
        x = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(widths[0])]
        expected = _forward(values, x)
        affine = [sum((w * v for w, v in zip(row, x, strict=True)), c)
                  for row, c in zip(W_z, b_z, strict=True)]  # fmt: skip
        assert affine == expected
    assert result.residual() == sp.zeros(widths[-1], 1)
    assert result.symbolic is not None


def test_symbolic_route_is_skipped_above_the_limit() -> None:
    result = collapse_values(random_values((2, 3, 3, 1), 0), max_terms=30)  # 25 numbers, 31 terms
    assert result.symbolic is None
    text = " ".join(render_text(derive_values(result)).split())  # prose is wrapped
    assert "checked exactly in rational arithmetic" in text


def test_hand_example() -> None:
    data = {"weights": [[[1, 2], [3, 4]], [["1/2", -1]]], "biases": [[1, -1], [2]]}
    result = collapse_values(parse_values(data, (2, 2, 1), "hand"))
    # W_z = [1/2, -1] [[1, 2], [3, 4]] = [1/2 - 3, 1 - 4]; b_z = [1/2, -1] [1, -1] + 2
    assert result.W_z == sp.ImmutableMatrix([[sp.Rational(-5, 2), -3]])
    assert result.b_z == sp.ImmutableMatrix([sp.Rational(7, 2)])
    text = render_fragment(derive_values(result))
    assert r"f(x_{1}, x_{2}) &= -2.5 x_{1} - 3 x_{2} + 3.5" in text


@pytest.mark.parametrize("widths", SHAPES)
def test_derivation_sections_and_chains(widths: tuple[int, ...]) -> None:
    result = collapse_values(random_values(widths, 5))
    derivation = derive_values(result)
    titles = [s.title[0] for s in derivation.sections]
    assert titles == [
        "The numbers",
        "The forward pass",
        "The collapsed weights",
        "The collapsed bias",
        "The collapsed map",
        "Check",
    ]
    weights, bias = derivation.sections[2], derivation.sections[3]
    assert weights.steps[-1].rhs == result.W_z
    assert bias.steps[-1].rhs == result.b_z
    chains = [[s.rhs] if s.lhs is not None else [] for s in derivation.sections[1].steps[:1]]
    for section in derivation.sections[1:]:  # every chain of '=' keeps the value
        for step in section.steps:
            if step.lhs is not None:
                chains.append([])
            chains[-1].append(step.rhs)
    for chain in chains:
        shown = [e for e in chain if isinstance(e, sp.MatrixBase | sp.MatMul)]
        explicit = [
            sp.Matrix(e.doit()) for e in shown if not e.free_symbols - set(result.network.x)
        ]
        assert all((e - explicit[-1]).applyfunc(sp.expand).is_zero_matrix for e in explicit)


def test_json() -> None:
    result = collapse_values(random_values((2, 3, 1), 4))
    data = json.loads(render_json(derive_values(result)))
    assert data["widths"] == [2, 3, 1]
    assert data["source"] == "seed 4"
    assert [[sp.Rational(e) for e in row] for row in data["W_z"]] == result.W_z.tolist()
    assert [[sp.Rational(e) for e in row] for row in data["b_z"]] == result.b_z.tolist()
    again = parse_values({"weights": data["weights"], "biases": data["biases"]}, (2, 3, 1), "")
    assert again.weights == result.values.weights


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 2, 3)])
def test_the_numeric_answer_starts_from_the_forward_pass(
    widths: tuple[int, ...], detail: str
) -> None:
    result = collapse_values(random_values(widths, 7))
    derivation = derive_values(result, detail)
    titles = [s.title[0] for s in derivation.sections]
    assert titles[:2] == ["The numbers", "The forward pass"]
    assert ("Check" in titles) == (detail != "brief")
    assert "seed" not in "".join(map(str, derivation.title))
    assert "seed 7" in "".join(map(str, derivation.sections[0].intro))
    hidden = [s.lhs for s in derivation.sections[1].steps if s.lhs is not None][:-1]
    assert [str(h) for h in hidden] == [f"h({k})" for k in range(1, len(widths) - 1)]
    key = [s for section in derivation.sections for s in section.steps if s.key]
    assert key[-1].rhs == (sp.expand(result.output[0]) if widths[-1] == 1 else result.b_z)
