"""ONNX models that are not affine as a whole, built with onnx.helper (no torch needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.model_files import save_graph

#: The tokens and width of :func:`attention_graph`'s input.
ATTENTION_TOKENS, ATTENTION_WIDTH = 3, 4

#: What a model is made of, in order: "linear", "matmul" (MatMul then Add), "relu", "bn",
#: "tanh", "flatten"; widths give each linear layer's output.
SIX = ("linear", "linear", "relu", "linear", "bn", "linear")


def write_graph(
    path: Path,
    parts: tuple[str, ...],
    widths: tuple[int, ...],
    *,
    dtype: str = "float32",
    seed: int = 0,
    input_shape: tuple[int, ...] | None = None,
) -> Path:
    """An ONNX file applying ``parts`` to an input of width ``widths[0]`` (or ``input_shape``
    after the batch); each linear part takes the next width of ``widths``."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    element = TensorProto.DOUBLE if dtype == "float64" else TensorProto.FLOAT
    nodes, inits = [], []
    h, width, outs = "x", widths[0], iter(widths[1:])
    for k, part in enumerate(parts):
        out = f"t{k}"
        if part in ("linear", "matmul"):
            n = next(outs)
            W = (rng.standard_normal((n, width)) / np.sqrt(width)).astype(dtype)
            b = rng.standard_normal(n).astype(dtype)
            inits += [numpy_helper.from_array(b, f"b{k}")]
            if part == "linear":
                inits.append(numpy_helper.from_array(W, f"W{k}"))
                nodes.append(
                    helper.make_node("Gemm", [h, f"W{k}", f"b{k}"], [out], name=f"fc{k}", transB=1)
                )
            else:
                inits.append(numpy_helper.from_array(W.T.copy(), f"W{k}"))
                nodes.append(helper.make_node("MatMul", [h, f"W{k}"], [f"m{k}"], name=f"mm{k}"))
                nodes.append(helper.make_node("Add", [f"m{k}", f"b{k}"], [out], name=f"add{k}"))
            width = n
        elif part == "bn":
            names = [f"{name}{k}" for name in ("gamma", "beta", "mean", "var")]
            values = [rng.standard_normal(width) for _ in range(3)] + [rng.random(width) + 0.5]
            inits += [
                numpy_helper.from_array(v.astype(dtype), n)
                for v, n in zip(values, names, strict=True)
            ]
            nodes.append(
                helper.make_node(
                    "BatchNormalization", [h, *names], [out], name=f"bn{k}", epsilon=1e-3
                )
            )
        elif part == "flatten":
            nodes.append(helper.make_node("Flatten", [h], [out], name=f"flat{k}"))
        else:
            op = {"relu": "Relu", "tanh": "Tanh"}[part]
            nodes.append(helper.make_node(op, [h], [out], name=f"{part}{k}"))
        h = out
    return save_graph(path, nodes, inits, element, ["N", *(input_shape or (widths[0],))])


def run(path_or_bytes, x: np.ndarray) -> np.ndarray:
    """The model run by onnxruntime at the batch ``x``, outputs as rows (at a vector ``x``, of
    a model without a batch dimension, its output as it is)."""
    import onnxruntime

    source = str(path_or_bytes) if isinstance(path_or_bytes, Path) else path_or_bytes
    session = onnxruntime.InferenceSession(source, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    output = session.run(None, {name: x})[0]
    return output.reshape(len(x), -1) if x.ndim > 1 else output


def matmuls(path: Path) -> int:
    import onnx

    ops = ("Gemm", "MatMul", "Conv", "ConvTranspose")
    return sum(node.op_type in ops for node in onnx.load(str(path)).graph.node)


def attention(torch, width: int, heads: int, value: int | None = None, bias: bool = True):
    """A hand-written attention block (query, key, value and output ``nn.Linear``, heads split
    by reshape and transpose) on ``(batch, tokens, width)``; each head's value is ``value``
    wide (default ``width / heads``)."""
    nn = torch.nn
    head = value or width // heads

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k = nn.Linear(width, heads * head), nn.Linear(width, heads * head)
            self.v = nn.Linear(width, heads * head, bias=bias)
            self.o = nn.Linear(heads * head, width, bias=bias)

        def forward(self, x):
            b, n, _ = x.shape

            def split(t):
                return t.reshape(b, n, heads, head).transpose(1, 2)

            q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
            a = torch.softmax(q @ k.transpose(-1, -2) / head**0.5, dim=-1)
            return self.o((a @ v).transpose(1, 2).reshape(b, n, heads * head))

    return Attention().eval()


def attention_graph(
    path: Path, heads: int, *, split=None, axis=-1, opset=17, reread=False, bias=True
) -> Path:
    """An ONNX file: ``x (1, ATTENTION_TOKENS, ATTENTION_WIDTH)`` through one attention block
    of ``heads`` (query, key, value and output MatMuls, the value and output with a bias unless
    ``bias`` is False); ``split`` the value's reshape (default ``(heads, width)``), ``reread``
    a second reader of that reshape, ``axis`` the Softmax's (None: its default)."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(heads)
    width = ATTENTION_WIDTH // heads
    split = split or (heads, width)
    inits = {
        name: rng.standard_normal(shape).astype(np.float32)
        for name, shape in [("Wq", (4, 4)), ("Wk", (4, 4)), ("Wv", (4, 4)), ("Wo", (4, 4))]
    }
    inits |= {"bv": rng.standard_normal(4).astype(np.float32)}
    inits |= {"bo": rng.standard_normal(4).astype(np.float32)}
    inits |= {
        "heads": np.array([1, ATTENTION_TOKENS, *split]),
        "back": np.array([1, ATTENTION_TOKENS, ATTENTION_WIDTH]),
    }
    n = helper.make_node
    softmax = {} if axis is None else {"axis": axis}
    nodes = [
        n("MatMul", ["x", "Wq"], ["q"]),
        n("MatMul", ["x", "Wk"], ["k"]),
        n("MatMul", ["x", "Wv"], ["v"]),
        n("Add", ["v", "bv"], ["vb"]),
        n("Reshape", ["q", "heads"], ["qr"]),
        n("Transpose", ["qr"], ["qt"], perm=[0, 2, 1, 3]),
        n("Reshape", ["k", "heads"], ["kr"]),
        n("Transpose", ["kr"], ["kt"], perm=[0, 2, 3, 1]),
        n("Reshape", ["vb", "heads"], ["vr"]),
        n("Transpose", ["vr"], ["vt"], perm=[0, 2, 1, 3]),
        n("MatMul", ["qt", "kt"], ["s"]),
        n("Softmax", ["s"], ["a"], **softmax),
        n("MatMul", ["a", "vt"], ["p"]),
        n("Transpose", ["p"], ["pt"], perm=[0, 2, 1, 3]),
        n("Reshape", ["pt", "back"], ["pr"]),
        n("MatMul", ["pr", "Wo"], ["o"]),
        n("Add", ["o", "bo"], ["y"]),
    ]
    if not bias:  # the reshape reads the MatMul
        nodes = [node for node in nodes if node.output[0] != "vb"]
        nodes[7].input[0] = "v"
    if reread:
        nodes += [n("Reshape", ["vr", "back"], ["e"]), n("Add", ["y", "e"], ["z"])]
    graph = helper.make_graph(
        nodes,
        "attention",
        [
            helper.make_tensor_value_info(
                "x", TensorProto.FLOAT, [1, ATTENTION_TOKENS, ATTENTION_WIDTH]
            )
        ],
        [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return path


def multihead(torch, width: int, heads: int, batch_first: bool = True, bias: bool = True):
    """``nn.MultiheadAttention`` (its query, key and value packed in one in-projection) as
    self-attention, every parameter drawn at random (torch starts the biases at 0)."""
    nn = torch.nn

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = nn.MultiheadAttention(width, heads, bias=bias, batch_first=batch_first)
            with torch.no_grad():
                for parameter in self.attention.parameters():
                    parameter.normal_(0, width**-0.5)

        def forward(self, x):
            return self.attention(x, x, x, need_weights=False)[0]

    return SelfAttention().eval()


def packed_graph(path: Path, *, query: tuple[int, int] = (0, 4)) -> Path:
    """An ONNX file: ``x (1, ATTENTION_TOKENS, ATTENTION_WIDTH)`` through one head whose
    query, key and value are columns ``query``, 4:8 and 8:12 of one packed MatMul and Add,
    cut by Slice, heads made by Unsqueeze and joined by Squeeze (no Reshape or Transpose)."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    inits = {
        "Wp": rng.standard_normal((ATTENTION_WIDTH, 12)).astype(np.float32),
        "bp": rng.standard_normal(12).astype(np.float32),
        "Wo": rng.standard_normal((4, ATTENTION_WIDTH)).astype(np.float32),
        "bo": rng.standard_normal(ATTENTION_WIDTH).astype(np.float32),
        "axis": np.array([-1]),
        "one": np.array([1]),
    }
    cuts = {"q": query, "k": (4, 8), "v": (8, 12)}
    inits |= {
        f"{t}{end}": np.array([cut[i]]) for t, cut in cuts.items() for i, end in enumerate("ab")
    }
    n = helper.make_node
    nodes = [n("MatMul", ["x", "Wp"], ["p"]), n("Add", ["p", "bp"], ["pb"])]
    for t in cuts:
        nodes.append(n("Slice", ["pb", f"{t}a", f"{t}b", "axis"], [f"{t}s"]))
        nodes.append(n("Unsqueeze", [f"{t}s", "one"], [f"{t}h"]))
    nodes += [
        n("Transpose", ["kh"], ["kt"], perm=[0, 1, 3, 2]),
        n("MatMul", ["qh", "kt"], ["s"]),
        n("Softmax", ["s"], ["a"], axis=-1),
        n("MatMul", ["a", "vh"], ["y"]),
        n("Squeeze", ["y", "one"], ["ys"]),
        n("MatMul", ["ys", "Wo"], ["o"]),
        n("Add", ["o", "bo"], ["out"]),
    ]
    shape = [1, ATTENTION_TOKENS, ATTENTION_WIDTH]
    graph = helper.make_graph(
        nodes,
        "packed",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return path
