"""How much a derivation says: ``brief`` (what a textbook prints), ``standard`` (adds the
entries written out and the check) or ``full`` (every step and matrix).

Plain data, without sympy, so that the option is checked before any algebra runs.
"""

from __future__ import annotations

from typing import Literal

from symcollapse.errors import OptionError

Detail = Literal["brief", "standard", "full"]

#: The levels, least first; the default is the middle one.
DETAILS: tuple[Detail, ...] = ("brief", "standard", "full")
DEFAULT_DETAIL: Detail = "standard"


def check_detail(detail: object) -> Detail:
    """``detail`` when it is one of :data:`DETAILS`, else an :class:`OptionError`."""
    if detail not in DETAILS:
        shown = ", ".join(DETAILS)
        raise OptionError(f"detail must be one of {shown}, got {detail!r}", parameter="detail")
    return detail
