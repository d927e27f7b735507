"""``symcollapse.fold(obj)``: a trained model folded exactly and checked, from whatever holds it.

``obj`` is a model file's path (``.onnx``, ``.safetensors``, ``.npz``, ``.pt``), a live torch
``nn.Module`` (an ``nn.Sequential`` of Linear, BatchNorm1d, Identity, Dropout, Flatten), a fitted
scikit-learn ``MLPRegressor(activation='identity')``, a ``keras.Sequential`` of Dense layers
without activation, or a list of ``(W, b)`` pairs with ``W`` of shape (out, in) applied in order.
A live model is checked by its own library (torch, the estimator's or Keras's ``predict``). What
a state_dict file does not record is stated by the same keywords as
:func:`~symcollapse.spec.model_readers.read_model`; a live model or pairs record it all, so those
keywords are refused with them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from symcollapse.algebra.fold import DEFAULT_MAX_BYTES, Fold
from symcollapse.algebra.fold import fold as fold_model
from symcollapse.display import Displayable
from symcollapse.errors import SpecError, SymcollapseWarning
from symcollapse.spec.estimators import is_keras, is_sklearn, model_from_keras, model_from_sklearn
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH, check_limit
from symcollapse.spec.model import AffineLayer, Model, check_chain, float_array
from symcollapse.spec.model_readers import read_model
from symcollapse.spec.torch_module import model_from_module
from symcollapse.verification.runtime import RuntimeCheck, check_runtime, check_sampling


@dataclass(frozen=True)
class CheckedFold(Displayable):
    """The exact fold of a trained model and the check of it by a runtime (see ``check``)."""

    fold: Fold
    check: RuntimeCheck

    @property
    def W_z(self) -> list[list[Fraction]]:
        return self.fold.W_z_fractions()

    @property
    def b_z(self) -> list[Fraction]:
        return self.fold.b_z_fractions()


def _from_pairs(pairs: object) -> Model:
    """A list of ``(W, b)``: each ``W`` (out, in) and ``b`` (out,) as float arrays; anything
    else is refused."""
    if not isinstance(pairs, (list, tuple)):
        raise SpecError(
            "expected a model file's path, a torch nn.Module, an sklearn MLPRegressor, a "
            "keras.Sequential or a list of (W, b) pairs, "
            f"got {type(pairs).__name__}"
        )
    layers = []
    for k, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise SpecError(f"layer {k} must be a pair (W, b), got {type(pair).__name__}")
        W, b = (float_array(v, f"layer {k} {n}") for v, n in zip(pair, "Wb", strict=True))
        if W.ndim != 2 or b.shape != (W.shape[0],):
            raise SpecError(f"layer {k}: W of shape {W.shape} and b of {b.shape} do not pair")
        layers.append(AffineLayer(f"layer {k}", W, b))
    if not layers:
        raise SpecError("no layers to fold")
    check_chain(layers, "the pairs")
    width = layers[0].widths[0]
    dtypes = {np.asarray(v).dtype for pair in pairs for v in pair if hasattr(v, "dtype")}
    dtype = np.dtype("float32") if dtypes and np.dtype("float64") not in dtypes else np.float64
    return Model(tuple(layers), width, np.dtype(dtype), "the pairs", "pairs", (1, width))


def fold(
    obj: object,
    *,
    assume_identity_gaps: bool = False,
    bn_eps: float | None = None,
    weight_layout: str | None = None,
    layers: Sequence[str] | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_bytes: int = DEFAULT_MAX_BYTES,
    samples: int = 16,
    seed: int = 0,
) -> CheckedFold:
    """Fold ``obj`` exactly to ``W_z x + b_z`` and check it at ``samples`` random inputs."""
    check_sampling(samples, seed)
    check_limit(max_depth, "max_depth")
    check_limit(max_bytes, "max_bytes")
    stated: dict[str, Any] = {
        "assume_identity_gaps": assume_identity_gaps,
        "bn_eps": bn_eps,
        "weight_layout": weight_layout,
        "layers": layers,
    }
    if isinstance(obj, (str, Path)):
        path = Path(obj)
        model = read_model(path, max_bytes=max_bytes, max_depth=max_depth, **stated)
        result = fold_model(model, max_bytes=max_bytes)
        _warn(model.notes)
        return CheckedFold(result, check_runtime(result, path=path, samples=samples, seed=seed))
    given = [name for name, value in stated.items() if value not in (None, False)]
    if given:
        raise SpecError(f"{given[0]} applies to state_dict files; a live model records it")
    live: Any = obj
    module = predict = None
    if is_keras(obj):  # before torch: a Keras 3 layer on the torch backend is an nn.Module
        model = model_from_keras(obj)
        predict = ("Keras (the model's own predict)", lambda x: live.predict(x, verbose=0))
    elif is_sklearn(obj):
        model = model_from_sklearn(obj)
        predict = ("scikit-learn (the estimator's own predict)", live.predict)
    elif hasattr(obj, "children"):
        model, module = model_from_module(obj), obj
    else:
        model = _from_pairs(obj)
    if len(model.layers) > max_depth:
        raise SpecError(f"{len(model.layers)} layers, above max_depth={max_depth}", "max_depth")
    result = fold_model(model, max_bytes=max_bytes)
    _warn(model.notes)
    check = check_runtime(result, module=module, predict=predict, samples=samples, seed=seed)
    return CheckedFold(result, check)


def _warn(notes: Sequence[str]) -> None:
    """Each caveat of the reading (a stated assumption, a rounding) as a warning for API users,
    who never see the CLI's ``note:`` lines."""
    for note in notes:
        warnings.warn(note, SymcollapseWarning, stacklevel=3)
