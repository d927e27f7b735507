"""ONNX models that are not affine as a whole, built with onnx.helper (no torch needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.model_files import save_graph

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
