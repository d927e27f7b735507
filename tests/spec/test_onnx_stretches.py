"""The affine stretches of an ONNX graph: where each starts and ends, and what is outside."""

from __future__ import annotations

import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.onnx_stretches import read_stretches
from tests.model_files import require
from tests.partial_models import SIX, write_graph


@pytest.mark.parametrize(
    ("parts", "widths", "spans", "outside"),
    [
        (SIX, (6, 8, 8, 7, 5), [(0, 1), (3, 5)], ["Relu"]),
        (("relu", "linear", "relu"), (3, 4), [(1, 1)], ["Relu", "Relu"]),
        (("matmul", "bn", "tanh", "matmul"), (3, 4, 2), [(0, 2), (4, 5)], ["Tanh"]),
        (("tanh", "relu"), (3,), [], ["Tanh", "Relu"]),
    ],
)
def test_stretches_are_maximal_runs_between_non_affine_nodes(
    tmp_path, parts, widths, spans, outside
):
    require("onnx", "ONNX")
    reading = read_stretches(write_graph(tmp_path / "m.onnx", parts, widths), "m")
    assert [(s.nodes[0], s.nodes[-1]) for s in reading.stretches] == spans
    assert [b.op for b in reading.boundaries] == outside


def test_a_stretch_knows_its_widths_parameters_and_tensors(tmp_path):
    require("onnx", "ONNX")
    reading = read_stretches(write_graph(tmp_path / "m.onnx", SIX, (6, 8, 8, 7, 5)), "m")
    first, second = reading.stretches
    assert (first.widths, first.parameters, first.folded_parameters) == ((6, 8), 128, 56)
    assert (second.widths, second.parameters, second.computing) == (
        (8, 5),
        (56 + 7) + 4 * 7 + (35 + 5),
        3,
    )
    assert (first.source, first.target, second.source) == ("x", "t1", "t2")
    assert second.model.widths == (8, 7, 7, 7, 5)


def test_a_tensor_read_twice_ends_the_stretch_that_made_it(tmp_path):
    """A residual ``Gemm(Gemm(x)) + Gemm(x)``: the Gemm whose output two nodes read is a stretch
    of its own, and the Add of two computed tensors is outside."""
    onnx = require("onnx", "ONNX")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    W = numpy_helper.from_array(np.eye(3, dtype=np.float32), "W")
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["a"]),
        helper.make_node("MatMul", ["a", "W"], ["b"]),
        helper.make_node("MatMul", ["b", "W"], ["c"]),
        helper.make_node("Add", ["a", "c"], ["y"]),
    ]
    info = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes, "g", [info("x", TensorProto.FLOAT, ["N", 3])], [info("y", 1, None)], [W]
    )
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph), str(path))
    reading = read_stretches(path, "m")
    assert [s.nodes for s in reading.stretches] == [(0,), (1, 2)]
    assert [(b.op, b.reason) for b in reading.boundaries] == [
        ("Add", "it combines several computed tensors")
    ]


def test_subgraphs_are_refused(tmp_path):
    onnx = require("onnx", "ONNX")
    from onnx import TensorProto, helper

    info = helper.make_tensor_value_info
    branch = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["z"])], "b", [], [info("z", 1, None)]
    )
    node = helper.make_node("If", ["x"], ["y"], then_branch=branch, else_branch=branch)
    graph = helper.make_graph(
        [node], "g", [info("x", TensorProto.FLOAT, ["N", 3])], [info("y", 1, None)]
    )
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph), str(path))
    with pytest.raises(SpecError, match="has nodes with subgraphs"):
        read_stretches(path, "m")
