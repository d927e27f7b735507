"""The value and output projections of attention heads in an ONNX graph, and what folding them
would store.

Per head ``h`` an attention block computes ``A_h (X W_V,h + 1 b_V,h^T)`` with ``A_h`` a softmax
(rows summing to 1) and then ``concat_h(...) W_O + 1 b_O^T``. ``A_h`` multiplies from the left and
the projections from the right, so the output is ``sum_h A_h X (W_V,h W_O,h) + 1 c^T`` with
``c = b_O + sum_h W_O,h^T b_V,h``: one ``d x d_out`` matrix per head, of rank at most the head's
width ``d_h``. It stores ``H d d_out`` numbers where the pair stores ``H d_h (d + d_out)``: fewer
only when ``d d_out < d_h (d + d_out)``, which for ``d = d_out = H d_h`` is one head (two heads
store as many, more heads more). With one head whose width is ``d_out`` the fold is written in
place (the value projection's MatMul gets ``W_V W_O``, the output projection goes); more heads
would need a value of width ``d_out`` per head and a sum over heads, which is not written.

Read: ``MatMul(X, W_V) [+ b_V] -> Reshape (..., H, d_h) -> Transpose [0, 2, 1, 3]`` into
``MatMul(A, V)`` with ``A`` from ``Softmax`` over the last axis (through Dropout or Identity),
then ``Transpose [0, 2, 1, 3] -> Reshape (..., H d_h) -> MatMul(., W_O) [+ b_O]``, every tensor
between them read by one node only: what torch exports for a hand-written attention with both
exporters. ``nn.MultiheadAttention`` exports its three projections as one packed MatMul split
by Gather, which this does not read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from symcollapse.spec.onnx_ops import attribute
from symcollapse.spec.onnx_stretches import Stretches

#: Ops between the softmax and the MatMul that applies it that leave it as it is.
_PASSING = ("Dropout", "Identity")
#: The transpose that splits heads out of (or back into) a sequence.
_HEADS = [0, 2, 1, 3]


@dataclass(frozen=True)
class AttentionPair:
    """A value projection ``W_V`` (in, H d_h) with bias ``b_V`` and an output projection
    ``W_O`` (H d_h, out) with ``b_O`` around the MatMul of node ``apply``, which multiplies
    the softmax's tensor ``weights`` from the left; ``nodes`` are the value MatMul (reading
    ``source``), its Add (or None), the output MatMul and its Add (or None); ``target`` is
    the pair's output tensor."""

    nodes: tuple[int, int | None, int, int | None]
    apply: int
    names: tuple[str, str]
    source: str
    weights: str
    heads: int
    W_V: np.ndarray
    b_V: np.ndarray | None
    W_O: np.ndarray
    b_O: np.ndarray | None
    target: str

    @property
    def widths(self) -> tuple[int, int, int]:
        """``d`` (in), ``d_h`` (one head's value), ``d_out``."""
        return self.W_V.shape[0], self.W_V.shape[1] // self.heads, self.W_O.shape[1]

    @property
    def described(self) -> str:
        """``2 heads of width 4``."""
        return f"{self.heads} head{'s' * (self.heads != 1)} of width {self.widths[1]}"

    @property
    def parameters(self) -> int:
        biases = [b.size for b in (self.b_V, self.b_O) if b is not None]
        return self.W_V.size + self.W_O.size + sum(biases)

    @property
    def folded_parameters(self) -> int:
        """``H`` matrices ``W_V,h W_O,h`` of ``d x d_out`` and one bias of ``d_out``."""
        d, _, d_out = self.widths
        return self.heads * d * d_out + d_out

    def left(self) -> str | None:
        """Why the pair is not folded, or None: its matrices must shrink (folding only ``b_V``
        into ``b_O`` saves ``H d_h`` numbers but not a matrix multiplication)."""
        d, d_h, d_out = self.widths
        entries, pair = self.heads * d * d_out, self.W_V.size + self.W_O.size
        if entries >= pair:
            return (
                f"{self.described}: W_V,h W_O,h per head would hold "
                f"{self.heads} x {d} x {d_out} = {entries:,} matrix entries, not fewer than "
                f"the pair's {pair:,}"
            )
        if self.heads != 1 or d_h != d_out:
            return (
                f"{self.described}: folded it would store "
                f"{self.folded_parameters:,} numbers, fewer than {self.parameters:,}, but it "
                f"needs a value of width {d_out} per head and a sum over heads, not written"
            )
        return None


def _single(graph, consumers: Counter, tensor: str, op: str):
    """The one node that reads ``tensor``, if it is an ``op``."""
    readers = [node for node in graph.node if tensor in node.input]
    if consumers[tensor] != 1 or len(readers) != 1 or readers[0].op_type != op:
        return None
    return readers[0]


def _weight(reading: Stretches, node) -> np.ndarray | None:
    """The constant 2-D right factor of ``MatMul(computed, constant)``."""
    if node is None or node.op_type != "MatMul" or len(node.input) != 2:
        return None
    value = reading.constants.get(node.input[1])
    if node.input[0] in reading.constants or value is None or value.ndim != 2:
        return None
    return value if value.dtype.kind == "f" else None


def _bias(reading: Stretches, node, width: int) -> np.ndarray | None:
    """The constant vector an ``Add`` adds, of ``width`` entries."""
    constant = [reading.constants.get(name) for name in node.input if name in reading.constants]
    if len(node.input) != 2 or len(constant) != 1 or constant[0] is None:
        return None
    value = constant[0]
    return value if value.shape == (width,) and value.dtype.kind == "f" else None


def _one(names) -> str:
    """The first of a node's inputs or outputs ("" where it has none: malformed nodes match
    nothing)."""
    return names[0] if len(names) else ""


def _is_heads(node, where: str) -> bool:
    return node is not None and attribute(node, "perm", "ints", None, where) == _HEADS


def attention_pairs(reading: Stretches) -> tuple[AttentionPair, ...]:
    """Every value/output projection pair of the pattern above in the graph read."""
    graph = reading.proto.graph
    producer = {name: node for node in graph.node for name in node.output}
    index = {id(node): k for k, node in enumerate(graph.node)}
    consumers = Counter(name for node in graph.node for name in node.input if name)
    outputs = {o.name for o in graph.output}
    consumers.update(outputs)
    found = []
    for apply in graph.node:
        if apply.op_type != "MatMul" or len(apply.input) != 2:
            continue
        where = f"{reading.source}: node {index[id(apply)]}"
        weights, values = apply.input
        source = producer.get(weights)
        while source is not None and source.op_type in _PASSING and len(source.input) < 3:
            source = producer.get(_one(source.input))  # a Dropout without a training_mode input
        if source is None or source.op_type != "Softmax":
            continue
        # before opset 13 a Softmax's axis defaults to 1 and flattens the axes after it
        if attribute(source, "axis", "int", -1 if reading.opset >= 13 else 1, where) not in (-1, 3):
            continue
        pair = _pair(reading, producer, consumers, apply, values, where)
        if pair is not None:
            found.append(pair)
    return tuple(found)


def _pair(reading: Stretches, producer, consumers, apply, values: str, where: str):
    graph = reading.proto.graph
    index = {id(node): k for k, node in enumerate(graph.node)}
    split = producer.get(values)
    reshape = producer.get(_one(split.input)) if _is_heads(split, where) else None
    if reshape is None or reshape.op_type != "Reshape" or consumers[values] != 1:
        return None
    shape = reading.constants.get(reshape.input[1]) if len(reshape.input) > 1 else None
    if shape is None or shape.ndim != 1 or len(shape) != 4 or shape[-2] < 1:
        return None
    heads = int(shape[-2])
    if consumers[_one(reshape.output)] != 1:
        return None
    value_bias = producer.get(_one(reshape.input))
    value = value_bias
    b_V = None
    if value_bias is not None and value_bias.op_type == "Add":
        value = producer.get(next((n for n in value_bias.input if n in producer), ""))
    else:
        value_bias = None
    W_V = _weight(reading, value)
    if W_V is None or W_V.shape[1] % heads or consumers[_one(value.output)] != 1:
        return None
    if shape[-1] not in (-1, W_V.shape[1] // heads):  # (..., heads, width): not (..., width, heads)
        return None
    if value_bias is not None:
        b_V = _bias(reading, value_bias, W_V.shape[1])
        if b_V is None or consumers[_one(value_bias.output)] != 1:
            return None
    merge = _single(graph, consumers, _one(apply.output), "Transpose")
    joined = (
        _single(graph, consumers, _one(merge.output), "Reshape")
        if _is_heads(merge, where)
        else None
    )
    output = _single(graph, consumers, _one(joined.output), "MatMul") if joined else None
    W_O = _weight(reading, output)
    if output is None or W_O is None or W_O.shape[0] != W_V.shape[1]:
        return None
    output_bias = _single(graph, consumers, _one(output.output), "Add")
    b_O = _bias(reading, output_bias, W_O.shape[1]) if output_bias is not None else None
    if b_O is None:
        output_bias = None
    last = output_bias or output
    nodes = (
        index[id(value)],
        None if value_bias is None else index[id(value_bias)],
        index[id(output)],
        None if output_bias is None else index[id(output_bias)],
    )
    names = (_name(value, nodes[0]), _name(last, index[id(last)]))
    return AttentionPair(
        nodes,
        index[id(apply)],
        names,
        _one(value.input),
        _one(apply.input),
        heads,
        W_V,
        b_V,
        W_O,
        b_O,
        _one(last.output),
    )


def _name(node, k: int) -> str:
    return f"node {k} {node.op_type}" + (f" {node.name!r}" if node.name else "")
