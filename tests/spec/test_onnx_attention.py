"""Attention value/output pairs found in ONNX graphs built with onnx.helper: the pattern torch
exports, and the near misses that are not it."""

from __future__ import annotations

import pytest

from symcollapse.spec.onnx_attention import attention_pairs
from symcollapse.spec.onnx_stretches import read_stretches
from tests.partial_models import ATTENTION_WIDTH as WIDTH
from tests.partial_models import attention_graph


def _attention(path, heads: int, **change):
    return read_stretches(attention_graph(path, heads, **change), "attention")


@pytest.mark.parametrize(("heads", "bias"), [(1, True), (2, True), (4, False)])
def test_the_pattern_is_found_with_its_heads_and_counts(tmp_path, heads, bias):
    [pair] = attention_pairs(_attention(tmp_path / "a.onnx", heads, bias=bias))
    assert pair.heads == heads and pair.widths == (WIDTH, WIDTH // heads, WIDTH)
    assert pair.parameters == 2 * WIDTH * WIDTH + (WIDTH if bias else 0) + WIDTH
    assert pair.folded_parameters == heads * WIDTH * WIDTH + WIDTH
    assert (pair.left() is None) == (heads == 1)


@pytest.mark.parametrize(
    "change",
    [
        {"reread": True},  # the value's reshape read by another node
        {"axis": None, "opset": 11},  # a Softmax over axes 1 onwards (the old default)
        {"axis": 2},  # over the queries, not the keys
    ],
)
def test_near_misses_are_not_read_as_pairs(tmp_path, change):
    assert attention_pairs(_attention(tmp_path / "a.onnx", 1, **change)) == ()


def test_a_softmax_of_opset_11_over_the_last_axis_is_read(tmp_path):
    assert len(attention_pairs(_attention(tmp_path / "a.onnx", 1, axis=-1, opset=11))) == 1


def test_a_malformed_node_on_the_way_matches_nothing(tmp_path):
    """A Dropout without inputs where the softmax's weights come from: no pair, no crash."""
    import onnx

    path = attention_graph(tmp_path / "a.onnx", 1)
    model = onnx.load(str(path))
    [softmax] = [node for node in model.graph.node if node.op_type == "Softmax"]
    softmax.op_type, softmax.input[:] = "Dropout", []
    del softmax.attribute[:]
    path.write_bytes(model.SerializeToString())
    assert attention_pairs(read_stretches(path, "attention")) == ()
