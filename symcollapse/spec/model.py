"""A trained model read from a file: its affine layers as exact-valued float arrays, in order.

Shared by every reader (:mod:`symcollapse.spec.model_readers`, :mod:`symcollapse.spec.onnx_graph`,
:mod:`symcollapse.spec.torch_module`), so that the readers depend on it and not on each other.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError, ToolError

#: Largest model file read by default; a bigger one is refused before a byte is read.
DEFAULT_MAX_FILE_BYTES = 2**30

#: File suffix -> the kind of model file.
SUFFIXES = {
    ".onnx": "onnx",
    ".safetensors": "safetensors",
    ".npz": "npz",
    ".pt": "torch",
    ".pth": "torch",
}


@dataclass(frozen=True)
class AffineLayer:
    """``h -> weight_scale * weight @ h + bias_scale * bias``; ``weight`` is (out, in) float64.

    ``name`` says where it came from (for messages), ``op`` what it is (in words).
    """

    name: str
    weight: np.ndarray
    bias: np.ndarray
    weight_scale: float = 1.0
    bias_scale: float = 1.0
    op: str = "Linear"

    @property
    def widths(self) -> tuple[int, int]:
        return self.weight.shape[1], self.weight.shape[0]

    def matrix(self) -> np.ndarray:
        """The weight as one float64 matrix (rounded when ``weight_scale`` is not 1)."""
        return self.weight_scale * self.weight

    def vector(self) -> np.ndarray:
        return self.bias_scale * self.bias


@dataclass(frozen=True)
class ModuleRecord:
    """One module of a state_dict as read: its key prefix and its torch class."""

    path: str
    kind: str


@dataclass(frozen=True)
class Model:
    """A chain of affine layers read from ``source``, with the float type it computes in.

    ``input_shape`` is the shape one input has in the model's runtime (batch dimension 1);
    ``notes`` say what the reading was told or rounded. A state_dict's model also keeps its
    ``modules`` in order, the ``weight_layout`` and ``bn_eps`` it was read with, so that torch
    can rebuild it from the file without this reader.
    """

    layers: tuple[AffineLayer, ...]
    input_width: int
    dtype: np.dtype
    source: str
    kind: str
    input_shape: tuple[int, ...]
    notes: tuple[str, ...] = field(default=())
    modules: tuple[ModuleRecord, ...] = field(default=())
    weight_layout: str = "out-in"
    bn_eps: float | None = None

    @property
    def widths(self) -> tuple[int, ...]:
        return (self.input_width, *(layer.widths[1] for layer in self.layers))


#: Said of a model whose weights are bfloat16: numpy has no bfloat16 to bound its rounding in.
BFLOAT16_NOTE = (
    "bfloat16 weights widened exactly to float32: the fold is of the stored weights, and the "
    "runtime's check runs in float32 (no rounding bound for bfloat16 arithmetic here)"
)


def need(module: str, purpose: str) -> None:
    """Import ``module`` or refuse with the install command; the model extras are optional."""
    try:
        __import__(module)
    except ImportError:
        raise ToolError(
            f"{purpose} needs the Python package {module}: pip install 'symcollapse[models]'"
        ) from None


def check_size(path: Path, max_bytes: int) -> None:
    """Refuse a missing file or one above ``max_bytes`` before reading it."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise SpecError(f"cannot read model file {str(path)!r}: {error.strerror}") from None
    if not path.is_file():
        raise SpecError(f"model file {str(path)!r} is not a file")
    if size > max_bytes:
        raise SizeLimitError(
            f"model file {str(path)!r} has {size:,} bytes, above the limit of {max_bytes:,}; "
            "raise max_bytes",
            parameter="max_bytes",
        )


def float_array(value: object, where: str) -> np.ndarray:
    """``value`` (numpy array or torch tensor) as a finite float64 array, exactly."""
    if hasattr(value, "detach"):  # a torch tensor: bfloat16 has no numpy type, float32 holds it
        tensor = value.detach().cpu()
        value = (tensor.float() if str(tensor.dtype) == "torch.bfloat16" else tensor).numpy()
    array = np.asarray(value)
    if array.dtype.kind != "f" or array.dtype.itemsize > 8:
        raise SpecError(f"{where} must hold float16/32/64 numbers, got {array.dtype}")
    if not np.isfinite(array).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise SpecError(f"{where} holds {array[bad]} at index {bad}: weights must be finite")
    return array.astype(np.float64)


def linear_layer(index: int | str, arrays: dict[str, np.ndarray], source: str) -> AffineLayer:
    weight = arrays.get("weight")
    if weight is None or weight.ndim != 2 or set(arrays) - {"weight", "bias"}:
        got = {name: a.shape for name, a in arrays.items()}
        raise SpecError(f"{source}: layer {index} is not a Linear layer, got {got}")
    bias = arrays.get("bias", np.zeros(weight.shape[0]))
    if bias.shape != (weight.shape[0],):
        raise SpecError(
            f"{source}: '{index}.bias' has shape {bias.shape}, expected ({weight.shape[0]},) "
            f"for a weight of shape {weight.shape}"
        )
    return AffineLayer(f"Linear {index}", weight, bias)


def batchnorm_layers(
    name: str, arrays: dict[str, np.ndarray], source: str, epsilon: float
) -> list[AffineLayer]:
    """Inference batch norm as two layers: ``h - mean``, then ``diag(s) h + beta`` with
    ``s = gamma / sqrt(var + eps)`` rounded to float64 (a square root is not rational)."""
    mean, var = arrays.get("running_mean"), arrays.get("running_var")
    if mean is None or var is None or mean.ndim != 1 or var.shape != mean.shape:
        raise SpecError(f"{source}: batch norm {name} needs running_mean and running_var vectors")
    width = mean.shape[0]
    gamma, beta = arrays.get("weight", np.ones(width)), arrays.get("bias", np.zeros(width))
    if gamma.shape != (width,) or beta.shape != (width,):
        raise SpecError(f"{source}: batch norm {name} has parameters of different lengths")
    if (var + epsilon <= 0).any():
        raise SpecError(f"{source}: batch norm {name} has a variance plus epsilon <= 0")
    scale = gamma / np.sqrt(var + epsilon)
    identity = np.eye(width)
    return [
        AffineLayer(f"BatchNorm {name} (centre)", identity, -mean, op="batch norm, centring"),
        AffineLayer(f"BatchNorm {name} (scale)", np.diag(scale), beta, op="batch norm, scaling"),
    ]


def check_chain(layers: list[AffineLayer], source: str) -> None:
    for before, after in itertools.pairwise(layers):
        if after.widths[0] != before.widths[1]:
            raise SpecError(
                f"{source}: {after.name} takes {after.widths[0]} inputs but {before.name} "
                f"gives {before.widths[1]} outputs"
            )
