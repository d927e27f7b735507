"""``symcollapse.fold_partial(path)``: every affine stretch inside an ONNX model folded exactly
into one Gemm, the smaller model written, and both checked by onnxruntime.

A separate function, not ``fold(obj, partial=True)``: its result is a list of stretches and a new
model, not one ``W_z x + b_z``, and a return type should not depend on a flag.

A stretch (:mod:`symcollapse.spec.onnx_stretches`) is folded when at least two of its nodes
compute (a lone Gemm, or a Gemm beside a Reshape, is left alone) and one Gemm stores no more
numbers than the stretch did (a low-rank pair ``784 -> 16 -> 784`` is reported, not multiplied
out). Every folded stretch is checked twice at the tensors onnxruntime computes when it runs the
original model and the new one on the same random inputs: the original stretch against the
exact ``W_z h + b_z`` within the rounding bound of its layers, the new Gemm against it within
the bound of one rounded layer (:mod:`symcollapse.verification.runtime`). The outputs of the
two models are then compared within a bound carried through the graph when the model is a chain
of stretches, kept affine nodes and exact 1-Lipschitz nodes (Relu, Clip): a stretch adds both
sides' rounding bounds to ``|W_z|`` times the deviation it receives; Relu and Clip pass it on.
Through any other node (a Softmax, a branch) no bound is derived, and the result says so.

The value and output projections of attention heads (:mod:`symcollapse.spec.onnx_attention`)
are reported with their counts; one head's ``W_V W_O`` is folded into the value's columns of its
projection (exactly, by the same fold; a packed query's and key's columns kept) where it stores
fewer numbers, no folded stretch holds its nodes and the check can take its tensors apart into
inputs, and the pair's output in the new model is checked against the original's
(:func:`_pair_check`). Attention blocks whose projections are not read are reported with why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from symcollapse.algebra.fold import DEFAULT_MAX_BYTES, Fold
from symcollapse.algebra.fold import fold as fold_model
from symcollapse.display import Displayable
from symcollapse.errors import SpecError
from symcollapse.spec.limits import check_limit
from symcollapse.spec.model import AffineLayer, Model, check_size, need
from symcollapse.spec.onnx_attention import AttentionPair, UnreadBlock, attention_blocks
from symcollapse.spec.onnx_graph import _FLOAT_TYPES
from symcollapse.spec.onnx_stretches import Stretch, Stretches, read_stretches
from symcollapse.verification.runtime import (
    RuntimeCheck,
    _gamma,
    check_outputs,
    check_sampling,
    compare,
    export_bound,
    onnx_runs,
    random_inputs,
    rounding_bound,
)

#: Ops counted as matrix multiplications in the report.
MATRIX_OPS = ("Gemm", "MatMul", "Conv", "ConvTranspose")
#: Nodes outside the stretches that pass a deviation on unchanged: exact in floating point and
#: 1-Lipschitz (max and min with constants).
_PASSING = ("Relu", "Clip")


@dataclass(frozen=True)
class FoldedStretch:
    """One stretch: its fold and checks, or (``fold`` None) why it is left as it is."""

    stretch: Stretch
    fold: Fold | None = None
    left: str | None = None
    original: RuntimeCheck | None = None
    replaced: RuntimeCheck | None = None

    @property
    def checks(self) -> list[RuntimeCheck]:
        """The original stretch's check and its Gemm's, once folded."""
        return [check for check in (self.original, self.replaced) if check is not None]


@dataclass(frozen=True)
class FoldedAttention:
    """The value and output projections of attention heads: folded (``fold`` of the pair
    ``W_V`` then ``W_O``, and the check of the new model's output of the pair against the
    original's), or (``fold`` None) why they are left."""

    pair: AttentionPair
    fold: Fold | None = None
    left: str | None = None
    check: RuntimeCheck | None = None


@dataclass(frozen=True)
class PartialFold(Displayable):
    """Every stretch of ``source``; the new model's bytes when any was folded, the matrix
    multiplications before and after, and the check of the new model's outputs against the
    original's (None, with ``unbounded`` saying why, where no bound is derived)."""

    source: str
    stretches: tuple[FoldedStretch, ...]
    content: bytes | None
    matmuls: tuple[int, int]
    check: RuntimeCheck | None
    unbounded: str | None
    attention: tuple[FoldedAttention, ...] = ()
    unread: tuple[UnreadBlock, ...] = ()

    @property
    def checks(self) -> list[RuntimeCheck]:
        found = [check for s in self.stretches for check in s.checks]
        found += [a.check for a in self.attention if a.check is not None]
        return found + ([self.check] if self.check is not None else [])

    @property
    def holds(self) -> bool:
        return all(check.holds for check in self.checks)


def fold_partial(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, samples: int = 16, seed: int = 0
) -> PartialFold:
    """Find, fold and check every affine stretch of the ONNX model at ``path``."""
    check_sampling(samples, seed)
    check_limit(max_bytes, "max_bytes")
    if not isinstance(path, (str, Path)):
        raise SpecError(f"expected an ONNX model's path, got {type(path).__name__}")
    path = Path(path)
    if path.suffix.lower() != ".onnx":
        raise SpecError(f"partial folding reads ONNX models, got {str(path)!r}")
    check_size(path, max_bytes)
    need("onnx", "reading ONNX files")
    reading = read_stretches(path, f"onnx file {path.name}", max_bytes=max_bytes)
    chosen = [_chosen(stretch) for stretch in reading.stretches]
    folds = {
        id(stretch): fold_model(stretch.model, max_bytes=max_bytes)
        for stretch, left in zip(reading.stretches, chosen, strict=True)
        if left is None
    }
    pairs, unread = _pairs(reading, folds)
    heads = {id(pair): _fold_pair(pair) for pair, why in pairs if why is None}
    original = _runnable(reading)
    before = _count(original.graph)
    if not folds and not heads:
        left = tuple(
            FoldedStretch(s, left=why) for s, why in zip(reading.stretches, chosen, strict=True)
        )
        attention = tuple(FoldedAttention(pair, left=why) for pair, why in pairs)
        return PartialFold(
            reading.source, left, None, (before, before), None, None, attention, unread
        )
    if reading.opset < 7:
        raise SpecError(
            f"{reading.source} has opset {reading.opset}; partial folding writes 7 or later"
        )
    rewritten = _rewritten(
        original, reading, folds, tuple((p, heads[id(p)]) for p, _ in pairs if id(p) in heads)
    )
    content = rewritten.SerializeToString()
    x = random_inputs(reading.activation.width, _dtype(reading), samples, seed)
    watched = _watched(reading)
    watched += [n for p, _ in pairs for n in (p.source, p.weights, p.target) if n not in watched]
    ran = {
        side: dict(
            zip(watched, onnx_runs(_watching(proto, watched), _shape(reading), x), strict=True)
        )
        for side, proto in (("original", original), ("new", rewritten))
    }
    results = []
    for stretch, why in zip(reading.stretches, chosen, strict=True):
        result = folds.get(id(stretch))
        if result is None:
            results.append(FoldedStretch(stretch, left=why))
            continue
        old, new = ran["original"], ran["new"]
        first = check_outputs(
            result, old[stretch.source], old[stretch.target], "onnxruntime (the original stretch)"
        )
        h = new[stretch.source].astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            second = compare(
                "onnxruntime (its Gemm in the new model)",
                new[stretch.target],
                result.evaluate(h),
                export_bound(result, h),
            )
        results.append(FoldedStretch(stretch, result, None, first, second))
    attention = tuple(
        FoldedAttention(pair, left=why)
        if why is not None
        else FoldedAttention(pair, heads[id(pair)], None, _pair_check(pair, heads[id(pair)], ran))
        for pair, why in pairs
    )
    output = reading.proto.graph.output[0].name
    bound, unbounded = _carried(reading, folds, ran)
    if heads:  # the softmax's weights multiply the new value: no bound carried past them
        unbounded = (
            f"the value from {attention[0].pair.names[0]} is multiplied by a softmax's weights "
            "(attention), which carry no bound"
        )
        bound = None
    check = None
    if bound is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            check = compare(
                "onnxruntime (the new model against the original)",
                ran["new"][output],
                ran["original"][output].astype(np.float64),
                bound,
            )
    matmuls = (before, _count(rewritten.graph))
    return PartialFold(
        reading.source, tuple(results), content, matmuls, check, unbounded, attention, unread
    )


def _pairs(
    reading: Stretches, folds: dict[int, Fold]
) -> tuple[list[tuple[AttentionPair, str | None]], tuple[UnreadBlock, ...]]:
    """Every attention value/output pair, with why it is left (None: folded), and the
    attention blocks whose pair is not read."""
    taken = {index for s in reading.stretches if id(s) in folds for index in s.nodes}
    found = []
    pairs, unread = attention_blocks(reading)
    for pair in pairs:
        why = pair.left()
        if why is None and taken & {index for index in pair.nodes if index is not None}:
            why = "its nodes are in a stretch folded into one Gemm"
        batch = reading.activation.batch
        if why is None and batch != 1 and set(pair.leading) != {batch}:
            why = (
                f"{pair.described}: the input's fixed first axis ({batch}) is not the first "
                f"axis of its value, weights and output ({pair.leading}; the tokens come first "
                "in nn.MultiheadAttention), so the check cannot take them apart into inputs; "
                "export with a batch of 1"
            )
        found.append((pair, why))
    return found, unread


def _fold_pair(pair: AttentionPair) -> Fold:
    """``W_V`` then ``W_O`` (one head) folded exactly: ``W_O^T W_V^T`` and
    ``W_O^T b_V + b_O``."""
    d, width, d_out = pair.widths
    b_V = pair.b_V if pair.b_V is not None else np.zeros(width)
    b_O = pair.b_O if pair.b_O is not None else np.zeros(d_out)
    layers = (
        AffineLayer(pair.names[0], pair.W_V.T.astype(np.float64), b_V.astype(np.float64)),
        AffineLayer(pair.names[1], pair.W_O.T.astype(np.float64), b_O.astype(np.float64)),
    )
    model = Model(layers, d, pair.W_V.dtype, f"attention {pair.names[0]}", "onnx", (1, d))
    return fold_model(model)


def _pair_check(pair: AttentionPair, result: Fold, ran) -> RuntimeCheck:
    """The new model's output of the pair, ``A' (X M + 1 c^T)`` with ``M = W_V W_O`` and ``c``
    rounded to the float type, against the original's ``A (X W_V + 1 b_V^T) W_O + 1 b_O^T``,
    both run by onnxruntime with their own softmax weights ``A``, ``A'``. Bound: the rounding
    of each side's products and sums (``gamma_k`` times the magnitudes, carried), the rounding
    of ``M`` and ``c``, and what separates the two exact values: ``|A - A'|`` times the
    magnitudes and ``|A' 1 - 1| |b_O|`` (the rows of a computed softmax sum to 1 only nearly)."""
    old, new = ran["original"], ran["new"]
    dtype = pair.W_V.dtype
    u = float(np.finfo(dtype).eps) / 2
    d, width, d_out = pair.widths
    samples, tokens = len(old[pair.source]), old[pair.source].shape[1] // d
    runtime = f"onnxruntime (attention {pair.names[0]} to {pair.names[1]}"
    if old[pair.weights].shape[1] != tokens**2 or old[pair.source].shape[1] != tokens * d:
        # the batch fed is not one input (a fixed batch of tokens): nothing to compare per input
        runtime += ": its inputs are not (tokens, width) per input, so it is not checked)"
        return RuntimeCheck(runtime, samples, np.inf, 0.0, np.inf)
    X = np.abs(old[pair.source].astype(np.float64).reshape(samples, tokens, d))
    A = old[pair.weights].astype(np.float64).reshape(samples, tokens, tokens)
    A2 = new[pair.weights].astype(np.float64).reshape(samples, tokens, tokens)
    W_V, W_O = np.abs(pair.W_V.astype(np.float64)), np.abs(pair.W_O.astype(np.float64))
    b_V = np.abs(pair.b_V.astype(np.float64)) if pair.b_V is not None else np.zeros(width)
    b_O = np.abs(pair.b_O.astype(np.float64)) if pair.b_O is not None else np.zeros(d_out)
    M, c = np.abs(result.W_z.floats().T), np.abs(result.b_z.floats())
    M_f, c_f = M.astype(dtype).astype(np.float64), c.astype(dtype).astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        value = X @ W_V + b_V
        e_value = _gamma(d + 1, u) * value
        e_apply = np.abs(A) @ e_value + _gamma(tokens, u) * (np.abs(A) @ (value + e_value))
        applied = np.abs(A) @ (value + e_value) + e_apply
        e_old = e_apply @ W_O + _gamma(width + 1, u) * (applied @ W_O + b_O)
        folded = X @ M_f + c_f
        e_folded = _gamma(d + 1, u) * folded
        e_new = np.abs(A2) @ e_folded + _gamma(tokens, u) * (np.abs(A2) @ (folded + e_folded))
        rows = np.abs(A2.sum(axis=-1, keepdims=True) - 1.0)
        apart = np.abs(A - A2) @ (value @ W_O) + rows * b_O + u * (np.abs(A2) @ (X @ M + c))
        bound = (e_old + e_new + apart) * (1 + 2.0**-40)
    return compare(
        f"{runtime}, new model against the original)",
        new[pair.target].reshape(samples, -1),
        old[pair.target].astype(np.float64).reshape(samples, -1),
        bound.reshape(samples, -1),
    )


def _chosen(stretch: Stretch) -> str | None:
    """Why a stretch is left as it is, or None to fold it."""
    if stretch.computing < 2:
        return "fewer than two computing nodes: nothing to fold"
    if stretch.folded_parameters > stretch.parameters:
        return (
            f"one Gemm would store {stretch.folded_parameters:,} numbers, more than its "
            f"{stretch.parameters:,}: one dense matrix in place of low-rank or structured layers"
        )
    layouts = (stretch.model.input_shape, stretch.output_shape)
    if any(len(shape) == 2 and shape[0] != 1 for shape in layouts):
        return "it acts on columns, which one Gemm in place of it does not"
    return None


def _dtype(reading: Stretches) -> np.dtype:
    return np.dtype(_FLOAT_TYPES[reading.activation.element])


def _shape(reading: Stretches) -> tuple[int, ...]:
    return reading.activation.shape


def _count(graph) -> int:
    return sum(1 for node in graph.node if node.op_type in MATRIX_OPS)


def _runnable(reading: Stretches):
    """The model as read, with every external initializer inlined from the bytes read safely
    (:func:`~symcollapse.spec.onnx_tensors.read_tensor`), so its bytes run anywhere."""
    from onnx import ModelProto, TensorProto, numpy_helper

    model = ModelProto()
    model.CopyFrom(reading.proto)
    for k, tensor in enumerate(model.graph.initializer):
        if tensor.data_location != TensorProto.EXTERNAL:
            continue
        if tensor.data_type == TensorProto.BFLOAT16:
            raise SpecError(f"{reading.source}: a bfloat16 initializer in an external file")
        value = reading.constants[tensor.name]
        model.graph.initializer[k].CopyFrom(numpy_helper.from_array(value, tensor.name))
    return model


def _fresh(graph, stem: str) -> str:
    used = {name for node in graph.node for name in [*node.input, *node.output]}
    used |= {t.name for t in graph.initializer} | {node.name for node in graph.node}
    name, k = stem, 0
    while name in used:
        k, name = k + 1, f"{stem}_{k + 1}"
    return name


def _replacement(graph, k: int, stretch: Stretch, result: Fold, batched: bool):
    """The nodes and initializers of one Gemm in place of ``stretch``: Reshapes around it when
    the stretch starts or ends on a tensor that is not a row ``(batch, width)``."""
    from onnx import helper, numpy_helper

    stem = _fresh(graph, f"symcollapse_stretch{k}")
    dtype = result.model.dtype
    W = result.W_z.floats().astype(dtype)
    b = result.b_z.floats().astype(dtype)
    inits = [numpy_helper.from_array(W, f"{stem}_W_z"), numpy_helper.from_array(b, f"{stem}_b_z")]
    nodes = []
    source, target = stretch.source, stretch.target
    width_in = stretch.widths[0]
    if not (batched and len(stretch.model.input_shape) == 2):
        shape = np.array([-1 if batched else 1, width_in], dtype=np.int64)
        inits.append(numpy_helper.from_array(shape, f"{stem}_rows"))
        nodes.append(helper.make_node("Reshape", [source, f"{stem}_rows"], [f"{stem}_in"]))
        source = f"{stem}_in"
    reshaped = not (batched and len(stretch.output_shape) == 2)
    gemm_out = f"{stem}_out" if reshaped else target
    nodes.append(
        helper.make_node("Gemm", [source, f"{stem}_W_z", f"{stem}_b_z"], [gemm_out], transB=1)
    )
    nodes[-1].name = stem
    if reshaped:
        dims = [-1, *stretch.output_shape[1:]] if batched else list(stretch.output_shape)
        inits.append(numpy_helper.from_array(np.array(dims, dtype=np.int64), f"{stem}_shape"))
        nodes.append(helper.make_node("Reshape", [gemm_out, f"{stem}_shape"], [target]))
    return nodes, inits


def _head_replacement(graph, k: int, pair: AttentionPair, result: Fold) -> dict[int, list]:
    """One head's value MatMul with ``W_V W_O`` and its Add with ``W_O^T b_V + b_O`` in the
    value's columns (the query's and key's of a packed projection as they were; an Add made
    where there was none, adding 0 to them); the output projection's nodes become Identity."""
    from onnx import NodeProto, helper, numpy_helper

    stem = _fresh(graph, f"symcollapse_head{k}")
    dtype = pair.W_V.dtype
    taken = slice(pair.offset, pair.offset + pair.W_V.shape[1])
    W = pair.packed.astype(dtype)  # a copy: the query's and key's columns kept as they are
    W[:, taken] = result.W_z.floats().T.astype(dtype)
    b = np.zeros(W.shape[1], dtype) if pair.packed_bias is None else pair.packed_bias.astype(dtype)
    b[taken] = result.b_z.floats().astype(dtype)
    graph.initializer.extend(
        [numpy_helper.from_array(W, f"{stem}_W"), numpy_helper.from_array(b, f"{stem}_b")]
    )
    value, value_bias, output, output_bias = pair.nodes
    matmul = NodeProto()
    matmul.CopyFrom(graph.node[value])
    matmul.input[1] = f"{stem}_W"
    replaced = {}
    if value_bias is None:
        added = helper.make_node("Add", [f"{stem}_mm", f"{stem}_b"], [matmul.output[0]])
        matmul.output[0] = f"{stem}_mm"
        replaced[value] = [matmul, added]
    else:
        add = NodeProto()
        add.CopyFrom(graph.node[value_bias])
        position = list(add.input).index(matmul.output[0])
        add.input[1 - position] = f"{stem}_b"
        replaced[value], replaced[value_bias] = [matmul], [add]
    # Identity nodes keep the removed nodes' tensor names (onnxruntime removes them)
    inner = graph.node[output].output[0]
    replaced[output] = [helper.make_node("Identity", [graph.node[output].input[0]], [inner])]
    if output_bias is not None:
        replaced[output_bias] = [helper.make_node("Identity", [inner], [pair.target])]
    return replaced


def _rewritten(
    original,
    reading: Stretches,
    folds: dict[int, Fold],
    heads: tuple[tuple[AttentionPair, Fold], ...] = (),
):
    """The model with each folded stretch replaced by its Gemm, where its last node was, and
    each folded attention head's projections by one; the nodes and initializers nothing reads
    any more removed; valid for onnx's checker where the original is."""
    import onnx

    model = onnx.ModelProto()
    model.CopyFrom(original)
    graph = model.graph
    batched = len(reading.activation.shape) > 1
    replaced = {}
    for k, stretch in enumerate(reading.stretches):
        if id(stretch) in folds:
            nodes, inits = _replacement(graph, k, stretch, folds[id(stretch)], batched)
            graph.initializer.extend(inits)
            replaced[stretch.nodes[-1]] = nodes
            replaced.update({index: [] for index in stretch.nodes[:-1]})
    for k, (pair, result) in enumerate(heads):
        replaced.update(_head_replacement(graph, k, pair, result))
    kept = []
    for index, node in enumerate(graph.node):
        kept += replaced.get(index, [node])
    kept = _live(kept, {output.name for output in graph.output})
    del graph.node[:]
    graph.node.extend(kept)
    read = {name for node in kept for name in node.input}
    inputs = {i.name for i in graph.input}
    unread = [t for t in graph.initializer if t.name not in read]
    for tensor in unread:
        graph.initializer.remove(tensor)
        if tensor.name in inputs:
            graph.input.remove(next(i for i in graph.input if i.name == tensor.name))
    produced = {name for node in kept for name in node.output}
    for info in [v for v in graph.value_info if v.name not in produced]:
        graph.value_info.remove(info)
    if _valid(original) and not _valid(model):
        raise SpecError(f"{reading.source}: the rewritten model fails onnx's checker (a bug)")
    return model


def _valid(model) -> bool:
    import onnx

    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError:
        return False
    return True


def _live(nodes: list, outputs: set[str]) -> list:
    """``nodes`` without those whose outputs nobody reads (the constants of removed nodes)."""
    while True:
        read = Counter(name for node in nodes for name in node.input) + Counter(outputs)
        live = [node for node in nodes if any(read[name] for name in node.output if name)]
        if len(live) == len(nodes):
            return nodes
        nodes = live


def _watched(reading: Stretches) -> list[str]:
    """The graph's output, then every tensor a stretch or a boundary starts or ends at."""
    names = [reading.proto.graph.output[0].name]
    for stretch in reading.stretches:
        names += [stretch.source, stretch.target]
    for boundary in reading.boundaries:
        names += [n for n in (boundary.source, boundary.target) if n is not None]
    return list(dict.fromkeys(names))


def _watching(model, names: list[str]) -> bytes:
    """The model's bytes with ``names`` as its outputs, in that order."""
    from onnx import ModelProto, helper

    watching = ModelProto()
    watching.CopyFrom(model)
    graph = watching.graph
    declared = {o.name: o for o in graph.output}
    outputs = [declared.get(n) or helper.make_empty_tensor_value_info(n) for n in names]
    del graph.output[:]
    graph.output.extend(outputs)
    return watching.SerializeToString()


def _carried(
    reading: Stretches, folds: dict[int, Fold], ran
) -> tuple[np.ndarray | None, str | None]:
    """The bound on ``|new(x) - original(x)|`` carried along the chain, or why there is none."""
    steps = sorted(
        [(s.nodes[0], s) for s in reading.stretches] + [(b.node, b) for b in reading.boundaries],
        key=lambda pair: pair[0],
    )
    old, new = ran["original"], ran["new"]
    tensor: str | None = reading.activation.name
    deviation = np.zeros((len(old[reading.proto.graph.output[0].name]), reading.activation.width))
    for _, step in steps:
        if step.source != tensor:
            name = step.names[0] if isinstance(step, Stretch) else step.name
            return None, f"{name} is off the chain from the input (the model branches)"
        if isinstance(step, Stretch):
            a, b = old[step.source].astype(np.float64), new[step.source].astype(np.float64)
            result = folds.get(id(step))
            with np.errstate(over="ignore", invalid="ignore"):
                own = rounding_bound(step.model, a)
                if result is None:
                    for layer in step.model.layers:
                        deviation = deviation @ np.abs(layer.matrix()).T
                    deviation = deviation + own + rounding_bound(step.model, b)
                else:
                    carried = deviation @ np.abs(result.W_z.floats()).T * (1 + 2.0**-52)
                    deviation = carried + own + export_bound(result, b)
        elif step.op not in _PASSING:
            return None, f"{step.name} is not Relu or Clip, which pass a deviation on"
        tensor = step.target
    if tensor != reading.proto.graph.output[0].name:
        return None, "the chain does not end at the graph's output"
    return deviation, None
