"""Exact folding of a chain of affine layers: ``W_z`` and ``b_z`` as binary rationals.

A float is ``m * 2**e`` with an integer ``m``, so a float matrix is an integer matrix times one
power of two (:class:`Dyadic`). Products and sums of such matrices stay integer matrices with a
power-of-two scale. Integer matrix products are split into limbs small enough that float64 BLAS
multiplies them exactly, then recombined as Python integers. On the 784-1024-1024-1024-10 MLP
of ``benchmarks/bench.py`` this took 1.8 s in all, where numpy's object-array ``dot`` of Python
integers took 4 to 10 s and python-flint's ``fmpz_mat`` 1.6 s plus 1.5 s to convert to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from symcollapse.algebra.affine import collapse_chain
from symcollapse.display import Displayable
from symcollapse.errors import SizeLimitError
from symcollapse.spec.model import AffineLayer, Model

#: Default ceiling of the memory estimate; above it :func:`fold` refuses before working.
DEFAULT_MAX_BYTES = 2**30


@dataclass(frozen=True)
class Dyadic:
    """The exact matrix (or vector) ``integers * 2**exponent``; ``integers`` is an object array."""

    integers: np.ndarray
    exponent: int

    @classmethod
    def of(cls, floats: np.ndarray) -> Dyadic:
        """The exact value of a float64 array (finite), with the largest common power of two."""
        mantissa, exponent = np.frexp(np.asarray(floats, dtype=np.float64))
        integers = (mantissa * 2.0**53).astype(np.int64)  # exact: 53-bit significands
        exponents = exponent.astype(np.int64) - 53
        nonzero = integers != 0
        if not nonzero.any():
            return cls(np.zeros(integers.shape, dtype=object), 0)
        low = integers & -integers  # lowest set bit of each significand
        trailing = np.where(nonzero, np.log2(np.where(nonzero, low, 1)).astype(np.int64), 0)
        odd, exponents = integers >> trailing, exponents + trailing  # odd significands
        base = int(exponents[nonzero].min())
        shifts = np.where(nonzero, exponents - base, 0).astype(object)
        return cls(odd.astype(object) << shifts, base)

    @classmethod
    def scalar(cls, value: float) -> Dyadic:
        return cls.of(np.array(value))

    def __matmul__(self, other: Dyadic) -> Dyadic:
        return Dyadic(
            _integer_product(self.integers, other.integers), self.exponent + other.exponent
        )

    def __mul__(self, other: Dyadic) -> Dyadic:
        """Entrywise (or by a scalar) product."""
        return Dyadic(self.integers * other.integers, self.exponent + other.exponent)

    def __add__(self, other: Dyadic) -> Dyadic:
        low = min(self.exponent, other.exponent)
        left = self.integers * (1 << (self.exponent - low))
        right = other.integers * (1 << (other.exponent - low))
        return Dyadic(left + right, low)

    def fractions(self) -> np.ndarray:
        """Every entry as a :class:`~fractions.Fraction` (an object array of the same shape)."""
        scale = Fraction(2) ** self.exponent
        return np.frompyfunc(lambda m: m * scale, 1, 1)(self.integers)

    def floats(self) -> np.ndarray:
        """Every entry rounded once to the nearest float64."""
        return np.frompyfunc(float, 1, 1)(self.fractions()).astype(np.float64)

    def max_bits(self) -> int:
        return _max_bits(self.integers)


@dataclass(frozen=True)
class Fold(Displayable):
    """``f(x) = W_z x + b_z`` for a model, with ``W_z`` and ``b_z`` exact."""

    model: Model
    W_z: Dyadic
    b_z: Dyadic

    def W_z_fractions(self) -> list[list[Fraction]]:
        return self.W_z.fractions().tolist()

    def b_z_fractions(self) -> list[Fraction]:
        return self.b_z.fractions().tolist()

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """``W_z x + b_z`` for a batch of inputs (rows of ``x``), in float64."""
        return x @ self.W_z.floats().T + self.b_z.floats()


def _limbs(integers: np.ndarray, bits: int) -> list[np.ndarray]:
    """``integers`` as float64 arrays of signed ``bits``-bit limbs: the sum of ``limb_i * 2**(bits
    i)`` (every limb carries the entry's sign, so each is exact in a float64)."""
    negative = integers < 0
    magnitude = np.where(negative, -integers, integers)
    sign = np.where(negative, -1.0, 1.0)
    mask, count = (1 << bits) - 1, -(-_max_bits(integers) // bits)
    return [
        ((magnitude >> (bits * i)) & mask).astype(np.float64) * sign for i in range(max(count, 1))
    ]


def _max_bits(integers: np.ndarray) -> int:
    return max((abs(int(m)).bit_length() for m in integers.flat), default=0)


def _integer_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The exact product of two integer (object) matrices, by float64 BLAS on limbs.

    With limbs of ``b`` bits and an inner dimension ``K``, every partial sum of a limb product
    is an integer below ``K * 2**(2b) <= 2**53``, so float64 computes it exactly in any order.
    """
    inner = left.shape[-1]
    bits = (53 - max(inner, 1).bit_length()) // 2
    if bits < 4:  # inner dimensions above 2**44 are never reached; stay exact regardless
        return left.dot(right)
    product = np.zeros((left.shape[0], *right.shape[1:]), dtype=object)
    right_limbs = _limbs(right, bits)
    for i, a in enumerate(_limbs(left, bits)):
        for j, c in enumerate(right_limbs):
            part = (a @ c).astype(np.int64).astype(object)
            product = product + (part << (bits * (i + j)))
    return product


def _layer_bits(layer: AffineLayer) -> int:
    """Bits of the largest integer of the layer's weight as a :class:`Dyadic` (an upper bound)."""
    nonzero = layer.weight[layer.weight != 0]
    if nonzero.size == 0:
        return 1
    _, exponents = np.frexp(nonzero)
    return 53 + int(exponents.max() - exponents.min()) + 54  # significand, spread, scale


def _entry_bytes(bits: int) -> int:
    """Memory of one Python int of ``bits`` bits in an object array (pointer included)."""
    return 8 + 28 + 4 * math.ceil(bits / 30)


def estimate_bytes(model: Model) -> int:
    """Peak memory of :func:`fold`, estimated from the shapes and exponents before any work."""
    widths, total_bits, peak = model.widths, 0, 0
    for k, layer in enumerate(model.layers):
        bits = _layer_bits(layer)
        total_bits += bits + max(1, widths[k]).bit_length()
        held = layer.weight.size * (_entry_bytes(bits) + 8 * -(-bits // 20))  # ints, limbs
        accumulated = widths[-1] * widths[k] + widths[0] * widths[k + 1]
        peak = max(peak, held + 2 * accumulated * _entry_bytes(total_bits))
    return peak


def _exact(layer: AffineLayer) -> tuple[Dyadic, Dyadic]:
    """The layer's weight and bias exactly, scales included."""
    weight = Dyadic.of(layer.weight) * Dyadic.scalar(layer.weight_scale)
    bias = Dyadic.of(layer.bias) * Dyadic.scalar(layer.bias_scale)
    return weight, bias


def fold(model: Model, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Fold:
    """Collapse ``model`` exactly: ``W_z = W_n ... W_1``, ``b_z = sum_k W_n ... W_{k+1} b_k``.

    The products are :func:`~symcollapse.algebra.affine.collapse_chain`'s in :class:`Dyadic`
    arithmetic, from the output side when the output is narrower than the input (the suffix
    products ``W_n ... W_{k+1}`` then have few rows), else from the input side. Refuses above
    ``max_bytes`` estimated.
    """
    estimate = estimate_bytes(model)
    if estimate > max_bytes:
        raise SizeLimitError(
            f"folding {model.source} exactly needs about {estimate / 2**20:,.0f} MB, above the "
            f"limit of {max_bytes / 2**20:,.0f} MB; raise max_bytes",
            parameter="max_bytes",
        )
    width = model.input_width
    if not model.layers:
        return Fold(model, Dyadic.of(np.eye(width)), Dyadic.of(np.zeros(width)))
    weights, biases = zip(*map(_exact, model.layers), strict=True)
    W_z, b_z = collapse_chain(weights, biases, from_output=model.widths[-1] < width)
    return Fold(model, W_z, b_z)
