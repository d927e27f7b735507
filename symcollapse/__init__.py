"""symcollapse: symbolic derivations of identity-activation networks collapsing to W_z x + b_z.

>>> from symcollapse import collapse
>>> c = collapse([2, 3, 3, 1])
>>> len(c.W_z[0, 0].args), len(c.b_z[0].args)
(9, 13)
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
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


class _Package(ModuleType):
    """Keeps ``symcollapse.collapse`` the function once its submodule is imported.

    Python sets a package attribute to every submodule it loads, so a later
    ``import symcollapse.collapse`` would replace the exported function by the module; with
    eager imports the function was bound afterwards and won, and this keeps it that way.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
