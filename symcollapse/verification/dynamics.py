"""Checks of Saxe et al.'s formulas before a document shows them: eqs. 8 to 12 and 15
symbolically (differences cancel to zero), and a simulated run of the full matrix flow against
the closed form of eq. 12 (:func:`symcollapse.algebra.dynamics.simulate_saxe`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from symcollapse.algebra.dynamics import (
    CLOSED_FORM,
    DEEP_FLOW,
    MODE_FLOW,
    STRENGTH_FLOW,
    TIME_TO_LEARN,
    N_l,
    SaxeRun,
    a,
    b,
    deep_flow_from_energy,
    s,
    t,
    tau,
    u,
    u0,
    uf,
)
from symcollapse.algebra.expressions import vanishes
from symcollapse.errors import VerificationError

#: Tolerance of the simulated run, relative to the largest strength (absolute on strengths of
#: order ``s``).
SAXE_TOLERANCE = 1e-6


def _zero(expr: sp.Expr, what: str) -> None:
    if not vanishes(expr):
        raise VerificationError(f"{what} does not hold: difference {expr}")


def check_symbolic(depths: Sequence[int] = (3, 4, 5, 6)) -> None:
    """Check eqs. 8 to 12 and 15 symbolically; raise :class:`VerificationError` if one fails."""
    # Eq. 8 is gradient descent on E = (s - ab)^2 / (2 tau) (eq. 9), times tau.
    E = (s - a * b) ** 2 / 2
    _zero(MODE_FLOW[0] + sp.diff(E, a), "eq. 8 for a")
    _zero(MODE_FLOW[1] + sp.diff(E, b), "eq. 8 for b")
    # Eq. 10: d(ab)/dt = a' b + a b', then a = b and u = a^2.
    du = (MODE_FLOW[0] * b + a * MODE_FLOW[1]).subs(b, a)
    _zero(du - STRENGTH_FLOW.subs(u, a**2), "eq. 10")
    # Eq. 11: t(u_0) = 0 and dt/du_f = tau / (2 u_f (s - u_f)).
    _zero(TIME_TO_LEARN.subs(uf, u0), "eq. 11 at u_f = u_0")
    _zero(sp.diff(TIME_TO_LEARN, uf) - tau / STRENGTH_FLOW.subs(u, uf), "eq. 11 derivative")
    # Eq. 12 solves eq. 10 with u(0) = u_0.
    _zero(tau * sp.diff(CLOSED_FORM, t) - STRENGTH_FLOW.subs(u, CLOSED_FORM), "eq. 12 solves 10")
    _zero(CLOSED_FORM.subs(t, 0) - u0, "eq. 12 at t = 0")
    # Eq. 15 from eq. 14 at equal strengths a_i = a, for each depth given.
    for depth in depths:
        _zero(deep_flow_from_energy(depth) - DEEP_FLOW.subs(N_l, depth), f"eq. 15, N_l = {depth}")


@dataclass(frozen=True)
class CheckedSaxe:
    """A run whose formulas held symbolically and whose simulated strengths stayed within
    ``tolerance`` of eq. 12: what the document shows."""

    run: SaxeRun
    tolerance: float


def verify_saxe(run: SaxeRun) -> CheckedSaxe:
    """Check the formulas and ``run``; raise :class:`VerificationError` if either fails."""
    check_symbolic()
    tolerance = SAXE_TOLERANCE * max(run.strengths)
    if run.deviation > tolerance:
        raise VerificationError(
            f"the full flow deviates from eq. 12 by {run.deviation:.3g} > {tolerance:.3g}"
        )
    return CheckedSaxe(run, tolerance)
