"""The one ONNX tensor reader: external data only from the model's folder, sizes checked first."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.model_readers import read_model
from symcollapse.spec.onnx_tensors import read_tensor
from tests.model_files import dense_layers, require, write_onnx

SECRET = b"API_KEY=0123456789abcdef0123456\n"  # 32 bytes: eight float32 or four float64


def external(name: str, dims: list[int], location: str, offset: int = 0, length: int = 32):
    """A float32 TensorProto whose data is said to be ``length`` bytes of ``location``."""
    from onnx import TensorProto, helper

    tensor = helper.make_tensor(name, TensorProto.FLOAT, dims, np.zeros(dims, np.float32))
    tensor.ClearField("float_data")
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, str(value)
    return tensor


def constant_model(tmp_path, location: str):
    """``y = x + c`` where the Constant ``c`` keeps its 8 floats in ``location``: the attack."""
    from onnx import TensorProto, helper

    node = helper.make_node("Constant", [], ["c"], value=external("c", [8], location))
    add = helper.make_node("Add", ["x", "c"], ["y"])
    graph = helper.make_graph(
        [node, add],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8])],
    )
    folder = tmp_path / "model"
    folder.mkdir(exist_ok=True)
    path = folder / "evil.onnx"
    path.write_bytes(helper.make_model(graph).SerializeToString())
    return path


@pytest.mark.parametrize(
    "location, message",
    [
        (".env", "cannot read its data file"),  # in the current directory, not the model's
        ("../.env", "outside the model's folder"),
        ("sub/../../.env", "outside the model's folder"),
        ("{abs}", "outside the model's folder"),
        ("", "outside the model's folder"),
    ],
)
def test_a_constant_cannot_read_the_users_files(tmp_path, monkeypatch, location, message):
    require("onnx", "ONNX")
    (tmp_path / ".env").write_bytes(SECRET)
    monkeypatch.chdir(tmp_path)
    path = constant_model(tmp_path, location.format(abs=tmp_path / ".env"))
    with pytest.raises(SpecError, match=message):
        read_model(path)


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    require("onnx", "ONNX")
    (tmp_path / ".env").write_bytes(SECRET)
    path = constant_model(tmp_path, "data.bin")
    os.symlink(tmp_path / ".env", path.parent / "data.bin")
    with pytest.raises(SpecError, match="symbolic link"):
        read_model(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    require("onnx", "ONNX")
    path = constant_model(tmp_path, "data.bin")
    os.mkfifo(path.parent / "data.bin")
    with pytest.raises(SpecError, match="not a regular file"):
        read_model(path)


def test_external_data_inside_the_folder_is_read(tmp_path):
    require("onnx", "ONNX")
    path = constant_model(tmp_path, "data.bin")
    values = np.arange(8, dtype="<f4")
    (path.parent / "data.bin").write_bytes(values.tobytes())
    model = read_model(path)
    assert np.array_equal(model.layers[0].bias, values)


def test_initializers_saved_as_external_data_read_as_inline(tmp_path):
    onnx = require("onnx", "ONNX")
    layers = dense_layers((5, 4, 3), seed=10)
    inline = read_model(write_onnx(layers, tmp_path / "inline.onnx"))
    (tmp_path / "ext").mkdir()
    path = write_onnx(layers, tmp_path / "ext" / "m.onnx")
    onnx.save(onnx.load(str(path)), str(path), save_as_external_data=True, size_threshold=0)
    split = read_model(path)
    for a, b in zip(inline.layers, split.layers, strict=True):
        assert np.array_equal(a.matrix(), b.matrix()) and np.array_equal(a.bias, b.bias)


@pytest.mark.parametrize(
    "offset, length, size, message",
    [
        (0, 32, 16, "has 16 bytes, the tensor needs 32"),
        (8, 32, 32, "has 32 bytes, the tensor needs 40"),
        (0, 64, 64, "states 64 external bytes"),
        (-4, 32, 64, "states 32 external bytes at offset -4"),
    ],
)
def test_external_sizes_are_checked_before_reading(tmp_path, offset, length, size, message):
    require("onnx", "ONNX")
    (tmp_path / "data.bin").write_bytes(bytes(size))
    tensor = external("t", [8], "data.bin", offset, length)
    with pytest.raises(SpecError, match=message):
        read_tensor(tensor, tmp_path, "model")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: setattr(t, "data_type", 999), "element type 999"),
        (lambda t: t.dims.__setitem__(0, 100_000), "needs 400,000"),
        (lambda t: t.dims.__setitem__(0, 0), "no entries"),
        (lambda t: t.dims.__setitem__(0, -3), "negative dimension"),
        (lambda t: t.dims.extend([2**40, 2**40]), "above the limit"),
    ],
)
def test_inline_tensors_must_hold_what_they_state(change, message):
    from onnx import numpy_helper

    require("onnx", "ONNX")
    tensor = numpy_helper.from_array(np.ones(8, np.float32), "t")
    change(tensor)
    with pytest.raises(SpecError, match=message):
        read_tensor(tensor, os.getcwd(), "model")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64"])
@pytest.mark.parametrize("raw", [True, False])
def test_every_read_type_round_trips(dtype, raw):
    from onnx import helper, numpy_helper

    require("onnx", "ONNX")
    values = (np.arange(6) - (2.5 if dtype[0] == "f" else 3)).astype(dtype).reshape(2, 3)
    if raw:
        tensor = numpy_helper.from_array(values, "t")
    else:
        element = helper.np_dtype_to_tensor_dtype(values.dtype)
        tensor = helper.make_tensor("t", element, values.shape, values.ravel().tolist())
    assert np.array_equal(read_tensor(tensor, os.getcwd(), "model"), values)


def test_bfloat16_is_widened_exactly():
    from onnx import TensorProto, helper

    require("onnx", "ONNX")
    values = np.array([1.5, -2.0, 3.140625], np.float32)
    bits = (values.view(np.uint32) >> 16).astype("<u2")
    tensor = helper.make_tensor("t", TensorProto.BFLOAT16, [3], bits.tobytes(), raw=True)
    assert np.array_equal(read_tensor(tensor, os.getcwd(), "model"), values)


@pytest.mark.parametrize(
    "argv",
    [
        ("derive", "2", "4", "--values", "model/evil.onnx", "--format", "json"),
        ("regress", "8", "8", "--values", "model/evil.onnx"),
        ("fold", "model/evil.onnx", "--format", "json"),
    ],
)
def test_no_command_leaks_a_file_through_a_model(tmp_path, argv):
    """The reported attack, through every command that reads a model: exit 2, nothing leaked."""
    require("onnx", "ONNX")
    (tmp_path / ".env").write_bytes(SECRET)
    constant_model(tmp_path, ".env")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "symcollapse", *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    leaked = [str(v) for v in np.frombuffer(SECRET, "<f4")[:2]]
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1 and "data file '.env'" in done.stderr
    assert not any(value in done.stdout + done.stderr for value in leaked)
