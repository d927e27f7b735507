"""Real exports of torch 2.x: both ONNX exporters (legacy TorchScript and dynamo, with its
external data) and the state_dict, folded and compared with the module itself."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcollapse.algebra.fold import fold
from symcollapse.errors import SpecError
from symcollapse.spec.model_readers import read_model
from symcollapse.verification.runtime import check_runtime
from tests.model_files import require


def _module(torch, name: str):
    torch.manual_seed(0)
    nn = torch.nn
    if name == "bias-free":
        return nn.Sequential(nn.Linear(3, 4, bias=False), nn.Linear(4, 2))
    if name == "batch norm":
        module = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4, eps=1e-3), nn.Linear(4, 2))
        module[1].running_mean.uniform_(-1, 1)
        module[1].running_var.uniform_(0.5, 2)
        return module
    if name == "flatten":
        return nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.Identity(), nn.Linear(4, 2))
    return nn.Sequential(nn.Linear(3, 3), nn.Dropout(), nn.Linear(3, 3))  # square


EXPORTERS = ["legacy", "dynamo"]
MODULES = ["bias-free", "batch norm", "flatten", "square"]


@pytest.mark.parametrize("exporter", EXPORTERS)
@pytest.mark.parametrize("name", MODULES)
def test_torch_onnx_exports_fold_to_the_module(tmp_path, exporter, name):
    torch = require("torch", "TORCH")
    require("onnxruntime", "ONNXRUNTIME")
    if exporter == "dynamo" and importlib.util.find_spec("onnxscript") is None:
        pytest.skip("the dynamo exporter needs onnxscript")
    module = _module(torch, name).eval()
    x = torch.randn(2, 2, 3) if name == "flatten" else torch.randn(2, 3)
    path = tmp_path / "m.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "legacy":
            torch.onnx.export(module, (x,), str(path), dynamo=False, input_names=["x"])
        else:
            torch.onnx.export(module, (x,), str(path), dynamo=True, external_data=True)
    result = fold(read_model(path))
    assert check_runtime(result, path=path).holds
    with torch.no_grad():
        expected = module.double()(x.double()).reshape(len(x), -1).numpy()
    assert np.allclose(result.evaluate(x.double().reshape(len(x), -1).numpy()), expected, atol=1e-5)


@pytest.mark.parametrize("suffix", [".pt", ".safetensors"])
@pytest.mark.parametrize("name", ["batch norm", "square"])
def test_state_dicts_fold_to_the_module_once_stated(tmp_path, suffix, name):
    torch = require("torch", "TORCH")
    module = _module(torch, name).eval()
    path = tmp_path / f"m{suffix}"
    if suffix == ".pt":
        torch.save(module.state_dict(), path)
    else:
        from safetensors.torch import save_file

        save_file(module.state_dict(), str(path))
    stated = {"bn_eps": 1e-3} if name == "batch norm" else {}
    result = fold(read_model(path, weight_layout="out-in", assume_identity_gaps=True, **stated))
    assert check_runtime(result, path=path).holds
    x = torch.randn(4, 3, dtype=torch.float64)
    with torch.no_grad():
        expected = module.double()(x).numpy()
    assert np.allclose(result.evaluate(x.numpy()), expected, atol=1e-5)


ONNX_TEST_MODELS = [
    "test_Linear",  # opset-6 Gemm: onnxruntime cannot run it, onnx's reference evaluator can
    "test_Linear_no_bias",
    "test_Conv1d",
    "test_Conv1d_pad2",
    "test_Conv1d_stride",
    "test_BatchNorm2d_eval",
    "test_AvgPool1d_stride",
    "test_AvgPool2d",
    "test_AvgPool3d_stride",
    "test_operator_view",
]


@pytest.mark.parametrize("name", ONNX_TEST_MODELS)
def test_onnx_own_test_models_fold_to_their_stored_outputs(name):
    """onnx ships these models with an input and the output torch computed: the fold of the
    model at that input is that output, within float32 rounding."""
    onnx = require("onnx", "ONNX")
    from pathlib import Path

    from onnx import numpy_helper

    data_root = Path(onnx.__file__).parent / "backend/test/data"
    kind = "pytorch-operator" if name.startswith("test_operator") else "pytorch-converted"
    folder = data_root / kind / name
    if not folder.is_dir():
        pytest.skip(f"this onnx has no {name}")
    result = fold(read_model(folder / "model.onnx"))
    data = folder / "test_data_set_0"
    x, y = (
        numpy_helper.to_array(onnx.load_tensor(str(data / f"{kind}_0.pb")))
        for kind in ("input", "output")
    )
    assert check_runtime(result, path=folder / "model.onnx").holds
    folded = result.evaluate(x.astype(np.float64).reshape(len(x), -1))
    assert np.allclose(folded, y.reshape(len(y), -1), rtol=1e-4, atol=1e-5)


MODULE_KINDS = st.lists(
    st.sampled_from(["Linear", "Linear", "ReLU", "Dropout", "BatchNorm1d", "Identity"]),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kinds=MODULE_KINDS, widths=st.lists(st.integers(1, 4), min_size=6, max_size=6))
def test_a_state_dict_is_refused_or_folds_to_its_module(tmp_path, kinds, widths):
    """Never a wrong answer: a random ``nn.Sequential`` saved as a state_dict and read with
    nothing stated either is refused or folds to what the module computes."""
    torch = require("torch", "TORCH")
    nn, modules, width = torch.nn, [], widths[0]
    for k, kind in enumerate(kinds):
        if kind == "Linear":
            modules.append(nn.Linear(width, widths[k + 1]))
            width = widths[k + 1]
        elif kind == "BatchNorm1d":
            norm = nn.BatchNorm1d(width, eps=10.0 ** -(k + 1))
            norm.running_mean.uniform_(-1, 1)
            norm.running_var.uniform_(0.5, 2)
            modules.append(norm)
        else:
            modules.append(getattr(nn, kind)())
    module = nn.Sequential(*modules).eval()
    path = tmp_path / "m.pt"
    torch.save(module.state_dict(), path)
    try:
        result = fold(read_model(path, bn_eps=None))
    except SpecError:
        return
    x = torch.randn(5, widths[0], dtype=torch.float64)
    with torch.no_grad():
        expected = module.double()(x).numpy()
    assert np.allclose(result.evaluate(x.numpy()), expected, atol=1e-6)
