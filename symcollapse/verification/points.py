"""A random point of ``F_p`` for the random route: every entry drawn when needed, reproducibly.

Shared by the route (:mod:`symcollapse.verification.random`) and the evaluation of the emitted
path sums (:mod:`symcollapse.verification.emitted`), which read the same point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np


@dataclass(frozen=True)
class Point:
    """One random point of ``F_p``: the input ``x`` and every ``W_k``, ``b_k``.

    Each layer has its own seed (derived from ``seed`` and ``trial``), so a layer is drawn when it
    is needed, in any order, as often as needed, and the same values come out every time. With
    ``keep`` every drawn layer is also held, so the second pass of a check reads it instead of
    drawing it again (drawing is about a third of a check's time at widths of 512); without it
    only one layer is held at a time.
    """

    widths: tuple[int, ...]
    prime: int
    seed: np.random.SeedSequence
    trial: int = 0
    keep: bool = False
    _kept: dict[int, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def _draw(self, layer: int, *shape: int) -> np.ndarray:
        key = np.random.SeedSequence(self.seed.entropy, spawn_key=(self.trial, layer))
        p = self.prime
        low = -(p // 2)  # p consecutive integers: one centred representative of each residue
        # 32-bit draws (p < 2**28) take half the time of 64-bit ones, a sixth of a whole check
        draw = np.random.default_rng(key).integers(low, low + p, size=shape, dtype=np.int32)
        return draw.astype(np.float64)

    @property
    def x(self) -> np.ndarray:
        return self._draw(0, self.widths[0], 1)

    def layer(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(W_k, b_k)``, for ``k`` from 1 to the depth."""
        if k in self._kept:
            return self._kept[k]
        d = self.widths
        entries = self._draw(k, d[k] * (d[k - 1] + 1))
        drawn = entries[d[k] :].reshape(d[k], d[k - 1]), entries[: d[k]].reshape(d[k], 1)
        if self.keep:
            self._kept[k] = drawn
        return drawn


def kept_bytes(widths: tuple[int, ...]) -> int:
    """Bytes of every layer of a point held at once (float64 entries of each ``W_k``, ``b_k``)."""
    return 8 * sum(d * (d_in + 1) for d_in, d in pairwise(widths))


def residues(values: np.ndarray, p: int) -> list[int]:
    """Centred float residues as the integers ``0 <= r < p``."""
    return np.mod(values, p).astype(np.int64).ravel().tolist()
