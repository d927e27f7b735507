"""ONNX graphs built with onnx.helper, folded and checked against onnxruntime: the branches of
a residual (Add, Sub, Concat of computed tensors), per-unit scales and shifts by constants,
constant padding and every convolution form (float32: onnxruntime has no float64 Conv)."""

from __future__ import annotations

import numpy as np
import pytest

from symcollapse.algebra.fold import fold
from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.model_readers import read_model
from symcollapse.spec.onnx_graph import _declared_shape
from symcollapse.verification.runtime import check_runtime
from tests.model_files import onnx_graph_file, require

RNG = np.random.default_rng(5)


def _array(*shape):
    return RNG.standard_normal(shape)


def _n(op, inputs, output, **attributes):
    from onnx import helper

    return helper.make_node(op, inputs, [output], **attributes)


def _runtime(path, x):
    onnxruntime = require("onnxruntime", "ONNXRUNTIME")
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rows = [session.run(None, {"x": row[None].astype(np.float32)})[0].reshape(-1) for row in x]
    return np.stack(rows)


CASES = {
    "residual x + W x": (
        [_n("MatMul", ["x", "W"], "a"), _n("Add", ["x", "a"], "y")],
        {"W": _array(3, 3)},
        (1, 3),
    ),
    "two branches subtracted": (
        [
            _n("Gemm", ["x", "A", "c"], "a", transB=1),
            _n("Gemm", ["x", "B"], "b", transB=1),
            _n("Sub", ["a", "b"], "y"),
        ],
        {"A": _array(2, 3), "B": _array(2, 3), "c": _array(2)},
        (1, 3),
    ),
    "concat of a branch, the input and a constant": (
        [
            _n("Mul", ["x", "s"], "a"),
            _n("Concat", ["a", "x", "k"], "y", axis=1),
        ],
        {"s": _array(3), "k": _array(1, 2)},
        (1, 3),
    ),
    "nested skips": (
        [
            _n("MatMul", ["x", "W"], "a"),
            _n("Add", ["a", "x"], "b"),
            _n("Div", ["b", "d"], "c"),
            _n("MatMul", ["c", "V"], "e"),
            _n("Add", ["e", "b"], "f"),
            _n("Sub", ["k", "f"], "y"),
        ],
        {"W": _array(3, 3), "V": _array(3, 3), "d": np.array([2.0, 3.0, -0.5]), "k": _array(3)},
        (1, 3),
    ),
    "conv residual, channel concat": (
        [
            _n("Conv", ["x", "K", "B"], "a", pads=[1, 1]),
            _n("Add", ["a", "x"], "b"),
            _n("Concat", ["b", "x"], "c", axis=1),
            _n("Flatten", ["c"], "y"),
        ],
        {"K": _array(2, 2, 3), "B": _array(2)},
        (1, 2, 5),
    ),
    "pad (opset 18, axes)": (
        [_n("Pad", ["x", "p", "v", "ax"], "y")],
        {"p": np.array([1, 2]), "v": np.array(0.25), "ax": np.array([-1])},
        (1, 2, 3),
        18,
    ),
    "pad (opset 2, attribute)": (
        [_n("Pad", ["x"], "y", pads=[0, 0, 2, 0, 0, 1], value=-1.5)],
        {},
        (1, 2, 3),
        2,
    ),
    "conv auto_pad SAME_LOWER, asymmetric": (
        [
            _n("Conv", ["x", "K"], "a", auto_pad="SAME_LOWER", strides=[2]),
            _n("Flatten", ["a"], "y"),
        ],
        {"K": _array(3, 2, 4)},
        (1, 2, 7),
    ),
    "conv transpose 2-d, dilation, groups": (
        [
            _n("ConvTranspose", ["x", "K", "B"], "a", group=2, dilations=[2, 1], strides=[1, 2]),
            _n("Flatten", ["a"], "y"),
        ],
        {"K": _array(4, 1, 2, 3), "B": _array(2)},
        (1, 4, 2, 3),
    ),
    "global average pool, batch norm": (
        [
            _n("BatchNormalization", ["x", "g", "b", "m", "v"], "a", epsilon=1e-3),
            _n("GlobalAveragePool", ["a"], "c"),
            _n("Flatten", ["c"], "y"),
        ],
        {"g": _array(2), "b": _array(2), "m": _array(2), "v": np.array([0.5, 2.0])},
        (1, 2, 3, 2),
    ),
    "average pool 2-d padded, not counting": (
        [
            _n("AveragePool", ["x"], "a", kernel_shape=[3, 2], pads=[1, 1, 1, 1], strides=[2, 1]),
            _n("Flatten", ["a"], "y"),
        ],
        {},
        (1, 2, 4, 3),
    ),
    "average pool padded unevenly, ceil_mode, counting": (
        [
            _n(
                "AveragePool",
                ["x"],
                "a",
                kernel_shape=[3],
                pads=[0, 2],
                strides=[2],
                ceil_mode=1,
                count_include_pad=1,
            ),
            _n("Flatten", ["a"], "y"),
        ],
        {},
        (1, 2, 6),
        19,
    ),
    "average pool 2-d ceil_mode, not counting": (
        [
            _n("AveragePool", ["x"], "a", kernel_shape=[2, 3], pads=[1, 0, 0, 2], ceil_mode=1),
            _n("Flatten", ["a"], "y"),
        ],
        {},
        (1, 1, 4, 5),
        19,
    ),
    "conv transpose output_shape, SAME_UPPER": (
        [
            _n(
                "ConvTranspose",
                ["x", "K"],
                "a",
                strides=[2],
                output_shape=[7],
                auto_pad="SAME_UPPER",
            ),
            _n("Flatten", ["a"], "y"),
        ],
        {"K": _array(2, 3, 3)},
        (1, 2, 4),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_graphs_fold_to_what_onnxruntime_computes(tmp_path, name):
    nodes, inits, shape, *opset = CASES[name]
    path = onnx_graph_file(tmp_path, nodes, inits, shape, *opset)
    result = fold(read_model(path))
    assert check_runtime(result, path=path).holds
    x = _array(5, int(np.prod(shape))).astype(np.float32).astype(np.float64)
    assert np.allclose(result.evaluate(x), _runtime(path, x.reshape(5, *shape[1:])), atol=1e-4)


def test_a_skip_keeps_the_chain_as_it_was_without_one(tmp_path):
    """A chain without branches reads as the nodes' own layers, no copies or identities."""
    nodes = [_n("MatMul", ["x", "W"], "a"), _n("Add", ["a", "c"], "y")]
    model = read_model(
        onnx_graph_file(tmp_path, nodes, {"W": _array(3, 2), "c": _array(2)}, (1, 3))
    )
    assert [layer.widths for layer in model.layers] == [(3, 2)]


@pytest.mark.parametrize(
    ("nodes", "inits", "shape", "message"),
    [
        (
            [_n("MatMul", ["x", "W"], "a"), _n("Add", ["a", "x"], "y")],
            {"W": _array(3, 2)},
            (1, 3),
            r"adds computed tensors of shapes \[\(1, 2\), \(1, 3\)\]",
        ),
        ([_n("Div", ["d", "x"], "y")], {"d": _array(3)}, (1, 3), "a constant divided by"),
        ([_n("Div", ["x", "d"], "y")], {"d": np.zeros(3)}, (1, 3), "divides by zero"),
        (
            [_n("Pad", ["x", "p"], "y", mode="reflect")],
            {"p": np.array([0, 1, 0, 1])},
            (1, 3),
            "only constant padding is affine",
        ),
        (
            [_n("Pad", ["x", "p"], "y")],
            {"p": np.array([1, 0, 0, 0])},
            (1, 3),
            "padding the batch dimension",
        ),
        (
            [_n("Pad", ["x", "p"], "y")],
            {"p": np.array([0, -1, 0, 0])},
            (1, 3),
            "negative pads",
        ),
        (
            [_n("MatMul", ["x", "W"], "a"), _n("Identity", ["x"], "y")],
            {"W": _array(3, 3)},
            (1, 3),
            "its output is not used",
        ),
        (
            [_n("ConvTranspose", ["x", "K"], "y", strides=[2], output_padding=[2])],
            {"K": _array(1, 1, 3)},
            (1, 1, 4),
            "output_padding must be below the stride",
        ),
        (
            [_n("ConvTranspose", ["x", "K"], "y", output_shape=[5])],
            {"K": _array(1, 1, 3)},
            (1, 1, 4),
            r"attribute 'output_shape' \[5\] asks a total padding \[1\]",
        ),
        (
            [_n("Conv", ["x", "K"], "y", group=2)],
            {"K": _array(2, 2, 3)},
            (1, 2, 4),
            r"a kernel of shape \(2, 2, 3\) in 2 groups does not fit",
        ),
        (
            [_n("Concat", ["x", "x"], "y", axis=0)],
            {},
            (1, 3),
            r"cannot concatenate \[\(1, 3\), \(1, 3\)\] along axis 0",
        ),
        (
            [_n("ConstantOfShape", ["s"], "z"), _n("Add", ["x", "z"], "y")],
            {"s": np.array([10**6, 10**6])},
            (1, 3),
            "is not integers for at most",
        ),
    ],
)
def test_what_is_not_affine_or_malformed_is_refused(tmp_path, nodes, inits, shape, message):
    with pytest.raises(SpecError, match=message):
        read_model(onnx_graph_file(tmp_path, nodes, inits, shape))


def test_a_kernel_of_too_many_taps_is_refused_before_the_work(tmp_path):
    """A 65 x 65 kernel: 4,225 taps, each a pass over the matrix."""
    nodes = [_n("Conv", ["x", "K"], "y")]
    path = onnx_graph_file(tmp_path, nodes, {"K": _array(1, 1, 65, 65)}, (1, 1, 65, 65))
    with pytest.raises(SizeLimitError, match="a kernel of 4,225 taps per channel pair"):
        read_model(path)


def test_a_branch_too_big_is_refused_before_it_is_built(tmp_path):
    """Two live copies of a 600-wide input make 1200 x 600 matrices: 5.8 MB, above 4 MB."""
    nodes = [_n("Mul", ["x", "s"], "a"), _n("Add", ["a", "x"], "y")]
    path = onnx_graph_file(tmp_path, nodes, {"s": _array(600)}, (1, 600))
    from symcollapse.spec.onnx_graph import read_onnx

    with pytest.raises(SizeLimitError, match="with its branches, its matrix would take"):
        read_onnx(path, "m.onnx", max_bytes=4 * 2**20)


@pytest.mark.parametrize(
    ("dims", "shape"),
    [
        ([3], (3,)),
        ([None, 3], (1, 3)),
        ([8, 3, 2], (1, 3, 2)),
        ([], None),
        ([None], None),
        ([0], None),
        ([1, None], None),
        ([1, 3, 0], None),
    ],
)
def test_an_input_is_read_only_with_every_width_known(dims, shape):
    """The first of several dimensions is the batch (any size, or none); the others are widths."""
    assert _declared_shape(dims) == shape
