"""Trained models in: a chain of affine layers read from ONNX, safetensors, .npz or .pt files.

Every reader returns a :class:`Model`: the layers ``h -> weight_scale * weight @ h +
bias_scale * bias`` in order, with the weights as the float64 arrays the file holds (float16 and
float32 are exact in float64). ONNX graphs are read by :mod:`symcollapse.spec.onnx_graph`, live
PyTorch modules by :mod:`symcollapse.spec.torch_module`.
Anything that is not affine, or not a model, is refused with one line naming it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.model import (
    DEFAULT_MAX_FILE_BYTES,
    SUFFIXES,
    Model,
    check_size,
    model_from_state_dict,
    need,
)


def _npz_bytes(path: Path) -> int:
    """The bytes an .npz would unpack to, from each member's own header: a small compressed
    file can hold gigabytes of zeros, so this is checked before anything is unpacked."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                header = np.lib.format.read_array_header_1_0
                if version != (1, 0):
                    header = np.lib.format.read_array_header_2_0
                shape, _, dtype = header(member)
            total += max(info.file_size, int(np.prod(shape, dtype=object)) * dtype.itemsize)
    return total


def _read_npz(path: Path, max_bytes: int) -> dict[str, np.ndarray]:
    try:
        unpacked = _npz_bytes(path)
        if unpacked > max_bytes:
            raise SizeLimitError(
                f"{str(path)!r} unpacks to {unpacked:,} bytes, above the limit of {max_bytes:,}; "
                "raise max_bytes",
                parameter="max_bytes",
            )
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise SpecError(f"{str(path)!r} is not a readable .npz file: {error}") from None


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    need("safetensors", "reading safetensors files")
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, TypeError) as error:
        raise SpecError(f"{str(path)!r} is not a readable safetensors file: {error}") from None


def _read_torch(path: Path) -> dict[str, object]:
    """A ``.pt`` state_dict, unpickled with ``weights_only=True`` (never arbitrary objects)."""
    try:
        import torch
    except ImportError:
        raise SpecError(f"reading {str(path)!r} needs PyTorch: pip install torch") from None
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # pickle, zip and torch errors alike mean: not a state_dict
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SpecError(f"{str(path)!r} is not a readable PyTorch file: {reason}") from None
    if not isinstance(data, Mapping) or not all(isinstance(k, str) for k in data):
        raise SpecError(f"{str(path)!r} holds a {type(data).__name__}, not a state_dict")
    return dict(data)


def read_model(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Model:
    """Read a model file by its suffix; refuse big, broken or non-affine files with SpecError."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(SUFFIXES)
        raise SpecError(f"{str(path)!r} is not a model file this reads ({known})")
    check_size(path, max_bytes)
    source = f"{kind} file {path.name}"
    if kind == "onnx":
        need("onnx", "reading ONNX files")
        from symcollapse.spec.onnx_graph import read_onnx

        return read_onnx(path, source)
    if kind == "npz":
        return model_from_state_dict(_read_npz(path, max_bytes), source, kind)
    readers = {"safetensors": _read_safetensors, "torch": _read_torch}
    return model_from_state_dict(readers[kind](path), source, kind)
