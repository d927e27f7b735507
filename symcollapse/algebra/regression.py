"""The regression view: recover ``W_z`` and ``b_z`` from samples by exact ordinary least squares.

The source thread says the collapsed map can be found "using linear regression techniques"
instead of gradient descent. Here that is done literally: sample inputs ``x^(s)``, compute the
deep network's outputs ``y^(s)`` exactly, stack ``X = [1, x^T]`` and ``Y = [y^T]`` and solve the
normal equations ``X^T X Theta = X^T Y`` in rational arithmetic. ``Theta = [b_z^T; W_z^T]`` is then
exactly the collapse, provided there are at least ``d_0 + 1`` samples in general position
(``X`` of full column rank); otherwise :class:`~symcollapse.errors.RegressionError` says why.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symcollapse.algebra.elimination import rank as exact_rank
from symcollapse.algebra.elimination import solve as exact_solve
from symcollapse.algebra.network import nested_forward
from symcollapse.algebra.numeric import NumericCollapse, collapse_values
from symcollapse.display import Displayable
from symcollapse.errors import OptionError, RegressionError, SizeLimitError, VerificationError
from symcollapse.spec.cost import check_samples
from symcollapse.spec.limits import DEFAULT_MAX_TERMS, check_seed
from symcollapse.spec.values import exact_number, random_values

#: Sampled input entries are integers in this range: easy to check by hand.
SAMPLE_RANGE = range(-3, 4)

#: Samples beyond the minimum ``d_0 + 1`` drawn by default, so the fit is a real regression.
EXTRA_SAMPLES = 2


@dataclass(frozen=True)
class Sampling:
    """How inputs were drawn: integer entries from ``low`` to ``high`` with ``seed``."""

    low: int
    high: int
    seed: int


@dataclass(frozen=True)
class Regression(Displayable):
    """Exact least squares on samples of a deep linear network, and what it recovered;
    ``sampling`` says how the inputs were drawn, None when they were given."""

    numeric: NumericCollapse
    sampling: Sampling | None
    X: sp.ImmutableMatrix
    Y: sp.ImmutableMatrix
    Theta: sp.ImmutableMatrix

    @property
    def W_z(self) -> sp.ImmutableMatrix:
        """The recovered ``W_z``: rows 2.. of ``Theta``, transposed."""
        return sp.ImmutableMatrix(self.Theta[1:, :].T)

    @property
    def b_z(self) -> sp.ImmutableMatrix:
        """The recovered ``b_z``: row 1 of ``Theta``, transposed."""
        return sp.ImmutableMatrix(self.Theta[0, :].T)

    @property
    def samples(self) -> int:
        return self.X.rows


def sample_inputs(dimension: int, samples: int, seed: int) -> sp.ImmutableMatrix:
    """``samples`` rows of ``dimension`` small integers, the same for the same seed.

    Drawn again (from the same generator) while ``[1, x^T]`` is rank-deficient, which small
    integers are with a probability that is not negligible (``1/7^3`` for four samples of one
    input), so that enough sampled inputs always determine ``W_z`` and ``b_z``.
    """
    rng = random.Random(seed)
    for _ in range(100):
        points = sp.ImmutableMatrix(
            samples, dimension, lambda i, j: sp.Integer(rng.choice(SAMPLE_RANGE))
        )
        if samples < dimension + 1 or exact_rank(_design(points).tolist()) == dimension + 1:
            break
    return points


def _design(points: sp.MatrixBase) -> sp.ImmutableMatrix:
    """``X = [1, x^T]``: a column of ones beside the inputs, one row per sample."""
    return sp.ImmutableMatrix(sp.Matrix.hstack(sp.ones(points.rows, 1), points))


def given_inputs(
    inputs: Sequence[Sequence[object]] | sp.MatrixBase, dimension: int
) -> sp.ImmutableMatrix:
    """Rows of ``dimension`` exact numbers, read as values files are (``0.1`` is 1/10, ``"p/q"``).

    Raises :class:`RegressionError` for rows of the wrong shape and
    :class:`~symcollapse.errors.SpecError` for an entry that is not an exact number.
    """
    rows = inputs.tolist() if isinstance(inputs, sp.MatrixBase) else inputs
    if not _is_sequence(rows) or not all(_is_sequence(row) for row in rows):
        raise RegressionError("inputs must be rows of exact numbers")
    check_samples(len(rows))
    for row in rows:
        if len(row) != dimension:
            raise RegressionError(f"each input must have d_0 = {dimension} entries, got {len(row)}")
    return sp.ImmutableMatrix(
        len(rows),
        dimension,
        [
            exact_number(v, f"inputs[{i + 1},{j + 1}]")
            for i, row in enumerate(rows)
            for j, v in enumerate(row)
        ],
    )


def _is_sequence(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def regress(
    network: NumericCollapse | Sequence[int],
    *,
    inputs: Sequence[Sequence[object]] | sp.MatrixBase | None = None,
    samples: int | None = None,
    seed: int = 0,
    max_terms: int = DEFAULT_MAX_TERMS,
) -> Regression:
    """Fit ``y = W_z x + b_z`` to the network's outputs at ``inputs`` (or sampled ones) exactly.

    ``network`` is a collapse with numbers, or widths as a shortcut: ``regress([2, 3, 1], seed=7)``
    draws random exact weights with ``seed`` (as ``derive --values random`` does) and samples with
    the same seed, as ``symcollapse regress 2 3 1 --seed 7`` does.

    Raises :class:`RegressionError` when there are fewer than ``d_0 + 1`` samples or the design
    matrix is rank-deficient, and :class:`VerificationError` if the fit is not the collapse.
    """
    check_seed(seed)
    if samples is not None and (isinstance(samples, bool) or not isinstance(samples, int)):
        raise OptionError(f"the number of samples must be an integer, got {samples!r:.60}")
    if isinstance(network, NumericCollapse):
        numeric = network
    else:
        numeric = collapse_values(
            random_values(network, seed, max_terms=max_terms), max_terms=max_terms
        )
    d0 = numeric.widths[0]
    if inputs is None:
        count = d0 + 1 + EXTRA_SAMPLES if samples is None else samples
        if count < 1:
            raise OptionError(f"the number of samples must be positive, got {count}")
        if count * (d0 + 1) > max_terms:
            raise SizeLimitError(
                f"{count:,} samples of {d0} inputs are {count * (d0 + 1):,} numbers, above the "
                f"limit of {max_terms:,}; raise max_terms",
                parameter="max_terms",
            )
        points = sample_inputs(d0, count, seed)
        sampling: Sampling | None = Sampling(SAMPLE_RANGE[0], SAMPLE_RANGE[-1], seed)
    else:
        points = given_inputs(inputs, d0)
        sampling = None
    check_samples(points.rows)
    if points.rows < d0 + 1:
        raise RegressionError(
            f"need at least d_0 + 1 = {d0 + 1} samples to determine W_z and b_z, got {points.rows}"
        )
    X = _design(points)
    rank = exact_rank(X.tolist())  # Bareiss: sympy's rank does not finish at d_0 = 30
    if rank < d0 + 1:
        raise RegressionError(
            f"the design matrix [1, x^T] of the {points.rows} samples has rank {rank} < "
            f"d_0 + 1 = {d0 + 1}: the inputs lie on a lower-dimensional affine subspace, so "
            "W_z and b_z are not determined; use more or different samples"
        )
    Y = sp.ImmutableMatrix(
        sp.Matrix.vstack(
            *(
                nested_forward(points.row(s).T, numeric.values.weights, numeric.values.biases).T
                for s in range(points.rows)
            )
        )
    )
    Theta = sp.ImmutableMatrix(exact_solve((X.T * X).tolist(), (X.T * Y).tolist()))
    result = Regression(numeric=numeric, sampling=sampling, X=X, Y=Y, Theta=Theta)
    if result.W_z != numeric.W_z or result.b_z != numeric.b_z:
        raise VerificationError("least squares did not recover the collapsed W_z and b_z")
    return result
