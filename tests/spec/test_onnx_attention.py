"""Attention value/output pairs found in ONNX graphs built with onnx.helper: the pattern torch
exports, and the near misses that are not it."""

from __future__ import annotations

import numpy as np
import pytest

from symcollapse.spec.onnx_attention import AttentionPair, attention_blocks, attention_pairs
from symcollapse.spec.onnx_stretches import read_stretches
from tests.partial_models import ATTENTION_WIDTH as WIDTH
from tests.partial_models import attention_graph, packed_graph


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


def test_a_packed_projection_cut_by_slices_is_traced_to_its_value_columns(tmp_path):
    """Query, key and value cut from one MatMul by Slice, heads made by Unsqueeze: the value
    is columns 8:12 of the packed weights, found by the trace, not by the ops."""
    [pair] = attention_pairs(read_stretches(packed_graph(tmp_path / "p.onnx"), "packed"))
    assert pair.offset == 8 and pair.packed.shape == (WIDTH, 12)
    assert (pair.packed[:, 8:12] == pair.W_V).all() and pair.heads == 1
    assert "packed with the query and key" in pair.described


def _relu_value(path):
    """:func:`attention_graph` with the value's MatMul made a Relu of the input."""
    import onnx

    model = onnx.load(str(attention_graph(path, 1)))
    [value] = [node for node in model.graph.node if node.output[0] == "v"]
    value.op_type, value.input[:] = "Relu", ["x"]
    path.write_bytes(model.SerializeToString())
    return path


def _permuted(tensor: str, perm: list[int]):
    """:func:`attention_graph` of two heads whose Transpose to ``tensor`` takes ``perm``:
    heads split or joined as (width, heads), column ``j H + h``."""

    def write(path):
        import onnx

        model = onnx.load(str(attention_graph(path, 2)))
        [node] = [node for node in model.graph.node if node.output[0] == tensor]
        node.attribute[0].ints[:] = perm
        path.write_bytes(model.SerializeToString())
        return path

    return write


@pytest.mark.parametrize(
    ("graph", "reason"),
    [
        (lambda p: packed_graph(p, query=(6, 10)), "'qh' reads the value's columns too"),
        (lambda p: attention_graph(p, 1, reread=True), "'e' reads the value's columns too"),
        (_relu_value, "not moved out of a MatMul with constant weights"),
        (_permuted("pt", [0, 2, 3, 1]), "the heads are not joined in order"),
        (_permuted("vt", [0, 3, 1, 2]), "the value's heads are not consecutive columns"),
    ],
)
def test_a_block_whose_value_is_not_traced_is_reported_with_why(tmp_path, graph, reason):
    """A query overlapping the value's columns, a value's reshape read by an Add, a value
    from a Relu, heads joined out of order: no pair, the block named with the reason."""
    pairs, [unread] = attention_blocks(read_stretches(graph(tmp_path / "a.onnx"), "a"))
    assert pairs == () and reason in unread.reason and "MatMul" in unread.name


@pytest.mark.parametrize("heads", [2, 3, 4, 8, 16])
@pytest.mark.parametrize("d_h", [1, 2, 8, 64])
def test_several_heads_of_width_d_over_h_never_store_fewer(heads, d_h):
    """For d = d_out = H d_h the per-head products hold H d d_out = H^3 d_h^2 entries against
    the pair's H d_h (d + d_out) = 2 H^2 d_h^2: equal at two heads, more beyond; so the pair
    is left and its line gives both counts."""
    d = heads * d_h
    pair = AttentionPair(
        (0, None, 1, None),
        0,
        ("a", "b"),
        "x",
        "w",
        heads,
        np.ones((d, d), np.float32),
        None,
        np.ones((d, d), np.float32),
        None,
        "y",
        np.ones((d, d), np.float32),
        None,
        0,
    )
    entries, stored = heads * d * d, heads * d_h * (d + d)
    assert entries >= stored and (entries == stored) == (heads == 2)
    assert f"{heads} x {d} x {d} = {entries:,} matrix entries" in pair.left()
    assert f"not fewer than the pair's {stored:,}" in pair.left()
