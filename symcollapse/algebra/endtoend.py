"""Arora, Cohen and Hazan (ICML 2018, arXiv 1802.06509), Theorem 1: end-to-end dynamics.

From a balanced start (``W_{j+1}^T W_{j+1} = W_j W_j^T``) the end-to-end matrix of gradient flow
on the layers follows ``dW_e/dt = -sum_j [W_e W_e^T]^{(j-1)/N} grad L(W_e) [W_e^T W_e]^{(N-j)/N}``.
The rule is computed numerically (:func:`arora_deviation`), with fractional powers of PSD matrices
by ``eigh``; :mod:`symcollapse.verification.endtoend` checks it and the chain-rule sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from symcollapse.algebra.dynamics import orthogonal
from symcollapse.errors import OptionError, VerificationError
from symcollapse.spec.extras import optional_module

MAX_DEPTH = 6  # the symbolic chain-rule check takes about a second at depth 5


def psd_power(matrix: np.ndarray, exponent: float) -> np.ndarray:
    """``matrix^exponent`` of a symmetric positive semidefinite matrix through ``eigh``."""
    eigh = optional_module("scipy.linalg", "dynamics", "dynamics arora").eigh

    values, vectors = eigh(matrix)
    return (vectors * np.clip(values, 0.0, None) ** exponent) @ vectors.T


def _chain(factors: Sequence[np.ndarray], size: int) -> np.ndarray:
    """``factors[-1] ... factors[0]``: the product of layers in network order (identity if none)."""
    out = np.eye(size)
    for factor in factors:
        out = factor @ out
    return out


def balanced_start(depth: int, size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``W_j = Q_{j+1} Sigma^{1/N} Q_j^T``, so ``W_{j+1}^T W_{j+1} = W_j W_j^T`` for all ``j``."""
    bases = [orthogonal(size, rng) for _ in range(depth + 1)]
    root = np.diag(rng.uniform(0.5, 1.5, size) ** (1 / depth))
    return [bases[j + 1] @ root @ bases[j].T for j in range(depth)]


def layer_velocities(layers: Sequence[np.ndarray], gradient: np.ndarray) -> list[np.ndarray]:
    """``dW_j/dt = -(W_N ... W_{j+1})^T grad L (W_{j-1} ... W_1)^T``: the chain rule per layer."""
    size = gradient.shape[0]
    return [
        -_chain(layers[j + 1 :], size).T @ gradient @ _chain(layers[:j], size).T
        for j in range(len(layers))
    ]


def product_velocity(layers: Sequence[np.ndarray], gradient: np.ndarray) -> np.ndarray:
    """``dW_e/dt = sum_j W_N ... W_{j+1} (dW_j/dt) W_{j-1} ... W_1``: the product rule."""
    size = gradient.shape[0]
    velocities = layer_velocities(layers, gradient)
    return sum(
        _chain(layers[j + 1 :], size) @ velocities[j] @ _chain(layers[:j], size)
        for j in range(len(layers))
    )


def end_to_end_velocity(W_e: np.ndarray, gradient: np.ndarray, depth: int) -> np.ndarray:
    """Arora et al.'s right-hand side, from ``W_e`` and ``grad L(W_e)`` alone."""
    left, right = W_e @ W_e.T, W_e.T @ W_e
    return -sum(
        psd_power(left, (j - 1) / depth) @ gradient @ psd_power(right, (depth - j) / depth)
        for j in range(1, depth + 1)
    )


def power_deviation(layers: Sequence[np.ndarray]) -> float:
    """How far balanced layers are from the powers the theorem uses, at every split ``j``.

    The largest entry of ``P_j P_j^T - (W_e W_e^T)^{(N-j)/N}`` and of
    ``Q_j^T Q_j - (W_e^T W_e)^{(j-1)/N}``, where ``P_j = W_N ... W_{j+1}`` and
    ``Q_j = W_{j-1} ... W_1``.
    """
    depth, size = len(layers), layers[0].shape[0]
    W_e = _chain(layers, size)
    left, right = W_e @ W_e.T, W_e.T @ W_e
    worst = 0.0
    for j in range(1, depth + 1):
        P, Q = _chain(layers[j:], size), _chain(layers[: j - 1], size)
        worst = max(
            worst,
            float(np.max(np.abs(P @ P.T - psd_power(left, (depth - j) / depth)))),
            float(np.max(np.abs(Q.T @ Q - psd_power(right, (j - 1) / depth)))),
        )
    return worst


@dataclass(frozen=True)
class AroraCheck:
    """Largest entries of the differences the theorem rests on, at the start and after the flow.

    ``velocity``: the product's velocity minus the end-to-end formula; ``powers``: see
    :func:`power_deviation`; ``imbalance``: ``W_{j+1}^T W_{j+1} - W_j W_j^T`` after the flow.
    """

    depth: int
    size: int
    velocity: float
    powers: float
    imbalance: float

    @property
    def worst(self) -> float:
        return max(self.velocity, self.powers, self.imbalance)


def arora_deviation(depth: int, size: int = 3, seed: int = 0, t_flow: float = 0.5) -> AroraCheck:
    """Check Arora et al.'s rule for ``L = 1/2 ||W_e - Phi||^2`` with a random target ``Phi``.

    At a balanced start, and again after integrating the layers' gradient flow to ``t_flow``
    (gradient flow keeps the layers balanced, which is what the theorem needs at every time).
    """
    solve_ivp = optional_module("scipy.integrate", "dynamics", "dynamics arora").solve_ivp

    if not 2 <= depth <= MAX_DEPTH:
        raise OptionError(f"the depth must be from 2 to {MAX_DEPTH}, got {depth}")
    rng = np.random.default_rng(seed)
    layers = balanced_start(depth, size, rng)
    target = rng.standard_normal((size, size))

    def velocity(current: Sequence[np.ndarray]) -> float:
        W_e = _chain(current, size)
        gradient = W_e - target
        formula = end_to_end_velocity(W_e, gradient, depth)
        return float(np.max(np.abs(product_velocity(current, gradient) - formula)))

    def flow(_: float, flat: np.ndarray) -> np.ndarray:
        current = list(flat.reshape(depth, size, size))
        gradient = _chain(current, size) - target
        return np.concatenate([v.ravel() for v in layer_velocities(current, gradient)])

    solution = solve_ivp(
        flow, (0.0, t_flow), np.concatenate([w.ravel() for w in layers]), rtol=1e-11, atol=1e-13
    )
    if not solution.success:
        raise VerificationError(f"the layers' gradient flow did not integrate: {solution.message}")
    later = list(solution.y[:, -1].reshape(depth, size, size))
    imbalance = max(
        float(np.max(np.abs(later[j + 1].T @ later[j + 1] - later[j] @ later[j].T)))
        for j in range(depth - 1)
    )
    return AroraCheck(
        depth,
        size,
        max(velocity(layers), velocity(later)),
        max(power_deviation(layers), power_deviation(later)),
        imbalance,
    )
