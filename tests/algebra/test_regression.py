"""The regression view: exact least squares recovers W_z, b_z; gradient descent approaches them."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from symcollapse.algebra.descent import descend
from symcollapse.algebra.numeric import collapse_values
from symcollapse.algebra.regression import EXTRA_SAMPLES, Sampling, regress, sample_inputs
from symcollapse.derivations.regression import derive_regression
from symcollapse.errors import OptionError, RegressionError, SizeLimitError, SpecError
from symcollapse.render.text import render_descent, render_text
from symcollapse.spec.values import random_values

SHAPES = [(1, 1), (2, 1), (2, 3, 1), (2, 3, 3, 1), (3, 2, 4, 2)]


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("seed", [0, 3])
def test_least_squares_recovers_the_collapse_exactly(widths: tuple[int, ...], seed: int) -> None:
    numeric = collapse_values(random_values(widths, seed))
    result = regress(numeric, seed=seed)
    assert result.samples == widths[0] + 1 + EXTRA_SAMPLES
    assert (result.W_z, result.b_z) == (numeric.W_z, numeric.b_z)
    assert all(isinstance(e, sp.Rational) for e in result.Theta)
    assert result.X * result.Theta == result.Y  # the fit is exact: the data are affine
    for s in range(result.samples):  # Y (forward pass) against the product route W_z x + b_z
        x = result.X[s, 1:].T
        assert numeric.W_z * x + numeric.b_z == result.Y[s, :].T


def test_minimum_number_of_samples_suffices() -> None:
    numeric = collapse_values(random_values((2, 2, 1), 1))
    inputs = [[0, 0], [1, 0], [0, 1]]
    assert regress(numeric, inputs=inputs).W_z == numeric.W_z


def test_too_few_samples() -> None:
    numeric = collapse_values(random_values((3, 2, 1), 0))
    message = "need at least d_0 + 1 = 4 samples to determine W_z and b_z, got 3"
    with pytest.raises(RegressionError, match=f"^{re.escape(message)}$"):
        regress(numeric, samples=3)


def test_rank_deficient_design() -> None:
    numeric = collapse_values(random_values((2, 2, 1), 0))
    message = (
        "the design matrix [1, x^T] of the 4 samples has rank 2 < d_0 + 1 = 3: the inputs lie "
        "on a lower-dimensional affine subspace, so W_z and b_z are not determined; use more or "
        "different samples"
    )
    with pytest.raises(RegressionError, match=f"^{re.escape(message)}$"):
        regress(numeric, inputs=[[0, 0], [1, 1], [2, 2], [-3, -3]])


def test_inputs_of_the_wrong_width_or_kind() -> None:
    numeric = collapse_values(random_values((2, 1), 0))
    with pytest.raises(RegressionError, match=r"^each input must have d_0 = 2 entries, got 3$"):
        regress(numeric, inputs=[[1, 2, 3]] * 4)
    with pytest.raises(RegressionError, match=r"^each input must have d_0 = 2 entries, got 1$"):
        regress(numeric, inputs=[[0, 0], [1, 0], [2]])
    with pytest.raises(RegressionError, match=r"^inputs must be rows of exact numbers$"):
        regress(numeric, inputs=["ab", "cd", "ef"])


def test_given_inputs_are_read_exactly_like_values_files() -> None:
    numeric = collapse_values(random_values((2, 1), 0))
    result = regress(numeric, inputs=[[0.1, 0], ["1/3", 1], [2, "-2.5"]])
    assert result.X[:, 1:] == sp.Matrix(
        [[sp.Rational(1, 10), 0], [sp.Rational(1, 3), 1], [2, sp.Rational(-5, 2)]]
    )
    assert result.X[0, 1] == sp.Rational(1, 10)  # not 3602879701896397/36028797018963968
    assert (result.W_z, result.b_z) == (numeric.W_z, numeric.b_z)


@pytest.mark.parametrize(
    ("bad", "shown"), [("a", "'a'"), ("1e9x", "'1e9x'"), (float("nan"), "nan"),
                       (float("inf"), "inf"), (True, "True"), (None, "None")]
)  # fmt: skip
def test_given_inputs_that_are_not_exact_numbers(bad: object, shown: str) -> None:
    numeric = collapse_values(random_values((2, 1), 0))
    message = f"inputs[3,2] must be a number or a string like '3/4', got {shown}"
    with pytest.raises(SpecError, match="^" + re.escape(message) + "$"):
        regress(numeric, inputs=[[0, 0], [1, 0], [0, bad]])


def test_sample_limits() -> None:
    numeric = collapse_values(random_values((2, 1), 0))
    with pytest.raises(OptionError, match=r"^the number of samples must be positive, got 0$"):
        regress(numeric, samples=0)
    with pytest.raises(SizeLimitError, match=r"^10 samples of 2 inputs are 30 numbers, above .*$"):
        regress(numeric, samples=10, max_terms=29)


def test_samples_are_reproducible_small_integers() -> None:
    inputs = sample_inputs(3, 6, seed=4)
    assert inputs == sample_inputs(3, 6, seed=4)
    assert inputs.shape == (6, 3)
    assert all(e.is_Integer and -3 <= e <= 3 for e in inputs)


@pytest.mark.parametrize("widths", [(1, 1), (2, 3, 3, 1)])
def test_derivation_shows_the_normal_equations(widths: tuple[int, ...]) -> None:
    result = regress(collapse_values(random_values(widths, 2)), seed=2)
    derivation = derive_regression(result)
    titles = [s.title[0] for s in derivation.sections]
    assert titles == [
        "The numbers",
        "The samples",
        "The normal equations",
        "The collapsed map from the regression",
    ]
    normal = derivation.sections[2].steps
    assert normal[1].rhs == result.X.T * result.X
    assert normal[2].rhs == result.X.T * result.Y
    inverse = (result.X.T * result.X).inv()
    assert normal[3].rhs == inverse  # on its own row: each number shown once
    assert inverse * normal[2].rhs == result.Theta == normal[5].rhs
    text = render_text(derivation)
    assert "X.T*X*Theta = X.T*Y    [normal equations]" in text


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_gradient_descent_approaches_the_exact_map(seed: int) -> None:
    result = regress(collapse_values(random_values((2, 3, 3, 1), seed)), seed=seed)
    descent = descend(result, 4000, seed=seed)
    assert len(descent.distances) == 4000
    assert descent.distances[-1] < 1e-6 < descent.distances[0]
    report = render_descent(descent, every=1000).splitlines()
    assert report[1:] == [f"epoch {e}: distance {descent.distances[e - 1]:.6g}" for e in
                          (1000, 2000, 3000, 4000)]  # fmt: skip


def test_gradient_descent_divergence_is_an_error() -> None:
    result = regress(collapse_values(random_values((2, 3, 3, 1), 0)))
    message = r"^gradient descent diverged at epoch \d+ with learning rate 0\.5; use a smaller "
    with pytest.raises(OptionError, match=message + r"learning_rate$") as error:
        descend(result, 1000, learning_rate=0.5)
    assert error.value.parameter == "learning_rate"


@pytest.mark.parametrize(
    ("epochs", "rate", "message"),
    [
        (0, 1e-3, "the number of epochs must be a positive integer, got 0"),
        (5, 0.0, "the learning rate must be between 0 and 1, got 0.0"),
    ],
)
def test_gradient_descent_options(epochs: int, rate: float, message: str) -> None:
    result = regress(collapse_values(random_values((1, 1), 0)))
    with pytest.raises(OptionError, match=f"^{re.escape(message)}$"):
        descend(result, epochs, learning_rate=rate)


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("seed", [0, 7])
def test_the_result_says_how_its_inputs_were_drawn(widths, seed):
    sampled = regress(list(widths), seed=seed)
    assert sampled.sampling == Sampling(-3, 3, seed)
    given = regress(sampled.numeric, inputs=sampled.X[:, 1:])
    assert given.sampling is None and given.Theta == sampled.Theta


@pytest.mark.parametrize("widths", SHAPES)
def test_a_regression_is_an_immutable_value(widths):
    first, again = regress(list(widths), seed=2), regress(list(widths), seed=2)
    assert all(isinstance(m, sp.ImmutableMatrix) for m in (first.X, first.Y, first.Theta))
    assert first == again and hash(first) == hash(again)
