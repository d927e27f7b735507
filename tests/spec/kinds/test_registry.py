"""Every layer kind of the registry has every part, and each part does what it says: adding a
kind that misses one fails here."""

from __future__ import annotations

import dataclasses

import pytest

from symcollapse.errors import SpecError
from symcollapse.spec.grammar import grammar_lines, parse_layer
from symcollapse.spec.kinds.base import LayerKind, Nonlinear, Shape
from symcollapse.spec.kinds.registry import BY_WORD, KINDS, describe, kind_of
from symcollapse.spec.onnx_conv import CONV_READERS
from symcollapse.spec.onnx_ops import READERS
from tests.model_files import require

EXAMPLES = [(kind, text) for kind in KINDS for text in kind.examples]


def test_the_registry_lists_each_kind_once_under_its_word_and_type():
    assert len(BY_WORD) == len({kind.layer_type for kind in KINDS}) == len(KINDS)
    assert [line.split()[0].split("(")[0] for line in grammar_lines()] == list(BY_WORD)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.word for kind in KINDS])
def test_every_kind_has_every_part(kind: LayerKind):
    assert isinstance(kind, LayerKind)
    for part in dataclasses.fields(LayerKind):
        if part.name not in ("onnx", "torch"):
            assert getattr(kind, part.name), f"{kind.word} has no {part.name}"
    assert dataclasses.is_dataclass(kind.layer_type) and kind.layer_type.__dataclass_params__.frozen
    assert callable(getattr(kind.layer_type, "out_width", None))
    assert kind.layer_type.kind is kind
    assert kind.examples and kind.syntax and kind.layer_type.__doc__


@pytest.mark.parametrize(("kind", "text"), EXAMPLES, ids=[text for _, text in EXAMPLES])
def test_each_example_parses_describes_and_reads_back(kind: LayerKind, text: str):
    layer = parse_layer(text)
    assert kind_of(layer) is kind
    assert parse_layer(describe(layer)) == layer
    nonlinear = kind.nonlinear(layer)
    assert nonlinear is None or (isinstance(nonlinear, Nonlinear) and nonlinear.reason)
    shape = kind.cost(layer, 8)
    assert shape is None or (isinstance(shape, Shape) and shape.row_nonzeros >= 1)
    assert layer.out_width(8) >= 1


def test_every_onnx_op_of_a_kind_has_a_reader():
    """``fold`` reads every ONNX counterpart a kind names: what ``layers`` proves affine."""
    ops = {op for kind in KINDS for op in kind.onnx}
    assert ops and set(ops) <= set(READERS) | set(CONV_READERS)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.word for kind in KINDS])
def test_torch_counterparts_are_torch_modules(kind: LayerKind):
    torch = require("torch", "TORCH")
    assert all(isinstance(getattr(torch.nn, name, None), type) for name in kind.torch)


def test_a_kind_reads_only_its_own_words():
    with pytest.raises(SpecError, match=r"^batchnorm takes no arguments, got '3'$"):
        parse_layer("batchnorm 3")
    with pytest.raises(SpecError, match=r"^a residual block is residual\(LAYER > \.\.\.\)"):
        parse_layer("residual dense 3")
    with pytest.raises(SpecError, match=r"^residual blocks do not nest$"):
        parse_layer("residual(residual(dense 2))")
    with pytest.raises(SpecError, match=r"^not a layer: 'dense'$"):
        kind_of("dense")
