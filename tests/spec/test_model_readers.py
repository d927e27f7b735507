"""Reading models: ONNX graphs in every affine style, state_dicts in .npz and safetensors,
and hostile files refused with one line."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcollapse import parse_values
from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.model_readers import read_model
from symcollapse.spec.state_dict import model_from_state_dict
from tests.model_files import ONNX_STYLES, dense_layers, require, state_dict, write_onnx

WIDTHS = [(2, 3, 3, 1), (4, 1), (1, 5, 2), (3, 2, 6)]


def effective(model) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(layer.matrix(), layer.vector()) for layer in model.layers]


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("style", ONNX_STYLES)
def test_onnx_styles_read_the_same_layers(tmp_path, widths, style):
    require("onnx", "ONNX")
    layers = dense_layers(widths, seed=1)
    model = read_model(write_onnx(layers, tmp_path / "m.onnx", style))
    assert model.widths == widths and model.kind == "onnx"
    for (W, b), (W_read, b_read) in zip(layers, effective(model), strict=True):
        assert np.array_equal(W_read, W) and np.array_equal(b_read, b)


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_state_dicts_read_in_index_order(tmp_path, widths, suffix):
    layers = dense_layers(widths, seed=2)
    path = tmp_path / f"m{suffix}"
    tensors = state_dict(layers, step=2)
    if suffix == ".npz":
        np.savez(path, **dict(reversed(tensors.items())))  # the order of keys does not matter
    else:
        from safetensors.numpy import save_file

        save_file(tensors, str(path))
    model = read_model(path, assume_identity_gaps=True, weight_layout="out-in")
    assert model.widths == widths
    assert all(
        np.array_equal(W, W_read)
        for (W, _), (W_read, _) in zip(layers, effective(model), strict=True)
    )
    assert all(
        np.array_equal(b, b_read)
        for (_, b), (_, b_read) in zip(layers, effective(model), strict=True)
    )
    if len(widths) > 2:
        assert "taken as an identity map, as stated" in model.notes[-2]


def test_identity_dropout_flatten_reshape_pass_through(tmp_path):
    layers = dense_layers((3, 4, 2), seed=3)
    extra = [("Identity", {}), ("Dropout", {}), ("Flatten", {"axis": 1})]
    model = read_model(write_onnx(layers, tmp_path / "m.onnx", "gemm", extra))
    assert model.widths == (3, 4, 2)


@pytest.mark.parametrize(
    ("op", "hint"),
    [
        (
            "Relu",
            ": relu is piecewise affine, not affine: "
            "symcollapse layers derives it region by region",
        ),
        ("Tanh", ": tanh is not affine: symcollapse layers gives a certificate of that"),
        ("Softmax", " is not affine"),
    ],
)
def test_the_first_non_affine_node_is_named(tmp_path, op, hint):
    layers = dense_layers((2, 3), seed=4)
    path = write_onnx(layers, tmp_path / "m.onnx", "gemm", [(op, {})])
    message = f"onnx file m.onnx: node 1 {op}{hint}"
    with pytest.raises(SpecError, match=f"^{message.replace('(', '.').replace(')', '.')}$"):
        read_model(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not an ONNX model"),
        (b"\x08\x07garbage" * 3, "is not a readable ONNX model"),
    ],
)
def test_not_an_onnx_model(tmp_path, content, message):
    path = tmp_path / "m.onnx"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=message):
        read_model(path)


@pytest.mark.parametrize("suffix", [".onnx", ".npz", ".safetensors"])
def test_truncated_files(tmp_path, suffix):
    layers = dense_layers((3, 4, 2), seed=5)
    whole = tmp_path / f"whole{suffix}"
    if suffix == ".onnx":
        write_onnx(layers, whole)
    elif suffix == ".npz":
        np.savez(whole, **state_dict(layers))
    else:
        from safetensors.numpy import save_file

        save_file(state_dict(layers), str(whole))
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    with pytest.raises(SpecError, match="not a readable"):
        read_model(cut)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weights(bad):
    tensors = state_dict(dense_layers((2, 3, 1), seed=6))
    tensors["1.weight"][0, 1] = bad
    with pytest.raises(SpecError, match=r"^m '1.weight' holds .* at index \(0, 1\): weights must"):
        model_from_state_dict(tensors, "m", "npz", assume_identity_gaps=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.update({"1.weight": t["1.weight"][:, :2]}), "Linear 1 takes 2 inputs but"),
        (lambda t: t.update({"0.bias": t["0.bias"][:2]}), r"'0.bias' has shape \(2,\)"),
        (lambda t: t.update({"fc.weight": t["0.weight"]}), "modules 0,1,fc are named"),
        (lambda t: t.update({"0.weight": t["0.weight"].astype(np.int32)}), "holds int32 numbers"),
        (lambda t: t.clear(), "holds no weights"),
    ],
)
def test_bad_state_dicts(change, message):
    tensors = state_dict(dense_layers((2, 3, 1), seed=7))
    change(tensors)
    with pytest.raises(SpecError, match=message):
        model_from_state_dict(tensors, "m", "npz", assume_identity_gaps=True)


def test_big_files_are_refused_before_reading(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, **state_dict(dense_layers((30, 30), seed=8)))
    with pytest.raises(SizeLimitError, match=r"above the limit of 100; raise max_bytes$") as error:
        read_model(path, max_bytes=100)
    assert error.value.parameter == "max_bytes"


@pytest.mark.parametrize(
    ("name", "message"),
    [("m.txt", "is not a model file this reads"), ("missing.onnx", "cannot read model file")],
)
def test_unknown_and_missing_files(tmp_path, name, message):
    with pytest.raises(SpecError, match=message):
        read_model(tmp_path / name)


def test_a_product_of_two_branches_is_refused(tmp_path):
    from onnx import TensorProto, helper

    nodes = [helper.make_node("Identity", ["x"], ["a"]), helper.make_node("Mul", ["x", "a"], ["y"])]
    graph = helper.make_graph(
        nodes,
        "residual",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    with pytest.raises(SpecError, match="node 1 Mul combines the activation with another"):
        read_model(path)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_parse_values_takes_arrays_as_their_shortest_decimals(dtype):
    layers = dense_layers((2, 3, 1), seed=9, dtype=dtype)
    data = {"weights": [W for W, _ in layers], "biases": [b for _, b in layers]}
    values = parse_values(data, [2, 3, 1], "arrays")
    W = layers[0][0]
    assert str(values.weights[0][0, 1]) == str(__import__("sympy").Rational(str(W[0, 1])))
    assert float(values.weights[0][0, 1]) == pytest.approx(float(W[0, 1]), rel=1e-6)


def test_parse_values_refuses_nan_in_an_array():
    data = {"weights": [np.array([[np.nan]], np.float32)], "biases": [np.zeros(1, np.float32)]}
    with pytest.raises(SpecError, match=r"W_1\[1,1\] must be a number"):
        parse_values(data, [1, 1], "arrays")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".onnx", ".npz", ".safetensors"]))
def test_random_bytes_are_refused_with_a_message(tmp_path, content, suffix):
    require("onnx", "ONNX")
    path = tmp_path / f"m{suffix}"
    path.write_bytes(content)
    try:
        model = read_model(path)
    except SpecError as error:
        assert "\n" not in str(error)
    else:
        assert all(np.isfinite(layer.weight).all() for layer in model.layers)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    op=st.sampled_from(
        ["Gemm", "MatMul", "Add", "Sub", "BatchNormalization", "Reshape", "Flatten"]
    ),
    arity=st.integers(0, 6),
    shape=st.lists(st.integers(1, 3), min_size=0, max_size=3),
)
def test_malformed_affine_nodes_are_refused_with_a_message(tmp_path, op, arity, shape):
    """Affine ops with too few or many inputs or constants of the wrong shape: one line."""
    from onnx import TensorProto, helper, numpy_helper

    names = [f"c{i}" for i in range(max(arity - 1, 0))]
    constants = [numpy_helper.from_array(np.ones(shape, np.float32), name) for name in names]
    node = helper.make_node(op, ["x", *names][:arity] if arity else [], ["y"])
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        constants,
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    try:
        read_model(path)
    except SpecError as error:
        assert "\n" not in str(error)


def test_a_compressed_npz_is_refused_by_what_it_unpacks_to(tmp_path):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, **{"0.weight": np.zeros((2000, 2000), np.float32)})
    assert path.stat().st_size < 100_000
    with pytest.raises(SizeLimitError, match=r"unpacks to 32,000,000 bytes, above the limit"):
        read_model(path, max_bytes=1_000_000)


def test_an_image_input_is_flattened_in_c_order(tmp_path):
    require("onnx", "ONNX")
    from onnx import TensorProto, helper, numpy_helper

    W = np.arange(36, dtype=np.float32).reshape(3, 12) / 7
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"]),
        helper.make_node("Gemm", ["f", "W"], ["y"], transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "image",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
        [numpy_helper.from_array(W, "W")],
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    model = read_model(path)
    assert model.widths == (12, 3) and model.input_shape == (1, 1, 3, 4)
    assert np.array_equal(model.layers[0].matrix(), W)
