"""ONNX graphs in: the chain of affine nodes from the one input to the one output.

Gemm (transA, transB, alpha, beta), MatMul and Add/Sub with a constant, BatchNormalization
(inference), Identity, Dropout, a Cast to the activation's own type, and Flatten, Reshape,
Squeeze, Unsqueeze and Transpose where they change only the shape are read
(:mod:`symcollapse.spec.onnx_ops`); initializers and Constant nodes are the constants, and a node
whose inputs are all constants and that only moves or retypes entries (Transpose, Reshape, Cast,
...: ``Linear(bias=False)`` exports ``MatMul(x, Transpose(W))``) is evaluated by onnx's reference
evaluator into a constant. The activation is followed through the graph as a vector (``(d,)``), a
row (``(1, d)``), a column (``(d, 1)``) or a tensor ``(1, ...)``; the batch dimension is 1. Any
other node that touches it is refused, naming the node; a square matrix of the activation's width
is estimated before it is built.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.model import HINTS, AffineLayer, Model
from symcollapse.spec.onnx_conv import CONV_ARITY, CONV_READERS
from symcollapse.spec.onnx_ops import ARITY, READERS, SQUARE, Activation
from symcollapse.spec.onnx_tensors import read_tensor

#: ONNX element types this reads: float16, float, double.
_FLOAT_TYPES = {10: "float16", 1: "float32", 11: "float64"}
#: Ops a constant goes through by onnx's reference evaluator: each keeps the number of entries.
_CONSTANT_OPS = ("Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten", "Identity", "Cast")
_CONSTANT_OPS += ("Dropout",)


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


def _input(graph, constants: dict[str, np.ndarray], source: str, max_bytes: int) -> Activation:
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
    batch = dims[0] if len(dims) > 1 and dims[0] else 1
    activation = Activation(inputs[0].name, shape, tensor.elem_type, batch, max_bytes)
    if activation.width * 8 > max_bytes:
        raise SizeLimitError(
            f"{source}: input {inputs[0].name!r} declares {activation.width:,} entries, above "
            f"the limit of {max_bytes:,} bytes as float64; raise max_bytes",
            parameter="max_bytes",
        )
    return activation


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


def _node_name(node, index: int) -> str:
    return f"node {index} {node.op_type}" + (f" {node.name!r}" if node.name else "")


def _opset(model) -> int:
    versions = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    return versions[0] if versions else 1


def _evaluated(node, constants: dict[str, np.ndarray], opset: int, where: str) -> np.ndarray:
    """A node of constants only, run by onnx's reference evaluator at the model's opset."""
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    names = [name for name in node.input if name]
    graph = helper.make_graph(
        [node],
        "constant",
        [helper.make_empty_tensor_value_info(name) for name in names],
        [helper.make_empty_tensor_value_info(node.output[0])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    try:
        feeds = {name: constants[name] for name in names}
        result = ReferenceEvaluator(model).run(None, feeds)[0]
    except Exception as error:  # the evaluator's own errors: a malformed node
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else "failed"
        raise SpecError(f"{where}: onnx's reference evaluator cannot run it: {reason}") from None
    return np.asarray(result)


def constant_node(node, constants: dict[str, np.ndarray], folder: Path, opset: int, where: str):
    """Record the output of a Constant node, or of a node of constants only that moves or
    retypes entries, in ``constants``; False (nothing recorded) for any other node."""
    if node.op_type == "Constant":
        from onnx import TensorProto

        values = [a for a in node.attribute if a.name == "value"]
        if len(node.attribute) != 1 or not values or len(node.output) != 1:
            raise SpecError(f"{where}: only Constant nodes with a tensor 'value' are read")
        if values[0].type != 4 or not isinstance(values[0].t, TensorProto):
            raise SpecError(f"{where}: only Constant nodes with a tensor 'value' are read")
        constants[node.output[0]] = read_tensor(values[0].t, folder, where)
        return True
    inputs = [name for name in node.input if name]
    known = inputs and all(name in constants for name in inputs)
    if known and node.output and node.op_type in _CONSTANT_OPS:
        constants[node.output[0]] = _evaluated(node, constants, opset, where)
        return True
    return False


def affine_node(node, activation: Activation, constants: dict[str, np.ndarray], where: str):
    """The layers an affine node adds to ``activation``, the shape it leaves and the notes of
    its roundings; SpecError for a node that is not read as affine."""
    inputs = [name for name in node.input if name]
    others = [name for name in inputs if name != activation.name]
    if any(name not in constants for name in others) or inputs.count(activation.name) > 1:
        raise SpecError(f"{where} combines the activation with another computed tensor")
    reader = READERS.get(node.op_type) or CONV_READERS.get(node.op_type)
    if reader is None:
        hint = HINTS.get(node.op_type.lower())
        raise SpecError(f"{where} is not affine" + (f"; {hint}" if hint else ""))
    low, high, places = {**ARITY, **CONV_ARITY}[node.op_type]
    position = list(node.input).index(activation.name)
    if not low <= len(node.input) <= high or position not in places or not node.output:
        raise SpecError(f"{where} has {len(node.input)} inputs, the activation at {position}")
    if node.op_type in SQUARE and activation.width**2 * 8 > activation.max_bytes:
        raise SizeLimitError(
            f"{where} acts on {activation.width:,} entries: its matrix would take "
            f"{activation.width**2 * 8:,} bytes, above the limit of {activation.max_bytes:,}",
            parameter="max_bytes",
        )
    new_layers, shape = reader(node, activation, constants, where)
    notes = []
    named = where.split(": ", 1)[-1]
    if node.op_type == "BatchNormalization":
        notes.append(f"{named}: gamma/sqrt(var + eps) rounded to float64")
    if any(layer.op == "AveragePool" and layer.weight_scale != 1 for layer in new_layers):
        notes.append(f"{named}: 1/kernel size rounded to float64")
    return new_layers, shape, notes


def read_onnx(path: Path, source: str, *, max_bytes: int = 2**30) -> Model:
    """The affine chain of an ONNX file; refuse the first node that is not affine."""
    model = _load(path, source)
    graph = model.graph
    constants = {
        tensor.name: read_tensor(tensor, path.parent, f"{source}: initializer")
        for tensor in graph.initializer
    }
    activation = _input(graph, constants, source, max_bytes)
    input_shape, width, dtype = activation.shape, activation.width, activation.element
    layers: list[AffineLayer] = []
    notes: list[str] = []
    for index, node in enumerate(graph.node):
        where = f"{source}: {_node_name(node, index)}"
        if constant_node(node, constants, path.parent, _opset(model), where):
            continue
        inputs = [name for name in node.input if name]
        if activation.name not in inputs:
            raise SpecError(f"{where} does not act on the network's activation; not read")
        new_layers, shape, said = affine_node(node, activation, constants, where)
        notes += said
        layers = _merged(layers, new_layers) if node.op_type == "Add" else layers + new_layers
        activation = replace(activation, name=node.output[0], shape=shape)
    if activation.name != graph.output[0].name:
        raise SpecError(f"{source}: the output {graph.output[0].name!r} is not the chain's end")
    dtype_name = _FLOAT_TYPES[dtype]
    return Model(
        tuple(layers), width, np.dtype(dtype_name), source, "onnx", input_shape, tuple(notes)
    )
