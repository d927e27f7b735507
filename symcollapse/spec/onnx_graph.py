"""ONNX graphs in: the chain of affine nodes from the one input to the one output.

Gemm (transA, transB, alpha, beta), MatMul and Add with a constant, BatchNormalization
(inference), Identity, Dropout, Flatten and Reshape are read; initializers and Constant nodes
are the constants. The activation is followed through the graph as a vector (``(d,)``), a row
(``(1, d)``), a column (``(d, 1)``) or, before a Flatten, a tensor ``(1, ...)``; the batch
dimension is 1. Any other node that touches it is refused, naming the node.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symcollapse.errors import SpecError
from symcollapse.spec.model import HINTS, AffineLayer, Model, batchnorm_layers, float_array
from symcollapse.spec.onnx_tensors import read_tensor

#: ONNX element types this reads: float16, float, double.
_FLOAT_TYPES = {10: "float16", 1: "float32", 11: "float64"}
#: Nodes that are the identity on the activation.
_PASS = {"Identity", "Dropout"}


@dataclass(frozen=True)
class _Activation:
    """The tensor carrying the network's value: its name, shape (batch 1) and layout."""

    name: str
    shape: tuple[int, ...]

    @property
    def width(self) -> int:
        return int(np.prod(self.shape))

    @property
    def layout(self) -> str:
        if len(self.shape) == 1:
            return "vector"
        if len(self.shape) == 2 and self.shape[0] == 1:
            return "row"
        if len(self.shape) == 2 and self.shape[1] == 1:
            return "column"
        return "tensor"


def _load(path: Path, source: str):  # -> onnx.ModelProto
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load(str(path), load_external_data=False)
    except (DecodeError, OSError, ValueError, RuntimeError) as error:
        raise SpecError(f"{source} is not a readable ONNX model: {error}") from None
    if not model.graph.node and not model.graph.input:
        raise SpecError(f"{source} is not an ONNX model (no graph)")
    return model


def _constants(graph, folder: Path, source: str) -> dict[str, np.ndarray]:
    return {
        tensor.name: read_tensor(tensor, folder, f"{source}: initializer")
        for tensor in graph.initializer
    }


def _input(graph, constants: dict[str, np.ndarray], source: str) -> tuple[_Activation, str]:
    inputs = [i for i in graph.input if i.name not in constants]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise SpecError(
            f"{source} has {len(inputs)} inputs and {len(graph.output)} outputs; "
            "folding needs one of each"
        )
    tensor = inputs[0].type.tensor_type
    if tensor.elem_type not in _FLOAT_TYPES:
        raise SpecError(f"{source}: input {inputs[0].name!r} is not a float tensor")
    dims = [d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim]
    if not dims or any(d is None or d < 1 for d in dims[1:]) or (len(dims) == 1 and not dims[0]):
        raise SpecError(f"{source}: input {inputs[0].name!r} has shape {dims}: need known widths")
    shape = tuple(dims) if len(dims) == 1 else (1, *dims[1:])
    return _Activation(inputs[0].name, shape), _FLOAT_TYPES[tensor.elem_type]


def _attributes(node) -> dict[str, object]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _node_name(node, index: int) -> str:
    return f"node {index} {node.op_type}" + (f" {node.name!r}" if node.name else "")


def read_onnx(path: Path, source: str) -> Model:
    """The affine chain of an ONNX file; refuse the first node that is not affine."""
    model = _load(path, source)
    graph = model.graph
    constants = _constants(graph, path.parent, source)
    activation, dtype = _input(graph, constants, source)
    input_shape, width = activation.shape, activation.width
    layers: list[AffineLayer] = []
    notes: list[str] = []
    for index, node in enumerate(graph.node):
        where = f"{source}: {_node_name(node, index)}"
        if node.op_type == "Constant":
            from onnx import TensorProto

            value = _attributes(node).get("value")
            if not isinstance(value, TensorProto) or len(node.output) != 1:
                raise SpecError(f"{where}: only Constant nodes with a tensor 'value' are read")
            constants[node.output[0]] = read_tensor(value, path.parent, where)
            continue
        inputs = [name for name in node.input if name]
        if activation.name not in inputs:
            if all(name in constants for name in inputs) and node.op_type in _PASS:
                constants[node.output[0]] = constants[inputs[0]]
                continue
            raise SpecError(f"{where} does not act on the network's activation; not read")
        others = [name for name in inputs if name != activation.name]
        if any(name not in constants for name in others) or inputs.count(activation.name) > 1:
            raise SpecError(f"{where} combines the activation with another computed tensor")
        if node.op_type not in _READERS:
            hint = HINTS.get(node.op_type.lower())
            raise SpecError(f"{where} is not affine" + (f"; {hint}" if hint else ""))
        low, high, places = _ARITY[node.op_type]
        position = list(node.input).index(activation.name)
        if not low <= len(node.input) <= high or position not in places or not node.output:
            raise SpecError(f"{where} has {len(node.input)} inputs, the activation at {position}")
        new_layers, shape = _READERS[node.op_type](node, activation, constants, where)
        if node.op_type == "BatchNormalization":
            notes.append(f"{_node_name(node, index)}: gamma/sqrt(var + eps) rounded to float64")
        layers = _merged(layers, new_layers) if node.op_type == "Add" else layers + new_layers
        activation = _Activation(node.output[0], shape)
    if activation.name != graph.output[0].name:
        raise SpecError(f"{source}: the output {graph.output[0].name!r} is not the chain's end")
    return Model(tuple(layers), width, np.dtype(dtype), source, "onnx", input_shape, tuple(notes))


def _merged(layers: list[AffineLayer], added: list[AffineLayer]) -> list[AffineLayer]:
    """MatMul then Add is one layer: the added constant becomes the bias of a bias-free layer."""
    if layers and not layers[-1].bias.any():
        last, add = layers[-1], added[0]
        merged = AffineLayer(
            f"{last.name} + {add.name}",
            last.weight,
            add.bias,
            last.weight_scale,
            add.bias_scale,
            f"{last.op} and {add.op}",
        )
        return [*layers[:-1], merged]
    return layers + added


def _constant(constants: dict[str, np.ndarray], name: str, where: str) -> np.ndarray:
    return float_array(constants[name], f"{where} input {name!r}")


def _bias(c: np.ndarray, shape: tuple[int, ...], where: str) -> np.ndarray:
    """A constant added to an activation of ``shape``, as a vector in its C order."""
    try:
        if np.broadcast_shapes(c.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise SpecError(f"{where}: a constant of shape {c.shape} does not add to {shape}") from None
    return np.broadcast_to(c, shape).reshape(-1).astype(np.float64)


def _gemm(node, act: _Activation, constants, where: str):
    """``Y = alpha A' B' + beta C``: the activation is A (as rows) or B (as columns)."""
    attrs = _attributes(node)
    alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
    trans_a, trans_b = int(attrs.get("transA", 0)), int(attrs.get("transB", 0))
    a, b = node.input[0], node.input[1]
    other = _constant(constants, b if a == act.name else a, where)
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
        bias = _bias(_constant(constants, node.input[2], where), out_shape, where)
    return [AffineLayer(where.split(": ", 1)[1], weight, bias, alpha, beta, "Gemm")], out_shape


def _matmul(node, act: _Activation, constants, where: str):
    left = node.input[0] == act.name
    other = _constant(constants, node.input[1 if left else 0], where)
    if other.ndim != 2 or act.layout not in (("vector", "row") if left else ("vector", "column")):
        raise SpecError(f"{where}: cannot multiply {act.shape} by a constant of {other.shape}")
    weight = other.T if left else other
    if weight.shape[1] != act.width:
        raise SpecError(f"{where}: a weight of shape {other.shape} does not fit {act.shape}")
    out = weight.shape[0]
    shape = (out,) if act.layout == "vector" else ((1, out) if left else (out, 1))
    return [AffineLayer(where.split(": ", 1)[1], weight, np.zeros(out), op="MatMul")], shape


def _add(node, act: _Activation, constants, where: str, sign: float = 1.0):
    other = node.input[1] if node.input[0] == act.name else node.input[0]
    if sign < 0 and node.input[0] != act.name:
        raise SpecError(f"{where}: a constant minus the activation is not read")
    bias = _bias(_constant(constants, other, where), act.shape, where)
    name = where.split(": ", 1)[1]
    return [AffineLayer(name, np.eye(act.width), bias, 1.0, sign, node.op_type)], act.shape


def _batchnorm(node, act: _Activation, constants, where: str):
    attrs = _attributes(node)
    if attrs.get("training_mode", 0) or len(node.output) > 1 or act.layout not in ("row", "tensor"):
        raise SpecError(f"{where}: only inference batch norm on (batch, channels, ...) is read")
    names = ("weight", "bias", "running_mean", "running_var")
    spread = act.shape[2:]
    arrays = {}
    for name, tensor in zip(names, node.input[1:5], strict=True):
        value = _constant(constants, tensor, where)
        if value.shape != (act.shape[1],):
            raise SpecError(f"{where}: {name} has shape {value.shape}, need ({act.shape[1]},)")
        arrays[name] = np.repeat(value, int(np.prod(spread)))
    epsilon = float(attrs.get("epsilon", 1e-5))
    return batchnorm_layers(where.split(": ", 1)[1], arrays, where, epsilon), act.shape


def _reshape(node, act: _Activation, constants, where: str):
    """Flatten and Reshape change the activation's shape, not its entries in C order."""
    if node.op_type == "Flatten":
        axis = int(_attributes(node).get("axis", 1)) % (len(act.shape) + 1)
        shape = (int(np.prod(act.shape[:axis])), int(np.prod(act.shape[axis:])))
    else:
        target = constants.get(node.input[1])
        if target is None or target.dtype.kind != "i" or target.ndim != 1:
            raise SpecError(f"{where}: the target shape is not a constant of integers")
        target = [act.shape[i] if t == 0 else int(t) for i, t in enumerate(target)]
        try:
            shape = np.empty(act.shape).reshape(target).shape
        except ValueError:
            raise SpecError(f"{where}: cannot reshape {act.shape} to {target}") from None
    if _Activation("", shape).layout == "tensor" and shape[0] != 1:
        raise SpecError(f"{where}: reshaping {act.shape} to {shape} mixes the batch dimension")
    return [], shape


def _identity(node, act: _Activation, constants, where: str):
    return [], act.shape


#: Op -> (fewest inputs, most inputs, positions the activation may take).
_ARITY = {
    "Gemm": (2, 3, (0, 1)),
    "MatMul": (2, 2, (0, 1)),
    "Add": (2, 2, (0, 1)),
    "Sub": (2, 2, (0, 1)),
    "BatchNormalization": (5, 5, (0,)),
    "Flatten": (1, 1, (0,)),
    "Reshape": (2, 2, (0,)),
    "Identity": (1, 1, (0,)),
    "Dropout": (1, 3, (0,)),
}

_READERS = {
    "Gemm": _gemm,
    "MatMul": _matmul,
    "Add": _add,
    "Sub": lambda node, act, constants, where: _add(node, act, constants, where, -1.0),
    "BatchNormalization": _batchnorm,
    "Flatten": _reshape,
    "Reshape": _reshape,
    "Identity": _identity,
    "Dropout": _identity,
}
