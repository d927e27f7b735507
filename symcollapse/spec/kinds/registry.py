"""Every layer kind, in the order the grammar and the documents list them.

Adding a kind: write ``symcollapse/spec/kinds/NAME.py`` with its layer dataclass (a subclass
of :class:`~symcollapse.spec.kinds.base.Layer`, fields checked in ``__post_init__``,
``out_width``, ``inner`` if it holds layers) and a ``KIND = LayerKind(...)`` (word, syntax,
parse, describe, nonlinear, cost, the maps it computes as data with the reasons the documents
give, ONNX ops and torch modules, the roles of its parameters and those it introduces, its
position in the grammar), which :data:`KINDS` finds by itself: no list of kinds exists
elsewhere. ``fold`` reads the ONNX ops it names with the readers of
:mod:`symcollapse.spec.onnx_ops` and :mod:`symcollapse.spec.onnx_conv` (one per op, shared by
kinds). ``tests/spec/kinds/test_registry.py`` checks that every kind has every part.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from symcollapse.errors import InternalError
from symcollapse.spec.kinds.base import LayerKind, describe, kind_of
from symcollapse.spec.roles import declare

__all__ = ["BY_WORD", "KINDS", "PARAMETER_RANKS", "describe", "kind_of", "refusal"]

#: Modules of this package that hold no kind.
NOT_KINDS = frozenset({"base", "registry"})


def discovered(package: str = __package__ or "symcollapse.spec.kinds") -> tuple[LayerKind, ...]:
    """The ``KIND`` of every module of ``package``, in the grammar's order (``position``): a
    new kind's module is found without being listed, and the roles it introduces are declared
    (:func:`symcollapse.spec.roles.declare`); two kinds at one position are a bug."""
    paths = import_module(package).__path__
    names = sorted(m.name for m in pkgutil.iter_modules(paths) if m.name not in NOT_KINDS)
    modules = [import_module(f"{package}.{name}") for name in names]
    kinds = sorted(
        (m.KIND for m in modules if isinstance(getattr(m, "KIND", None), LayerKind)),
        key=lambda kind: kind.position,
    )
    positions = [kind.position for kind in kinds]
    if len(set(positions)) != len(positions):
        raise InternalError(f"two layer kinds share a position: {positions}")
    for kind in kinds:
        for role, meaning in kind.roles:
            declare(role, meaning, kind.word)
    return tuple(kinds)


#: Every kind, in the grammar's order.
KINDS: tuple[LayerKind, ...] = discovered()

#: Word -> kind.
BY_WORD: dict[str, LayerKind] = {kind.word: kind for kind in KINDS}

#: The role of each kind's parameter entries -> where they sort within a layer's written term:
#: 0 with the weights (factors), 1 with the biases (shifts).
PARAMETER_RANKS: dict[str, int] = {
    **{role: 0 for kind in KINDS for role in kind.factors},
    **{role: 1 for kind in KINDS for role in kind.shifts},
}


def refusal(name: str) -> str | None:
    """Why ``fold`` stops at the ONNX op or torch module ``name`` (a kind's form that is not
    affine, and what ``layers`` does with it), or None when no kind answers to ``name``."""
    return next((found for kind in KINDS if (found := kind.refusal(name)) is not None), None)
