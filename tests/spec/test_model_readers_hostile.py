"""Issue 25's model-file classes through ``symcollapse fold``: each is one line and exit status
2, or a correct fold (exit 0); never an internal error (exit 3), a hang or gigabytes."""

from __future__ import annotations

import re
import warnings
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcollapse.cli import main
from tests.model_files import dense_layers, require, state_dict


def _npz(path, tensors):
    np.savez(path, **tensors)
    return path


def _pt(path, make):
    torch = require("torch", "TORCH")
    torch.save(make(torch), path)
    return path


def _onnx_gemm(path, **attributes):
    require("onnx", "ONNX")
    from onnx import TensorProto, helper, numpy_helper

    node = helper.make_node("Gemm", ["x", "W"], ["y"], **attributes)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(np.ones((2, 2), np.float32), "W")],
    )
    path.write_bytes(helper.make_model(graph).SerializeToString())
    return path


def _duplicate_member(path):
    layers = state_dict(dense_layers((2, 3), seed=1))
    _npz(path, layers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("0.weight.npy", archive.read("0.weight.npy"))
    return path


def _layers(count, value, dtype, subnormal=False):
    tensors = {}
    for k in range(count):
        weight = np.full((2, 2), value, dtype) + np.eye(2, dtype=dtype) * (k + 1) * value
        if subnormal:
            weight[0, 0] = 5e-324
        tensors[f"{k}.weight"], tensors[f"{k}.bias"] = weight, np.full(2, value, dtype)
    return tensors


REFUSED = {
    "gemm alpha inf": (lambda p: _onnx_gemm(p / "m.onnx", alpha=float("inf")), "is inf"),
    "gemm transB yes": (lambda p: _onnx_gemm(p / "m.onnx", transB="yes"), "must be one int"),
    "gemm alpha list": (lambda p: _onnx_gemm(p / "m.onnx", alpha=[1.0]), "must be one float"),
    "many 1x1 layers": (
        lambda p: _npz(p / "m.npz", {f"{k}.weight": np.ones((1, 1)) for k in range(500)}),
        "has 500 layers, above the limit of 60",
    ),
    "index of 20 digits": (
        lambda p: _npz(p / "m.npz", {"99999999999999999999.weight": np.ones((1, 2))}),
        "which is not a plain index",
    ),
    "00 beside 0": (
        lambda p: _npz(p / "m.npz", {"0.weight": np.ones((1, 2)), "00.weight": np.ones((1, 1))}),
        "module index '00'",
    ),
    "duplicate zip member": (lambda p: _duplicate_member(p / "m.npz"), "twice"),
    "zero-size tensor": (
        lambda p: _npz(p / "m.npz", {"0.weight": np.ones((0, 2))}),
        r"has shape \(0, 2\): no entries",
    ),
    "compressed zeros, sized as float64": (
        lambda p: (
            np.savez_compressed(p / "m.npz", **{"0.weight": np.zeros((4000, 4000), "f4")})
            or p / "m.npz"
        ),
        r"unpacks to 128,000,\d+ bytes, above the limit of 104,857,600",
    ),
    "float8 tensor": (
        lambda p: _pt(p / "m.pt", lambda t: {"0.weight": t.ones(2, 2).to(t.float8_e5m2)}),
        "holds float8_e5m2 numbers",
    ),
    "sparse tensor": (
        lambda p: _pt(p / "m.pt", lambda t: {"0.weight": t.eye(2).to_sparse()}),
        "is a torch.sparse_coo tensor",
    ),
    "stride-0 tensor": (
        lambda p: _pt(p / "m.pt", lambda t: {"0.weight": t.ones(1).expand(30000, 30000)}),
        "bytes as float64, above the limit",
    ),
    "float64 overflow": (
        lambda p: _npz(p / "m.npz", _layers(3, 1e200, np.float64)),
        "beyond float64's range",
    ),
    "float32 overflow": (
        lambda p: _npz(p / "m.npz", _layers(3, 1e30, np.float32)),
        "the model overflows float32",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_hostile_model_files_are_one_line(tmp_path, capsys, case):
    make, message = REFUSED[case]
    path = make(tmp_path)
    stated = ["--weight-layout", "out-in", "--assume-identity-gaps"]
    stated = stated if path.suffix != ".onnx" else []
    code = main(["fold", str(path), "--max-megabytes", "100", *stated])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("symcollapse: error: ") and err.count("\n") == 1
    assert re.search(message, err)


CORRECT = {
    "float32 weights of 1e-30 (underflow)": _layers(2, 1e-30, np.float32),
    "subnormals in 14 float64 layers": _layers(14, 0.5, np.float64, subnormal=True),
}


@pytest.mark.parametrize("case", CORRECT)
def test_tiny_numbers_fold_within_the_bound(tmp_path, capsys, case):
    path = _npz(tmp_path / "m.npz", CORRECT[case])
    stated = ["--weight-layout", "out-in", "--assume-identity-gaps"]
    assert main(["fold", str(path), *stated, "--format", "json"]) == 0
    assert "within the float rounding bound" in capsys.readouterr().err


KEYS = st.sampled_from(["0", "1", "2", "00", "net.0", "fc", "0.0", "10", "3"]).flatmap(
    lambda module: st.sampled_from(["weight", "bias", "running_mean", "running_var", "gamma"]).map(
        lambda parameter: f"{module}.{parameter}"
    )
)
TENSORS = st.tuples(
    st.lists(st.integers(0, 3), min_size=0, max_size=3),
    st.sampled_from(["float16", "float32", "float64", "int32"]),
    st.sampled_from([0.0, 1.0, -2.5, 1e-30, 5e-324, 1e38, float("nan")]),
)


def _fuzz_tensor(shape, dtype, value, seed):
    rng = np.random.default_rng(seed)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray((rng.standard_normal(shape) * value).astype(dtype))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.dictionaries(KEYS, TENSORS, min_size=1, max_size=6),
    suffix=st.sampled_from([".npz", ".safetensors"]),
    stated=st.sampled_from([[], ["--assume-identity-gaps", "--bn-eps", "1e-5"]]),
)
def test_random_state_dicts_fold_or_are_refused_in_one_line(
    tmp_path, capsys, entries, suffix, stated
):
    tensors = {
        key: _fuzz_tensor(shape, dtype, value, seed)
        for seed, (key, (shape, dtype, value)) in enumerate(entries.items())
    }
    path = tmp_path / f"m{suffix}"
    if suffix == ".npz":
        np.savez(path, **tensors)
    else:
        from safetensors.numpy import save_file

        save_file(tensors, str(path))
    code = main(["fold", str(path), "--format", "json", *stated])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith("symcollapse: error: ") and err.count("\n") == 1


ONNX_OPS = st.sampled_from(
    [
        "Gemm",
        "MatMul",
        "Add",
        "Sub",
        "BatchNormalization",
        "Reshape",
        "Flatten",
        "Squeeze",
        "Unsqueeze",
        "Transpose",
        "Cast",
        "Identity",
        "Dropout",
    ]
)
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["alpha", "beta", "transA", "transB", "epsilon", "axis", "perm", "to", "axes"]),
    st.one_of(
        st.integers(-3, 3),
        st.sampled_from([float("inf"), float("nan"), -1.0, 0.5, 1e30]),
        st.lists(st.integers(-2, 3), min_size=1, max_size=3),
        st.just("yes"),
    ),
    max_size=3,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    nodes=st.lists(st.tuples(ONNX_OPS, ATTRIBUTES, st.integers(0, 3)), min_size=1, max_size=4),
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=3),
)
def test_random_onnx_chains_fold_or_are_refused_in_one_line(tmp_path, capsys, nodes, shape):
    """Random affine-looking ops with random attributes and constants on the activation."""
    require("onnxruntime", "ONNXRUNTIME")
    from onnx import TensorProto, helper, numpy_helper

    made, inits, h = [], [], "x"
    for k, (op, attributes, arity) in enumerate(nodes):
        names = [f"c{k}_{i}" for i in range(arity)]
        rng = np.random.default_rng(k)
        for i, name in enumerate(names):
            dims = shape[: i + 1] if op != "Reshape" else [len(shape)]
            value = (
                rng.integers(1, 3, dims)
                if op in ("Reshape", "Squeeze", "Unsqueeze")
                else (rng.standard_normal(dims).astype(np.float32))
            )
            inits.append(numpy_helper.from_array(value, name))
        made.append(helper.make_node(op, [h, *names], [f"h{k}"], **attributes))
        h = f"h{k}"
    graph = helper.make_graph(
        made,
        "fuzz",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, *shape])],
        [helper.make_tensor_value_info(h, TensorProto.FLOAT, None)],
        inits,
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    code = main(["fold", str(path), "--format", "json"])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    if code == 2:
        assert err.startswith("symcollapse: error: ") and err.count("\n") == 1
