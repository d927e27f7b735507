"""Every tensor of an ONNX file, read by one function that trusts nothing in the file.

A ``TensorProto`` states its element type, its dimensions and where its bytes are: inline
(``raw_data`` or a typed field) or in another file (``data_location = EXTERNAL`` with a
``location``, ``offset`` and ``length``). onnx's own ``numpy_helper.to_array`` opens such a
location relative to the *current directory*, so a crafted model could read any file there into
its weights. Here an external location must be a relative path inside the model's own folder,
reached without ``..`` and without a symbolic link, naming a regular file that holds the stated
bytes; the size is checked against the dimensions before anything is read or allocated, the
element type must be one this reads, and inline data must have exactly the stated size.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path, PurePosixPath

import numpy as np

from symcollapse.errors import SpecError

#: Largest tensor read from a model: above it the model is refused before a byte is allocated.
MAX_TENSOR_BYTES = 2**31

#: ONNX element type -> the numpy type its little-endian bytes are (bfloat16 is widened below).
_TYPES: dict[int, np.dtype] = {
    1: np.dtype("<f4"),  # FLOAT
    10: np.dtype("<f2"),  # FLOAT16
    11: np.dtype("<f8"),  # DOUBLE
    16: np.dtype("<u2"),  # BFLOAT16: the upper half of a float32
    6: np.dtype("<i4"),  # INT32
    7: np.dtype("<i8"),  # INT64
}
_NAMES = {1: "float32", 10: "float16", 11: "float64", 16: "bfloat16", 6: "int32", 7: "int64"}

#: ONNX element type -> the typed field that holds it when there is no raw_data.
_FIELDS = {1: "float_data", 10: "int32_data", 11: "double_data", 16: "int32_data"}
_FIELDS.update({6: "int32_data", 7: "int64_data"})


def read_tensor(tensor, folder: Path, where: str, *, max_bytes: int = MAX_TENSOR_BYTES):
    """The values of ``tensor`` (an ``onnx.TensorProto``) as a numpy array; :class:`SpecError`
    naming ``where`` for any tensor this does not read or whose stated size its data lacks.

    ``folder`` is the model file's folder: the only place external data may come from.
    """
    from onnx import TensorProto

    name = f"{where} tensor {tensor.name!r}" if tensor.name else f"{where} tensor"
    dtype = _TYPES.get(tensor.data_type)
    if dtype is None:
        raise SpecError(f"{name} has element type {tensor.data_type}; this reads {_listed()}")
    if tensor.HasField("segment"):
        raise SpecError(f"{name} is split into segments, which this does not read")
    dims = tuple(tensor.dims)
    if any(d < 0 for d in dims):
        raise SpecError(f"{name} has a negative dimension in {list(dims)}")
    count = math.prod(dims)
    if count == 0:
        raise SpecError(f"{name} has shape {list(dims)}: no entries")
    nbytes = count * dtype.itemsize
    if nbytes > max_bytes:
        raise SpecError(f"{name} states {nbytes:,} bytes, above the limit of {max_bytes:,}")
    if tensor.data_location == TensorProto.EXTERNAL:
        array = np.frombuffer(_external(tensor, folder, nbytes, name), dtype=dtype)
    elif tensor.raw_data:
        if len(tensor.raw_data) != nbytes:
            raise SpecError(
                f"{name} has {len(tensor.raw_data):,} bytes of data for shape {list(dims)} "
                f"of {_NAMES[tensor.data_type]}, which needs {nbytes:,}"
            )
        array = np.frombuffer(tensor.raw_data, dtype=dtype)
    else:
        values = getattr(tensor, _FIELDS[tensor.data_type])
        if len(values) != count:
            raise SpecError(f"{name} has {len(values):,} values for shape {list(dims)}")
        try:  # 16-bit floats keep their bit patterns, one per int32
            array = np.asarray(values, dtype=np.uint16 if dtype.itemsize == 2 else dtype)
        except (OverflowError, ValueError):
            raise SpecError(f"{name} holds values outside its element type") from None
        array = array.view(dtype)
    if tensor.data_type == 16:  # bfloat16: the bits are the high half of a float32
        return (array.astype(np.uint32) << 16).view(np.float32).reshape(dims)
    return array.astype(dtype.newbyteorder("="), copy=False).reshape(dims)


def _listed() -> str:
    return ", ".join(_NAMES.values())


def _external(tensor, folder: Path, nbytes: int, name: str) -> bytes:
    """The bytes an external tensor names, read only from a regular file inside ``folder``."""
    info = {entry.key: entry.value for entry in tensor.external_data}
    location = info.get("location", "")
    relative = PurePosixPath(location.replace("\\", "/"))
    if (
        not location
        or "\0" in location
        or relative.is_absolute()
        or any(part in ("..", "") for part in relative.parts)
        or os.path.splitdrive(location)[0]
    ):
        raise SpecError(f"{name} keeps its data at {location!r}, outside the model's folder")
    try:
        offset = int(info.get("offset", "0"))
        length = int(info.get("length", str(nbytes)))
    except ValueError:
        raise SpecError(f"{name} has a malformed external offset or length") from None
    if offset < 0 or length != nbytes:
        raise SpecError(f"{name} states {length} external bytes at offset {offset}; needs {nbytes}")
    path = folder
    for part in relative.parts:  # no symbolic link anywhere below the model's folder
        path = path / part
        if path.is_symlink():
            raise SpecError(f"{name} keeps its data behind a symbolic link, {location!r}")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        reason = error.strerror
        raise SpecError(f"{name}: cannot read its data file {location!r}: {reason}") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise SpecError(f"{name}: its data file {location!r} is not a regular file")
        if offset + nbytes > status.st_size:
            raise SpecError(
                f"{name}: its data file {location!r} has {status.st_size:,} bytes, "
                f"the tensor needs {offset + nbytes:,}"
            )
        handle.seek(offset)
        data = handle.read(nbytes)
    if len(data) != nbytes:
        raise SpecError(f"{name}: its data file {location!r} ended early")
    return data
