"""Every layer kind, in the order the grammar and the documents list them.

Adding a kind: write ``symcollapse/spec/kinds/NAME.py`` with its layer dataclass (fields
checked in ``__post_init__``, ``out_width``) and a ``KIND = LayerKind(...)`` (word, syntax,
parse, describe, nonlinear, cost, ONNX ops and torch modules, the roles of its parameters);
list it in :data:`KINDS` below;
give it its stages in :mod:`symcollapse.algebra.stage_rules` (``STAGE_RULES``, keyed by the
word) and, for every ONNX op it names, a reader in :mod:`symcollapse.spec.onnx_ops` or
:mod:`symcollapse.spec.onnx_conv`. ``tests/spec/kinds/test_registry.py`` checks that every kind
has every part.
"""

from __future__ import annotations

from symcollapse.spec.kinds import avgpool, batchnorm, conv1d, dense, dropout, maxpool, residual
from symcollapse.spec.kinds.base import LayerKind, describe, kind_of

__all__ = ["BY_WORD", "KINDS", "PARAMETER_RANKS", "describe", "kind_of", "refusal"]

#: Every kind, in the grammar's order.
KINDS: tuple[LayerKind, ...] = (
    dense.KIND,
    conv1d.KIND,
    avgpool.KIND,
    maxpool.KIND,
    batchnorm.KIND,
    dropout.KIND,
    residual.KIND,
)

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
