"""Checks that can fail: the fold against runtimes that read the file themselves (torch
rebuilding a state_dict, onnx's reference evaluator), and a wrong reader caught by them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import symcollapse.spec.onnx_ops as onnx_ops
import symcollapse.spec.state_dict as state_dict_module
from symcollapse.algebra.fold import fold
from symcollapse.errors import SpecError
from symcollapse.spec.model_readers import read_model
from symcollapse.verification import runtime
from symcollapse.verification.rebuilt import torch_outputs
from symcollapse.verification.runtime import check_runtime
from tests.model_files import dense_layers, require, state_dict, write_onnx


def _save(tensors, path):
    if path.suffix == ".npz":
        np.savez(path, **tensors)
    elif path.suffix == ".safetensors":
        from safetensors.numpy import save_file

        save_file(tensors, str(path))
    else:
        torch = require("torch", "TORCH")
        torch.save({k: torch.from_numpy(v) for k, v in tensors.items()}, path)
    return path


def _with_batch_norm(widths, seed):
    tensors = state_dict(dense_layers(widths, seed=seed), step=3)
    rng = np.random.default_rng(seed)
    width = widths[1]
    tensors.update(
        {
            "1.running_mean": rng.standard_normal(width).astype(np.float32),
            "1.running_var": (rng.random(width) + 0.5).astype(np.float32),
            "1.weight": rng.standard_normal(width).astype(np.float32),
            "1.bias": rng.standard_normal(width).astype(np.float32),
        }
    )
    return tensors


@pytest.mark.parametrize("suffix", [".pt", ".safetensors", ".npz"])
@pytest.mark.parametrize("widths", [(3, 4, 2), (4, 4, 4)])
@pytest.mark.parametrize("layout", ["out-in", "in-out"])
def test_torch_rebuilds_the_state_dict_from_the_file(tmp_path, suffix, widths, layout):
    require("torch", "TORCH")
    tensors = _with_batch_norm(widths, seed=sum(widths))
    if layout == "in-out":
        tensors = {
            k: v.T.copy() if k.endswith("weight") and v.ndim == 2 else v for k, v in tensors.items()
        }
    path = _save(tensors, tmp_path / f"m{suffix}")
    stated = {"assume_identity_gaps": True, "bn_eps": 1e-3, "weight_layout": layout}
    check = check_runtime(fold(read_model(path, **stated)), path=path)
    assert check.runtime.startswith("PyTorch (the modules rebuilt") and check.independent
    assert check.holds and 0 < check.bound < 1e-4


@pytest.mark.parametrize("suffix", [".pt", ".safetensors", ".npz"])
def test_a_reader_that_transposes_a_weight_is_caught(tmp_path, monkeypatch, suffix):
    require("torch", "TORCH")
    path = _save(state_dict(dense_layers((4, 4, 4), seed=5)), tmp_path / f"m{suffix}")
    reader = state_dict_module.linear_layer

    def transposing(name, arrays, source):
        return reader(name, {**arrays, "weight": arrays["weight"].T}, source)

    assert check_runtime(
        fold(read_model(path, weight_layout="out-in", assume_identity_gaps=True)), path=path
    ).holds
    monkeypatch.setattr(state_dict_module, "linear_layer", transposing)
    wrong = check_runtime(
        fold(read_model(path, weight_layout="out-in", assume_identity_gaps=True)), path=path
    )
    assert not wrong.holds and wrong.max_deviation > 100 * wrong.bound


def test_an_onnx_reader_that_transposes_a_weight_is_caught(tmp_path, monkeypatch):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_onnx(dense_layers((3, 3, 3), seed=6), tmp_path / "m.onnx")
    gemm = onnx_ops.READERS["Gemm"]

    def transposing(node, act, constants, where):
        layers, shape = gemm(node, act, constants, where)
        layer = layers[0]
        return [type(layer)(layer.name, layer.weight.T.copy(), layer.bias)], shape

    monkeypatch.setitem(onnx_ops.READERS, "Gemm", transposing)
    wrong = check_runtime(fold(read_model(path)), path=path)
    assert wrong.runtime == "onnxruntime" and not wrong.holds


def _opset_6_gemm(path):
    from onnx import TensorProto, helper, numpy_helper

    W = np.arange(6, dtype=np.float32).reshape(2, 3) / 5
    node = helper.make_node("Gemm", ["x", "W", "b"], ["y"], transB=1, broadcast=1)
    graph = helper.make_graph(
        [node],
        "old",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [numpy_helper.from_array(W, "W"), numpy_helper.from_array(np.ones(2, np.float32), "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 6)])
    model.ir_version = 3
    path.write_bytes(model.SerializeToString())
    return path


def test_an_opset_onnxruntime_does_not_run_goes_to_the_reference_evaluator(tmp_path):
    require("onnxruntime", "ONNXRUNTIME")
    path = _opset_6_gemm(tmp_path / "old.onnx")
    result = fold(read_model(path))
    check = check_runtime(result, path=path)
    assert check.runtime.startswith("onnx's reference evaluator (onnxruntime cannot run")
    assert check.holds and check.independent
    wrong = type(result.W_z).of(result.W_z.floats() * (1 + 1e-4))
    from dataclasses import replace

    assert not check_runtime(replace(result, W_z=wrong), path=path).holds


def test_without_torch_the_check_says_it_is_a_re_run_only(tmp_path, monkeypatch):
    path = _save(state_dict(dense_layers((3, 4, 2), seed=7)), tmp_path / "m.npz")
    monkeypatch.setattr(runtime, "_importable", lambda module: False)
    check = check_runtime(fold(read_model(path, assume_identity_gaps=True)), path=path)
    assert not check.independent and "an arithmetic re-run only" in check.runtime
    assert check.holds


def test_a_batch_norm_is_not_rebuilt_without_its_eps(tmp_path):
    require("torch", "TORCH")
    path = _save(_with_batch_norm((3, 4, 2), seed=9), tmp_path / "m.npz")
    model = read_model(path, assume_identity_gaps=True, bn_eps=1e-3)
    with pytest.raises(SpecError, match=r"batch norm 1 without its eps \(bn_eps\)$"):
        torch_outputs(path, dataclasses.replace(model, bn_eps=None), np.zeros((1, 3)))
