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
from symcollapse.spec.model_readers import read_model
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
        "Conv1d groups 2": (nn.Sequential(nn.Conv1d(4, 6, 3, groups=2), nn.Flatten()), (4, 7)),
        "Conv1d dilation 2": (nn.Sequential(nn.Conv1d(2, 2, 3, dilation=2), nn.Flatten()), (2, 9)),
        "Conv2d 3x3 s2 p1": (
            nn.Sequential(nn.Conv2d(2, 3, 3, stride=2, padding=1), nn.Flatten()),
            (2, 5, 6),
        ),
        "Conv2d depthwise (2,3)": (
            nn.Sequential(nn.Conv2d(3, 3, (2, 3), groups=3, dilation=(2, 1)), nn.Flatten()),
            (3, 5, 5),
        ),
        "ConvTranspose1d k3 s2 p1 op1": (
            nn.Sequential(
                nn.ConvTranspose1d(2, 3, 3, stride=2, padding=1, output_padding=1), nn.Flatten()
            ),
            (2, 4),
        ),
        "ConvTranspose2d groups 2": (
            nn.Sequential(nn.ConvTranspose2d(4, 2, 2, stride=2, groups=2), nn.Flatten()),
            (4, 3, 2),
        ),
        "AvgPool1d k3 p1 counting padding": (
            nn.Sequential(nn.AvgPool1d(3, stride=2, padding=1), nn.Flatten()),
            (2, 7),
        ),
        "AvgPool1d k3 p1 not counting padding": (
            nn.Sequential(
                nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False), nn.Flatten()
            ),
            (2, 7),
        ),
        "AvgPool2d k2 p1 not counting padding": (
            nn.Sequential(
                nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False), nn.Flatten()
            ),
            (1, 3, 4),
        ),
        "AvgPool1d k2 s2 ceil_mode": (nn.Sequential(nn.AvgPool1d(2, ceil_mode=True)), (2, 7)),
        "AvgPool2d k3 s2 p1 ceil_mode not counting padding": (
            nn.Sequential(
                nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                nn.Flatten(),
            ),
            (1, 6, 5),
        ),
        "ZeroPad1d, MaxPool1d k1 s2": (
            nn.Sequential(nn.ConstantPad1d((1, 2), 0.5), nn.MaxPool1d(1, stride=2), nn.Flatten()),
            (2, 5),
        ),
        "Conv1d, BatchNorm1d, residual": (_Residual(nn), (2, 6)),
    }
    module, shape = cases[name]
    return module.eval(), shape


def _Residual(nn):
    """``x + bn(conv(x))`` then a concatenation with ``x / 4``: branches joined by Add and
    Concat."""

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv1d(2, 2, 3, padding=1), nn.BatchNorm1d(2)

        def forward(self, x):
            import torch

            return torch.cat([x + self.bn(self.conv(x)), x / 4], dim=1).flatten(1)

    module = Residual()
    module.bn.running_mean.uniform_(-1, 1)
    module.bn.running_var.uniform_(0.5, 2)
    return module


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
    "Conv1d groups 2",
    "Conv1d dilation 2",
    "Conv2d 3x3 s2 p1",
    "Conv2d depthwise (2,3)",
    "ConvTranspose1d k3 s2 p1 op1",
    "ConvTranspose2d groups 2",
    "AvgPool1d k3 p1 counting padding",
    "AvgPool1d k3 p1 not counting padding",
    "AvgPool2d k2 p1 not counting padding",
    "AvgPool1d k2 s2 ceil_mode",
    "AvgPool2d k3 s2 p1 ceil_mode not counting padding",
    "ZeroPad1d, MaxPool1d k1 s2",
    "Conv1d, BatchNorm1d, residual",
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
        (lambda nn: nn.MaxPool1d(2), "is not affine: a maximum over windows of"),
        (lambda nn: nn.ReflectionPad1d(1), "only constant padding is affine"),
    ],
)
def test_what_is_not_read_is_refused(tmp_path, make, message):
    torch = require("torch", "TORCH")
    module = make(torch.nn).eval()
    shape = (2, 7)
    path = _export(torch, module, shape, tmp_path / "m.onnx", "legacy")
    with pytest.raises(SpecError, match=message):
        read_model(path)
