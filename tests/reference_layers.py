"""An independent reference for layered networks: plain Fractions and the textbook formulas.

Nothing here uses symcollapse's stages or matrices: layers are evaluated one by one from their
definitions (convolution as a sliding dot product over the zero-padded input, pooling over
windows, batch normalisation as gamma (h - mu) / s + beta), reading parameters by symbol name.
"""

from __future__ import annotations

import random
from fractions import Fraction

from symcollapse.spec.layers import (
    AvgPool,
    BatchNorm,
    Conv1D,
    Dense,
    Dropout,
    LayerSpec,
    MaxPool,
    Residual,
)


def random_values(names: list[str], seed: int) -> dict[str, Fraction]:
    """Exact random rationals per symbol name; standard deviations ``s_*`` positive."""
    rng = random.Random(seed)
    return {
        name: Fraction(rng.randint(1 if name.startswith("s_") else -30, 30), rng.randint(1, 7))
        for name in sorted(names)
    }


def random_input(width: int, seed: int) -> list[Fraction]:
    rng = random.Random(seed)
    return [Fraction(rng.randint(-30, 30), rng.randint(1, 7)) for _ in range(width)]


def negative_slopes(spec_text: str) -> list[Fraction]:
    """Slope for a negative pre-activation, per non-linear layer, read from the text itself."""
    slopes = []
    for part in spec_text.split(">"):
        if "leaky_relu(" in part:
            slopes.append(Fraction(part.split("(")[1].rstrip(") ")))
        elif "relu" in part:
            slopes.append(Fraction(0))
    return slopes


def _activation(name: str, alpha: Fraction | None, z: Fraction) -> Fraction:
    if name == "identity":
        return z
    if name == "relu":
        return max(Fraction(0), z)
    if name == "leaky_relu":
        return z if z >= 0 else alpha * z
    raise ValueError(f"the reference evaluates piecewise-linear activations only, not {name}")


def forward(
    spec: LayerSpec,
    v: dict[str, Fraction],
    x: list[Fraction],
    preactivations: list[list[Fraction]] | None = None,
) -> list[Fraction]:
    """``f(x)`` layer by layer; leaf layers are numbered 1, 2, ... as symcollapse names them.

    The arguments of every non-identity activation are appended to ``preactivations``.
    """
    counter = 0

    def run(layers: tuple, h: list[Fraction]) -> list[Fraction]:
        nonlocal counter
        for layer in layers:
            if isinstance(layer, Residual):
                h = [a + b for a, b in zip(h, run(layer.layers, h), strict=True)]
                continue
            counter += 1
            k = counter
            if isinstance(layer, Dense):
                act = layer.activation
                alpha = None if act.alpha is None else Fraction(str(act.alpha))
                z = [
                    sum(v[f"w_{k}_{i}_{j}"] * h[j - 1] for j in range(1, len(h) + 1))
                    + v[f"b_{k}_{i}"]
                    for i in range(1, layer.units + 1)
                ]
                if preactivations is not None and act.name != "identity":
                    preactivations.append(z)
                h = [_activation(act.name, alpha, value) for value in z]
            elif isinstance(layer, Conv1D):
                p, s, K = layer.padding, layer.stride, layer.kernel_size
                padded = [Fraction(0)] * p + h + [Fraction(0)] * p
                count = (len(padded) - K) // s + 1
                h = [
                    sum(v[f"kappa_{k}_{t + 1}"] * padded[i * s + t] for t in range(K))
                    + v[f"b_{k}_1"]
                    for i in range(count)
                ]
            elif isinstance(layer, AvgPool | MaxPool):
                step = layer.stride or layer.size
                count = (len(h) - layer.size) // step + 1
                windows = [h[i * step : i * step + layer.size] for i in range(count)]
                if isinstance(layer, AvgPool):
                    h = [sum(w) / layer.size for w in windows]
                else:
                    h = [max(w) for w in windows]
            elif isinstance(layer, BatchNorm):
                h = [
                    v[f"gamma_{k}_{i}"] * (h[i - 1] - v[f"mu_{k}_{i}"]) / v[f"s_{k}_{i}"]
                    + v[f"beta_{k}_{i}"]
                    for i in range(1, len(h) + 1)
                ]
            elif isinstance(layer, Dropout):
                pass
            else:
                raise TypeError(layer)
        return h

    return run(spec.layers, list(x))
