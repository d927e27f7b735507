"""Checks of a finished result, made before a document shows it: a document that exists states
only what was checked here (the document builders in :mod:`symcollapse.derivations` call these,
they do not check on their own)."""

from __future__ import annotations

from symcollapse.algebra.collapsing import Collapse
from symcollapse.algebra.expressions import vanishes
from symcollapse.algebra.regression import Regression
from symcollapse.errors import VerificationError


def check_collapse(result: Collapse) -> None:
    """Raise unless the two routes of the collapse agree: the nested composition, expanded,
    against ``W_z x + b_z`` (for the exact method, the very path sums a document prints)."""
    if not result.holds():
        raise VerificationError(f"f(x) - (W_z x + b_z) does not expand to zero: {result.widths}")


def check_normal_equations(result: Regression) -> None:
    """Raise unless ``Theta`` solves ``X^T X Theta = X^T Y`` exactly."""
    if not vanishes(result.X.T * result.X * result.Theta - result.X.T * result.Y):
        raise VerificationError("Theta does not solve the normal equations")
