"""Trained models in: a chain of affine layers read from ONNX, safetensors, .npz or .pt files.

Every reader returns a :class:`Model`: the layers ``h -> weight_scale * weight @ h +
bias_scale * bias`` in order, with the weights as the float64 arrays the file holds (float16 and
float32 are exact in float64). ONNX graphs are read by :mod:`symcollapse.spec.onnx_graph`, live
PyTorch modules by :mod:`symcollapse.spec.torch_module`.
Anything that is not affine, or not a model, is refused with one line naming it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH
from symcollapse.spec.model import (
    DEFAULT_MAX_FILE_BYTES,
    SUFFIXES,
    Model,
    check_size,
    need,
)
from symcollapse.spec.state_dict import model_from_state_dict

_PICKLE = (
    "a pickle runs code when it is loaded, so symcollapse never unpickles a file; load the "
    "estimator yourself and fold it with symcollapse.fold(estimator), or export it to ONNX "
    "(skl2onnx) and fold that"
)
_KERAS = (
    "Keras files are read by Keras: load the model with keras.saving.load_model and fold it with "
    "symcollapse.fold(model), or export it to ONNX (model.export(path, format='onnx'))"
)
#: Model files this does not read, and how to fold what they hold.
_UNREAD = {".pkl": _PICKLE, ".pickle": _PICKLE, ".joblib": _PICKLE, ".keras": _KERAS, ".h5": _KERAS}


def _npz_bytes(path: Path) -> int:
    """The bytes an .npz would unpack to and take as float64, from each member's own header: a
    small compressed file can hold gigabytes of zeros, so this is checked before anything is
    unpacked. Two members of one name would hide one of them: refused."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist()]
        if len(set(names)) != len(names):
            twice = next(name for name in names if names.count(name) > 1)
            raise SpecError(f"{str(path)!r} holds the member {twice[:80]!r} twice")
        for info in archive.infolist():
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                header = np.lib.format.read_array_header_1_0
                if version != (1, 0):
                    header = np.lib.format.read_array_header_2_0
                shape, _, dtype = header(member)
            entries = int(np.prod(shape, dtype=object))
            total += max(info.file_size, entries * max(dtype.itemsize, 8))
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
    except SpecError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise SpecError(f"{str(path)!r} is not a readable .npz file: {error}") from None


def _read_safetensors(path: Path) -> Mapping[str, object]:
    """A safetensors file's tensors: as torch tensors when torch is importable (numpy has no
    bfloat16), else as numpy arrays; the library checks the header against the file's size."""
    need("safetensors", "reading safetensors files")
    from safetensors import SafetensorError

    load_file: Callable[[str], Mapping[str, object]]
    try:
        import torch  # noqa: F401
    except ImportError:
        from safetensors.numpy import load_file
    else:
        from safetensors.torch import load_file as load_tensors

        load_file = load_tensors
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


def read_model(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    assume_identity_gaps: bool = False,
    bn_eps: float | None = None,
    weight_layout: str | None = None,
    layers: Sequence[str] | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Model:
    """Read a model file by its suffix; refuse big, broken or non-affine files with SpecError.

    The keywords state what a state_dict file does not record (see
    :func:`~symcollapse.spec.state_dict.model_from_state_dict`); an ONNX file records it all."""
    kind = SUFFIXES.get(path.suffix.lower())
    if path.suffix.lower() in _UNREAD:
        raise SpecError(f"{str(path)!r}: {_UNREAD[path.suffix.lower()]}")
    if kind is None:
        known = ", ".join(SUFFIXES)
        raise SpecError(f"{str(path)!r} is not a model file this reads ({known})")
    check_size(path, max_bytes)
    source = f"{kind} file {path.name}"
    if kind == "onnx":
        need("onnx", "reading ONNX files")
        from symcollapse.spec.onnx_graph import read_onnx

        model = read_onnx(path, source, max_bytes=max_bytes)
        if len(model.layers) > max_depth:
            raise SizeLimitError(
                f"{source} has {len(model.layers)} affine layers, above the limit of "
                f"{max_depth}; raise max_depth",
                parameter="max_depth",
            )
        return model
    readers: dict[str, Callable[[Path], Mapping[str, object]]] = {
        "npz": lambda path: _read_npz(path, max_bytes),
        "safetensors": _read_safetensors,
        "torch": _read_torch,
    }
    return model_from_state_dict(
        readers[kind](path),
        source,
        kind,
        assume_identity_gaps=assume_identity_gaps,
        bn_eps=bn_eps,
        weight_layout=weight_layout,
        layers=layers,
        max_depth=max_depth,
        max_bytes=max_bytes,
    )
