"""symcollapse: symbolic derivations of identity-activation networks collapsing to W_z x + b_z.

>>> from symcollapse import collapse
>>> c = collapse([2, 3, 3, 1])
>>> len(c.W_z[0, 0].args), len(c.b_z[0].args)
(9, 13)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from symcollapse.errors import (
    OptionError,
    SizeLimitError,
    SpecError,
    SymcollapseError,
    VerificationError,
)
from symcollapse.notation import Notation
from symcollapse.verify import Verification, verify

if TYPE_CHECKING:
    from symcollapse.collapse import Collapse, collapse
    from symcollapse.derivation import Derivation, Section, Step, derive

#: Exports that need sympy, imported on first use so that ``symcollapse verify`` starts fast.
_LAZY = {
    "Collapse": "symcollapse.collapse",
    "collapse": "symcollapse.collapse",
    "Derivation": "symcollapse.derivation",
    "Section": "symcollapse.derivation",
    "Step": "symcollapse.derivation",
    "derive": "symcollapse.derivation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symcollapse' has no attribute {name!r}")


__all__ = [
    "Collapse",
    "Derivation",
    "Notation",
    "OptionError",
    "Section",
    "SizeLimitError",
    "SpecError",
    "Step",
    "SymcollapseError",
    "Verification",
    "VerificationError",
    "collapse",
    "derive",
    "verify",
]
