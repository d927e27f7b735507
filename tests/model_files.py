"""Test helpers: small models built with numpy and onnx.helper (no downloads), and an
independent forward pass in Fractions."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

#: How an ONNX file writes a dense layer ``W h + b``.
ONNX_STYLES = ("gemm", "gemm_plain", "matmul_add", "columns", "alpha_beta")


def require(module: str, tool: str) -> ModuleType:
    """Import ``module``; skip without it unless ``SYMCOLLAPSE_REQUIRE_<TOOL>=1`` (then fail)."""
    if os.environ.get(f"SYMCOLLAPSE_REQUIRE_{tool}") == "1":
        return __import__(module)
    return pytest.importorskip(module)


def dense_layers(
    widths: tuple[int, ...], seed: int, dtype: str = "float32"
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random trained-looking weights (out, in) and biases in ``dtype``."""
    rng = np.random.default_rng(seed)
    return [
        (
            (rng.standard_normal((widths[k + 1], widths[k])) / widths[k]).astype(dtype),
            rng.standard_normal(widths[k + 1]).astype(dtype),
        )
        for k in range(len(widths) - 1)
    ]


def state_dict(layers: list[tuple[np.ndarray, np.ndarray]], step: int = 1) -> dict[str, np.ndarray]:
    """The ``state_dict`` of ``nn.Sequential(Linear, Linear, ...)``; with ``step=2``, of
    ``nn.Sequential(Linear, Dropout, Linear, ...)`` (a parameterless module between layers)."""
    tensors = {}
    for k, (W, b) in enumerate(layers):
        tensors[f"{step * k}.weight"], tensors[f"{step * k}.bias"] = W, b
    return tensors


def write_onnx(
    layers, path: Path, style: str = "gemm", extra: list | None = None, batch: int | str = "N"
) -> Path:
    """An ONNX file computing the dense chain in ``style``; ``extra`` nodes follow the chain
    (each as ``(op_type, attributes)`` on the last tensor)."""
    from onnx import TensorProto, helper, numpy_helper

    element = TensorProto.DOUBLE if layers[0][0].dtype == np.float64 else TensorProto.FLOAT
    nodes, inits = [], []
    h = "x"
    for k, (W, b) in enumerate(layers):
        w, c, out = f"W{k}", f"b{k}", f"h{k}"
        if style == "gemm":
            inits += [numpy_helper.from_array(W, w), numpy_helper.from_array(b, c)]
            nodes.append(helper.make_node("Gemm", [h, w, c], [out], transB=1))
        elif style == "gemm_plain":
            inits += [numpy_helper.from_array(W.T.copy(), w), numpy_helper.from_array(b, c)]
            nodes.append(helper.make_node("Gemm", [h, w, c], [out]))
        elif style == "alpha_beta":  # 0.5 * (2 W) h + 4 * (b / 4): the same layer
            inits += [numpy_helper.from_array(2 * W, w), numpy_helper.from_array(b / 4, c)]
            nodes.append(helper.make_node("Gemm", [h, w, c], [out], transB=1, alpha=0.5, beta=4.0))
        elif style == "matmul_add":
            inits += [numpy_helper.from_array(W.T.copy(), w), numpy_helper.from_array(b, c)]
            nodes.append(helper.make_node("MatMul", [h, w], [out + "m"]))
            nodes.append(helper.make_node("Add", [out + "m", c], [out]))
        elif style == "columns":  # W as Gemm's A, the activation as B: a row, then columns
            inits += [numpy_helper.from_array(W, w), numpy_helper.from_array(b[:, None], c)]
            nodes.append(helper.make_node("Gemm", [w, h, c], [out], transB=int(k == 0)))
        h = out
    for op, attributes in extra or []:
        nodes.append(helper.make_node(op, [h], [h + op], **attributes))
        h = h + op
    return save_graph(path, nodes, inits, element, [batch, layers[0][0].shape[1]])


def save_graph(path: Path, nodes: list, inits: list, element: int, shape: list) -> Path:
    """Nodes from input ``x`` (of ``shape``, ``element`` type) to the last node's output, as an
    opset-17 ONNX file."""
    from onnx import helper

    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("x", element, shape)],
        [helper.make_tensor_value_info(nodes[-1].output[0], element, None)],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return path


def forward_fractions(layers, x: list[Fraction]) -> list[Fraction]:
    """The nested forward pass in exact Fractions of the stored floats."""
    h = x
    for W, b in layers:
        h = [
            sum((Fraction(float(W[i, j])) * h[j] for j in range(len(h))), Fraction(0))
            + Fraction(float(b[i]))
            for i in range(W.shape[0])
        ]
    return h


def onnx_graph_file(tmp_path: Path, nodes, inits, shape, opset: int = 17) -> Path:
    """An ONNX file of ``nodes`` on the float32 input ``x`` of ``shape``, whose output is ``y``;
    float initializers are stored as float32."""
    require("onnx", "ONNX")
    from onnx import TensorProto, helper, numpy_helper

    arrays = {name: np.asarray(value) for name, value in dict(inits).items()}
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [
            numpy_helper.from_array(a.astype(np.float32) if a.dtype.kind == "f" else a, name)
            for name, a in arrays.items()
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8  # what onnxruntime reads
    path = tmp_path / "m.onnx"
    path.write_bytes(model.SerializeToString())
    return path
