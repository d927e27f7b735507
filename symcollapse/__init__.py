"""symcollapse: symbolic derivations of identity-activation networks collapsing to W_z x + b_z.

>>> from symcollapse import collapse
>>> c = collapse([2, 3, 3, 1])
>>> len(c.W_z[0, 0].args), len(c.b_z[0].args)
(9, 13)

Every export is imported on first use (PEP 562): importing the package and ``symcollapse --help``
load neither sympy nor numpy, and the package runs none of its modules before the command line's
guard (:func:`symcollapse.cli.main`), so Ctrl-C while they load is one line, not a traceback.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symcollapse._version import __version__ as __version__
    from symcollapse.algebra.analysis import LayeredCollapse, analyse
    from symcollapse.algebra.collapsing import Collapse, collapse
    from symcollapse.algebra.descent import Descent, descend
    from symcollapse.algebra.function import read_function
    from symcollapse.algebra.gradients import Gradients, gradients
    from symcollapse.algebra.numeric import NumericCollapse, collapse_values
    from symcollapse.algebra.regression import Regression, regress
    from symcollapse.derivations.dense import derive
    from symcollapse.derivations.function import derive_function
    from symcollapse.derivations.layers import derive_layers
    from symcollapse.derivations.numeric import derive_values
    from symcollapse.derivations.proof import Proof, prove
    from symcollapse.derivations.regression import derive_regression
    from symcollapse.doc.model import Derivation, Section, Step
    from symcollapse.errors import (
        InternalError,
        OptionError,
        RegressionError,
        SizeLimitError,
        SpecError,
        SymcollapseError,
        ToolError,
        VerificationError,
    )
    from symcollapse.render.notation import Notation
    from symcollapse.spec.activations import activation, custom_activation
    from symcollapse.spec.grammar import parse_layers
    from symcollapse.spec.layers import (
        AvgPool,
        BatchNorm,
        Conv1D,
        Dense,
        Dropout,
        Layer,
        LayerSpec,
        MaxPool,
        Residual,
    )
    from symcollapse.spec.values import Values, load_values, parse_values, random_values
    from symcollapse.verification.function import verify_function
    from symcollapse.verification.layered import CheckedLayers, verify_layers
    from symcollapse.verification.methods import Verification, verify
    from symcollapse.verification.partial import PartialFold, fold_partial
    from symcollapse.verification.trained import CheckedFold, fold

#: Export name -> the module that defines it, imported when the name is first used.
_LAZY = {
    "__version__": "symcollapse._version",
    "InternalError": "symcollapse.errors",
    "OptionError": "symcollapse.errors",
    "RegressionError": "symcollapse.errors",
    "SizeLimitError": "symcollapse.errors",
    "SpecError": "symcollapse.errors",
    "SymcollapseError": "symcollapse.errors",
    "ToolError": "symcollapse.errors",
    "VerificationError": "symcollapse.errors",
    "Notation": "symcollapse.render.notation",
    "Collapse": "symcollapse.algebra.collapsing",
    "collapse": "symcollapse.algebra.collapsing",
    "Derivation": "symcollapse.doc.model",
    "Section": "symcollapse.doc.model",
    "Step": "symcollapse.doc.model",
    "derive": "symcollapse.derivations.dense",
    "Descent": "symcollapse.algebra.descent",
    "Gradients": "symcollapse.algebra.gradients",
    "gradients": "symcollapse.algebra.gradients",
    "descend": "symcollapse.algebra.descent",
    "NumericCollapse": "symcollapse.algebra.numeric",
    "collapse_values": "symcollapse.algebra.numeric",
    "derive_values": "symcollapse.derivations.numeric",
    "Proof": "symcollapse.derivations.proof",
    "prove": "symcollapse.derivations.proof",
    "Regression": "symcollapse.algebra.regression",
    "derive_regression": "symcollapse.derivations.regression",
    "regress": "symcollapse.algebra.regression",
    "Values": "symcollapse.spec.values",
    "load_values": "symcollapse.spec.values",
    "parse_values": "symcollapse.spec.values",
    "random_values": "symcollapse.spec.values",
    "LayeredCollapse": "symcollapse.algebra.analysis",
    "analyse": "symcollapse.algebra.analysis",
    "derive_layers": "symcollapse.derivations.layers",
    "CheckedLayers": "symcollapse.verification.layered",
    "verify_layers": "symcollapse.verification.layered",
    # Layer classes are listed here, not found in the registry of kinds: mypy and ruff read the
    # exports statically (the imports above, ``__all__``), and looking them up would load every
    # kind at import. A kind built from Python adds its class to these three lists.
    "AvgPool": "symcollapse.spec.layers",
    "BatchNorm": "symcollapse.spec.layers",
    "Conv1D": "symcollapse.spec.layers",
    "Dense": "symcollapse.spec.layers",
    "Dropout": "symcollapse.spec.layers",
    "Layer": "symcollapse.spec.layers",
    "LayerSpec": "symcollapse.spec.layers",
    "MaxPool": "symcollapse.spec.layers",
    "Residual": "symcollapse.spec.layers",
    "activation": "symcollapse.spec.activations",
    "custom_activation": "symcollapse.spec.activations",
    "parse_layers": "symcollapse.spec.grammar",
    "derive_function": "symcollapse.derivations.function",
    "read_function": "symcollapse.algebra.function",
    "verify_function": "symcollapse.verification.function",
    "Verification": "symcollapse.verification.methods",
    "verify": "symcollapse.verification.methods",
    "CheckedFold": "symcollapse.verification.trained",
    "fold": "symcollapse.verification.trained",
    "PartialFold": "symcollapse.verification.partial",
    "fold_partial": "symcollapse.verification.partial",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'symcollapse' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AvgPool",
    "BatchNorm",
    "CheckedFold",
    "CheckedLayers",
    "Collapse",
    "Conv1D",
    "Dense",
    "Derivation",
    "Descent",
    "Dropout",
    "Gradients",
    "InternalError",
    "Layer",
    "LayerSpec",
    "LayeredCollapse",
    "MaxPool",
    "Notation",
    "NumericCollapse",
    "OptionError",
    "PartialFold",
    "Proof",
    "Regression",
    "RegressionError",
    "Residual",
    "Section",
    "SizeLimitError",
    "SpecError",
    "Step",
    "SymcollapseError",
    "ToolError",
    "Values",
    "Verification",
    "VerificationError",
    "activation",
    "analyse",
    "collapse",
    "collapse_values",
    "custom_activation",
    "derive",
    "derive_function",
    "derive_layers",
    "derive_regression",
    "derive_values",
    "descend",
    "fold",
    "fold_partial",
    "gradients",
    "load_values",
    "parse_layers",
    "parse_values",
    "prove",
    "random_values",
    "read_function",
    "regress",
    "verify",
    "verify_function",
    "verify_layers",
]
