"""``scale``: LayerScale, ``h -> diag(lambda) h``, a kind written as this one file only.

``tests/spec/kinds/test_one_file.py`` adds this directory to the kinds package's path in a
fresh interpreter and shows that the grammar, the roles, the cost estimate, the algebra, the
verification and the documents all take the kind from here, with no edit elsewhere: it
introduces two roles of its own (the factors ``lambda`` and their diagonal matrix ``Lambda``)
and gives the reason the documents write for that matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from symcollapse.errors import SpecError
from symcollapse.spec.kinds.base import (
    Affine,
    Defined,
    Explicit,
    Layer,
    LayerKind,
    Map,
    Named,
    Param,
    Shape,
)


@dataclass(frozen=True)
class Scale(Layer):
    """Each unit times its own factor ``lambda_i`` (LayerScale)."""

    def out_width(self, width: int) -> int:
        return width


def _parse(text: str, _: object) -> Scale:
    if text:
        raise SpecError(f"scale takes no arguments, got {text!r}")
    return Scale()


def _maps(layer: Scale, width: int) -> tuple[Map, ...]:
    """The diagonal matrix ``Lambda_k`` of the factors ``lambda``, and no bias."""
    diagonal = Explicit.of(width, width, lambda i, j: Param("lambda", (i,)) if i == j else 0)
    why = ("LayerScale: unit ", 1, " times its own factor ", Param("lambda", (0,)), ", and so on")
    return (Affine(Defined(Named("Lambda", width, width), diagonal, why)),)


KIND = LayerKind(
    word="scale",
    syntax="  (LayerScale: each unit times its own parameter)",
    layer_type=Scale,
    parse=_parse,
    describe=lambda layer: "scale",
    nonlinear=lambda layer: None,
    cost=lambda layer, width: Shape(1, 1, 0),
    maps=_maps,
    examples=("scale",),
    position=8,
    factors=("lambda",),
    roles=(("lambda", "the LayerScale factors"), ("Lambda", "the LayerScale matrices")),
)

Scale.kind = KIND
