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

import itertools
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.kinds.registry import refusal
from symcollapse.spec.model import AffineLayer, Model, float_array
from symcollapse.spec.onnx_conv import CONV_ARITY, CONV_READERS
from symcollapse.spec.onnx_ops import ARITY, READERS, SQUARE, Activation, attribute
from symcollapse.spec.onnx_tensors import read_tensor

#: ONNX element types this reads: float16, float, double.
_FLOAT_TYPES = {10: "float16", 1: "float32", 11: "float64"}
#: Ops a constant goes through by onnx's reference evaluator: each keeps the number of entries
#: (Concat adds its inputs', Slice takes fewer), but ConstantOfShape, checked first (torch's
#: exporter writes a Pad's pads with it).
_CONSTANT_OPS: tuple[str, ...] = ("Transpose", "Reshape", "Squeeze", "Unsqueeze", "Flatten")
_CONSTANT_OPS += ("Identity", "Cast", "Dropout", "Concat", "Slice", "ConstantOfShape")

#: Most entries a ConstantOfShape may make.
_MAX_CONSTANT_ENTRIES = 2**16


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


def _declared_shape(dims: list[int | None]) -> tuple[int, ...] | None:
    """The input's shape, the first of several dimensions (the batch) taken as 1; None unless
    every width is known (``None`` is a dimension without a value)."""
    if len(dims) == 1:
        return (dims[0],) if dims[0] else None
    widths = tuple(d for d in dims[1:] if d is not None and d >= 1)
    return (1, *widths) if dims and len(widths) == len(dims) - 1 else None


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
    shape = _declared_shape(dims)
    if shape is None:
        raise SpecError(f"{source}: input {inputs[0].name!r} has shape {dims}: need known widths")
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
        # onnx types run() as dict | list: the dict is only for intermediate=True
        result = ReferenceEvaluator(model).run(None, feeds)[0]  # type: ignore[index]
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
        if node.op_type == "ConstantOfShape":
            _check_shape(constants[inputs[0]], where)
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
        hint = refusal(node.op_type)
        raise SpecError(f"{where}: {hint}" if hint else f"{where} is not affine")
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
    note = _ROUNDED.get(node.op_type)
    notes = []
    if note and (node.op_type not in _SCALED or any(not _power_of_two(x) for x in new_layers)):
        notes.append(f"{where.split(': ', 1)[-1]}: {note} rounded to float64")
    return new_layers, shape, notes


def _check_shape(shape: np.ndarray, where: str) -> None:
    """A ConstantOfShape's shape: non-negative integers, at most a few thousand entries."""
    entries = math.prod(int(d) for d in shape.reshape(-1)) if shape.dtype.kind == "i" else -1
    if shape.ndim != 1 or (shape < 0).any() or not 0 <= entries <= _MAX_CONSTANT_ENTRIES:
        raise SpecError(
            f"{where}: a shape {shape.tolist()!s:.60} is not integers for at most "
            f"{_MAX_CONSTANT_ENTRIES:,} entries"
        )


def _last_uses(graph) -> dict[str, int]:
    """Tensor -> the index of the last node that reads it (the graph's output: past the end)."""
    last = {name: index for index, node in enumerate(graph.node) for name in node.input if name}
    last[graph.output[0].name] = len(graph.node)
    return last


def _estimated(rows: int, cols: int, where: str, max_bytes: int) -> None:
    if rows * cols * 8 > max_bytes:
        raise SizeLimitError(
            f"{where}: with its branches, its matrix would take {rows * cols * 8:,} bytes, above "
            f"the limit of {max_bytes:,}",
            parameter="max_bytes",
        )


def _lifted(layer: AffineLayer, before: int, after: int) -> AffineLayer:
    """``layer`` on its block of the stacked vector, the identity on the rest."""
    rows, cols = layer.weight.shape
    weight = np.zeros((before + rows + after, before + cols + after))
    weight[:before, :before] = np.eye(before)
    weight[before : before + rows, before : before + cols] = layer.matrix()
    weight[before + rows :, before + cols :] = np.eye(after)
    bias = np.concatenate([np.zeros(before), layer.vector(), np.zeros(after)])
    return AffineLayer(layer.name, weight, bias, op=layer.op)


@dataclass
class _State:
    """The computed tensors still needed, stacked in one vector, and the layers so far.

    A chain has one block, replaced node by node: its layers are the nodes' own. Where a tensor
    feeds two nodes (a residual's skip), it stays in the vector beside what is computed from
    it; each node's layers act on its own block (the identity on the others); Add, Sub or
    Concat of computed tensors is one layer that combines their blocks. Every such matrix is
    estimated before it is built.
    """

    blocks: list[Activation]
    max_bytes: int
    layers: list[AffineLayer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [block.name for block in self.blocks]

    @property
    def width(self) -> int:
        return sum(block.width for block in self.blocks)

    def offset(self, name: str) -> int:
        return sum(block.width for block in self.blocks[: self.names.index(name)])

    def apply(
        self, node, block: Activation, new: list[AffineLayer], out: Activation, keep: bool, where
    ) -> None:
        """The node's ``new`` layers on its one computed input ``block``, giving ``out``."""
        if len(self.blocks) == 1 and not keep:
            self.layers = _merged(self.layers, new) if node.op_type == "Add" else self.layers + new
            self.blocks = [out]
            return
        position, before = self.names.index(block.name), self.offset(block.name)
        after = self.width - before - block.width
        if keep:  # the tensor is read again later: a copy of it goes on
            order = [*range(before + block.width), *range(before, self.width)]
            _estimated(len(order), self.width, where, self.max_bytes)
            copy = np.eye(self.width)[order]
            name = f"{where.split(': ', 1)[1]} (copy of its input)"
            self.layers.append(AffineLayer(name, copy, np.zeros(len(order)), op="copy"))
            before += block.width
        for layer in new:
            _estimated(before + len(layer.weight) + after, self.width, where, self.max_bytes)
            if layer.weight_scale != 1 or layer.bias_scale != 1:
                self.notes.append(f"{layer.name}: its scale times its weights rounded to float64")
            self.layers.append(_lifted(layer, before, after))
        self.blocks[position + keep : position + 1] = [out]

    def combine(self, node, constants, kept: set[str], where: str) -> None:
        """Add, Sub or Concat of computed tensors (and constants): one layer that keeps the
        blocks still needed and appends the result."""
        inputs = [name for name in node.input if name]
        computed = [self.blocks[self.names.index(n)] for n in inputs if n in self.names]
        if node.op_type == "Concat":
            shape, parts = _concatenated(node, inputs, computed, constants, where)
        else:
            shape = computed[0].shape
            if any(block.shape != shape for block in computed) or len(inputs) != 2:
                raise SpecError(
                    f"{where} adds computed tensors of shapes {[b.shape for b in computed]}"
                )
            parts = None
        out = replace(computed[0], name=node.output[0], shape=shape)
        survivors = [b for b in self.blocks if b.name not in inputs or b.name in kept]
        rows = sum(b.width for b in survivors) + out.width
        _estimated(rows, self.width, where, self.max_bytes)
        weight, bias = np.zeros((rows, self.width)), np.zeros(rows)
        row = 0
        for block in survivors:
            start = self.offset(block.name)
            weight[row : row + block.width, start : start + block.width] = np.eye(block.width)
            row += block.width
        for k, name in enumerate(inputs):
            if parts is None:  # Add, or Sub: the second input subtracted
                sign = -1.0 if (node.op_type == "Sub" and k == 1) else 1.0
                targets = row + np.arange(out.width)
            else:
                sign, targets = 1.0, row + parts[k]
            if name in self.names:
                start = self.offset(name)
                weight[targets, start + np.arange(len(targets))] += sign
            else:
                value = float_array(constants[name], f"{where} input {name!r}")
                if parts is None and np.broadcast_shapes(value.shape, shape) != shape:
                    raise SpecError(
                        f"{where}: a constant of shape {value.shape} does not add to {shape}"
                    )
                bias[targets] += sign * np.broadcast_to(
                    value, shape if parts is None else value.shape
                ).reshape(-1)
        name = where.split(": ", 1)[1]
        self.layers.append(AffineLayer(name, weight, bias, op=node.op_type))
        self.blocks = [*survivors, out]


def _concatenated(node, inputs, computed, constants, where: str):
    """Concat's shape, and for each input the positions its entries take (C order)."""
    axis = attribute(node, "axis", "int", None, where)
    shapes = [
        next(b.shape for b in computed if b.name == n) if n not in constants else constants[n].shape
        for n in inputs
    ]
    rank = len(shapes[0])
    if axis is None or not -rank <= axis < rank or any(len(s) != rank for s in shapes):
        raise SpecError(f"{where}: cannot concatenate {shapes} along axis {axis}")
    axis %= rank
    rest = [s[:axis] + s[axis + 1 :] for s in shapes]
    if any(r != rest[0] for r in rest) or (
        axis == 0 and rank > 1 and computed[0].layout != "column"
    ):
        raise SpecError(f"{where}: cannot concatenate {shapes} along axis {axis}")
    shape = (*shapes[0][:axis], sum(s[axis] for s in shapes), *shapes[0][axis + 1 :])
    positions = np.arange(math.prod(shape)).reshape(shape)
    bounds = np.cumsum([0, *(s[axis] for s in shapes)])
    parts = [
        np.take(positions, range(low, high), axis=axis).reshape(-1)
        for low, high in itertools.pairwise(bounds)
    ]
    return shape, parts


def read_onnx(path: Path, source: str, *, max_bytes: int = 2**30) -> Model:
    """The affine map of an ONNX file (a chain, or branches joined by Add, Sub or Concat);
    refuse the first node that is not affine."""
    model = _load(path, source)
    graph = model.graph
    constants = {
        tensor.name: read_tensor(tensor, path.parent, f"{source}: initializer")
        for tensor in graph.initializer
    }
    activation = _input(graph, constants, source, max_bytes)
    input_shape, width, dtype = activation.shape, activation.width, activation.element
    state = _State([activation], max_bytes)
    last = _last_uses(graph)
    for index, node in enumerate(graph.node):
        where = f"{source}: {_node_name(node, index)}"
        if constant_node(node, constants, path.parent, _opset(model), where):
            continue
        inputs = [name for name in node.input if name]
        computed = [name for name in inputs if name in state.names]
        if not computed:
            raise SpecError(f"{where} does not act on the network's activation; not read")
        if any(name not in constants for name in inputs if name not in computed):
            raise SpecError(f"{where} combines the activation with another computed tensor")
        if not node.output or not node.output[0] or last.get(node.output[0], -1) <= index:
            raise SpecError(f"{where}: its output is not used; not read")
        kept = {name for name in computed if last[name] > index}
        if node.op_type == "Concat" or len(computed) > 1:
            if node.op_type not in _BRANCH_OPS:
                raise SpecError(f"{where} combines the activation with another computed tensor")
            state.combine(node, constants, kept, where)
            continue
        activation = state.blocks[state.names.index(computed[0])]
        new_layers, shape, notes = affine_node(node, activation, constants, where)
        state.notes += notes
        out = replace(activation, name=node.output[0], shape=shape)
        state.apply(node, activation, new_layers, out, activation.name in kept, where)
    if state.names != [graph.output[0].name]:
        raise SpecError(f"{source}: the output {graph.output[0].name!r} is not the chain's end")
    dtype_name = _FLOAT_TYPES[dtype]
    return Model(
        tuple(state.layers),
        width,
        np.dtype(dtype_name),
        source,
        "onnx",
        input_shape,
        tuple(state.notes),
    )


#: Ops that combine computed tensors (branches) into one.
_BRANCH_OPS = ("Add", "Sub", "Concat")

#: Op -> what its reading rounds to float64 (a square root, a reciprocal).
_ROUNDED = {
    "BatchNormalization": "gamma/sqrt(var + eps)",
    "AveragePool": "1/kernel size",
    "Div": "1/divisor",
}

#: Ops of :data:`_ROUNDED` whose rounding happens only when a value is not a power of two.
_SCALED = ("AveragePool", "Div")


def _power_of_two(layer: AffineLayer) -> bool:
    """The layer's weights and scale are exactly what the file says (0 and powers of two)."""
    values = np.abs(np.append(layer.weight[layer.weight != 0], layer.weight_scale))
    return bool((np.frexp(values)[0] == 0.5).all())
