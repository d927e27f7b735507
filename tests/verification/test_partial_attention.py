"""``fold_partial`` on attention: one head's value and output projections folded into one
matrix and checked in onnxruntime; more heads reported with their counts and left."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import warnings
from dataclasses import replace

import numpy as np
import pytest

import symcollapse
from symcollapse.verification import partial
from tests.model_files import require
from tests.partial_models import attention, matmuls, multihead, run

TOKENS = 4


def _export(tmp_path, module, width, exporter, shape=None):
    torch = require("torch", "TORCH")
    require("onnxruntime", "ONNXRUNTIME")
    if exporter == "dynamo" and importlib.util.find_spec("onnxscript") is None:
        pytest.skip("the dynamo exporter needs onnxscript")
    path = tmp_path / f"attention-{exporter}.onnx"
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        x = torch.randn(*(shape or (1, TOKENS, width)))
        torch.onnx.export(module, (x,), str(path), dynamo=exporter == "dynamo", input_names=["x"])
    return path


@pytest.mark.parametrize("exporter", ["legacy", "dynamo"])
@pytest.mark.parametrize(("width", "bias"), [(8, True), (6, False)])
def test_one_head_folds_and_agrees_with_torch(tmp_path, exporter, width, bias):
    torch = require("torch", "TORCH")
    torch.manual_seed(width)
    module = attention(torch, width, 1, bias=bias)
    path = _export(tmp_path, module, width, exporter)
    result = symcollapse.fold_partial(path)
    [folded] = result.attention
    biases = 2 * width if bias else 0
    assert folded.fold is not None and folded.check is not None and folded.check.holds
    assert (folded.pair.parameters, folded.pair.folded_parameters) == (
        2 * width * width + biases,
        width * width + width,
    )
    assert result.matmuls[1] == result.matmuls[0] - 1 and result.holds
    new = tmp_path / "folded.onnx"
    new.write_bytes(result.content)
    assert matmuls(new) == matmuls(path) - 1
    x = np.random.default_rng(3).standard_normal((1, TOKENS, width)).astype(np.float32)
    with torch.no_grad():
        expected = module.double()(torch.from_numpy(x).double()).reshape(1, -1).numpy()
    assert np.abs(run(new, x) - expected).max() < 1e-5


@pytest.mark.parametrize(("heads", "value"), [(2, None), (4, None), (2, 2)])
def test_more_heads_are_reported_with_their_counts_and_left(tmp_path, heads, value):
    torch = require("torch", "TORCH")
    torch.manual_seed(heads)
    module = attention(torch, 8, heads, value)
    result = symcollapse.fold_partial(_export(tmp_path, module, 8, "legacy"))
    [left] = result.attention
    d_h = value or 8 // heads
    assert left.fold is None and result.content is None
    assert left.pair.widths == (8, d_h, 8) and left.pair.heads == heads
    assert f"{heads} x 8 x 8 = {heads * 64} matrix entries" in left.left
    assert f"the pair's {2 * 8 * heads * d_h}" in left.left


def test_wider_heads_that_would_shrink_are_said_so_and_left(tmp_path):
    """Two heads of width 8 on d = 8: per-head products store fewer numbers, but writing them
    needs a sum over heads, which is not written."""
    torch = require("torch", "TORCH")
    module = attention(torch, 8, 2, value=8)
    [left] = symcollapse.fold_partial(_export(tmp_path, module, 8, "legacy")).attention
    assert left.fold is None and "a sum over heads, not written" in left.left


def test_a_wrong_fold_of_the_pair_fails_its_check(tmp_path, monkeypatch):
    """The check can fail: the pair folded without the output bias b_O."""
    torch = require("torch", "TORCH")
    torch.manual_seed(0)
    path = _export(tmp_path, attention(torch, 8, 1), 8, "legacy")
    fold_pair = partial._fold_pair
    monkeypatch.setattr(partial, "_fold_pair", lambda pair: fold_pair(replace(pair, b_O=None)))
    result = symcollapse.fold_partial(path)
    assert not result.attention[0].check.holds and not result.holds


def _multihead(tmp_path, heads, exporter, batch_first=True, bias=True):
    torch = require("torch", "TORCH")
    torch.manual_seed(heads)
    module = multihead(torch, 8, heads, batch_first, bias)
    shape = (1, TOKENS, 8) if batch_first else (TOKENS, 1, 8)
    path = _export(tmp_path, module, 8, exporter, shape)
    return torch, module, path


@pytest.mark.parametrize("exporter", ["legacy", "dynamo"])
@pytest.mark.parametrize("bias", [True, False])
def test_multihead_attention_of_one_head_folds_into_its_packed_projection(tmp_path, exporter, bias):
    """nn.MultiheadAttention's value columns of the packed in-projection get W_V W_O, its
    out_proj goes: one Gemm fewer, the query and key unchanged, the output as torch's."""
    torch, module, path = _multihead(tmp_path, 1, exporter, bias=bias)
    result = symcollapse.fold_partial(path)
    [folded] = result.attention
    assert folded.fold is not None and folded.check.holds and result.holds
    assert folded.pair.offset == 16 and folded.pair.packed.shape == (8, 24)
    assert (folded.pair.parameters, folded.pair.folded_parameters) == (
        128 + (16 if bias else 0),
        72,
    )
    new = tmp_path / "folded.onnx"
    new.write_bytes(result.content)
    assert matmuls(new) == matmuls(path) - 1 == result.matmuls[1]
    x = np.random.default_rng(3).standard_normal((1, TOKENS, 8)).astype(np.float32)
    with torch.no_grad():
        expected = module.double()(torch.from_numpy(x).double()).reshape(1, -1).numpy()
    assert np.abs(run(new, x) - expected).max() < 1e-5


@pytest.mark.parametrize("exporter", ["legacy", "dynamo"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_multihead_attention_of_two_heads_is_left_with_both_counts(tmp_path, exporter, batch_first):
    """Two heads of 4 on d = 8: 2 x 8 x 8 = 128 entries against the pair's 2 x 4 x 16 = 128."""
    _, _, path = _multihead(tmp_path, 2, exporter, batch_first)
    result = symcollapse.fold_partial(path)
    [left] = result.attention
    assert left.fold is None and result.content is None and left.pair.widths == (8, 4, 8)
    assert "2 x 8 x 8 = 128 matrix entries, not fewer than the pair's 128" in left.left


@pytest.mark.parametrize("exporter", ["legacy", "dynamo"])
def test_multihead_attention_sequence_first_is_left_saying_why(tmp_path, exporter):
    """(tokens, 1, width): the first axis is the tokens, which the check cannot take apart."""
    _, _, path = _multihead(tmp_path, 1, exporter, batch_first=False)
    result = symcollapse.fold_partial(path)
    [left] = result.attention
    assert left.fold is None and result.content is None
    assert "export with a batch of 1" in left.left


def test_a_packed_fold_that_changes_the_query_fails_its_check(tmp_path, monkeypatch):
    """The check can fail: W_V W_O written over the query's columns instead of the value's."""
    _, _, path = _multihead(tmp_path, 1, "legacy")
    read = partial.attention_blocks

    def at_the_query(reading):
        pairs, unread = read(reading)
        return tuple(replace(pair, offset=0) for pair in pairs), unread

    monkeypatch.setattr(partial, "attention_blocks", at_the_query)
    result = symcollapse.fold_partial(path)
    assert not result.attention[0].check.holds and not result.holds


def test_an_unread_block_is_said_by_the_command_line(tmp_path, capsys):
    """``fold --partial``: the block whose query reads the value's columns gets a line and a
    JSON entry with the reason, exit 0 with nothing written."""
    import json

    from symcollapse.cli import main
    from tests.partial_models import packed_graph

    path = packed_graph(tmp_path / "p.onnx", query=(6, 10))
    assert main(["fold", str(path), "--partial"]) == 0
    out = capsys.readouterr().out
    assert "attention at node 11 MatMul: projections not read, left as is: 'qh' reads" in out
    assert "nothing written" in out
    assert main(["fold", str(path), "--partial", "--format", "json"]) == 0
    [unread] = json.loads(capsys.readouterr().out)["attention_unread"]
    assert unread == {"node": "node 11 MatMul", "reason": "'qh' reads the value's columns too"}
