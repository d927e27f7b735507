"""Convolutions and average pooling exported by torch, folded through the layer kinds of
``symcollapse layers`` and compared with the module and with onnxruntime."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

from symcollapse.algebra.fold import fold
from symcollapse.errors import SpecError
from symcollapse.spec.layers import Conv1D
from symcollapse.spec.models import read_model
from symcollapse.verification.runtime import check_runtime
from tests.model_files import require


def _case(torch, name):
    torch.manual_seed(1)
    nn = torch.nn
    cases = {
        "Conv1d 1x1": (nn.Sequential(nn.Conv1d(4, 3, 1), nn.Flatten(), nn.Linear(15, 2)), (4, 5)),
        "Conv1d k3 s2 p1, AvgPool1d": (
            nn.Sequential(nn.Conv1d(2, 3, 3, stride=2, padding=1), nn.AvgPool1d(2), nn.Flatten()),
            (2, 8),
        ),
        "Conv2d 1x1": (nn.Sequential(nn.Conv2d(3, 2, 1), nn.Flatten()), (3, 2, 2)),
        "AvgPool1d k3 s1": (nn.Sequential(nn.AvgPool1d(3, stride=1), nn.Flatten()), (2, 6)),
        "AvgPool2d k(2,3)": (nn.Sequential(nn.AvgPool2d((2, 3)), nn.Flatten()), (2, 4, 6)),
    }
    module, shape = cases[name]
    return module.eval(), shape


def _export(torch, module, shape, path, exporter):
    x = torch.randn(2, *shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), str(path), dynamo=exporter == "dynamo", input_names=["x"])
    return path


NAMES = [
    "Conv1d 1x1",
    "Conv1d k3 s2 p1, AvgPool1d",
    "Conv2d 1x1",
    "AvgPool1d k3 s1",
    "AvgPool2d k(2,3)",
]


@pytest.mark.parametrize("exporter", ["legacy", "dynamo"])
@pytest.mark.parametrize("name", NAMES)
def test_convolutions_fold_to_the_module(tmp_path, name, exporter):
    torch = require("torch", "TORCH")
    require("onnxruntime", "ONNXRUNTIME")
    if exporter == "dynamo" and importlib.util.find_spec("onnxscript") is None:
        pytest.skip("the dynamo exporter needs onnxscript")
    module, shape = _case(torch, name)
    path = _export(torch, module, shape, tmp_path / "m.onnx", exporter)
    result = fold(read_model(path))
    assert check_runtime(result, path=path).holds
    x = torch.randn(3, *shape, dtype=torch.float64)
    with torch.no_grad():
        expected = module.double()(x).reshape(3, -1).numpy()
    assert np.allclose(result.evaluate(x.reshape(3, -1).numpy()), expected, atol=1e-5)


def test_a_wrong_tap_is_caught(tmp_path, monkeypatch):
    torch = require("torch", "TORCH")
    require("onnxruntime", "ONNXRUNTIME")
    module, shape = _case(torch, "Conv1d k3 s2 p1, AvgPool1d")
    path = _export(torch, module, shape, tmp_path / "m.onnx", "legacy")
    tap = Conv1D.tap
    monkeypatch.setattr(Conv1D, "tap", lambda self, i, j: self.kernel_size - 1 - tap(self, i, j))
    assert not check_runtime(fold(read_model(path)), path=path).holds


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda nn: nn.Conv1d(4, 4, 1, groups=2), "attribute 'group' other than 1"),
        (lambda nn: nn.Conv1d(2, 2, 3, dilation=2), "dilations are not read"),
        (lambda nn: nn.Conv2d(2, 2, 3), "is read only with a 1x1 kernel"),
        (lambda nn: nn.AvgPool1d(2, padding=1), "a padded average pool is not read"),
        (lambda nn: nn.AvgPool1d(2, ceil_mode=True), "attribute 'ceil_mode' other than 0"),
    ],
)
def test_what_is_not_read_is_refused(tmp_path, make, message):
    torch = require("torch", "TORCH")
    module = make(torch.nn).eval()
    shape = (
        (4, 6)
        if "Conv1d(4" in repr(module)
        else ((2, 6, 6) if "Conv2d" in repr(module) else (2, 6))
    )
    path = _export(torch, module, shape, tmp_path / "m.onnx", "legacy")
    with pytest.raises(SpecError, match=message):
        read_model(path)
