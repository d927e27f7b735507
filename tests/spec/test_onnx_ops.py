"""Each affine ONNX op as read, and crafted attributes refused in one line (issue 25)."""

from __future__ import annotations

import numpy as np
import pytest

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.model_readers import read_model
from tests.model_files import onnx_graph_file


def _graph(tmp_path, nodes, inits=(), shape=(1, 3), opset=17):
    """A graph on input ``x`` (float32, ``shape``) whose last node writes ``y``."""
    return onnx_graph_file(tmp_path, nodes, inits, shape, opset)


def _node(op, inputs, output="y", **attributes):
    from onnx import helper

    return helper.make_node(op, inputs, [output], **attributes)


W = np.arange(6, dtype=np.float32).reshape(2, 3) / 4


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"alpha": float("inf")}, r"attribute 'alpha' is inf, not a finite number"),
        ({"beta": float("nan")}, r"attribute 'beta' is nan, not a finite number"),
        ({"alpha": 1e300}, r"attribute 'alpha' is inf, not a finite number"),  # float32 field
        ({"alpha": [1.0, 2.0]}, r"attribute 'alpha' must be one float, got another type"),
        ({"transB": "yes"}, r"attribute 'transB' must be one int, got string"),
        ({"transB": 2}, r"attribute 'transB' must be 0 or 1, got 2"),
    ],
)
def test_crafted_gemm_attributes(tmp_path, attributes, message):
    path = _graph(tmp_path, [_node("Gemm", ["x", "W"], **attributes)], {"W": W.T.copy()})
    with pytest.raises(SpecError, match=message):
        read_model(path)


@pytest.mark.parametrize(
    ("epsilon", "message"),
    [(float("nan"), "is nan, not a finite"), (-1.0, "is -1.0, below 0")],
)
def test_crafted_batch_norm_epsilon(tmp_path, epsilon, message):
    params = {n: np.ones(3, np.float32) for n in ("g", "b", "m", "v")}
    node = _node("BatchNormalization", ["x", "g", "b", "m", "v"], epsilon=epsilon)
    with pytest.raises(SpecError, match=f"attribute 'epsilon' {message}"):
        read_model(_graph(tmp_path, [node], params))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ([1, 3, 0], r"target \[1, 3, 0\] keeps a dimension \(1, 3\) does not have"),
        ([-1, -1], "cannot reshape"),
        ([1, 4], "cannot reshape"),
        ([3, 1, 1], "mixes the batch dimension"),
    ],
)
def test_crafted_reshape_targets(tmp_path, target, message):
    node = _node("Reshape", ["x", "s"])
    with pytest.raises(SpecError, match=message):
        read_model(_graph(tmp_path, [node], {"s": np.array(target, np.int64)}))


def test_a_declared_width_far_above_the_data_is_refused_before_allocation(tmp_path):
    path = _graph(tmp_path, [_node("Add", ["x", "c"])], {"c": np.ones(1, np.float32)}, (1, 10**5))
    with pytest.raises(SizeLimitError, match=r"acts on 100,000 entries: its matrix would take"):
        read_model(path)
    huge = _graph(tmp_path, [_node("Identity", ["x"])], shape=(1, 10**6, 10**6))
    with pytest.raises(SizeLimitError, match=r"declares 1,000,000,000,000 entries"):
        read_model(huge)


def test_a_cast_to_the_same_type_is_the_identity(tmp_path):
    nodes = [_node("Cast", ["x"], "c", to=1), _node("Gemm", ["c", "W"], transB=1)]
    model = read_model(_graph(tmp_path, nodes, {"W": W}))
    assert np.array_equal(model.layers[0].matrix(), W)
    nodes = [_node("Cast", ["x"], "c", to=10), _node("Gemm", ["c", "W"], transB=1)]
    with pytest.raises(SpecError, match=r"a Cast from type 1 to 10 changes the precision"):
        read_model(_graph(tmp_path, nodes, {"W": W}))


@pytest.mark.parametrize("opset", [11, 17])
def test_constant_subgraphs_are_evaluated(tmp_path, opset):
    """``Linear(bias=False)`` as exported: ``MatMul(x, Transpose(W))``; Unsqueeze then Squeeze
    of the constant (axes an attribute before opset 13, an input since)."""
    axes = {"axes": [0]} if opset < 13 else {}
    inputs = [] if opset < 13 else ["a"]
    nodes = [
        _node("Transpose", ["W"], "t", perm=[1, 0]),
        _node("Unsqueeze", ["t", *inputs], "u", **axes),
        _node("Squeeze", ["u", *inputs], "s", **axes),
        _node("MatMul", ["x", "s"]),
    ]
    model = read_model(_graph(tmp_path, nodes, {"W": W, "a": np.array([0])}, opset=opset))
    assert np.array_equal(model.layers[0].matrix(), W) and model.widths == (3, 2)


@pytest.mark.parametrize(
    ("nodes", "widths"),
    [
        ([_node("Unsqueeze", ["x", "a"], "u"), _node("Squeeze", ["u", "a"])], (3,)),
        ([_node("Transpose", ["x"], perm=[1, 0])], (3,)),
    ],
)
def test_shape_only_ops_on_the_activation(tmp_path, nodes, widths):
    model = read_model(_graph(tmp_path, nodes, {"a": np.array([1])}))
    assert model.widths == widths and not model.layers


def test_a_transpose_that_reorders_entries_is_refused(tmp_path):
    path = _graph(tmp_path, [_node("Transpose", ["x"], perm=[0, 2, 1])], shape=(1, 2, 3))
    with pytest.raises(SpecError, match=r"a Transpose \[0, 2, 1\] of \(1, 2, 3\) reorders"):
        read_model(path)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [({"is_test": 0}, "only inference batch norm"), ({"spatial": 0}, "spatial=0 is not read")],
)
def test_old_batch_norms_in_training_or_per_entry(tmp_path, attributes, message):
    params = {n: np.ones(3, np.float32) for n in ("g", "b", "m", "v")}
    node = _node("BatchNormalization", ["x", "g", "b", "m", "v"], **attributes)
    with pytest.raises(SpecError, match=message):
        read_model(_graph(tmp_path, [node], params, opset=6))
