"""What every layer kind declares (:class:`LayerKind`), the base class of its layers
(:class:`Layer`), the maps a layer becomes as plain data (:data:`Map`), and the small helpers
kinds share.

A kind is one frozen :class:`LayerKind` value in its own module of this package; the registry
(:mod:`symcollapse.spec.kinds.registry`) lists them. A kind says what its layer computes as
data (:class:`Affine`, :class:`Activation`, :class:`Maximum`, :class:`Skip`): explicit entries
that are numbers or parameter entries named by role and indices. One generic rule of the
algebra (:mod:`symcollapse.algebra.stage_rules`) turns any such data into sympy stages, so
``spec/`` builds no sympy matrix and imports nothing from the algebra (the pipeline's direction).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from symcollapse.errors import InternalError, SpecError
from symcollapse.spec.numerals import parse_integer
from symcollapse.spec.widths import MAX_WIDTH

if TYPE_CHECKING:
    import sympy as sp

    from symcollapse.spec.activations import ActivationFunction


class Layer(ABC):
    """One layer of a network: the base class of every kind's frozen dataclass, so that a
    ``layer`` argument is type-checked against it without a union that lists the kinds."""

    kind: ClassVar[LayerKind]

    @abstractmethod
    def out_width(self, width: int) -> int:
        """The width this layer outputs from an input of ``width`` (a SpecError if it cannot)."""

    @property
    def inner(self) -> tuple[Layer, ...]:
        """The layers this one holds (a residual block's), numbered as layers of the network;
        empty for a layer that holds none."""
        return ()


def leaves(layers: tuple[Layer, ...]) -> tuple[Layer, ...]:
    """``layers`` with each one that holds layers replaced by those it holds: the layers that
    take a number ``k`` and a weight matrix of their own."""
    return tuple(leaf for layer in layers for leaf in (leaves(layer.inner) or (layer,)))


#: An exact number: an integer, a fraction, or an exact sympy number an activation gives.
Number: TypeAlias = "int | Fraction | sp.Expr"


@dataclass(frozen=True)
class Param:
    """Entry ``indices`` (0-based) of the layer's parameter of ``role`` (a role of
    :mod:`symcollapse.spec.roles`): the algebra makes it one symbol of that layer."""

    role: str
    indices: tuple[int, ...]


@dataclass(frozen=True)
class Scalar:
    """The symbol of ``role`` with no layer and no index (a running variance ``v``, the
    ``epsilon`` added to it): a quantity a reason speaks of, not a parameter entry."""

    role: str


@dataclass(frozen=True)
class Term:
    """``coefficient`` times the product of parameter entries to integer powers
    (batch normalisation's ``gamma_i / s_i`` is ``Term(1, ((gamma_i, 1), (s_i, -1)))``)."""

    coefficient: Number
    factors: tuple[tuple[Param, int], ...]


@dataclass(frozen=True)
class Sum:
    """A sum of terms (batch normalisation's shift ``beta_i - gamma_i mu_i / s_i``; the
    ``v + epsilon`` under its root)."""

    terms: tuple[Term | Scalar, ...]


@dataclass(frozen=True)
class Root:
    """The square root of ``of`` (a standard deviation ``sqrt(v + epsilon)``)."""

    of: Value


@dataclass(frozen=True)
class Equation:
    """``lhs = rhs``, written in a reason (``s_i = sqrt(v + epsilon)``)."""

    lhs: Value
    rhs: Value


#: One entry of an explicit matrix, or one part of a reason's formula.
Value: TypeAlias = "Number | Param | Scalar | Term | Sum | Root | Equation"

#: Why a matrix is what it is, as the document says it: words, and the quantities between them
#: (an activation stands for its law ``sigma(z) = a z + c``). The kind gives the words; the
#: derivation writes them in the formats' prose with the quantities as formulas.
Phrase: TypeAlias = "tuple[str | Value | ActivationFunction, ...]"


@dataclass(frozen=True)
class Explicit:
    """A ``rows`` x ``cols`` matrix written out entry by entry, row by row."""

    rows: int
    cols: int
    entries: tuple[Value, ...]

    def __post_init__(self) -> None:
        if len(self.entries) != self.rows * self.cols:  # a kind's bug, not the user's
            raise InternalError(
                f"a {self.rows} x {self.cols} matrix needs {self.rows * self.cols} entries, "
                f"got {len(self.entries)}"
            )

    @staticmethod
    def of(rows: int, cols: int, entry: Callable[[int, int], Value]) -> Explicit:
        """The matrix whose entry ``(i, j)`` (0-based) is ``entry(i, j)``."""
        return Explicit(rows, cols, tuple(entry(i, j) for i in range(rows) for j in range(cols)))


@dataclass(frozen=True)
class Named:
    """A matrix-level name: the layer's matrix or vector of ``role`` (``W_k``, ``T_k``,
    ``kappa_k``), ``rows`` x ``cols``."""

    role: str
    rows: int
    cols: int


@dataclass(frozen=True)
class Scaled:
    """A matrix-level name that is a number times the identity (``ones=False``, ``a I``) or
    times the vector of ones (``ones=True``, ``c 1``) of ``size``: an affine activation's map."""

    factor: Number
    size: int
    ones: bool = False


@dataclass(frozen=True)
class Defined:
    """``name := value``: ``why`` the reason the document gives for it (empty for a plain
    definition); ``shown=False`` when the name says its value (``c 1``) and no definition is
    written."""

    name: Named | Scaled
    value: Explicit
    why: Phrase = ()
    shown: bool = True


@dataclass(frozen=True)
class Affine:
    """``h -> matrix h + bias``: each with its matrix-level name and explicit value; ``bias``
    None when there is none (a zero vector); ``given`` the definitions written before them
    (a convolution's kernel)."""

    matrix: Defined
    bias: Defined | None = None
    given: tuple[Defined, ...] = ()


@dataclass(frozen=True)
class Activation:
    """``function`` applied entry by entry: a non-linear stage."""

    function: ActivationFunction


@dataclass(frozen=True)
class Maximum:
    """The maximum over each window of input positions (0-based): a non-linear stage."""

    windows: tuple[range, ...]


@dataclass(frozen=True)
class Skip:
    """``h + g(h)``, ``g`` the merged affine maps of ``layers`` (numbered as layers of the
    network; the block itself takes no number)."""

    layers: tuple[Layer, ...]


#: What a layer computes, in order; a layer that is the identity (dropout) is no map at all.
Map = Affine | Activation | Maximum | Skip


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
    - ``roles``: the roles it introduces, each with what it stands for (``("lambda", "the
      LayerScale factors")``), which the registry adds to :data:`symcollapse.spec.roles.ROLES`
      so that the notation, ``--names`` and the reader know them; a role already there is
      reused, not declared again;
    - ``vanishes``: for a layer that is the identity (no map at all), what the documents call
      it where they say it does not appear (dropout's ``"Dropout at inference"``);
    - ``maps``: what a layer computes at an input width, as data (:data:`Map`), which the
      algebra turns into stages;
    - ``position``: where the grammar lists it (its help, an unknown word's error); the
      registry finds the kind's module by itself and orders the kinds by this.
    """

    word: str
    syntax: str
    layer_type: type[Layer]
    parse: Parser
    describe: Callable[[Any], str]
    nonlinear: Callable[[Any], Nonlinear | None]
    cost: Callable[[Any, int], Shape | None]
    maps: Callable[[Any, int], tuple[Map, ...]]
    examples: tuple[str, ...]
    position: int
    onnx: tuple[str, ...] = ()
    torch: tuple[str, ...] = ()
    refuses: tuple[tuple[str, Any], ...] = ()
    factors: tuple[str, ...] = ()
    shifts: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()
    vanishes: str = ""

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
