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

Read: a ``MatMul(X, W) [+ b]`` (``W`` of ``C`` columns, a packed in-projection or the value's
own) whose output reaches the ``MatMul(A, V)`` that applies a ``Softmax`` over the last axis
(through Dropout or Identity) only through data movement (Reshape, Transpose, Squeeze,
Unsqueeze, Gather, Slice, Split, Identity, Flatten with constant indices and shapes), and from
there through data movement to a ``MatMul(., W_O) [+ b_O]`` or ``Gemm``. Where each moved entry
comes from is not read from the ops' attributes but measured: onnx's reference evaluator runs
the movement nodes on a tensor holding each entry's own index, which must put column
``offset + h d_h + j`` of ``X W + b`` at head ``h``, place ``j`` of ``V`` (the row depending on
the token only), bring ``(h, j)`` of ``A V`` to column ``h d_h + j`` of the output projection's
input, and give every other reader (the query and key of a packed projection) none of the value
columns. This reads hand-written attention and ``nn.MultiheadAttention`` from both torch
exporters; an attention block whose value is not read so is reported with the reason
(:func:`unread_blocks`), never rewritten.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symcollapse.spec.onnx_ops import attribute
from symcollapse.spec.onnx_stretches import Stretches

#: Ops between the softmax and the MatMul that applies it that leave it as it is.
_PASSING = ("Dropout", "Identity")
#: Ops that only move entries (their other inputs constant); traced by the probe.
_MOVING = (
    "Reshape",
    "Transpose",
    "Squeeze",
    "Unsqueeze",
    "Gather",
    "Slice",
    "Split",
    "Identity",
    "Flatten",
)
#: Ops that compute a reshape's shape from the input's shape.
_SHAPE_OPS = (
    "Constant",
    "Slice",
    "Concat",
    "Gather",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Mod",
    "Reshape",
    "Unsqueeze",
    "Squeeze",
    "Cast",
    "Identity",
)
#: The most entries a probe moves, and the most movement nodes it runs.
_PROBE_ENTRIES, _PROBE_NODES = 2**22, 256


@dataclass(frozen=True)
class AttentionPair:
    """A value projection ``W_V`` (in, H d_h) with bias ``b_V`` and an output projection
    ``W_O`` (H d_h, out) with ``b_O`` around the MatMul of node ``apply``, which multiplies
    the softmax's tensor ``weights`` from the left; ``nodes`` are the projection MatMul
    (reading ``source``), its Add (or None), the output MatMul or Gemm and its Add (or None);
    ``target`` is the pair's output tensor. ``W_V`` is the columns ``offset`` onwards of the
    projection's ``packed`` weights (its bias ``packed_bias``): all of them for a value's own
    projection, the value's third of ``nn.MultiheadAttention``'s packed in-projection.
    ``leading`` is the first axis of ``source``, ``weights`` and ``target`` (None: unknown)."""

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
    packed: np.ndarray
    packed_bias: np.ndarray | None
    offset: int
    leading: tuple[int | None, ...] = ()

    @property
    def widths(self) -> tuple[int, int, int]:
        """``d`` (in), ``d_h`` (one head's value), ``d_out``."""
        return self.W_V.shape[0], self.W_V.shape[1] // self.heads, self.W_O.shape[1]

    @property
    def described(self) -> str:
        """``2 heads of width 4`` (``, packed with the query and key`` for a packed one)."""
        packed = ", packed with the query and key" if self.packed.shape != self.W_V.shape else ""
        return f"{self.heads} head{'s' * (self.heads != 1)} of width {self.widths[1]}{packed}"

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


@dataclass(frozen=True)
class UnreadBlock:
    """A softmax's weights applied by the MatMul ``name`` whose value and output projections
    are not read, and why: reported, never rewritten."""

    name: str
    reason: str


class _Unread(Exception):
    """Why a value's path is not read (caught where the block is reported)."""


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


@dataclass(frozen=True)
class _Graph:
    """What the matching reads of a graph: producers, readers, counts, static shapes."""

    reading: Stretches
    producer: dict
    readers: dict
    consumers: Counter
    index: dict
    shapes: dict
    computed: dict = field(default_factory=dict)

    @classmethod
    def of(cls, reading: Stretches) -> _Graph:
        from onnx import shape_inference
        from onnx.shape_inference import InferenceError

        graph = reading.proto.graph
        try:  # data propagation gives the shapes of reshapes whose shape is computed
            inferred = shape_inference.infer_shapes(reading.proto, data_prop=True).graph
        except (InferenceError, ValueError, RuntimeError):
            inferred = graph
        shapes = {}
        for info in [*inferred.input, *inferred.value_info, *inferred.output]:
            dims = info.type.tensor_type.shape.dim
            if info.type.tensor_type.HasField("shape") and all(
                d.HasField("dim_value") for d in dims
            ):
                shapes[info.name] = tuple(d.dim_value for d in dims)
        readers: dict[str, list] = {}
        for node in graph.node:
            for name in dict.fromkeys(node.input):
                readers.setdefault(name, []).append(node)
        consumers = Counter(name for node in graph.node for name in node.input if name)
        consumers.update(o.name for o in graph.output)
        producer = {name: node for node in graph.node for name in node.output}
        index = {id(node): k for k, node in enumerate(graph.node)}
        return cls(reading, producer, readers, consumers, index, shapes)

    def moving(self, node, tensor: str) -> bool:
        """``node`` only moves the entries of ``tensor`` (its other inputs constant, or
        computed from constants and the shapes of tensors whose shape is known)."""
        if node.op_type not in _MOVING or node.domain not in ("", "ai.onnx"):
            return False
        if _one(node.input) != tensor or len(node.output) < 1:
            return False
        others = [name for name in node.input[1:] if name]
        return tensor not in others and all(self.constant(name) is not None for name in others)

    def constant(self, name: str) -> np.ndarray | None:
        """The value of ``name`` where it is a constant or computed from constants and
        ``Shape`` of tensors whose shape is known (a reshape's shape built from the input's),
        by onnx's reference evaluator; None otherwise."""
        if name in self.reading.constants:
            return self.reading.constants[name]
        if name not in self.computed:
            self.computed[name] = self._computed(name)
        return self.computed[name]

    def _computed(self, name: str) -> np.ndarray | None:
        from onnx import helper, numpy_helper
        from onnx.reference import ReferenceEvaluator

        nodes: dict[int, Any] = {}
        todo, known = [name], {}
        while todo:
            tensor = todo.pop()
            node = self.producer.get(tensor)
            if tensor in self.reading.constants or tensor in known or not tensor:
                continue
            if node is None or len(nodes) > _PROBE_NODES or node.op_type in _PASSING:
                return None
            if node.op_type == "Shape" and len(node.attribute) == 0:
                shape = self.shapes.get(_one(node.input))
                if shape is None:
                    return None
                known[tensor] = np.array(shape, dtype=np.int64)
                continue
            if node.op_type not in _SHAPE_OPS:
                return None
            nodes[self.index[id(node)]] = node
            todo += list(node.input)
        read = {n for node in nodes.values() for n in node.input} - set(known)
        inits = [numpy_helper.from_array(np.asarray(v), k) for k, v in known.items()]
        inits += [
            numpy_helper.from_array(np.asarray(self.reading.constants[k]), k)
            for k in read
            if k in self.reading.constants
        ]
        graph = helper.make_graph(
            [nodes[k] for k in sorted(nodes)],
            "shape",
            [],
            [helper.make_empty_tensor_value_info(name)],
            inits,
        )
        opset = helper.make_opsetid("", self.reading.opset)
        try:
            [value] = ReferenceEvaluator(helper.make_model(graph, opset_imports=[opset])).run(
                None, {}
            )
        except Exception:  # a shape that does not compute alone is not known
            return None
        return np.asarray(value)


def attention_blocks(
    reading: Stretches,
) -> tuple[tuple[AttentionPair, ...], tuple[UnreadBlock, ...]]:
    """Every value/output projection pair read as above, and every softmax-weighted MatMul
    whose pair is not read, with why."""
    graph = reading.proto.graph
    facts = _Graph.of(reading)
    pairs, unread = [], []
    for apply in graph.node:
        if apply.op_type != "MatMul" or len(apply.input) != 2:
            continue
        where = f"{reading.source}: node {facts.index[id(apply)]}"
        source = facts.producer.get(apply.input[0])
        while source is not None and source.op_type in _PASSING and len(source.input) < 3:
            source = facts.producer.get(_one(source.input))  # a Dropout without training_mode
        if source is None or source.op_type != "Softmax":
            continue
        # before opset 13 a Softmax's axis defaults to 1 and flattens the axes after it
        if attribute(source, "axis", "int", -1 if reading.opset >= 13 else 1, where) not in (-1, 3):
            continue
        try:
            pairs.append(_pair(facts, apply, where))
        except _Unread as why:
            unread.append(UnreadBlock(_name(apply, facts.index[id(apply)]), str(why)))
    return tuple(pairs), tuple(unread)


def attention_pairs(reading: Stretches) -> tuple[AttentionPair, ...]:
    """Every value/output projection pair read as above."""
    return attention_blocks(reading)[0]


def _projection(facts: _Graph, values: str):
    """The MatMul, its Add (or None) and the tensor ``X W + b`` the value ``values`` is moved
    out of, walking back through movement nodes."""
    node = facts.producer.get(values)
    tensor = values
    while node is not None and facts.moving(node, _one(node.input)):
        tensor = _one(node.input)
        node = facts.producer.get(tensor)
    add = node if node is not None and node.op_type == "Add" else None
    if add is not None:
        node = next((facts.producer.get(n) for n in add.input if n in facts.producer), None)
    W = _weight(facts.reading, node)
    if W is None or node is None:
        raise _Unread("the value is not moved out of a MatMul with constant weights")
    b = None
    if add is not None:
        b = _bias(facts.reading, add, W.shape[1])
        if b is None or facts.consumers[_one(node.output)] != 1:
            raise _Unread("the value projection's Add is not its bias alone")
    return node, add, W, b, tensor


def _closure(facts: _Graph, start: str) -> tuple[list, list[str]]:
    """The movement nodes reached from ``start`` (in graph order) and the tensors they hand
    to anything else (a ``Shape`` reads no entries and is not counted)."""
    outputs = {o.name for o in facts.reading.proto.graph.output}
    nodes, frontier, todo, seen = {}, [], [start], set()
    while todo:
        tensor = todo.pop()
        if tensor in seen:
            continue
        seen.add(tensor)
        if tensor in outputs:
            frontier.append(tensor)
        for reader in facts.readers.get(tensor, []):
            if reader.op_type == "Shape":
                continue
            if facts.moving(reader, tensor):
                nodes[facts.index[id(reader)]] = reader
                todo += [name for name in reader.output if name]
            elif tensor not in frontier:
                frontier.append(tensor)
        if len(nodes) > _PROBE_NODES:
            raise _Unread(f"more than {_PROBE_NODES} movement nodes to trace")
    return [nodes[k] for k in sorted(nodes)], frontier


def _probe(facts: _Graph, nodes: list, start: str, ends: list[str]) -> dict[str, np.ndarray]:
    """Run ``nodes`` with onnx's reference evaluator on a tensor at ``start`` whose entries
    are their own flat indices; the indices that arrive at ``ends``."""
    from onnx import TensorProto, helper, numpy_helper
    from onnx.reference import ReferenceEvaluator

    shape = facts.shapes.get(start)
    if shape is None:
        raise _Unread(f"the shape of {start!r} is not known")
    size = int(np.prod(shape, dtype=np.int64))
    if size > _PROBE_ENTRIES:
        raise _Unread(f"{start!r} has {size:,} entries, more than {_PROBE_ENTRIES:,} to trace")
    constants, copies = {}, []
    for node in nodes:
        copy = helper.make_node(node.op_type, list(node.input), list(node.output))
        copy.attribute.extend(node.attribute)
        for name in copy.input[1:]:
            if name:  # constant, or computed from the input's shape (see ``moving``)
                constants[name] = facts.constant(name)
        copies.append(copy)
    graph = helper.make_graph(
        copies,
        "probe",
        [helper.make_tensor_value_info(start, TensorProto.DOUBLE, list(shape))],
        [helper.make_tensor_value_info(name, TensorProto.DOUBLE, None) for name in ends],
        [numpy_helper.from_array(np.asarray(v), k) for k, v in constants.items()],
    )
    opset = helper.make_opsetid("", facts.reading.opset)
    evaluator = ReferenceEvaluator(helper.make_model(graph, opset_imports=[opset]))
    codes = np.arange(size, dtype=np.float64).reshape(shape)
    try:
        found = evaluator.run(None, {start: codes})
    except Exception as error:  # any failure of the trace leaves the block unread
        raise _Unread(f"its data movement does not run alone ({type(error).__name__})") from error
    return {
        name: np.asarray(value).astype(np.int64) for name, value in zip(ends, found, strict=True)
    }


def _value_columns(facts: _Graph, apply, W: np.ndarray, start: str) -> tuple[int, int]:
    """The first value column and the heads: head ``h``, place ``j`` of ``V`` must hold
    column ``offset + h d_h + j`` of ``X W + b`` at a row that depends on the token only, and
    no other reader of the moved entries may hold a value column."""
    values = apply.input[1]
    nodes, frontier = _closure(facts, start)
    if facts.consumers[values] != 1 or values not in frontier:
        raise _Unread("the value is read by more than the MatMul that applies the weights")
    codes = _probe(facts, nodes, start, frontier)
    V, columns = codes[values], W.shape[1]
    if V.ndim < 3 or V.size == 0:
        raise _Unread(f"the value has shape {list(V.shape)}, not (..., heads, tokens, width)")
    heads, width = V.shape[-3], V.shape[-1]
    rows, cols = np.divmod(V, columns)
    offset = int(cols.flat[0])
    place = np.arange(heads)[:, None, None] * width + np.arange(width)
    if not (cols == offset + place).all():
        raise _Unread("the value's heads are not consecutive columns of its projection")
    if not (rows == rows[..., :1, :, :1]).all():
        raise _Unread("the value's rows depend on more than the token")
    taken = range(offset, offset + heads * width)
    for name in frontier:
        if name != values and np.isin(codes[name] % columns, taken).any():
            raise _Unread(f"{name!r} reads the value's columns too")
    return offset, heads


def _merged(facts: _Graph, apply, heads: int, width: int):
    """The output projection node after ``A V``: movement nodes read by one node each, whose
    trace must bring head ``h``, place ``j`` to column ``h d_h + j``."""
    tensor, chain = _one(apply.output), []
    node = None
    while True:
        readers = facts.readers.get(tensor, [])
        if facts.consumers[tensor] != 1 or len(readers) != 1:
            raise _Unread("the heads' output is read by more than one node")
        node = readers[0]
        if not facts.moving(node, tensor):
            break
        chain.append(node)
        tensor = _one(node.output)
    if len(chain) > _PROBE_NODES:
        raise _Unread(f"more than {_PROBE_NODES} movement nodes to trace")
    start = _one(apply.output)
    Z = _probe(facts, chain, start, [tensor])[tensor] if chain else None
    shape = facts.shapes.get(start)
    if Z is None or shape is None or len(shape) < 3 or Z.ndim < 2 or Z.shape[-1] != heads * width:
        raise _Unread("the heads are not joined into one row of width heads x d_h")
    where = np.unravel_index(Z, shape)
    if not (where[-3] * width + where[-1] == np.arange(heads * width)).all():
        raise _Unread("the heads are not joined in order into the output projection")
    rest = [axis for k, axis in enumerate(where) if k not in (len(shape) - 3, len(shape) - 1)]
    if not all((axis == axis[..., :1]).all() for axis in rest):
        raise _Unread("the joined rows mix tokens")
    return node, tensor


def _output(facts: _Graph, node, joined: str, width: int, where: str):
    """``W_O``, ``b_O`` and the output Add (or None) of a ``MatMul`` [+ Add] or ``Gemm``."""
    reading = facts.reading
    if node.op_type == "Gemm" and len(node.input) >= 2 and node.input[0] == joined:
        B = reading.constants.get(node.input[1])
        plain = all(
            attribute(node, name, kind, default, where) == default
            for name, kind, default in (
                ("alpha", "float", 1.0),
                ("beta", "float", 1.0),
                ("transA", "int", 0),
            )
        )
        if B is None or B.ndim != 2 or B.dtype.kind != "f" or not plain:
            raise _Unread("the output Gemm is not joined x W + c with constant W")
        matrix = B.T if attribute(node, "transB", "int", 0, where) else B
        C = reading.constants.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
        if C is not None and (C.size != matrix.shape[1] or C.dtype.kind != "f"):
            raise _Unread("the output Gemm's bias is not one vector")
        return matrix, None if C is None else C.reshape(-1), None
    W_O = _weight(reading, node)
    if W_O is None or node.input[0] != joined:
        raise _Unread("the heads are not joined into a MatMul or Gemm with constant weights")
    add = None
    readers = facts.readers.get(_one(node.output), [])
    if (
        facts.consumers[_one(node.output)] == 1
        and len(readers) == 1
        and readers[0].op_type == "Add"
    ):
        add = readers[0]
    b_O = _bias(reading, add, W_O.shape[1]) if add is not None else None
    return W_O, b_O, add if b_O is not None else None


def _pair(facts: _Graph, apply, where: str) -> AttentionPair:
    value, value_bias, packed, packed_bias, start = _projection(facts, apply.input[1])
    offset, heads = _value_columns(facts, apply, packed, start)
    width = facts.shapes[apply.input[1]][-1]
    output, joined = _merged(facts, apply, heads, width)
    W_O, b_O, output_bias = _output(facts, output, joined, width, where)
    if W_O.shape[0] != heads * width:
        raise _Unread(f"the output projection reads {W_O.shape[0]} columns, not {heads * width}")
    last = output_bias or output
    index = facts.index
    nodes = (
        index[id(value)],
        None if value_bias is None else index[id(value_bias)],
        index[id(output)],
        None if output_bias is None else index[id(output_bias)],
    )
    taken = slice(offset, offset + heads * width)
    return AttentionPair(
        nodes,
        index[id(apply)],
        (_name(value, nodes[0]), _name(last, index[id(last)])),
        _one(value.input),
        _one(apply.input),
        heads,
        packed[:, taken],
        None if packed_bias is None else packed_bias[taken],
        W_O,
        b_O,
        _one(last.output),
        packed,
        packed_bias,
        offset,
        tuple(
            (facts.shapes.get(name) or (None,))[0]
            for name in (_one(value.input), _one(apply.input), _one(last.output))
        ),
    )


def _name(node, k: int) -> str:
    return f"node {k} {node.op_type}" + (f" {node.name!r}" if node.name else "")
