"""``symcollapse.fold(obj)``: a path, a torch module or (W, b) pairs, folded and checked."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

import symcollapse
from symcollapse.errors import SpecError, SymcollapseWarning
from tests.model_files import dense_layers, forward_fractions, require, state_dict, write_onnx


@pytest.mark.parametrize("widths", [(2, 3, 1), (3, 3, 3), (4, 1)])
def test_pairs_fold_exactly_and_say_the_check_is_arithmetic(widths):
    layers = dense_layers(widths, seed=1)
    result = symcollapse.fold(layers)
    x = [Fraction(k + 1, 3) for k in range(widths[0])]
    folded = [
        sum(w * v for w, v in zip(row, x, strict=True)) + c
        for row, c in zip(result.W_z, result.b_z, strict=True)
    ]
    assert folded == forward_fractions(layers, x)
    assert result.check.holds and not result.check.independent


def test_paths_and_modules(tmp_path):
    torch = require("torch", "TORCH")
    require("onnxruntime", "ONNXRUNTIME")
    path = write_onnx(dense_layers((3, 4, 2), seed=2), tmp_path / "m.onnx")
    assert symcollapse.fold(path).check.runtime == "onnxruntime"
    module = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 2)).eval()
    from_module = symcollapse.fold(module)
    assert from_module.check.independent and from_module.check.holds
    torch.save(module.state_dict(), tmp_path / "m.pt")
    from_file = symcollapse.fold(
        str(tmp_path / "m.pt"), weight_layout="out-in", assume_identity_gaps=True
    )
    assert from_file.W_z == from_module.W_z and from_file.check.runtime.startswith("PyTorch")


@pytest.mark.parametrize(
    ("obj", "keywords", "message"),
    [
        ([], {}, r"^no layers to fold$"),
        ([(np.ones((2, 3)), np.ones(3))], {}, r"^layer 0: W of shape \(2, 3\) and b of \(3,\) do"),
        ([np.ones((2, 2))], {}, r"^layer 0 must be a pair \(W, b\), got ndarray$"),
        ("missing.npz", {}, r"cannot read model file"),
        (
            None,
            {},
            r"^expected a model file's path, .* list of \(W, b\) pairs, got NoneType$",
        ),
        ([(np.ones((1, 1)), np.ones(1))], {"bn_eps": 1e-5}, r"^bn_eps applies to state_dict"),
        ([(np.ones((1, 1)), np.ones(1))], {"samples": 0}, r"^samples must be an integer from 1"),
        ([(np.ones((1, 1)), np.ones(1))], {"seed": -1}, r"^seed must be an integer from 0"),
    ],
)
def test_bad_arguments_are_one_typed_line(tmp_path, obj, keywords, message):
    with pytest.raises(SpecError, match=message):
        symcollapse.fold(obj, **keywords)


def test_a_state_dict_with_a_gap_needs_it_stated(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, **state_dict(dense_layers((2, 3, 1), seed=3), step=2))
    with pytest.raises(SpecError, match=r"say so with assume_identity_gaps$"):
        symcollapse.fold(path)
    with pytest.warns(SymcollapseWarning, match="taken as an identity map, as stated"):
        assert symcollapse.fold(path, assume_identity_gaps=True).check.holds


def test_pairs_read_as_given_warn_of_nothing(recwarn):
    symcollapse.fold([([[1.0, 2.0]], [0.5])])
    assert not [w for w in recwarn if issubclass(w.category, SymcollapseWarning)]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("form", ["safetensors", "pt", "module"])
def test_half_precision_weights_fold_and_are_checked_by_torch(tmp_path, dtype, form):
    """bfloat16 and float16 weights, a Linear(bias=False) among them: the fold is exact for the
    stored weights, torch checks it (bfloat16 widened to float32, and said so)."""
    torch = require("torch", "TORCH")
    require("safetensors", "SAFETENSORS")
    from safetensors.torch import save_file

    torch.manual_seed(4)
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2, bias=False))
    module = module.to(getattr(torch, dtype)).eval()
    obj: object = module
    keywords = {"assume_identity_gaps": True, "weight_layout": "out-in"}
    if form == "safetensors":
        save_file(module.state_dict(), tmp_path / "m.safetensors")
        obj = tmp_path / "m.safetensors"
    elif form == "pt":
        torch.save(module.state_dict(), tmp_path / "m.pt")
        obj = tmp_path / "m.pt"
    else:
        keywords = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = symcollapse.fold(obj, **keywords)
    assert result.check.holds and result.check.independent
    said = [str(w.message) for w in caught if issubclass(w.category, SymcollapseWarning)]
    assert any("bfloat16 weights widened" in note for note in said) == (dtype == "bfloat16")
    assert result.check.runtime.endswith("in float32") == (dtype == "bfloat16")
    layers = [
        (
            layer.weight.detach().float().numpy(),
            np.zeros(layer.out_features)
            if layer.bias is None
            else layer.bias.detach().float().numpy(),
        )
        for layer in module
    ]
    x = [Fraction(1, 3), Fraction(-2, 5), Fraction(7, 4)]
    folded = [
        sum(w * v for w, v in zip(row, x, strict=True)) + c
        for row, c in zip(result.W_z, result.b_z, strict=True)
    ]
    assert folded == forward_fractions(layers, x)
