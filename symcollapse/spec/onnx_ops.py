"""What each affine ONNX op does to the activation: the layers it adds and the shape it leaves.

One reader per op (:data:`READERS`), each given the node, the activation (:class:`Activation`),
the constants read so far and where it is (for messages). Attributes are read by their declared
type and refused when they have another type or a value that is not a finite number
(:func:`attribute`), so a crafted file is one line, not a crash or a hang.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symcollapse.errors import SpecError
from symcollapse.spec.model import AffineLayer, batchnorm_layers, float_array


@dataclass(frozen=True)
class Activation:
    """The tensor carrying the network's value: its name, shape (batch 1), ONNX element type,
    and the batch size the graph declares (a Reshape's target may name it)."""

    name: str
    shape: tuple[int, ...]
    element: int
    batch: int = 1
    max_bytes: int = 2**30

    @property
    def width(self) -> int:
        return math.prod(self.shape)

    @property
    def layout(self) -> str:
        if len(self.shape) == 1:
            return "vector"
        if len(self.shape) == 2 and self.shape[0] == 1:
            return "row"
        if len(self.shape) == 2 and self.shape[1] == 1:
            return "column"
        return "tensor"


#: AttributeProto type -> (the kind of value, its field).
_KINDS = {1: ("float", "f"), 2: ("int", "i"), 3: ("string", "s"), 7: ("ints", "ints")}


def attribute(node, name: str, kind: str, default, where: str):
    """The attribute ``name`` of ``node`` if it has the type ``kind`` ("float", "int", "string",
    "ints");
    ``default`` when absent; a float must be finite."""
    for entry in node.attribute:
        if entry.name != name:
            continue
        declared = _KINDS.get(entry.type, ("another type",))[0]
        if declared != kind:
            raise SpecError(f"{where}: attribute {name!r} must be one {kind}, got {declared}")
        value = getattr(entry, _KINDS[entry.type][1])
        if kind == "float" and not math.isfinite(value):
            raise SpecError(f"{where}: attribute {name!r} is {value}, not a finite number")
        return list(value) if kind == "ints" else value
    return default


def constant(constants: dict[str, np.ndarray], name: str, where: str) -> np.ndarray:
    return float_array(constants[name], f"{where} input {name!r}")


def _bias(c: np.ndarray, shape: tuple[int, ...], where: str) -> np.ndarray:
    """A constant added to an activation of ``shape``, as a vector in its C order."""
    try:
        if np.broadcast_shapes(c.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise SpecError(f"{where}: a constant of shape {c.shape} does not add to {shape}") from None
    return np.broadcast_to(c, shape).reshape(-1).astype(np.float64)


def _flag(node, name: str, where: str) -> int:
    value = attribute(node, name, "int", 0, where)
    if value not in (0, 1):
        raise SpecError(f"{where}: attribute {name!r} must be 0 or 1, got {value}")
    return value


def _gemm(node, act: Activation, constants, where: str):
    """``Y = alpha A' B' + beta C``: the activation is A (as rows) or B (as columns)."""
    alpha = attribute(node, "alpha", "float", 1.0, where)
    beta = attribute(node, "beta", "float", 1.0, where)
    trans_a, trans_b = _flag(node, "transA", where), _flag(node, "transB", where)
    a, b = node.input[0], node.input[1]
    other = constant(constants, b if a == act.name else a, where)
    if other.ndim != 2:
        raise SpecError(f"{where}: a weight of shape {other.shape} is not a matrix")
    if a == act.name:
        expected = "column" if trans_a else "row"
        weight = (other.T if trans_b else other).T  # (N, K): y = W x
        out_shape = (1, weight.shape[0])
    else:
        expected = "row" if trans_b else "column"
        weight = other.T if trans_a else other  # (M, K)
        out_shape = (weight.shape[0], 1)
    if act.layout != expected and not (act.layout in ("row", "column") and act.width == 1):
        raise SpecError(f"{where}: the activation of shape {act.shape} is not a {expected}")
    if weight.ndim != 2 or weight.shape[1] != act.width:
        raise SpecError(f"{where}: a weight of shape {other.shape} does not fit {act.shape}")
    bias = np.zeros(weight.shape[0])
    if len(node.input) > 2 and node.input[2]:
        bias = _bias(constant(constants, node.input[2], where), out_shape, where)
    return [AffineLayer(where.split(": ", 1)[1], weight, bias, alpha, beta, "Gemm")], out_shape


def _matmul(node, act: Activation, constants, where: str):
    left = node.input[0] == act.name
    other = constant(constants, node.input[1 if left else 0], where)
    if other.ndim != 2 or act.layout not in (("vector", "row") if left else ("vector", "column")):
        raise SpecError(f"{where}: cannot multiply {act.shape} by a constant of {other.shape}")
    weight = other.T if left else other
    if weight.shape[1] != act.width:
        raise SpecError(f"{where}: a weight of shape {other.shape} does not fit {act.shape}")
    out = weight.shape[0]
    shape = (out,) if act.layout == "vector" else ((1, out) if left else (out, 1))
    return [AffineLayer(where.split(": ", 1)[1], weight, np.zeros(out), op="MatMul")], shape


def _add(node, act: Activation, constants, where: str, sign: float = 1.0):
    """``h + c``, ``h - c``, and ``c - h`` (the identity times -1, plus ``c``)."""
    first = node.input[0] == act.name
    other = node.input[1] if first else node.input[0]
    bias = _bias(constant(constants, other, where), act.shape, where)
    name = where.split(": ", 1)[1]
    scales = (1.0, sign) if first or sign > 0 else (-1.0, 1.0)
    return [AffineLayer(name, np.eye(act.width), bias, *scales, node.op_type)], act.shape


def _scale(node, act: Activation, constants, where: str):
    """``h * c``, ``c * h`` and ``h / c`` by a constant that broadcasts to the activation: a
    diagonal matrix (``1/c`` rounded to float64 unless it is a power of two)."""
    first = node.input[0] == act.name
    other = constant(constants, node.input[1] if first else node.input[0], where)
    factors = _bias(other, act.shape, where)
    if node.op_type == "Div":
        if not first:
            raise SpecError(f"{where} is not affine: a constant divided by the activation")
        if not factors.all():
            raise SpecError(f"{where}: divides by zero")
        factors = 1 / factors
    name = where.split(": ", 1)[1]
    return [AffineLayer(name, np.diag(factors), np.zeros(act.width), op=node.op_type)], act.shape


def _batchnorm(node, act: Activation, constants, where: str):
    training = attribute(node, "training_mode", "int", 0, where)
    training |= not attribute(node, "is_test", "int", 1, where)  # before opset 7
    if attribute(node, "spatial", "int", 1, where) != 1:
        raise SpecError(f"{where}: a batch norm with spatial=0 is not read")
    if training or len(node.output) > 1 or act.layout not in ("row", "tensor"):
        raise SpecError(f"{where}: only inference batch norm on (batch, channels, ...) is read")
    names = ("weight", "bias", "running_mean", "running_var")
    spread = math.prod(act.shape[2:])
    arrays = {}
    for name, tensor in zip(names, node.input[1:5], strict=True):
        value = constant(constants, tensor, where)
        if value.shape != (act.shape[1],):
            raise SpecError(f"{where}: {name} has shape {value.shape}, need ({act.shape[1]},)")
        arrays[name] = np.repeat(value, spread)
    epsilon = attribute(node, "epsilon", "float", 1e-5, where)
    if epsilon < 0:
        raise SpecError(f"{where}: attribute 'epsilon' is {epsilon}, below 0")
    return batchnorm_layers(where.split(": ", 1)[1], arrays, where, epsilon), act.shape


def reshaped(shape: tuple[int, ...], target: list[int], where: str) -> tuple[int, ...]:
    """``shape`` reshaped to ``target`` (with ONNX's 0 = keep and one -1 = the rest), by
    arithmetic: nothing of the activation's size is allocated."""
    if any(t == 0 and i >= len(shape) for i, t in enumerate(target)):
        raise SpecError(f"{where}: target {target} keeps a dimension {shape} does not have")
    sizes = [shape[i] if t == 0 else t for i, t in enumerate(target)]
    if sizes.count(-1) > 1 or any(t < -1 for t in sizes):
        raise SpecError(f"{where}: cannot reshape {shape} to {target}")
    known = math.prod(t for t in sizes if t != -1)
    total = math.prod(shape)
    if -1 in sizes:
        if known == 0 or total % known:
            raise SpecError(f"{where}: cannot reshape {shape} to {target}")
        sizes[sizes.index(-1)] = total // known
    if math.prod(sizes) != total:
        raise SpecError(f"{where}: cannot reshape {shape} to {target}")
    return tuple(sizes)


def integers(constants, name: str, where: str, what: str = "the target shape") -> list[int]:
    """The constant ``name`` as a list of integers (a shape, axes, pads)."""
    target = constants.get(name)
    if target is None or target.dtype.kind != "i" or target.ndim != 1:
        raise SpecError(f"{where}: {what} is not a constant of integers")
    return [int(t) for t in target]


def _axes(node, constants, where: str) -> list[int] | None:
    """Squeeze's and Unsqueeze's axes: an attribute before opset 13, an input since."""
    axes = attribute(node, "axes", "ints", None, where)
    if axes is None and len(node.input) > 1 and node.input[1]:
        axes = integers(constants, node.input[1], where)
    return axes


def _normalised(axes: list[int], rank: int, where: str) -> list[int]:
    if any(not -rank <= a < rank for a in axes) or len({a % rank for a in axes}) != len(axes):
        raise SpecError(f"{where}: axes {axes} do not fit a tensor of rank {rank}")
    return sorted(a % rank for a in axes)


def _shape_only(node, act: Activation, constants, where: str):
    """Flatten, Reshape, Squeeze, Unsqueeze and a Transpose that only moves dimensions of size
    1 change the activation's shape, not its entries in C order."""
    op, shape = node.op_type, act.shape
    if op == "Flatten":
        axis = attribute(node, "axis", "int", 1, where)
        if not -len(shape) <= axis <= len(shape):
            raise SpecError(f"{where}: axis {axis} does not fit the shape {shape}")
        axis %= len(shape) + 1
        new: tuple[int, ...] = (math.prod(shape[:axis]), math.prod(shape[axis:]))
    elif op == "Reshape":
        target = integers(constants, node.input[1], where)
        if attribute(node, "allowzero", "int", 0, where) and 0 in target:
            raise SpecError(f"{where}: a Reshape to a zero dimension (allowzero=1) is not read")
        if len(shape) > 1 and target and target[0] == act.batch:
            target = [1, *target[1:]]  # the declared batch stays the batch
        new = reshaped(shape, target, where)
    elif op == "Squeeze":
        axes = _axes(node, constants, where)
        if axes is None:
            axes = [i for i, d in enumerate(shape) if d == 1]
        axes = _normalised(axes, len(shape), where)
        if any(shape[a] != 1 for a in axes):
            raise SpecError(f"{where}: cannot squeeze axes {axes} of {shape}")
        new = tuple(d for i, d in enumerate(shape) if i not in axes)
    elif op == "Unsqueeze":
        axes = _axes(node, constants, where) or []
        axes = _normalised(axes, len(shape) + len(axes), where)
        rest = iter(shape)
        new = tuple(1 if i in axes else next(rest) for i in range(len(shape) + len(axes)))
    else:  # Transpose
        perm = attribute(node, "perm", "ints", list(range(len(shape)))[::-1], where)
        if sorted(perm) != list(range(len(shape))):
            raise SpecError(f"{where}: perm {perm} does not fit the shape {shape}")
        moved = [p for p in perm if shape[p] != 1]
        if moved != sorted(moved):
            raise SpecError(f"{where}: a Transpose {perm} of {shape} reorders the activation")
        new = tuple(shape[p] for p in perm)
    if not new:
        raise SpecError(f"{where}: the activation {shape} becomes a scalar, which is not read")
    if Activation("", new, 0).layout == "tensor" and new[0] != 1:
        raise SpecError(f"{where}: reshaping {shape} to {new} mixes the batch dimension")
    return [], new


def _identity(node, act: Activation, constants, where: str):
    """Identity, and Dropout at inference (its training_mode input, if any, a constant false)."""
    if node.op_type == "Dropout" and len(node.input) > 2 and node.input[2]:
        mode = constants.get(node.input[2])
        if mode is None or mode.size != 1 or bool(mode.reshape(-1)[0]):
            raise SpecError(f"{where}: a Dropout in training mode is random, not affine")
    return [], act.shape


def _cast(node, act: Activation, constants, where: str):
    """A Cast to the activation's own type does nothing; another changes the precision."""
    to = attribute(node, "to", "int", None, where)
    if to != act.element:
        raise SpecError(f"{where}: a Cast from type {act.element} to {to} changes the precision")
    return [], act.shape


#: Op -> (fewest inputs, most inputs, positions the activation may take).
ARITY = {
    "Gemm": (2, 3, (0, 1)),
    "MatMul": (2, 2, (0, 1)),
    "Add": (2, 2, (0, 1)),
    "Sub": (2, 2, (0, 1)),
    "Mul": (2, 2, (0, 1)),
    "Div": (2, 2, (0, 1)),
    "BatchNormalization": (5, 5, (0,)),
    "Flatten": (1, 1, (0,)),
    "Reshape": (2, 2, (0,)),
    "Squeeze": (1, 2, (0,)),
    "Unsqueeze": (1, 2, (0,)),
    "Transpose": (1, 1, (0,)),
    "Identity": (1, 1, (0,)),
    "Dropout": (1, 3, (0,)),
    "Cast": (1, 1, (0,)),
}

READERS = {
    "Gemm": _gemm,
    "MatMul": _matmul,
    "Add": _add,
    "Sub": lambda node, act, constants, where: _add(node, act, constants, where, -1.0),
    "Mul": _scale,
    "Div": _scale,
    "BatchNormalization": _batchnorm,
    "Flatten": _shape_only,
    "Reshape": _shape_only,
    "Squeeze": _shape_only,
    "Unsqueeze": _shape_only,
    "Transpose": _shape_only,
    "Identity": _identity,
    "Dropout": _identity,
    "Cast": _cast,
}

#: Ops whose reader builds a square matrix of the activation's width (estimated first).
SQUARE = ("Add", "Sub", "Mul", "Div", "BatchNormalization")
