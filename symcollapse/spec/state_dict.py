"""A ``state_dict`` (from .pt, safetensors or .npz) read as a chain of Linear and BatchNorm1d
layers, with nothing the file does not say taken for granted.

The keys give the modules and, through their indices, the order (:mod:`.state_dict_keys`). The
file does not record a batch norm's ``eps`` (``bn_eps``) nor, in general, how a weight is laid out:
torch's ``nn.Linear`` stores ``(out, in)``, GPT-2's ``Conv1D`` ``(in, out)`` under the same key
names. Both layouts are tried against the biases' lengths and the chain of widths; when both fit
and some weight is not symmetric, the layout is refused unless ``weight_layout`` states it. Every
tensor's type, layout and size is checked from its header before it is converted.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, TypeGuard, runtime_checkable

import numpy as np

from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH
from symcollapse.spec.model import (
    BFLOAT16_NOTE,
    AffineLayer,
    Model,
    ModuleRecord,
    batchnorm_layers,
    check_chain,
    float_array,
    linear_layer,
)
from symcollapse.spec.state_dict_keys import modules, order

if TYPE_CHECKING:  # torch is optional: only its types are read here
    import torch

#: ``weight_layout`` values: the weight's axes as stored.
LAYOUTS = ("out-in", "in-out")
#: Tensor element types read (bfloat16 is widened to float32 first).
_FLOATS = ("float16", "bfloat16", "float32", "float64")
#: A BatchNorm1d's integer counter, not a number of the function.
_COUNTER = "num_batches_tracked"


@runtime_checkable
class Header(Protocol):
    """What is read of a numpy array or torch tensor before it is converted."""

    @property
    def dtype(self) -> object: ...

    @property
    def shape(self) -> Sequence[int]: ...


def is_torch(value: object) -> TypeGuard[torch.Tensor]:
    """Whether ``value`` is a torch tensor, told without importing torch (an optional package)."""
    return hasattr(value, "detach")


def check_tensor(value: object, where: str) -> Header:
    """``value``, a numpy array or torch tensor, once its header is checked: refuse other element
    types, sparse and meta tensors and empty ones before anything is converted."""
    dtype = str(getattr(value, "dtype", type(value).__name__)).removeprefix("torch.")
    if dtype not in _FLOATS:
        raise SpecError(f"{where} holds {dtype} numbers; this reads {', '.join(_FLOATS)}")
    if not isinstance(value, Header):
        raise SpecError(f"{where} is a {type(value).__name__} with a dtype and no shape")
    if is_torch(value):
        if str(value.layout) != "torch.strided":
            raise SpecError(f"{where} is a {value.layout} tensor; this reads dense ones")
        if value.device.type not in ("cpu", "cuda", "mps"):
            raise SpecError(f"{where} is on the {value.device.type} device: it holds no numbers")
    if _entries(value) == 0:
        raise SpecError(f"{where} has shape {tuple(value.shape)}: no entries")
    return value


def _entries(value: Header) -> int:
    return math.prod(int(d) for d in value.shape)


def model_from_state_dict(
    tensors: Mapping[str, object],
    source: str,
    kind: str,
    *,
    assume_identity_gaps: bool = False,
    bn_eps: float | None = None,
    weight_layout: str | None = None,
    layers: Sequence[str] | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_bytes: int = 2**30,
) -> Model:
    """The chain of Linear (``weight``, ``bias``) and BatchNorm1d (``running_mean``,
    ``running_var``, ``weight``, ``bias``) modules of a state_dict, in the order of application."""
    if weight_layout not in (None, *LAYOUTS):
        raise SpecError(f"weight_layout must be one of {', '.join(LAYOUTS)}", "weight_layout")
    if bn_eps is not None and not (math.isfinite(bn_eps) and bn_eps >= 0):
        raise SpecError(f"bn_eps must be a finite number >= 0, got {bn_eps}", "bn_eps")
    if not tensors:
        raise SpecError(f"{source} holds no weights")
    grouped = modules(tensors, source)
    application = order(
        list(grouped), source, layers=layers, assume_identity_gaps=assume_identity_gaps
    )
    paths = application.paths
    depth = sum(2 if "running_mean" in grouped[path] else 1 for path in paths)
    if depth > max_depth:
        raise SizeLimitError(
            f"{source} has {depth} layers, above the limit of {max_depth}; raise max_depth",
            parameter="max_depth",
        )
    floats = {key: check_tensor(tensors[key], f"{source} {key!r}") for key in _float_keys(grouped)}
    entries = sum(map(_entries, floats.values()))
    if entries * 8 > max_bytes:
        raise SizeLimitError(
            f"{source} holds {entries:,} numbers, {entries * 8:,} bytes as float64, above the "
            f"limit of {max_bytes:,}; raise max_bytes",
            parameter="max_bytes",
        )
    shapes = {path: _shapes(grouped[path], floats) for path in paths}
    layout = weight_layout or _layout(paths, shapes, tensors, grouped, source)
    chain: list[AffineLayer] = []
    records = []
    for path in paths:
        arrays = {
            name: float_array(tensors[key], f"{source} {key!r}")
            for name, key in grouped[path].items()
            if name != _COUNTER
        }
        name = path or "(the only module)"
        if "running_mean" in arrays:
            if bn_eps is None:
                raise SpecError(
                    f"{source}: module {name} is a batch norm, and a state_dict does not record "
                    "its eps; state it with bn_eps (PyTorch's default is 1e-5)",
                    parameter="bn_eps",
                )
            chain += batchnorm_layers(name, arrays, source, bn_eps)
            records.append(ModuleRecord(path, "BatchNorm1d"))
        else:
            if layout == "in-out" and "weight" in arrays and arrays["weight"].ndim == 2:
                arrays["weight"] = arrays["weight"].T
            chain.append(linear_layer(name, arrays, source))
            records.append(ModuleRecord(path, "Linear"))
    check_chain(chain, source)
    if bn_eps is not None and all(record.kind != "BatchNorm1d" for record in records):
        raise SpecError(f"{source} has no batch norm for bn_eps to apply to", parameter="bn_eps")
    width = chain[0].widths[0]
    dtypes = {_dtype(value) for value in floats.values()}
    dtype = np.dtype("float64" if "float64" in dtypes else "float32")
    if dtypes == {"float16"}:
        dtype = np.dtype("float16")
    notes = _notes(layout, weight_layout, application.gaps) if paths != ("",) else ()
    notes += (BFLOAT16_NOTE,) if "bfloat16" in dtypes else ()
    return Model(
        tuple(chain), width, dtype, source, kind, (1, width), notes, tuple(records), layout, bn_eps
    )


def _float_keys(grouped: dict[str, dict[str, str]]) -> list[str]:
    return [key for group in grouped.values() for n, key in group.items() if n != _COUNTER]


def _dtype(value: Header) -> str:
    return str(value.dtype).removeprefix("torch.")


def _shapes(group: dict[str, str], floats: Mapping[str, Header]) -> dict[str, tuple[int, ...]]:
    """The shape of each parameter of a module (its batch counter is not one)."""
    return {
        name: tuple(int(d) for d in floats[key].shape)
        for name, key in group.items()
        if name != _COUNTER
    }


#: The shape of each tensor of each module, by module path and then by parameter name.
Shapes = Mapping[str, Mapping[str, tuple[int, ...]]]


def _fits(layout: str, paths: Sequence[str], shapes: Shapes) -> bool:
    """Whether reading every weight in ``layout`` gives biases of the output's length and a
    chain whose widths meet."""
    widths: list[tuple[int, ...]] = []
    for path in paths:
        shape = shapes[path]
        if "running_mean" in shape:
            widths.append((shape["running_mean"][:1] * 2) or (0, 0))
            continue
        weight = shape.get("weight", ())
        if len(weight) != 2:
            return layout == "out-in"  # not a matrix: refused with its own message below
        out, into = weight if layout == "out-in" else weight[::-1]
        if "bias" in shape and shape["bias"] != (out,):
            return False
        widths.append((into, out))
    return all(a[1] == b[0] for a, b in itertools.pairwise(widths))


def _layout(
    paths: Sequence[str],
    shapes: Shapes,
    tensors: Mapping[str, object],
    grouped: Mapping[str, Mapping[str, str]],
    source: str,
) -> str:
    fitting = [layout for layout in LAYOUTS if _fits(layout, paths, shapes)]
    if len(fitting) != 2:
        return (fitting or ["out-in"])[0]
    symmetric = all(
        len(shape.get("weight", ())) != 2
        or (
            shape["weight"][0] == shape["weight"][1]
            and np.array_equal(*_both(tensors[grouped[path]["weight"]]))
        )
        for path, shape in shapes.items()
    )
    if symmetric:
        return "out-in"
    raise SpecError(
        f"{source}: the weights' shapes fit both layouts, (out, in) as torch's nn.Linear stores "
        "them and (in, out) as GPT-2's Conv1D does; state it with weight_layout, out-in or in-out",
        parameter="weight_layout",
    )


def _both(value: object) -> tuple[np.ndarray, np.ndarray]:
    array = float_array(value, "weight")
    return array, array.T


def _notes(layout: str, stated: str | None, gaps: tuple[str, ...]) -> tuple[str, ...]:
    notes = []
    if layout == "in-out" and stated is None:
        notes.append("weights read as (in, out): the only layout their shapes fit")
    if gaps:
        shown = ", ".join(gaps[:8]) + (", ..." if len(gaps) > 8 else "")
        notes.append(f"no parameters at module {shown}: taken as an identity map, as stated")
    notes.append("no module after the last layer, or only identity maps, as stated")
    return tuple(notes)
