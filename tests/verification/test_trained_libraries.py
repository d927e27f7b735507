"""``symcollapse.fold`` on scikit-learn estimators and Keras models, each checked by the library's
own ``predict``; what is not affine is refused naming it."""

from __future__ import annotations

import os
import warnings
from fractions import Fraction

import numpy as np
import pytest

import symcollapse
from symcollapse.errors import SpecError
from tests.model_files import forward_fractions, require


def _sklearn_regressor(hidden, outputs: int, activation: str = "identity", kind: str = "Regressor"):
    require("sklearn", "SKLEARN")
    from sklearn import neural_network

    rng = np.random.default_rng(len(hidden))
    x = rng.standard_normal((40, 3))
    y = x @ rng.standard_normal((3, outputs))
    if kind == "Classifier":
        y = (y[:, 0] > 0).astype(int)
    elif outputs == 1:
        y = y[:, 0]
    estimator = getattr(neural_network, f"MLP{kind}")(
        hidden_layer_sizes=hidden, activation=activation, max_iter=30, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit does not converge, on purpose
        return estimator.fit(x, y)


@pytest.mark.parametrize(("hidden", "outputs"), [((5,), 1), ((4, 6), 2), ((), 3)])
def test_an_identity_mlp_regressor_folds_exactly_and_its_predict_agrees(hidden, outputs):
    estimator = _sklearn_regressor(hidden, outputs)
    result = symcollapse.fold(estimator)
    assert result.check.holds and result.check.runtime.startswith("scikit-learn")
    layers = [(W.T, b) for W, b in zip(estimator.coefs_, estimator.intercepts_, strict=True)]
    x = [Fraction(1, 3), Fraction(-2, 5), Fraction(7, 4)]
    folded = [
        sum(w * v for w, v in zip(row, x, strict=True)) + c
        for row, c in zip(result.W_z, result.b_z, strict=True)
    ]
    assert folded == forward_fractions(layers, x)


@pytest.mark.parametrize(
    ("activation", "kind", "message"),
    [
        ("relu", "Regressor", r"^MLPRegressor\(activation='relu'\) is not affine"),
        ("tanh", "Classifier", r"^MLPClassifier\(activation='tanh'\) is not affine"),
        ("identity", "Classifier", r"^an MLPClassifier ends in logistic, which is not affine"),
    ],
)
def test_what_sklearn_computes_beyond_an_affine_map_is_refused(activation, kind, message):
    estimator = _sklearn_regressor((3,), 1, activation, kind)
    with pytest.raises(SpecError, match=message):
        symcollapse.fold(estimator)


def test_the_classifier_s_logits_fold_as_the_message_says():
    clf = _sklearn_regressor((3,), 1, "identity", "Classifier")
    result = symcollapse.fold([(W.T, b) for W, b in zip(clf.coefs_, clf.intercepts_)])  # noqa: B905
    x = np.random.default_rng(0).standard_normal((20, 3))
    logits = x @ np.array(result.W_z, dtype=float).T + np.array(result.b_z, dtype=float)
    assert np.allclose(1 / (1 + np.exp(-logits[:, 0])), clf.predict_proba(x)[:, 1])


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3 on the installed torch
    return require("keras", "KERAS")


@pytest.mark.parametrize(
    ("widths", "bias"), [((3, 4, 2), True), ((5, 5, 5, 1), False), ((2, 3), True)]
)
def test_a_linear_keras_sequential_folds_and_its_predict_agrees(widths, bias):
    keras = _keras()
    keras.utils.set_random_seed(len(widths))
    layers = [keras.Input((widths[0],))]
    for width in widths[1:]:
        layers += [keras.layers.Dense(width, use_bias=bias), keras.layers.Dropout(0.5)]
    model = keras.Sequential(layers)
    result = symcollapse.fold(model)
    assert result.check.holds and result.check.runtime.startswith("Keras")
    pairs = [
        (layer.get_weights()[0].T, layer.get_weights()[1] if bias else np.zeros(layer.units))
        for layer in model.layers
        if type(layer).__name__ == "Dense"
    ]
    x = [Fraction(k + 1, 3) for k in range(widths[0])]
    folded = [
        sum(w * v for w, v in zip(row, x, strict=True)) + c
        for row, c in zip(result.W_z, result.b_z, strict=True)
    ]
    assert folded == forward_fractions(pairs, x)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda k: [k.layers.Dense(2, activation="relu")], r"activation='relu'\) is not affine"),
        (
            lambda k: [k.layers.Dense(2), k.layers.LayerNormalization()],
            r"LayerNormalization\) is not",
        ),
    ],
)
def test_what_keras_computes_beyond_an_affine_map_is_refused(build, message):
    keras = _keras()
    model = keras.Sequential([keras.Input((3,)), *build(keras)])
    with pytest.raises(SpecError, match=message):
        symcollapse.fold(model)


def test_a_wrong_fold_of_a_live_model_is_caught(monkeypatch):
    """The library's predict is what checks: a fold nudged by one part in 10**5 fails it."""
    from dataclasses import replace

    from symcollapse.algebra.fold import Dyadic
    from symcollapse.verification import trained

    estimator = _sklearn_regressor((4,), 2)
    right = trained.fold_model

    def nudged(model, **keywords):
        result = right(model, **keywords)
        return replace(result, W_z=Dyadic.of(result.W_z.floats() * (1 + 1e-5)))

    monkeypatch.setattr(trained, "fold_model", nudged)
    assert not symcollapse.fold(estimator).check.holds


@pytest.mark.parametrize("suffix", [".pkl", ".joblib", ".keras", ".h5"])
def test_files_that_would_need_unpickling_or_keras_are_refused_with_the_safe_way(tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    path.write_bytes(b"\x80\x04not read")
    with pytest.raises(SpecError, match=r"symcollapse\.fold\((estimator|model)\), or export it"):
        symcollapse.fold(path)
