"""Live PyTorch modules in: an ``nn.Sequential`` of Linear, BatchNorm1d, Identity, Dropout and
Flatten read into a :class:`~symcollapse.spec.model_readers.Model` (torch itself is never imported:
the module is read through its attributes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

import numpy as np

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.registry import refusal
from symcollapse.spec.model import (
    BFLOAT16_NOTE,
    AffineLayer,
    Model,
    batchnorm_layers,
    check_chain,
    float_array,
    linear_layer,
)
from symcollapse.spec.state_dict import Header, check_tensor

#: torch module class name -> how it acts at inference: "skip" (identity) or a hint key.
_MODULES = {"Identity": "skip", "Dropout": "skip", "Flatten": "skip"}


@runtime_checkable
class _Module(Protocol):
    """What is read of a torch ``nn.Module``. Its children are told apart by their class's name
    and read by the attributes of that kind, so they are ``Any``."""

    training: bool

    def children(self) -> Iterator[Any]: ...

    def parameters(self) -> Iterator[Header]: ...

    def buffers(self) -> Iterator[Header]: ...


def model_from_module(module: object) -> Model:
    """A live ``nn.Sequential`` (or one layer) of Linear, BatchNorm1d, Identity, Dropout, Flatten.

    Flatten is taken to act on a batch of vectors (where it changes nothing); a module in
    training mode is refused, since its dropout and batch norm then do not act affinely.
    """
    if not isinstance(module, _Module):
        raise SpecError(f"expected a torch nn.Module, got {type(module).__name__}")
    children: list[Any] = (
        list(module.children()) if type(module).__name__ == "Sequential" else [module]
    )
    if getattr(module, "training", False):
        raise SpecError("the module is in training mode; call .eval() before folding it")
    layers: list[AffineLayer] = []
    for index, child in enumerate(children):
        kind = type(child).__name__
        if kind == "Sequential":
            layers += model_from_module(child).layers
        elif kind == "Linear":
            arrays = {"weight": _array(child.weight, f"module {index} weight")}
            if child.bias is not None:
                arrays["bias"] = _array(child.bias, f"module {index} bias")
            layers.append(linear_layer(index, arrays, "module"))
        elif kind == "BatchNorm1d" and child.track_running_stats:
            arrays = {
                name: _array(getattr(child, name), f"module {index} {name}")
                for name in ("running_mean", "running_var", "weight", "bias")
                if getattr(child, name) is not None
            }
            layers += batchnorm_layers(str(index), arrays, "module", float(child.eps))
        elif _MODULES.get(kind) != "skip":
            hint = refusal(kind)
            where = f"module {index} ({kind})"
            raise SpecError(f"{where}: {hint}" if hint else f"{where} is not affine")
    if not layers:
        raise SpecError("the module has no Linear or BatchNorm1d layer to fold")
    check_chain(layers, "module")
    names = {str(t.dtype).removeprefix("torch.") for t in [*module.parameters(), *module.buffers()]}
    names &= {"float16", "bfloat16", "float32", "float64"}
    dtype = np.dtype("float64" if "float64" in names else "float32")
    if names == {"float16"}:
        dtype = np.dtype("float16")
    width = layers[0].widths[0]
    notes = (BFLOAT16_NOTE,) if "bfloat16" in names else ()
    source = f"module {type(module).__name__}"
    return Model(tuple(layers), width, dtype, source, "module", (1, width), notes)


def _array(tensor: object, where: str) -> np.ndarray:
    """A parameter or buffer checked (type, layout, device, size) before it is converted."""
    check_tensor(tensor, where)
    return float_array(tensor, where)
