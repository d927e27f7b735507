"""``symcollapse.fold_partial``: the affine stretches of an ONNX model folded, the smaller model
agreeing with the original in onnxruntime within the derived bound."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

import symcollapse
from symcollapse.algebra.fold import Dyadic
from symcollapse.errors import SpecError
from symcollapse.verification import partial
from tests.model_files import forward_fractions, require, save_graph
from tests.partial_models import SIX, matmuls, run, write_graph


@pytest.mark.parametrize("widths", [(6, 8, 8, 7, 5), (3, 4, 2, 5, 1), (10, 10, 10, 10, 10)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("style", ["linear", "matmul"])
def test_six_layers_lose_two_matmuls_and_agree_within_the_bound(tmp_path, widths, dtype, style):
    """The issue's done-when, with onnx.helper: Linear-Linear-ReLU-Linear-BN-Linear."""
    require("onnxruntime", "ONNXRUNTIME")
    parts = tuple(style if part == "linear" else part for part in SIX)
    path = write_graph(tmp_path / "six.onnx", parts, widths, dtype=dtype, seed=len(widths))
    result = symcollapse.fold_partial(path)
    assert [s.fold is not None for s in result.stretches] == [True, True]
    assert result.matmuls == (4, 2) and result.holds and result.check is not None
    folded = tmp_path / "folded.onnx"
    folded.write_bytes(result.content)
    assert matmuls(folded) == matmuls(path) - 2
    x = np.random.default_rng(5).standard_normal((64, widths[0])).astype(dtype)
    deviation = np.abs(run(folded, x).astype(np.float64) - run(path, x))
    assert deviation.max() <= result.check.bound


def test_torch_exports_lose_two_matmuls(tmp_path):
    """The same with torch.onnx.export (which fuses the batch norm into the Gemm before it)."""
    torch = require("torch", "TORCH")
    require("onnxscript", "ONNXSCRIPT")
    torch.manual_seed(0)
    norm = torch.nn.BatchNorm1d(7, eps=1e-3)
    norm.running_mean.uniform_(-1, 1)
    norm.running_var.uniform_(0.5, 2)
    layers = [torch.nn.Linear(6, 8), torch.nn.Linear(8, 8), torch.nn.ReLU()]
    module = torch.nn.Sequential(*layers, torch.nn.Linear(8, 7), norm, torch.nn.Linear(7, 5))
    path = tmp_path / "six.onnx"
    batch = {0: torch.export.Dim("batch")}
    torch.onnx.export(module.eval(), (torch.randn(2, 6),), str(path), dynamic_shapes=(batch,))
    result = symcollapse.fold_partial(path)
    assert result.holds and result.matmuls[0] - result.matmuls[1] == 2
    folded = tmp_path / "folded.onnx"
    folded.write_bytes(result.content)
    x = torch.randn(32, 6)
    with torch.no_grad():
        expected = module(x).double().numpy()
    assert np.abs(run(folded, x.numpy()) - expected).max() <= result.check.bound


def test_a_stretch_is_folded_exactly(tmp_path):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "m.onnx", ("relu", "linear", "linear"), (2, 3, 2), seed=4)
    (stretch,) = symcollapse.fold_partial(path).stretches
    from onnx import load, numpy_helper

    arrays = {t.name: numpy_helper.to_array(t) for t in load(str(path)).graph.initializer}
    layers = [(arrays[f"W{k}"], arrays[f"b{k}"]) for k in (1, 2)]
    x = [Fraction(1, 3), Fraction(-5, 7)]
    W_z, b_z = stretch.fold.W_z_fractions(), stretch.fold.b_z_fractions()
    folded = [
        sum(w * v for w, v in zip(row, x, strict=True)) + c for row, c in zip(W_z, b_z, strict=True)
    ]
    assert folded == forward_fractions(layers, x)
    assert (stretch.stretch.source, stretch.stretch.target) == ("t0", "t2")


@pytest.mark.parametrize(
    ("parts", "widths", "reason"),
    [
        (("linear", "relu", "linear"), (3, 4, 2), "fewer than two computing nodes"),
        (
            ("linear", "linear", "tanh"),
            (20, 2, 20),
            "420 numbers, more than its 102: one dense matrix",
        ),
    ],
)
def test_stretches_not_worth_folding_are_left_as_they_are(tmp_path, parts, widths, reason):
    path = write_graph(tmp_path / "m.onnx", parts, widths)
    result = symcollapse.fold_partial(path)
    assert result.content is None and result.matmuls == (2, 2) and result.holds
    assert all(s.fold is None for s in result.stretches)
    assert any(reason in s.left for s in result.stretches)


def test_a_tensor_input_is_reshaped_around_the_gemm(tmp_path):
    require("onnxruntime", "ONNXRUNTIME")
    parts = ("flatten", "linear", "linear", "relu", "linear")
    path = write_graph(tmp_path / "m.onnx", parts, (6, 5, 4, 3), input_shape=(2, 3))
    result = symcollapse.fold_partial(path)
    assert result.holds and result.matmuls == (3, 2)
    x = np.random.default_rng(1).standard_normal((8, 2, 3)).astype(np.float32)
    deviation = np.abs(run(result.content, x).astype(np.float64) - run(path, x))
    assert deviation.max() <= result.check.bound


def test_no_bound_is_carried_through_tanh_but_each_stretch_is_checked(tmp_path):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "m.onnx", ("linear", "linear", "tanh", "linear"), (3, 4, 4, 2))
    result = symcollapse.fold_partial(path)
    assert result.check is None and "'tanh2' is not Relu or Clip" in result.unbounded
    assert result.holds and len(result.checks) == 2


def test_a_wrong_fold_is_caught(tmp_path, monkeypatch):
    """The checks can fail: a fold nudged by one part in 10**5 is above the bound."""
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5))
    right = partial.fold_model

    def nudged(model, **keywords):
        result = right(model, **keywords)
        return replace(result, W_z=Dyadic.of(result.W_z.floats() * (1 + 1e-5)))

    monkeypatch.setattr(partial, "fold_model", nudged)
    result = symcollapse.fold_partial(path)
    assert not result.holds
    assert not any(s.original.holds for s in result.stretches)


def test_a_wrong_rewrite_is_caught(tmp_path, monkeypatch):
    """A Gemm that writes W_z rounded the wrong way (its transpose) fails its own check and the
    whole model's."""
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "m.onnx", ("linear", "linear", "relu"), (4, 4, 4))
    right = partial._replacement

    def transposed(graph, k, stretch, result, batched):
        W_z = Dyadic.of(result.W_z.floats().T.copy())
        return right(graph, k, stretch, replace(result, W_z=W_z), batched)

    monkeypatch.setattr(partial, "_replacement", transposed)
    result = symcollapse.fold_partial(path)
    assert not result.stretches[0].replaced.holds and not result.check.holds


@pytest.mark.parametrize(
    ("name", "message"),
    [("m.npz", "partial folding reads ONNX models"), ("missing.onnx", "cannot read model file")],
)
def test_bad_paths_are_one_typed_line(tmp_path, name, message):
    with pytest.raises(SpecError, match=message):
        symcollapse.fold_partial(tmp_path / name)


def test_external_data_is_read_safely_and_inlined_in_the_new_model(tmp_path):
    onnx = require("onnx", "ONNX")
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5))
    external = tmp_path / "external.onnx"
    onnx.save_model(
        onnx.load(str(path)),
        str(external),
        save_as_external_data=True,
        location="external.data",
        size_threshold=0,
    )
    result = symcollapse.fold_partial(external)
    assert result.holds and result.matmuls == (4, 2)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "folded.onnx").write_bytes(result.content)  # runs without the data file
    x = np.random.default_rng(2).standard_normal((8, 6)).astype(np.float32)
    assert np.abs(run(elsewhere / "folded.onnx", x) - run(path, x)).max() <= result.check.bound


@pytest.mark.parametrize("shape", [[4], [3, 4]])
def test_vectors_and_a_fixed_batch_are_folded(tmp_path, shape):
    """An input without a batch dimension (a vector) and one with a fixed batch of 3."""
    onnx = require("onnx", "ONNX")
    require("onnxruntime", "ONNXRUNTIME")
    from onnx import helper, numpy_helper

    rng = np.random.default_rng(3)
    inits = [
        numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "W"),
        numpy_helper.from_array(rng.standard_normal((3, 2)).astype(np.float32), "V"),
    ]
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["a"]),
        helper.make_node("MatMul", ["a", "V"], ["b"]),
        helper.make_node("Relu", ["b"], ["y"]),
    ]
    path = save_graph(tmp_path / "m.onnx", nodes, inits, onnx.TensorProto.FLOAT, shape)
    result = symcollapse.fold_partial(path)
    assert result.holds and result.matmuls == (2, 1) and result.check is not None
    x = rng.standard_normal(shape).astype(np.float32)
    new, old = (run(source, x) for source in (result.content, path))
    assert np.abs(new - old).max() <= result.check.bound


@pytest.mark.parametrize("seed", range(40))
def test_a_damaged_model_is_one_typed_line_or_a_checked_fold(tmp_path, seed):
    """A few bytes of the six-layer model changed (names that are no UTF-8, shapes, attributes):
    a SymcollapseError, or a fold whose checks ran."""
    require("onnxruntime", "ONNXRUNTIME")
    import random

    data = bytearray(write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5)).read_bytes())
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    path = tmp_path / "damaged.onnx"
    path.write_bytes(bytes(data))
    try:
        result = symcollapse.fold_partial(path)
    except symcollapse.SymcollapseError as error:
        assert "\n" not in str(error)
    else:
        assert result.content is None or result.checks
