"""What every layer kind declares (:class:`LayerKind`), and the small helpers kinds share.

A kind is one frozen :class:`LayerKind` value in its own module of this package; the registry
(:mod:`symcollapse.spec.kinds.registry`) lists them. Nothing here needs sympy's matrices: the
affine map a kind becomes is built in :mod:`symcollapse.algebra.stage_rules`, keyed by
:attr:`LayerKind.word`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symcollapse.errors import SpecError
from symcollapse.spec.numerals import parse_integer
from symcollapse.spec.widths import MAX_WIDTH


@dataclass(frozen=True)
class Shape:
    """What one affine layer contributes to the cost: nonzeros per row of its matrix, terms
    per matrix entry and terms per bias entry (see :mod:`symcollapse.spec.layer_cost`)."""

    row_nonzeros: int
    entry_terms: int
    bias_terms: int


@dataclass(frozen=True)
class Nonlinear:
    """Why a layer has no affine map: ``reason`` in words; ``masks`` when it is a ReLU-like
    mask ``D`` the piecewise collapse multiplies through; ``curved`` when its checks nest the
    expressions before it inside a function (tanh, sigmoid, a user's formula); ``whole`` when
    the layer is that non-linear map alone (max pooling), with no affine map before it."""

    reason: str
    masks: bool = False
    curved: bool = False
    whole: bool = False

    @property
    def remedy(self) -> str:
        """What ``symcollapse layers`` does with such a layer instead of collapsing it."""
        if self.masks:
            return "symcollapse layers derives it region by region"
        return "symcollapse layers gives a certificate of that"


#: ``parse(text after the word, read_sequence)``: a nested kind (residual) reads its inner
#: layers with ``read_sequence``; the others ignore it.
Parser = Callable[[str, Callable[[str], tuple[Any, ...]]], Any]


@dataclass(frozen=True)
class LayerKind:
    """One layer kind, described once: everything the package decides about it.

    - ``word``, ``syntax``, ``parse``: its word in the layer string, the rest of its grammar
      line, and the reader of that rest (raise :class:`SpecError` on bad text);
    - ``layer_type``: the frozen dataclass of one such layer (it checks its own fields, has
      ``out_width(width)``, and its class attribute ``kind`` is this description);
    - ``describe``: the layer back as layer-string text;
    - ``nonlinear``: None when the layer is affine, else why not (:class:`Nonlinear`);
    - ``cost``: its :class:`Shape` at an input width (None: it adds no stage at all);
    - ``examples``: layer strings of it, for the documents and the tests (each takes an input
      of width 8 and reads back from its description);
    - ``onnx``, ``torch``: the ONNX ops and torch modules that compute it, read by ``fold``
      (every ONNX op listed has a reader in :mod:`symcollapse.spec.onnx_ops` or
      :mod:`symcollapse.spec.onnx_conv`; the tests check it);
    - ``refuses``: ONNX ops and torch modules (matched without case: ONNX's ``Relu`` is torch's
      ``ReLU``) that compute a form of it that is not affine, each with a layer of that form:
      ``fold`` stops there and says why from ``nonlinear`` (:meth:`refusal`);
    - ``factors``, ``shifts``: the roles (:mod:`symcollapse.spec.roles`) of the entries of its
      parameters, multiplied (sorted with the weights in a written term) or added (sorted with
      the biases); a network's own ``W``, ``b``, ``x`` are not a kind's;
    - ``position``: where the grammar lists it (its help, an unknown word's error); the
      registry finds the kind's module by itself and orders the kinds by this.
    """

    word: str
    syntax: str
    layer_type: type
    parse: Parser
    describe: Callable[[Any], str]
    nonlinear: Callable[[Any], Nonlinear | None]
    cost: Callable[[Any, int], Shape | None]
    examples: tuple[str, ...]
    position: int
    onnx: tuple[str, ...] = ()
    torch: tuple[str, ...] = ()
    refuses: tuple[tuple[str, Any], ...] = ()
    factors: tuple[str, ...] = ()
    shifts: tuple[str, ...] = ()

    def refusal(self, name: str) -> str | None:
        """Why ``fold`` stops at the ONNX op or torch module ``name`` when it computes a form
        of this kind that is not affine, with what ``layers`` does instead; else None."""
        for op, layer in self.refuses:
            if op.lower() == name.lower():
                nonlinear = self.nonlinear(layer)
                return None if nonlinear is None else f"{nonlinear.reason}: {nonlinear.remedy}"
        return None


def kind_of(layer: object, what: str = "not a layer") -> LayerKind:
    """The kind of ``layer`` (its class's ``kind``), or a SpecError starting with ``what``."""
    kind = getattr(type(layer), "kind", None)
    if not isinstance(kind, LayerKind):
        raise SpecError(f"{what}: {layer!r:.60}")
    return kind


def describe(layer: object) -> str:
    """A short human description of ``layer`` (also the layer-string syntax)."""
    kind = getattr(type(layer), "kind", None)
    return kind.describe(layer) if isinstance(kind, LayerKind) else repr(layer)


def count(value: object, what: str, minimum: int = 1) -> int:
    """``value`` as an integer between ``minimum`` and the largest width, or a SpecError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(f"{what} must be an integer, got {value!r}")
    if value < minimum:
        raise SpecError(f"{what} must be at least {minimum}, got {value}")
    if value > MAX_WIDTH:
        raise SpecError(f"{what} = {value} is larger than the maximum {MAX_WIDTH}")
    return value


def integer(word: str, what: str) -> int:
    """A non-negative integer written in a layer string."""
    return parse_integer(word, what, minimum=0)


def options(words: list[str], allowed: tuple[str, ...], layer: str) -> dict[str, int]:
    """``k=2 s=1`` -> ``{"k": 2, "s": 1}``; unknown or repeated keys are errors."""
    found: dict[str, int] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in allowed:
            raise SpecError(
                f"unknown option {word!r} for {layer}; known: {', '.join(a + '=' for a in allowed)}"
            )
        if key in found:
            raise SpecError(f"option {key}= given twice for {layer}")
        found[key] = integer(value, f"{layer} option {key}")
    return found


def bias_terms(shapes: list[Shape]) -> int:
    """Terms per entry of a merged bias: each bias times the paths after its layer."""
    total = 0
    for shape in shapes:
        total = total * shape.row_nonzeros * shape.entry_terms + shape.bias_terms
    return total
