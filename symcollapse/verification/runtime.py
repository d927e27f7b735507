"""The fold checked by a runtime that read the model itself, within a derived float rounding bound.

The runtime (onnxruntime for ONNX, or onnx's reference evaluator for an opset onnxruntime does not
run; the module for PyTorch; torch rebuilding a state_dict file's modules from the file) evaluates
the model at random inputs in its float type with unit roundoff
``u``; ``W_z x + b_z`` is evaluated in float64. The bound is the standard forward error bound
for inner products (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., eq. 3.5):
a computed layer ``fl(alpha W h + beta b)`` with ``m = d_in + 3`` roundings per entry (inner
product, scaling by alpha and beta, adding; any summation order) deviates from the exact layer
at the computed input by at most ``gamma_m (|W| |h| + |b|)``, ``gamma_m = m u / (1 - m u)``.
Propagating through the layers gives ``e_k = |W_k| e_{k-1} + gamma_m (|W_k| (|h_{k-1}| +
e_{k-1}) + |b_k|)`` with ``e_0 = 0`` (inputs are exact floats), and the float64 side adds its
own ``gamma_m`` bound with ``u = 2**-53``. Where the runtime computes a batch norm's
``gamma / sqrt(var + eps)`` itself, its few extra roundings fit in the diagonal layer's ``m``.
Underflow is not relative: each of the ``m`` roundings of an entry may also lose up to the
smallest normal number of the type (Higham eq. 2.8, and a runtime that flushes subnormals to
zero), so every layer adds ``m * tiny`` to its entries' bound.

Without torch, a state_dict file has no runtime of its own: the layers as read are re-run in
numpy in their precision, which checks the arithmetic only; the check says so
(``independent`` is false).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symcollapse.algebra.fold import Fold
from symcollapse.display import Displayable
from symcollapse.errors import SpecError, ToolError
from symcollapse.spec.model import BFLOAT16_NOTE, AffineLayer, Model, need
from symcollapse.spec.state_dict import model_from_state_dict
from symcollapse.verification.rebuilt import reference_outputs, torch_outputs

#: Export file suffixes.
EXPORTS = (".onnx", ".safetensors", ".npz")


@dataclass(frozen=True)
class RuntimeCheck(Displayable):
    """The largest deviation of the runtime from ``W_z x + b_z`` over ``samples`` inputs.

    Data only: :func:`symcollapse.render.verification.runtime_check_text` puts it into words."""

    runtime: str
    samples: int
    max_deviation: float
    bound: float
    worst_ratio: float
    independent: bool = True

    @property
    def holds(self) -> bool:
        return self.worst_ratio <= 1.0


def _gamma(m: int, u: float) -> float:
    """Higham's ``gamma_m``; no bound (infinity) once ``m u >= 1``."""
    return m * u / (1 - m * u) if m * u < 1 else float("inf")


def rounding_bound(model: Model, x: np.ndarray) -> np.ndarray:
    """Per sample and output, a bound on ``|runtime(x) - f(x)|`` for the runtime's float type."""
    info = np.finfo(model.dtype)
    u, tiny = float(info.eps) / 2, float(info.tiny)
    h, e = x, np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in model.layers:
            W, b = np.abs(layer.matrix()), np.abs(layer.vector())
            m = layer.widths[0] + 3
            e = e @ W.T + _gamma(m, u) * ((np.abs(h) + e) @ W.T + b) + m * tiny
            h = h @ layer.matrix().T + layer.vector()  # the exact layer, in float64
    return e


def _float64_bound(fold: Fold, x: np.ndarray) -> np.ndarray:
    W, b = np.abs(fold.W_z.floats()), np.abs(fold.b_z.floats())
    m = fold.model.input_width + 3
    with np.errstate(over="ignore", invalid="ignore"):
        return _gamma(m, 2.0**-53) * (np.abs(x) @ W.T + b) + m * float(np.finfo(np.float64).tiny)


def check_sampling(samples: object, seed: object) -> None:
    """``samples`` from 1 to 10,000 and ``seed`` from 0 to 2**64 - 1; :class:`SpecError`."""
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= 10_000:
        raise SpecError(f"samples must be an integer from 1 to 10,000, got {samples!r}", "samples")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64:
        raise SpecError(f"seed must be an integer from 0 to 2**64 - 1, got {seed!r}", "seed")


def random_inputs(width: int, dtype: np.dtype, samples: int, seed: int) -> np.ndarray:
    """``samples`` standard normal inputs of ``width`` entries, in the model's float type."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((samples, width)).astype(dtype)


def _samples(model: Model, samples: int, seed: int) -> np.ndarray:
    return random_inputs(model.input_width, model.dtype, samples, seed)


def onnx_runs(content: bytes | str, input_shape: tuple[int, ...], x: np.ndarray) -> list:
    """Every output of the ONNX model (a path or its bytes) run by onnxruntime at the rows of
    ``x``, each as rows ``(samples, entries)``; a fixed batch is fed whole, padded."""
    need("onnxruntime", "checking an ONNX model")
    import onnxruntime

    onnxruntime.set_default_logger_severity(3)  # an old opset's warnings are not the user's
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(content, options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        batch = session.get_inputs()[0].shape[0] if len(input_shape) > 1 else 1
        batch = batch if isinstance(batch, int) and batch > 1 else 1  # a fixed batch is fed whole
        padded = np.concatenate([x, np.repeat(x[-1:], -len(x) % batch, axis=0)])
        shape = (batch, *input_shape[1:]) if len(input_shape) > 1 else input_shape
        runs = [
            session.run(None, {name: padded[i : i + batch].reshape(shape)})
            for i in range(0, len(padded), batch)
        ]
    except Exception as error:  # onnxruntime's own error types: an op or type it cannot run
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ToolError(f"onnxruntime cannot run the model: {reason}") from None
    return [
        np.concatenate([np.asarray(run[k]).reshape(batch, -1) for run in runs])[: len(x)]
        for k in range(len(runs[0]))
    ]


def _onnx_outputs(content: bytes | str, model: Model, x: np.ndarray) -> np.ndarray:
    return onnx_runs(content, model.input_shape, x)[0]


def _numpy_outputs(model: Model, x: np.ndarray) -> np.ndarray:
    """The layers in the model's own float type (what a state_dict file's numbers compute)."""
    h = x.astype(model.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in model.layers:
            h = h @ layer.weight.T.astype(model.dtype) * model.dtype.type(layer.weight_scale)
            h = h + (layer.bias * layer.bias_scale).astype(model.dtype)
    return h


def _module_outputs(module: Any, x: np.ndarray) -> np.ndarray:
    """The module at ``x``; a bfloat16 module as a float32 copy (torch widens it exactly), since
    ``x`` and the rounding bound are in float32 for it."""
    import copy

    import torch

    if any(t.dtype == torch.bfloat16 for t in [*module.parameters(), *module.buffers()]):
        module = copy.deepcopy(module).float()
    with torch.no_grad():
        return module(torch.from_numpy(x)).double().numpy()


def check_runtime(
    fold: Fold,
    *,
    path: Path | None = None,
    module: object = None,
    predict: tuple[str, Callable[[np.ndarray], object]] | None = None,
    samples: int = 16,
    seed: int = 0,
) -> RuntimeCheck:
    """Run the original model (ONNX file at ``path``, ``module``, or a library's own ``predict``
    with its name) and compare with the fold."""
    if not isinstance(fold, Fold):
        raise SpecError(f"expected a Fold (from fold), got {type(fold).__name__}", "fold")
    check_sampling(samples, seed)
    model = fold.model
    _check_range(fold)
    x = _samples(model, samples, seed)
    independent = True
    if predict is not None:
        runtime, y = predict[0], np.asarray(predict[1](x), dtype=np.float64).reshape(len(x), -1)
    elif module is not None:
        runtime, y = "PyTorch (the module)", _module_outputs(module, x)
        runtime += " in float32" if BFLOAT16_NOTE in model.notes else ""
    elif model.kind == "onnx" and path is not None:
        runtime, y = _onnx_or_reference(path, model, x)
    elif model.modules and path is not None and _importable("torch"):
        runtime = "PyTorch (the modules rebuilt by torch from the file)"
        runtime += " in float32" if BFLOAT16_NOTE in model.notes else ""
        try:
            y = torch_outputs(path, model, x)
        except Exception as error:  # torch's own errors: the file is not what it read
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            raise ToolError(f"torch cannot rebuild the model from the file: {reason}") from None
    else:
        runtime = (
            f"numpy in {model.dtype} re-running the layers as symcollapse read them (an "
            "arithmetic re-run only, not an independent check: install torch for one)"
        )
        y, independent = _numpy_outputs(model, x), False
    if not np.isfinite(y).all():
        raise SpecError(
            f"{runtime.split(' (')[0]} computes inf or NaN at random inputs of size about 1: "
            f"the model overflows {model.dtype}, so no fold of it can be checked"
        )
    return check_outputs(fold, x, y, runtime, independent)


def check_outputs(
    fold: Fold, x: np.ndarray, y: np.ndarray, runtime: str, independent: bool = True
) -> RuntimeCheck:
    """A runtime's outputs ``y`` of the model at inputs ``x`` against ``W_z x + b_z`` within the
    rounding bound of the model's layers (and of the float64 evaluation)."""
    x64 = x.astype(np.float64)
    bound = rounding_bound(fold.model, x64) + _float64_bound(fold, x64)
    with np.errstate(over="ignore", invalid="ignore"):
        return compare(runtime, y, fold.evaluate(x64), bound, independent)


def _check_range(fold: Fold) -> None:
    """Refuse a fold whose exact ``W_z`` or ``b_z`` has entries beyond float64's range: it can be
    written exactly but not run or checked in floating point."""
    for name, value in (("W_z", fold.W_z), ("b_z", fold.b_z)):
        bits = value.max_bits() + value.exponent
        if value.max_bits() and bits > 1024:
            raise SpecError(
                f"the exact {name} has entries of about 2**{bits - 1}, beyond float64's range: "
                "the model overflows, so the fold cannot be checked"
            )


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _onnx_or_reference(path: Path, model: Model, x: np.ndarray) -> tuple[str, np.ndarray]:
    """onnxruntime, or onnx's reference evaluator where onnxruntime cannot run the model."""
    try:
        return "onnxruntime", _onnx_outputs(str(path), model, x)
    except ToolError as error:
        reason = str(error)
    y = reference_outputs(path, model, x)
    return f"onnx's reference evaluator ({reason})", y


def compare(
    runtime: str, y: np.ndarray, exact: np.ndarray, bound: np.ndarray, independent: bool = True
) -> RuntimeCheck:
    if y.shape != exact.shape:  # the fold read the wrong width: it fails, it does not crash
        runtime += (
            f" (its outputs have {y.shape[-1]} entries per input, the fold's {exact.shape[-1]})"
        )
        return RuntimeCheck(runtime, len(y), np.inf, float(bound.max()), np.inf, independent)
    deviation = np.abs(y.astype(np.float64) - exact)
    ratio = np.divide(deviation, bound, out=np.where(deviation > 0, np.inf, 0.0), where=bound > 0)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    return RuntimeCheck(
        runtime,
        len(y),
        float(deviation.max()),
        float(bound.max()),
        float(ratio.max()),
        independent,
    )


def export_bytes(fold: Fold, suffix: str) -> bytes:
    """The folded model ``W_z x + b_z`` (rounded to the model's float type) as a file's bytes:
    one Gemm in ONNX, or ``weight``/``bias`` (a bare ``nn.Linear``'s state_dict) otherwise."""
    dtype = fold.model.dtype
    W, b = fold.W_z.floats().astype(dtype), fold.b_z.floats().astype(dtype)
    if suffix == ".onnx":
        from onnx import TensorProto, helper, numpy_helper

        kind = {np.dtype("float64"): TensorProto.DOUBLE, np.dtype("float16"): TensorProto.FLOAT16}
        element = kind.get(dtype, TensorProto.FLOAT)
        gemm = helper.make_node("Gemm", ["x", "W_z", "b_z"], ["y"], name="fold", transB=1)
        graph = helper.make_graph(
            [gemm],
            "folded",
            [helper.make_tensor_value_info("x", element, ["batch", W.shape[1]])],
            [helper.make_tensor_value_info("y", element, ["batch", W.shape[0]])],
            [numpy_helper.from_array(W, "W_z"), numpy_helper.from_array(b, "b_z")],
        )
        return helper.make_model(graph, producer_name="symcollapse").SerializeToString()
    if suffix == ".safetensors":
        from safetensors.numpy import save

        return save({"weight": np.ascontiguousarray(W), "bias": b})
    if suffix == ".npz":
        buffer = io.BytesIO()
        np.savez(buffer, weight=W, bias=b)
        return buffer.getvalue()
    raise SpecError(f"export writes {', '.join(EXPORTS)} files, got {suffix!r}", parameter="export")


def check_export(fold: Fold, content: bytes, suffix: str, *, samples: int = 16) -> RuntimeCheck:
    """Read the exported bytes back, run them, compare with the exact ``W_z x + b_z``."""
    model = fold.model
    single = single_layer(fold)
    x = _samples(model, samples, seed=1)
    x64 = x.astype(np.float64)
    independent = True
    if suffix == ".onnx":
        runtime, y = "onnxruntime (export)", _onnx_outputs(content, single, x)
    else:
        if suffix == ".npz":
            with np.load(io.BytesIO(content), allow_pickle=False) as archive:
                tensors = {key: archive[key] for key in archive.files}
        else:
            from safetensors.numpy import load

            tensors = load(content)
        kind = suffix.removeprefix(".")
        reread = model_from_state_dict(tensors, "export", kind, weight_layout="out-in")
        if _importable("torch"):
            runtime = "PyTorch (export, rebuilt by torch from its bytes)"
            y = torch_outputs(content, reread, x)
        else:
            runtime = f"numpy in {model.dtype} re-running the export as read (arithmetic only)"
            y, independent = _numpy_outputs(reread, x), False
    bound = export_bound(fold, x64)
    return compare(runtime, y, fold.evaluate(x64), bound, independent)


def single_layer(fold: Fold) -> Model:
    """``W_z x + b_z`` rounded to the model's float type, as the one layer an export holds."""
    model = fold.model
    W, b = fold.W_z.floats().astype(model.dtype), fold.b_z.floats().astype(model.dtype)
    return Model(
        (AffineLayer("fold", W.astype(np.float64), b.astype(np.float64)),),
        model.input_width,
        model.dtype,
        "export",
        "onnx",
        (1, model.input_width),
    )


def export_bound(fold: Fold, x: np.ndarray) -> np.ndarray:
    """A bound on ``|export(x) - (W_z x + b_z)|`` with the right side in float64: the rounding
    of ``W_z`` and ``b_z`` to the model's float type, the one layer's own rounding, and the
    float64 evaluation's."""
    u = float(np.finfo(fold.model.dtype).eps) / 2
    with np.errstate(over="ignore", invalid="ignore"):
        stored = u * (np.abs(x) @ np.abs(fold.W_z.floats()).T + np.abs(fold.b_z.floats()))
        return rounding_bound(single_layer(fold), x) + stored + _float64_bound(fold, x)
