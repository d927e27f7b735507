"""Command line: ``symcollapse COMMAND ...``; bad input is one line on stderr and exit status 2.

The console entry point. It imports nothing of symcollapse at module level (nor does the
package's ``__init__``): every other module loads inside :func:`main`'s guard, so Ctrl-C from
its first instruction on, imports included, is one line and exit status 130, never a traceback.
The command line itself is :mod:`symcollapse.cli.app`.

Exit statuses: 0 done, 1 an identity failed, 2 bad input (a :class:`SymcollapseError`), 3 a bug
in symcollapse (an :class:`InternalError`), 130 interrupted (SIGINT), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

INTERRUPTED = "symcollapse: interrupted; no file was left half-written"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (see the module docstring)."""
    try:
        from symcollapse.cli.app import run

        return run(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
