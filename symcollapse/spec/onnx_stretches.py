"""The affine stretches of an ONNX graph that is not affine as a whole.

A stretch is a maximal run of nodes, each read as affine by the same code as ``fold``
(:func:`~symcollapse.spec.onnx_graph.affine_node`), each acting on the one computed tensor the
node before it produced, with no other consumer of that tensor and none of it a graph output:
``Gemm -> BatchNormalization -> Gemm`` between two ``Relu`` nodes is one. A node that is not
affine (Relu, Softmax, a MatMul of two computed tensors) ends the stretches at its inputs; a
tensor read by two nodes ends the stretch that produced it. Each stretch is a
:class:`~symcollapse.spec.model.Model` of its own, with the input shape onnx's shape inference
gives the tensor it starts from (the batch dimension taken as 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from symcollapse.errors import SpecError
from symcollapse.spec.model import AffineLayer, Model
from symcollapse.spec.onnx_graph import (  # the ops that only move entries compute nothing
    _CONSTANT_OPS,
    _FLOAT_TYPES,
    _input,
    _load,
    _node_name,
    _opset,
    affine_node,
    constant_node,
)
from symcollapse.spec.onnx_ops import Activation
from symcollapse.spec.onnx_tensors import read_tensor


@dataclass(frozen=True)
class Stretch:
    """Consecutive affine nodes (their indices in the graph) from tensor ``source`` to tensor
    ``target``: their layers as ``model``, the float entries of the constants they read as
    ``parameters``, and how many of them compute (shape-only nodes, Identity and Dropout do
    not)."""

    nodes: tuple[int, ...]
    names: tuple[str, ...]
    source: str
    target: str
    output_shape: tuple[int, ...]
    model: Model
    parameters: int
    computing: int

    @property
    def widths(self) -> tuple[int, int]:
        return self.model.input_width, self.model.widths[-1]

    @property
    def folded_parameters(self) -> int:
        """Entries of ``W_z`` and ``b_z``: what one Gemm in place of the stretch stores."""
        width_in, width_out = self.widths
        return width_out * (width_in + 1)


@dataclass(frozen=True)
class Boundary:
    """A node outside every stretch: its index, op, one computed input (or None) and why it is
    not affine."""

    node: int
    name: str
    op: str
    source: str | None
    target: str | None
    reason: str


@dataclass(frozen=True)
class Stretches:
    """An ONNX graph read into stretches and boundaries, with what the rewrite needs: the model
    (``proto``, read without its external data), its constants, the nodes that only compute
    constants, the graph's input activation and its opset."""

    proto: Any
    constants: dict[str, np.ndarray]
    constant_nodes: tuple[int, ...]
    stretches: tuple[Stretch, ...]
    boundaries: tuple[Boundary, ...]
    activation: Activation
    opset: int
    source: str


def _shapes(proto) -> dict[str, tuple[int, int, tuple[int | None, ...]]]:
    """Tensor name -> (element type, rank, dims with None where unknown), from onnx's shape
    inference."""
    from onnx import shape_inference
    from onnx.shape_inference import InferenceError

    try:
        inferred = shape_inference.infer_shapes(proto)
    except (InferenceError, ValueError, RuntimeError):
        inferred = proto  # what the file declares
    shapes = {}
    graph = inferred.graph
    for info in [*graph.input, *graph.value_info, *graph.output]:
        tensor = info.type.tensor_type
        if not tensor.HasField("shape"):
            continue
        dims = tuple(d.dim_value if d.HasField("dim_value") else None for d in tensor.shape.dim)
        shapes[info.name] = (tensor.elem_type, len(dims), dims)
    return shapes


def _start(name: str, shapes, first: Activation, batched: bool) -> Activation | str:
    """The activation a stretch starts from at tensor ``name``, or why there is none."""
    if name not in shapes:
        return f"the shape of {name!r} is not known"
    element, rank, dims = shapes[name]
    if element not in _FLOAT_TYPES:
        return f"{name!r} is not a float16/32/64 tensor"
    if batched:
        if rank < 2 or dims[0] not in (None, first.batch, 1) or None in dims[1:]:
            return f"{name!r} has shape {list(dims)}, not (batch, ...) with known widths"
        shape = (1, *dims[1:])
    else:
        if None in dims or not dims:
            return f"{name!r} has shape {list(dims)}: need known widths"
        shape = dims
    return Activation(name, shape, element, first.batch, first.max_bytes)


def _subgraphs(graph) -> bool:
    return any(a.type in (5, 10) for node in graph.node for a in node.attribute)


def read_stretches(path: Path, source: str, *, max_bytes: int = 2**30) -> Stretches:
    """Every maximal affine stretch of the ONNX model at ``path`` and every node outside them."""
    proto = _load(path, source)
    graph = proto.graph
    names = [n for node in graph.node for n in [*node.input, *node.output, node.name]]
    names += [v.name for v in [*graph.input, *graph.output, *graph.initializer]]
    if not all((isinstance(name, str) and name.isprintable()) or not name for name in names):
        # protobuf hands undecodable names on as bytes, which onnx cannot write back
        raise SpecError(f"{source} has a node or tensor name that is not printable UTF-8 text")
    if _subgraphs(graph):
        raise SpecError(
            f"{source} has nodes with subgraphs (If, Loop, Scan); partial folding reads none"
        )
    constants = {
        tensor.name: read_tensor(tensor, path.parent, f"{source}: initializer")
        for tensor in graph.initializer
    }
    first = _input(graph, constants, source, max_bytes)
    batched = len(first.shape) > 1
    shapes = _shapes(proto)
    opset = _opset(proto)
    consumers = Counter(name for node in graph.node for name in node.input if name)
    outputs = {output.name for output in graph.output}
    constant_nodes: list[int] = []
    boundaries: list[Boundary] = []
    done: list[dict] = []
    open_: dict[str, dict] = {}  # tensor -> the stretch in progress that ends at it
    for index, node in enumerate(graph.node):
        name = _node_name(node, index)
        where = f"{source}: {name}"
        if constant_node(node, constants, path.parent, opset, where):
            constant_nodes.append(index)
            continue
        computed = [n for n in node.input if n and n not in constants]
        results = [n for n in node.output if n]
        extra = [n for n in results[1:] if consumers[n] or n in outputs]
        if len(computed) != 1 or not results or extra:
            reason = "it combines several computed tensors" if len(computed) > 1 else "no input"
            reason = "it has more than one output in use" if extra else reason
            boundaries.append(Boundary(index, name, node.op_type, None, None, reason))
            continue
        tensor = computed[0]
        extend = consumers[tensor] == 1 and tensor not in outputs and tensor in open_
        current = open_.pop(tensor) if extend else None
        activation = current["activation"] if current else _start(tensor, shapes, first, batched)
        if isinstance(activation, str):
            reason = activation
        else:
            try:
                layers, shape, notes = affine_node(node, activation, constants, where)
            except SpecError as error:
                reason = str(error).removeprefix(f"{where}").lstrip(": ")
            else:
                if current is None:
                    current = {"nodes": [], "layers": [], "notes": [], "start": activation}
                    done.append(current)
                current["nodes"].append(index)
                current["layers"] += layers
                current["notes"] += notes
                current["activation"] = replace(activation, name=results[0], shape=shape)
                open_[results[0]] = current
                continue
        boundaries.append(Boundary(index, name, node.op_type, tensor, results[0], reason))
    stretches = tuple(_stretch(s, graph, constants, source) for s in done)
    return Stretches(
        proto, constants, tuple(constant_nodes), stretches, tuple(boundaries), first, opset, source
    )


def _stretch(built: dict, graph, constants: dict[str, np.ndarray], source: str) -> Stretch:
    nodes = tuple(built["nodes"])
    start: Activation = built["start"]
    layers: list[AffineLayer] = built["layers"]
    read = {
        name
        for index in nodes
        for name in graph.node[index].input
        if name in constants and constants[name].dtype.kind == "f"
    }
    names = tuple(_node_name(graph.node[index], index) for index in nodes)
    model = Model(
        tuple(layers),
        start.width,
        np.dtype(_FLOAT_TYPES[start.element]),
        f"{source} stretch {names[0]} to {names[-1]}",
        "onnx",
        start.shape,
        tuple(built["notes"]),
    )
    computing = sum(1 for index in nodes if graph.node[index].op_type not in _CONSTANT_OPS)
    return Stretch(
        nodes,
        names,
        start.name,
        built["activation"].name,
        built["activation"].shape,
        model,
        sum(constants[name].size for name in read),
        computing,
    )
