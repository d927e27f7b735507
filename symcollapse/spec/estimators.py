"""Live scikit-learn and Keras models in, read through their attributes (neither library is
imported here): an ``MLPRegressor`` with ``activation='identity'`` and a ``keras.Sequential`` of
``Dense`` layers without activation.

scikit-learn computes ``x @ W + b`` with ``coefs_[k]`` of shape (in, out), and a Keras ``Dense``
layer ``x @ kernel + bias`` with the kernel (in, out): both are transposed into the (out, in)
weights of :class:`~symcollapse.spec.model.AffineLayer`. What is not affine is refused naming it:
a hidden activation, and an ``MLPClassifier``'s softmax or logistic output (its affine part, the
logits, folds as ``(W, b)`` pairs; the message says how).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symcollapse.errors import SpecError
from symcollapse.spec.model import AffineLayer, Model, check_chain, float_array

#: Float types a Keras layer may compute in here (bfloat16 has no rounding bound in numpy).
_KERAS_DTYPES = ("float16", "float32", "float64")
#: Keras layers that are the identity at inference on a batch of vectors.
_KERAS_SKIPPED = ("InputLayer", "Dropout", "Flatten", "Identity", "GaussianNoise")


def is_sklearn(obj: object) -> bool:
    return type(obj).__module__.startswith("sklearn.")


def is_keras(obj: object) -> bool:
    return type(obj).__module__.startswith("keras.")


def model_from_sklearn(estimator: Any) -> Model:
    """A fitted ``MLPRegressor(activation='identity')`` as its chain of layers."""
    kind = type(estimator).__name__
    if kind not in ("MLPRegressor", "MLPClassifier"):
        raise SpecError(f"scikit-learn's {kind} is not read; MLPRegressor is")
    if not hasattr(estimator, "coefs_"):
        raise SpecError(f"the {kind} is not fitted: it has no weights yet")
    activation = getattr(estimator, "activation", None)
    if activation != "identity":
        raise SpecError(
            f"{kind}(activation={activation!r}) is not affine; only activation='identity' folds"
        )
    if kind == "MLPClassifier":
        output = getattr(estimator, "out_activation_", "softmax")
        raise SpecError(
            f"an MLPClassifier ends in {output}, which is not affine; its logits are: "
            "symcollapse.fold([(W.T, b) for W, b in zip(clf.coefs_, clf.intercepts_)])"
        )
    pairs = zip(estimator.coefs_, estimator.intercepts_, strict=True)
    layers = [
        AffineLayer(
            f"layer {k}",
            float_array(W, f"coefs_[{k}]").T,
            float_array(b, f"intercepts_[{k}]"),
        )
        for k, (W, b) in enumerate(pairs)
    ]
    return _model(layers, {np.asarray(W).dtype.name for W in estimator.coefs_}, kind, "sklearn")


def model_from_keras(model: Any) -> Model:
    """A ``keras.Sequential`` of Dense layers with activation None or 'linear' (and Dropout,
    Flatten of vectors, Identity) as its chain of layers."""
    kind = type(model).__name__
    if kind != "Sequential":
        raise SpecError(f"a Keras {kind} is not read; a keras.Sequential of Dense layers is")
    layers: list[AffineLayer] = []
    dtypes = set()
    for index, layer in enumerate(model.layers):
        name = type(layer).__name__
        activation = getattr(getattr(layer, "activation", None), "__name__", None)
        if name in _KERAS_SKIPPED or (name == "Activation" and activation == "linear"):
            continue
        if name != "Dense":
            raise SpecError(f"Keras layer {index} ({name}) is not read; Dense layers are")
        if activation != "linear":
            raise SpecError(
                f"Keras layer {index} (Dense, activation={activation!r}) is not affine; "
                "only activation None or 'linear' folds"
            )
        weights = layer.get_weights()
        kernel = float_array(weights[0], f"Keras layer {index} kernel")
        if kernel.ndim != 2:
            raise SpecError(f"Keras layer {index} has a kernel of shape {kernel.shape}")
        bias = np.zeros(kernel.shape[1])
        if len(weights) > 1:
            bias = float_array(weights[1], f"Keras layer {index} bias")
        layers.append(AffineLayer(f"Dense {index}", kernel.T, bias))
        dtypes.add(str(getattr(layer, "compute_dtype", "float32")))
    if not layers:
        raise SpecError("the Keras model has no Dense layer to fold")
    unread = dtypes - set(_KERAS_DTYPES)
    if unread:
        raise SpecError(f"the Keras model computes in {unread.pop()}; this reads float16/32/64")
    return _model(layers, dtypes, "Keras Sequential", "keras")


def _model(layers: list[AffineLayer], dtypes: set[str], source: str, kind: str) -> Model:
    check_chain(layers, source)
    dtype = np.dtype("float64" if "float64" in dtypes else "float32")
    if dtypes == {"float16"}:
        dtype = np.dtype("float16")
    width = layers[0].widths[0]
    return Model(tuple(layers), width, dtype, source, kind, (1, width))
