"""The fold against the model's own runtime (onnxruntime, torch, numpy) and its exports."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from symcollapse.algebra.fold import Dyadic, fold
from symcollapse.spec.model_readers import read_model
from symcollapse.spec.torch_module import model_from_module
from symcollapse.verification.runtime import (
    EXPORTS,
    check_export,
    check_runtime,
    compare,
    export_bytes,
)
from tests.model_files import ONNX_STYLES, dense_layers, require, write_onnx

WIDTHS = [(2, 3, 3, 1), (8, 16, 16, 4), (3, 1)]


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("style", ONNX_STYLES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_onnxruntime_agrees_within_the_bound(tmp_path, widths, style, dtype):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_onnx(dense_layers(widths, seed=1, dtype=dtype), tmp_path / "m.onnx", style)
    check = check_runtime(fold(read_model(path)), path=path)
    assert check.runtime == "onnxruntime" and check.samples == 16
    assert check.holds and 0 < check.bound < 1e-3


def test_batch_norm_is_folded_within_the_bound(tmp_path):
    require("onnxruntime", "ONNXRUNTIME")
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(2)
    params = [rng.standard_normal(3).astype(np.float32) for _ in range(3)]
    params.append((rng.random(3) + 0.1).astype(np.float32))
    names = ["gamma", "beta", "mean", "var"]
    node = helper.make_node("BatchNormalization", ["x", *names], ["y"], epsilon=1e-3)
    graph = helper.make_graph(
        [node],
        "bn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        [numpy_helper.from_array(p, n) for p, n in zip(params, names, strict=True)],
    )
    path = tmp_path / "bn.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    model = read_model(path)
    assert "rounded to float64" in model.notes[0]
    assert check_runtime(fold(model), path=path).holds


def test_a_wrong_fold_is_caught(tmp_path):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_onnx(dense_layers((4, 5, 2), seed=3), tmp_path / "m.onnx")
    right = fold(read_model(path))
    nudged = Dyadic.of(right.W_z.floats() * (1 + 1e-5))
    check = check_runtime(replace(right, W_z=nudged), path=path)
    assert not check.holds and check.worst_ratio > 1 and check.max_deviation > check.bound


@pytest.mark.parametrize("suffix", EXPORTS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exports_run_and_read_back(tmp_path, suffix, dtype):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_onnx(dense_layers((5, 6, 3), seed=4, dtype=dtype), tmp_path / "m.onnx")
    result = fold(read_model(path))
    content = export_bytes(result, suffix)
    assert check_export(result, content, suffix).holds
    exported = tmp_path / f"folded{suffix}"
    exported.write_bytes(content)
    again = fold(read_model(exported))
    assert again.model.widths == (5, 3)
    assert np.array_equal(again.W_z.floats(), result.W_z.floats().astype(dtype))


def test_state_dict_files_are_checked_in_their_precision(tmp_path):
    from tests.model_files import state_dict

    np.savez(tmp_path / "m.npz", **state_dict(dense_layers((3, 4, 2), seed=5)))
    check = check_runtime(fold(read_model(tmp_path / "m.npz", assume_identity_gaps=True)))
    assert check.runtime.startswith("numpy in float32 re-running the layers") and check.holds
    assert not check.independent


def test_torch_module_and_its_state_dict(tmp_path):
    torch = require("torch", "TORCH")
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(2, 3), torch.nn.Dropout(0.5), torch.nn.Linear(3, 3), torch.nn.Linear(3, 1)
    ).eval()
    result = fold(model_from_module(module))
    check = check_runtime(result, module=module)
    assert check.runtime == "PyTorch (the module)" and check.holds
    torch.save(module.state_dict(), tmp_path / "m.pt")
    from_file = fold(read_model(tmp_path / "m.pt", assume_identity_gaps=True))
    assert from_file.W_z_fractions() == result.W_z_fractions()
    assert from_file.b_z_fractions() == result.b_z_fractions()


def test_torch_batch_norm_and_refusals():
    torch = require("torch", "TORCH")
    from symcollapse import parse_values
    from symcollapse.errors import SpecError

    torch.manual_seed(1)
    norm = torch.nn.BatchNorm1d(3)
    norm.running_mean.uniform_(-1, 1)
    norm.running_var.uniform_(0.5, 2)
    module = torch.nn.Sequential(torch.nn.Linear(2, 3), norm, torch.nn.Linear(3, 1)).eval()
    assert check_runtime(fold(model_from_module(module)), module=module).holds
    with pytest.raises(SpecError, match=r"^the module is in training mode; call .eval\(\)"):
        model_from_module(module.train())
    relu = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()).eval()
    refused = r"^module 1 \(ReLU\): relu is piecewise affine, not affine"
    with pytest.raises(SpecError, match=refused):
        model_from_module(relu)
    linear = torch.nn.Linear(2, 1)
    data = {"weights": [linear.weight], "biases": [linear.bias]}
    assert parse_values(data, [2, 1], "tensors").weights[0].shape == (1, 2)


def test_the_subpackages_leave_the_api_functions_alone():
    import symcollapse
    import symcollapse.derivations.fold
    import symcollapse.verification.runtime

    assert callable(symcollapse.verify) and callable(symcollapse.derive)
    assert symcollapse.verify([2, 1]).holds


@pytest.mark.parametrize("batch", [1, 5, "N"])
def test_fixed_batch_sizes_are_fed_whole(tmp_path, batch):
    require("onnxruntime", "ONNXRUNTIME")
    layers = dense_layers((3, 4, 2), seed=6)
    path = write_onnx(layers, tmp_path / "m.onnx", "matmul_add", batch=batch)
    assert check_runtime(fold(read_model(path)), path=path).holds


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"fold": None}, "expected a Fold"),
        ({"samples": 0}, "samples must be"),
        ({"samples": 10**9}, "samples must be"),
        ({"seed": -1}, "seed must be"),
        ({"seed": 2**70}, "seed must be"),
    ],
)
def test_check_runtime_refuses_bad_arguments_in_one_typed_line(arguments, message):
    from symcollapse.errors import SpecError
    from symcollapse.verification.trained import fold as fold_checked

    folded = fold_checked([(np.eye(2), np.zeros(2))]).fold
    given = {"fold": folded, **arguments}
    with pytest.raises(SpecError, match=message):
        check_runtime(given.pop("fold"), **given)


@pytest.mark.parametrize("widths", [(4, 6), (6, 4)])
def test_outputs_of_another_width_fail_the_check(widths):
    """A fold that read the wrong output width (a pool's ceil_mode ignored) fails; it does not
    crash on the broadcast."""
    y, exact = np.zeros((3, widths[0])), np.zeros((3, widths[1]))
    check = compare("onnxruntime", y, exact, np.ones_like(exact))
    assert not check.holds
    assert (
        f"its outputs have {widths[0]} entries per input, the fold's {widths[1]}" in check.runtime
    )
