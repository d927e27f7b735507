"""Layer values: widths each layer produces, and one-line errors for shapes that make no sense."""

from __future__ import annotations

import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.activations import activation
from symcollapse.spec.layers import (
    AvgPool,
    BatchNorm,
    Conv1D,
    Dense,
    Dropout,
    LayerSpec,
    MaxPool,
    Residual,
)


@pytest.mark.parametrize(
    ("layer", "width", "expected"),
    [
        (Dense(4), 2, 4),
        (Conv1D(3), 5, 3),
        (Conv1D(3, stride=2, padding=1), 6, 3),
        (Conv1D(2, stride=3), 7, 2),
        (AvgPool(2), 6, 3),
        (AvgPool(2, stride=1), 6, 5),
        (MaxPool(3), 7, 2),
        (BatchNorm(), 4, 4),
        (Dropout(), 4, 4),
        (Residual((Dense(2), Dense(4))), 4, 4),
    ],
)
def test_out_width(layer, width: int, expected: int) -> None:
    # floor((width + 2 padding - size) / stride) + 1, the usual formula
    assert layer.out_width(width) == expected


def test_spec_widths_follow_the_layers() -> None:
    spec = LayerSpec(6, (Conv1D(3, padding=1), AvgPool(2), Dense(1)))
    assert spec.widths == (6, 6, 3, 1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: LayerSpec(2, (Conv1D(4),)),
            r"^conv1d kernel size 4 is larger than its input of width 2 with padding 0$",
        ),
        (lambda: LayerSpec(3, (MaxPool(4),)), r"^pool size 4 is larger than its input of width 3$"),
        (
            lambda: LayerSpec(3, (Residual((Dense(2),)),)),
            r"^a residual block must keep the width: input 3, block output 2$",
        ),
        (
            lambda: Residual((Dense(2, activation("relu")),)),
            r"^a residual block holds affine layers only, got dense 2 relu: "
            r"relu is piecewise affine, not affine$",
        ),
        (lambda: Residual(()), r"^a residual block needs at least one layer inside$"),
        (lambda: LayerSpec(2, ()), r"^a network needs at least one layer$"),
        (lambda: LayerSpec(2, ("dense",)), r"^layer 1 is not a layer: 'dense'$"),
        (lambda: LayerSpec(0, (Dense(1),)), r"^input width must be at least 1, got 0$"),
        (lambda: Dense(0), r"^dense units must be at least 1, got 0$"),
        (lambda: Dense(2, "relu"), r"^activation is not a function: got 'relu'$"),
        (lambda: Conv1D(2, stride=0), r"^conv1d stride must be at least 1, got 0$"),
        (lambda: Dropout(1), r"^dropout rate must lie in \[0, 1\), got 1$"),
    ],
)
def test_bad_layers_are_one_line_spec_errors(make, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        make()
