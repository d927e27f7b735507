"""Runtimes that read the model file themselves, so that a check of the fold does not go through
the reader that produced it: onnx's reference evaluator for ONNX files onnxruntime cannot run
(an old opset), and torch for state_dicts, rebuilt as an ``nn.Sequential`` from the file.

The rebuilt module takes from the reading only what the file does not record and the user
stated (the order of the modules, the weight layout, the batch norm's eps); the numbers are
loaded by torch (or safetensors, or numpy's .npz loader) from the file's bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from symcollapse.errors import SpecError, ToolError
from symcollapse.spec.model import Model

if TYPE_CHECKING:  # torch is optional: imported where it runs
    import torch


def reference_outputs(path: Path, model: Model, x: np.ndarray) -> np.ndarray:
    """The ONNX file run by ``onnx.reference.ReferenceEvaluator``, one input at a time."""
    import onnx
    from onnx.reference import ReferenceEvaluator

    try:
        evaluator = ReferenceEvaluator(onnx.load(str(path), load_external_data=False))
        name = evaluator.input_names[0]
        rows = [evaluator.run(None, {name: row.reshape(model.input_shape)}) for row in x]
        # onnx types run() as dict | list: the dict is only for intermediate=True
        return np.concatenate([np.asarray(y[0]).reshape(1, -1) for y in rows])  # type: ignore[index]
    except Exception as error:  # the evaluator's own errors: an op or type it does not run
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ToolError(f"onnx's reference evaluator cannot run the model: {reason}") from None


def _tensors(source: Path | bytes, kind: str) -> dict[str, torch.Tensor]:
    """The file's tensors as loaded by torch, safetensors or numpy (a path, or the bytes of an
    export not yet written)."""
    import io

    import torch

    if kind == "safetensors":
        from safetensors.torch import load, load_file

        return load(source) if isinstance(source, bytes) else load_file(str(source))
    opened = io.BytesIO(source) if isinstance(source, bytes) else source
    if kind == "torch":
        return torch.load(opened, map_location="cpu", weights_only=True)
    with np.load(opened, allow_pickle=False) as archive:
        return {key: torch.from_numpy(archive[key].copy()) for key in archive.files}


def torch_outputs(path: Path | bytes, model: Model, x: np.ndarray) -> np.ndarray:
    """The state_dict at ``path`` (or in these bytes) loaded by torch into ``nn.Linear`` and
    ``nn.BatchNorm1d`` modules in the stated order, run in the model's float type."""
    import torch

    tensors = _tensors(path, model.kind)
    dtype = getattr(torch, str(model.dtype))
    modules: list[torch.nn.Module] = []
    for record in model.modules:
        prefix = f"{record.path}." if record.path else ""
        own = {
            key.removeprefix(prefix): value.to(dtype)
            for key, value in tensors.items()
            if key.startswith(prefix) and "." not in key.removeprefix(prefix)
        }
        if record.kind == "Linear":
            if model.weight_layout == "in-out":
                own["weight"] = own["weight"].T
            out, into = own["weight"].shape
            module: torch.nn.Module = torch.nn.Linear(into, out, bias="bias" in own, dtype=dtype)
        elif model.bn_eps is None:
            raise SpecError(f"{model.source}: batch norm {record.path} without its eps (bn_eps)")
        else:
            width = own["running_mean"].shape[0]
            affine = "weight" in own
            module = torch.nn.BatchNorm1d(width, eps=model.bn_eps, affine=affine, dtype=dtype)
            own["num_batches_tracked"] = torch.tensor(0)
        module.load_state_dict(own)
        modules.append(module)
    network = torch.nn.Sequential(*modules).eval()
    with torch.no_grad():
        return network(torch.from_numpy(x.astype(model.dtype))).double().numpy()
