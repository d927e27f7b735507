"""Optional dependencies: imported where they are used, refused in one line naming the extra
(``pip install 'symcollapse[dynamics]'``) when missing, never a traceback."""

from __future__ import annotations

import importlib
from types import ModuleType

from symcollapse.errors import ToolError


def optional_module(name: str, extra: str, purpose: str) -> ModuleType:
    """Import ``name`` for ``purpose``, or refuse with the extra that installs it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        package = name.partition(".")[0]
        raise ToolError(
            f"{purpose} needs {package}, which is not installed; "
            f"install it with pip install 'symcollapse[{extra}]'"
        ) from None
