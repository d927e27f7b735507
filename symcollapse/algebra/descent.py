"""Gradient descent on the deep linear network (numpy floats), beside the exact regression.

It trains every ``W_k`` and ``b_k`` of a freshly initialised network of the same widths on the
regression's samples (full batch, mean squared error) and records, after each epoch, the distance
between the trained network's end-to-end map and the exact ``W_z``, ``b_z``: it shrinks towards
zero, but only approximately and only after many epochs, which is the point of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symcollapse.algebra.affine import activations, collapse_chain
from symcollapse.algebra.regression import Regression
from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.spec.limits import check_seed, parameter_count

#: Default step size: small enough for the pencil-sized numbers of ``--values random``.
DEFAULT_LEARNING_RATE = 3e-4

#: Most epochs one run may ask for. Cost model: an epoch is about four numpy calls per layer
#: (forward, two gradients, update), some 0.1 ms for the small networks regression allows, so a
#: hundred thousand epochs take seconds; the work also grows with samples x parameters, bounded
#: by :data:`MAX_EPOCH_WORK`.
MAX_EPOCHS = 100_000
MAX_EPOCH_WORK = 2 * 10**9


@dataclass(frozen=True)
class Descent:
    """Per-epoch distance ``||[b, W] - [b_z, W_z]||_F`` of the trained end-to-end map."""

    learning_rate: float
    distances: tuple[float, ...]


def descend(
    regression: Regression,
    epochs: int,
    *,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    seed: int = 0,
) -> Descent:
    """Train the deep network by full-batch gradient descent for ``epochs`` epochs.

    Raises :class:`OptionError` when the iteration diverges (non-finite distance), naming the
    epoch, so the caller can lower ``learning_rate``.
    """
    if not isinstance(regression, Regression):
        raise OptionError(f"expected a Regression (see regress), got {regression!r:.60}")
    check_seed(seed)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise OptionError(f"the number of epochs must be a positive integer, got {epochs!r:.60}")
    work = epochs * regression.X.rows * parameter_count(regression.numeric.widths)
    if epochs > MAX_EPOCHS or work > MAX_EPOCH_WORK:
        raise SizeLimitError(
            f"{epochs:,} epochs of gradient descent are above the limit of {MAX_EPOCHS:,} epochs "
            f"and {MAX_EPOCH_WORK:,} multiply-adds (samples x parameters x epochs); ask for fewer",
            parameter="epochs",
        )
    if not isinstance(learning_rate, int | float) or not 0 < learning_rate < 1:
        raise OptionError(f"the learning rate must be between 0 and 1, got {learning_rate}")
    d = regression.numeric.widths
    X = np.array(regression.X[:, 1:].T.tolist(), dtype=float)  # one column per sample
    Y = np.array(regression.Y.T.tolist(), dtype=float)
    target_W = np.array(regression.W_z.tolist(), dtype=float)
    target_b = np.array(regression.b_z.tolist(), dtype=float)
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, d[k - 1] ** -0.5, (d[k], d[k - 1])) for k in range(1, len(d))]
    biases = [np.zeros((d[k], 1)) for k in range(1, len(d))]
    samples = X.shape[1]
    distances = []
    with np.errstate(all="ignore"):
        for epoch in range(1, epochs + 1):
            layers = activations(X, weights, biases)
            grad = (layers[-1] - Y) / samples  # d(loss)/d(output) for loss = mean ||.||^2 / 2
            for k in reversed(range(len(weights))):
                grad_W, grad_b = grad @ layers[k].T, grad.sum(axis=1, keepdims=True)
                grad = weights[k].T @ grad
                weights[k] = weights[k] - learning_rate * grad_W
                biases[k] = biases[k] - learning_rate * grad_b
            W, b = collapse_chain(weights, biases)
            distance = float(np.sqrt(((W - target_W) ** 2).sum() + ((b - target_b) ** 2).sum()))
            if not np.isfinite(distance):
                raise OptionError(
                    f"gradient descent diverged at epoch {epoch} with learning rate "
                    f"{learning_rate:g}; use a smaller learning_rate",
                    parameter="learning_rate",
                )
            distances.append(distance)
    return Descent(learning_rate=learning_rate, distances=tuple(distances))
