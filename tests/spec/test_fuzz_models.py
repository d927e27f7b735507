"""Hypothesis over model and values files: ONNX graphs (onnx.helper), safetensors, .npz and JSON
values built from strategies with random shapes, element types, attribute values, external-data
fields, key names and node orders, given through the command line in-process: a model file to
``fold FILE`` and ``derive --values FILE``, a values file to ``derive`` and ``regress --values``.

Whatever the file, the command ends with exit status 0, 1 or 2 (never 3, an internal error),
writes no traceback, says a refusal (2) in one line, and never shows the bytes of a file outside
the model's folder (a ``secret.bin`` of recognisable floats lies beside it). The example budget
keeps the test to well under a minute; each example has a generous deadline.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from symcollapse.cli import main
from tests.model_files import require

#: Floats a file may hold: ordinary, tiny, huge, subnormal and not finite.
FLOATS = st.one_of(
    st.floats(-4, 4, allow_nan=False, width=32),
    st.sampled_from([0.0, 1e-30, -1e-38, 5e-324, 1e38, 3e38, 1e308, math.inf, -math.inf, math.nan]),
)

#: The recognisable value of ``secret.bin``, outside the model's folder: it must never print.
SECRET = 1234.5

#: Element types a numpy array of a state_dict may have.
DTYPES = ["float32", "float64", "float16", "int32", "int64", "uint8", "bool", "complex64"]

#: Key names of state_dicts: plain, indexed, named, batch norm's, and hostile ones.
KEYS = st.one_of(
    st.sampled_from(
        [
            *("weight", "bias", "0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"),
            *("00.weight", "0.0.weight", "fc1.weight", "fc1.bias", "fc2.weight", "net.0.weight"),
            *("bn.running_mean", "bn.running_var", "bn.weight", "bn.bias", "num_batches_tracked"),
            *("99999999999999999999.weight", "-1.weight", "0.weight.bias", ""),
        ]
    ),
    st.text(max_size=8),
)

SETTINGS = settings(
    max_examples=60,
    deadline=timedelta(seconds=15),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


#: Values a trained model has: float32 or float64, finite and not tiny.
CLEAN = st.floats(-4, 4, allow_nan=False, width=32)


@st.composite
def arrays(
    draw: st.DrawFn, shape: tuple[int, ...] | None = None, clean: bool = False
) -> np.ndarray:
    """An array of a drawn shape (or ``shape``) and element type, its values from FLOATS (or, if
    ``clean``, a float array of CLEAN values)."""
    if shape is None:
        shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    dtype = draw(st.sampled_from(["float32", "float64"] if clean else DTYPES))
    values = draw(st.lists(CLEAN if clean else FLOATS, min_size=1, max_size=4))
    flat = np.resize(np.array(values, dtype=np.float64), math.prod(shape))
    with np.errstate(all="ignore"):
        return flat.reshape(shape).astype(dtype)


@st.composite
def chains(draw: st.DrawFn) -> tuple[list[int], dict[str, np.ndarray]]:
    """A well-formed ``nn.Sequential(Linear, ...)`` state_dict and its widths, so that folding
    succeeds often enough for its later stages to be fuzzed too."""
    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    step, clean = draw(st.sampled_from([1, 2])), draw(st.booleans())
    tensors = {}
    for k in range(len(widths) - 1):
        shape = (widths[k + 1], widths[k])
        tensors[f"{step * k}.weight"] = draw(arrays(shape, clean))
        tensors[f"{step * k}.bias"] = draw(arrays((widths[k + 1],), clean))
    return widths, tensors


@st.composite
def state_dicts(draw: st.DrawFn) -> tuple[list[int], dict[str, np.ndarray]]:
    """A chain, half the time with some keys renamed, dropped or added, and its widths (or
    random ones)."""
    widths, tensors = draw(chains())
    if draw(st.booleans()):
        return widths, tensors
    for key in draw(st.lists(st.sampled_from(sorted(tensors)), max_size=2, unique=True)):
        value = tensors.pop(key)
        if draw(st.booleans()):
            tensors[draw(KEYS)] = value
    for _ in range(draw(st.integers(0, 2))):
        tensors[draw(KEYS)] = draw(arrays())
    if draw(st.booleans()):
        widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    return widths, tensors


def _write_state_dict(tensors: dict[str, np.ndarray], path: Path) -> None:
    if path.suffix == ".npz":
        np.savez(path, **{key or "_": value for key, value in tensors.items()})
        return
    from safetensors.numpy import save_file

    kept = {k: v for k, v in tensors.items() if k and v.dtype != np.complex64}
    try:
        save_file({k: np.ascontiguousarray(v) for k, v in kept.items()}, str(path))
    except Exception:  # a key or dtype safetensors itself will not write
        reject()


#: ONNX operators a graph may chain, affine or not, with attributes drawn per node.
OPS = ["Gemm", "MatMul", "Add", "Relu", "Identity", "Flatten", "Cast", "Transpose", "Reshape"]
OPS += ["BatchNormalization", "Constant", "Dropout", "Squeeze", "Conv", "AveragePool"]

#: Attribute values of every kind and of no sensible kind.
ATTRIBUTES = st.one_of(
    st.integers(-3, 3),
    FLOATS,
    st.sampled_from(["yes", "", "NOTSET"]),
    st.lists(st.integers(-2, 4), max_size=3),
    st.lists(FLOATS, min_size=1, max_size=2),
)
ATTRIBUTE_NAMES = ["alpha", "beta", "transA", "transB", "epsilon", "axis", "to", "perm"]
ATTRIBUTE_NAMES += ["kernel_shape", "strides", "pads", "group", "dilations", "axes"]


@st.composite
def tensors(draw: st.DrawFn, name: str, shape: tuple[int, ...], bend: bool = True):
    """An initializer named ``name``; if ``bend``, its values are any and its stated dims,
    element type, data or external location drawn, so that they may disagree with each other
    and with the bytes present."""
    from onnx import TensorProto, numpy_helper

    change = "none"
    if bend:
        change = draw(st.sampled_from(["dims", "type", "short", "external", "external"]))
    dtype = "<f4" if change == "external" else draw(st.sampled_from(["<f4", "<f8"]))
    with np.errstate(all="ignore"):  # float32, as secret.bin holds, if read from elsewhere
        values = np.real(draw(arrays(shape, not bend))).astype(dtype)
    tensor = numpy_helper.from_array(values, name)
    if change == "dims":
        tensor.dims[:] = draw(st.lists(st.integers(0, 10**6), max_size=3))
    elif change == "type":
        tensor.data_type = draw(st.sampled_from([0, 2, 8, 9, 14, 16, 17, 23, 999]))
    elif change == "short":
        tensor.raw_data = tensor.raw_data[: len(tensor.raw_data) // 2]
    elif change == "external":
        size = len(tensor.raw_data)
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        locations = ["../secret.bin", "../secret.bin", "w.bin", "secret.bin", "/dev/zero"]
        fields = {"location": draw(st.sampled_from(locations)), "offset": "0", "length": str(size)}
        if draw(st.integers(0, 3)) == 0:
            fields[draw(st.sampled_from(["offset", "length"]))] = draw(
                st.sampled_from(["-1", "99999999999", "x", ""])
            )
        for key, value in fields.items():
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
    return tensor


@st.composite
def onnx_models(draw: st.DrawFn) -> tuple[list[int], object]:
    """A dense chain of Gemm nodes and its widths, with up to two of its initializers bent (see
    :func:`tensors`), up to one node replaced by another operator with drawn attributes, up to
    one batch norm after a layer, and perhaps its nodes shuffled and its input declared with
    another type or shape."""
    from onnx import TensorProto, helper

    widths = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    depth = len(widths) - 1
    bent = draw(st.sets(st.integers(0, 2 * depth - 1), max_size=2))
    odd = draw(st.sets(st.integers(0, depth - 1), max_size=1))
    normed = draw(st.sets(st.integers(0, depth - 1), max_size=1))
    nodes, inits, h = [], [], "x"
    for k in range(depth):
        w, b, out = f"W{k}", f"b{k}", f"h{k}"
        inits.append(draw(tensors(w, (widths[k + 1], widths[k]), 2 * k in bent)))
        inits.append(draw(tensors(b, (widths[k + 1],), 2 * k + 1 in bent)))
        op, inputs, outputs, attributes = "Gemm", [h, w, b], [out], {"transB": 1}
        if k in odd:
            op = draw(st.sampled_from(OPS))
            inputs = inputs[: draw(st.integers(1, 3))]
            names = draw(st.lists(st.sampled_from(ATTRIBUTE_NAMES), max_size=2, unique=True))
            attributes = {name: draw(ATTRIBUTES) for name in names}
            if op == "Constant" and draw(st.booleans()):
                attributes = {"value": draw(tensors(f"c{k}", (widths[k + 1],)))}
                inputs, outputs = [], [] if draw(st.booleans()) else outputs
        try:
            nodes.append(helper.make_node(op, inputs, outputs, **attributes))
        except Exception:  # an attribute onnx.helper itself cannot make
            reject()
        h = out
        if k in normed:  # a batch norm after the layer: its four vectors and epsilon drawn
            names = [f"{part}{k}" for part in ("scale", "shift", "mean", "var")]
            for name in names:
                inits.append(draw(tensors(name, (widths[k + 1],), draw(st.booleans()))))
            epsilon = {"epsilon": draw(FLOATS)} if draw(st.booleans()) else {}
            nodes.append(helper.make_node("BatchNormalization", [h, *names], [f"n{k}"], **epsilon))
            h = f"n{k}"
    if draw(st.booleans()):
        nodes = [nodes[i] for i in draw(st.permutations(range(len(nodes))))]
    element, declared = TensorProto.FLOAT, ["N", widths[0]]
    if draw(st.booleans()):
        element = draw(st.sampled_from([TensorProto.DOUBLE, TensorProto.INT64, 999]))
        declared = [draw(st.sampled_from(["N", 1, 0, 100000])), draw(st.sampled_from([1, 7]))]
    graph = helper.make_graph(
        nodes,
        "fuzz",
        [helper.make_tensor_value_info("x", element, declared)],
        [helper.make_tensor_value_info(h, element, ["N", widths[-1]])],
        inits,
    )
    opset = draw(st.sampled_from([9, 13, 17, 21]))
    return widths, helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


@st.composite
def values_files(draw: st.DrawFn) -> tuple[list[int], object]:
    """A JSON values file: a well-formed one for its widths, or one bent out of shape."""
    widths, tensors = draw(chains())
    numbers = st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["-3/4", "1/0", "0.1", "9" * 1200, "1e999", "nan", "", "x"]),
    )
    document = {
        "weights": [
            [[draw(numbers) for _ in row] for row in W] for W in tensors.values() if W.ndim == 2
        ],
        "biases": [[draw(numbers) for _ in b] for b in tensors.values() if b.ndim == 1],
    }
    bend = draw(st.sampled_from(["none", "none", "drop", "nest", "type"]))
    if bend == "drop":
        document.pop(draw(st.sampled_from(["weights", "biases"])))
    elif bend == "nest":
        document["weights"] = [document["weights"]]
    elif bend == "type":
        document[draw(st.sampled_from(["weights", "biases"]))] = draw(
            st.sampled_from([None, 1, "x", {}, [[]]])
        )
    return widths, document


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(argv)
    out, err = capsys.readouterr()
    event(f"{argv[0]}: exit status {status}")  # --hypothesis-show-statistics shows the mix
    assert status in (0, 1, 2), f"{argv}: exit status {status}: {err}"
    assert "Traceback" not in err, err
    if status == 2:
        assert err.count("\n") == 1, err
    assert str(SECRET) not in out, f"{argv} printed the bytes of a file outside the model's folder"
    return status, out, err


#: What a state_dict does not record, stated (or not) to ``fold``.
STATEMENTS = st.sampled_from(
    [
        [],
        ["--assume-identity-gaps"],
        ["--assume-identity-gaps", "--weight-layout", "out-in"],
        ["--assume-identity-gaps", "--weight-layout", "in-out"],
        ["--assume-identity-gaps", "--bn-eps", "1e-5"],
        ["--layers", "0,1"],
    ]
)


def _in_folder(write, suffix: str, widths: list[int], statements: list[str], capsys) -> None:
    """Writes the file with ``write(path)`` in ``model/`` and runs the commands on it from the
    folder above, which holds ``secret.bin``; ``model/`` holds ``w.bin`` (64 float32 numbers),
    a folder ``sub`` and ``link.bin``, a symbolic link to the secret."""
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "model" / "sub").mkdir(parents=True)
        np.full(64, SECRET, dtype="<f4").tofile(root / "secret.bin")
        np.full(64, 0.25, dtype="<f4").tofile(root / "model" / "w.bin")
        (root / "model" / "link.bin").symlink_to(root / "secret.bin")
        path = root / "model" / f"m{suffix}"
        write(path)
        os.chdir(root)
        try:
            words = [str(w) for w in widths]
            _run(["fold", str(path), *statements], capsys)
            _run(["derive", *words, "--values", str(path), "--format", "text"], capsys)
        finally:
            os.chdir(cwd)


#: External locations: relative paths up, down and sideways, and the secret's absolute path.
LOCATIONS = st.one_of(
    st.lists(
        st.sampled_from(["..", ".", "sub", "model", "secret.bin", "w.bin", "link.bin", ""]),
        min_size=1,
        max_size=4,
    ).map("/".join),
    st.sampled_from(
        [
            *("../secret.bin", "./../secret.bin", "sub/../../secret.bin", "link.bin", "w.bin"),
            *("{root}/secret.bin", "{root}/model/w.bin", "sub/../w.bin", "../model/w.bin"),
        ]
    ),
)


@SETTINGS
@given(widths=st.lists(st.integers(1, 3), min_size=2, max_size=3), location=LOCATIONS)
def test_external_data_outside_the_models_folder_is_never_read(widths, location, capsys) -> None:
    """A Gemm chain whose first weight keeps its float32 bytes at ``location``."""
    require("onnx", "ONNX")
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def write(path: Path) -> None:
        inits, nodes, h = [], [], "x"
        for k in range(len(widths) - 1):
            W = numpy_helper.from_array(np.ones((widths[k + 1], widths[k]), "<f4"), f"W{k}")
            if k == 0:
                size = len(W.raw_data)
                W.ClearField("raw_data")
                W.data_location = TensorProto.EXTERNAL
                where = location.replace("{root}", str(path.parent.parent))
                for key, value in {"location": where, "offset": "0", "length": str(size)}.items():
                    entry = W.external_data.add()
                    entry.key, entry.value = key, value
            inits += [W, numpy_helper.from_array(np.ones(widths[k + 1], "<f4"), f"b{k}")]
            nodes.append(helper.make_node("Gemm", [h, f"W{k}", f"b{k}"], [f"h{k}"], transB=1))
            h = f"h{k}"
        graph = helper.make_graph(
            nodes,
            "external",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", widths[0]])],
            [helper.make_tensor_value_info(h, TensorProto.FLOAT, ["N", widths[-1]])],
            inits,
        )
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)

    _in_folder(write, ".onnx", widths, [], capsys)


@SETTINGS
@given(model=onnx_models())
def test_onnx_files_are_folded_or_refused_in_one_line(model, capsys) -> None:
    require("onnx", "ONNX")
    import onnx

    widths, proto = model
    _in_folder(lambda path: onnx.save(proto, str(path)), ".onnx", widths, [], capsys)


@SETTINGS
@given(model=state_dicts(), suffix=st.sampled_from([".safetensors", ".npz"]), statements=STATEMENTS)
def test_state_dict_files_are_folded_or_refused_in_one_line(
    model, suffix, statements, capsys
) -> None:
    if suffix == ".safetensors":
        require("safetensors", "SAFETENSORS")
    widths, tensors = model
    _in_folder(lambda path: _write_state_dict(tensors, path), suffix, widths, statements, capsys)


@SETTINGS
@given(values=values_files())
def test_values_files_are_read_or_refused_in_one_line(values, capsys, tmp_path) -> None:
    widths, document = values
    path = tmp_path / "values.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    words = [str(w) for w in widths]
    for command in ("derive", "regress"):
        _run([command, *words, "--values", str(path), "--format", "text"], capsys)
