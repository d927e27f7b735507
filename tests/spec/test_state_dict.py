"""State_dicts read with nothing assumed: layouts, batch norm eps, depth and hostile tensors."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.state_dict import model_from_state_dict
from tests.model_files import dense_layers, require, state_dict


def _read(tensors, **stated):
    return model_from_state_dict(tensors, "m", "npz", **{"assume_identity_gaps": True, **stated})


@pytest.mark.parametrize("widths", [(2, 3, 1), (3, 5, 2), (4, 1)])
@pytest.mark.parametrize("stored", ["out-in", "in-out"])
def test_a_layout_the_shapes_fix_is_read_without_being_told(widths, stored):
    layers = dense_layers(widths, seed=1)
    saved = [(W if stored == "out-in" else W.T.copy(), b) for W, b in layers]
    model = _read(state_dict(saved))
    assert model.weight_layout == stored and model.widths == widths
    read = [layer.weight for layer in model.layers]
    assert all(np.array_equal(a, W) for a, (W, _) in zip(read, layers, strict=True))


@pytest.mark.parametrize("widths", [(3, 3, 3), (2, 2)])
def test_square_weights_need_their_layout_stated(widths):
    layers = dense_layers(widths, seed=2)
    with pytest.raises(
        SpecError,
        match=r"^m: the weights' shapes fit both layouts, .* with weight_layout, out-in or in-out$",
    ):
        _read(state_dict(layers))
    as_stored = _read(state_dict(layers), weight_layout="out-in")
    transposed = _read(state_dict(layers), weight_layout="in-out")
    assert np.array_equal(as_stored.layers[0].weight, transposed.layers[0].weight.T)


def test_bias_free_chains_the_transpose_also_fits_are_ambiguous():
    tensors = {"0.weight": np.ones((4, 3), np.float32), "1.weight": np.ones((3, 4), np.float32)}
    tensors["1.weight"][0, 0] = 2
    with pytest.raises(SpecError, match="fit both layouts"):
        _read(tensors)


def test_symmetric_square_weights_mean_the_same_either_way():
    tensors = {"0.weight": np.eye(3, dtype=np.float32) * 2, "0.bias": np.ones(3, np.float32)}
    assert _read(tensors).widths == (3, 3)


def _batch_norm(eps_given):
    layers = dense_layers((2, 3), seed=3)
    tensors = state_dict(layers)
    tensors.update(
        {
            "1.running_mean": np.ones(3, np.float32),
            "1.running_var": np.full(3, 2, np.float32),
            "1.weight": np.full(3, 3, np.float32),
            "1.bias": np.zeros(3, np.float32),
            "1.num_batches_tracked": np.array(7, np.int64),
        }
    )
    return _read(tensors, bn_eps=eps_given)


def test_a_batch_norm_needs_its_eps():
    with pytest.raises(
        SpecError,
        match=r"^m: module 1 is a batch norm, .* with bn_eps \(PyTorch's default is 1e-5\)$",
    ) as error:
        _batch_norm(None)
    assert error.value.parameter == "bn_eps"
    model = _batch_norm(1e-3)
    assert model.bn_eps == 1e-3
    assert np.allclose(np.diag(model.layers[-1].weight), 3 / np.sqrt(2 + 1e-3))


@pytest.mark.parametrize("eps", [float("nan"), -1.0, float("inf")])
def test_bad_eps_is_refused(eps):
    with pytest.raises(SpecError, match=r"^bn_eps must be a finite number >= 0"):
        _batch_norm(eps)


def test_depth_is_limited_before_reading():
    tensors = state_dict(dense_layers((1,) * 70, seed=4))
    with pytest.raises(SizeLimitError, match=r"^m has 69 layers, above the limit of 60"):
        _read(tensors)
    assert len(_read(tensors, max_depth=69).layers) == 69


def test_size_is_estimated_from_the_shapes():
    tensors = {"0.weight": np.broadcast_to(np.float32(0), (15000, 15000))}
    with pytest.raises(SizeLimitError, match=r"1,800,000,000 bytes as float64, above the limit"):
        _read(tensors)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: t.zeros((2, 2), dtype=t.float8_e4m3fn), "holds float8_e4m3fn numbers"),
        (lambda t: t.eye(2).to_sparse(), "is a torch.sparse_coo tensor"),
        (lambda t: t.zeros((2, 2), device="meta"), "is on the meta device"),
        (lambda t: t.zeros((0, 2)), r"has shape \(0, 2\): no entries"),
        (lambda t: t.zeros(1).expand(40000, 40000), "bytes as float64, above the limit"),
    ],
)
def test_torch_tensors_are_checked_before_conversion(make, message):
    torch = require("torch", "TORCH")
    with pytest.raises((SpecError, SizeLimitError), match=message):
        _read({"0.weight": make(torch)})


def test_a_float_dtype_without_a_shape_is_refused():
    with pytest.raises(
        SpecError, match=r"'0.weight' is a SimpleNamespace with a dtype and no shape"
    ):
        _read({"0.weight": SimpleNamespace(dtype="float32")})


def test_bfloat16_and_float16_tensors():
    torch = require("torch", "TORCH")
    weight = torch.tensor([[1.5, -2.0]], dtype=torch.bfloat16)
    model = _read({"0.weight": weight, "0.bias": torch.tensor([0.25], dtype=torch.bfloat16)})
    assert model.layers[0].weight.tolist() == [[1.5, -2.0]] and model.dtype == np.float32
    half = _read({"0.weight": np.ones((1, 2), np.float16), "0.bias": np.ones(1, np.float16)})
    assert half.dtype == np.float16


def test_bfloat16_safetensors_files(tmp_path):
    torch = require("torch", "TORCH")
    from safetensors.torch import save_file

    from symcollapse.spec.model_readers import read_model

    weight = torch.tensor([[1.5, -2.0, 0.25]], dtype=torch.bfloat16)
    save_file(
        {"0.weight": weight, "0.bias": torch.ones(1, dtype=torch.bfloat16)},
        tmp_path / "m.safetensors",
    )
    model = read_model(tmp_path / "m.safetensors", assume_identity_gaps=True)
    assert model.layers[0].weight.tolist() == [[1.5, -2.0, 0.25]] and model.widths == (3, 1)


def test_an_eps_without_a_batch_norm_is_refused():
    with pytest.raises(SpecError, match=r"^m has no batch norm for bn_eps to apply to$"):
        _read(state_dict(dense_layers((2, 3), seed=8)), bn_eps=1e-5)
