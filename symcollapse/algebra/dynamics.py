"""Training dynamics of deep linear networks: Saxe, McClelland and Ganguli's exact solutions.

Saxe, McClelland and Ganguli (ICLR 2014, arXiv 1312.6120): under gradient flow from a decoupled
start each mode strength ``u = a b`` obeys ``tau du/dt = 2 u (s - u)`` (their eq. 10), solved by
``u(t) = s e^{2st/tau} / (e^{2st/tau} - 1 + s/u_0)`` (eq. 12). Arora et al.'s end-to-end rule is
in :mod:`symcollapse.algebra.endtoend`.

The formulas are data here; :mod:`symcollapse.verification.dynamics` checks them with sympy
(differences cancel to zero) and checks a run of :func:`simulate_saxe`, which integrates the full
matrix gradient flow with scipy beside the closed form, so that the closed form is tested against
the dynamics it claims to solve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.errors import OptionError, SizeLimitError, VerificationError
from symcollapse.spec.extras import optional_module

#: The scalars of the papers, each made from its role (:mod:`symcollapse.spec.roles`), so that
#: a reader's names rename them in every format; positive (and ``N_l`` an integer) as the
#: algebra needs: the logarithm of eq. 11 and the powers of eq. 15 simplify only then.
s = symbols.scalar("singular_value", positive=True)
tau, t = symbols.scalar("tau", positive=True), symbols.scalar("t", positive=True)
u = symbols.scalar("mode_strength", positive=True)
u0, uf = (symbols.scalar("mode_strength", sub, positive=True) for sub in (0, sp.Symbol("f")))
a = symbols.scalar("first_strength", positive=True)
b = symbols.scalar("second_strength", positive=True)
N_l = symbols.scalar("depth", integer=True, positive=True)


class OfTime(symbols.RoleSymbol):
    """A mode's strength as a function of time, ``a(t)``: a role symbol (renamed with its role
    and with ``t``) that sorts as sympy sorts an applied function, after the constants and
    their sums, so that eq. 8 reads ``(s - a(t) b(t)) b(t)`` as the paper writes it (by name
    among symbols, ``a(t)`` would come before ``s``)."""

    __slots__ = ()

    @classmethod
    def class_key(cls) -> tuple[object, ...]:
        return sp.Function(cls.__name__)(t).class_key()


def of_time(role: str) -> OfTime:
    """The strength ``role`` at time ``t`` (``first_strength`` -> ``a(t)``)."""
    return OfTime(symbols.meaning(role, argument="t"), positive=True)


#: Eq. 8: the per-mode flow ``tau da/dt``, ``tau db/dt``.
MODE_FLOW = (b * (s - a * b), a * (s - a * b))
#: Eq. 10: ``tau du/dt`` for ``u = a b`` when ``a = b``.
STRENGTH_FLOW = 2 * u * (s - u)
#: Eq. 11: the time for ``u`` to go from ``u_0`` to ``u_f``.
TIME_TO_LEARN = tau / (2 * s) * sp.log(uf * (s - u0) / (u0 * (s - uf)))
#: Eq. 12: the learning curve.
CLOSED_FORM = s * sp.exp(2 * s * t / tau) / (sp.exp(2 * s * t / tau) - 1 + s / u0)
#: Eq. 14 at equal strengths: ``tau da/dt`` for each of ``N_l - 1`` layers of strength ``a``,
#: gradient flow on ``(s - a_1 ... a_{N_l - 1})^2 / 2`` with every ``a_i = a``.
EQUAL_FLOW = (s - a ** (N_l - 1)) * a ** (N_l - 2)
#: Eq. 15: ``tau du/dt`` for ``N_l`` layers (``N_l - 1`` weight matrices), equal strengths.
DEEP_FLOW = (N_l - 1) * u ** (2 - 2 / (N_l - 1)) * (s - u)

#: Bounds that keep the numerical checks to seconds (the CLI refuses more).
MAX_MODES = 12
MAX_TIMES = 2_000
MAX_EXPONENT = 200  # 2 s t / tau: beyond it e^{2st/tau} leaves double precision anyway


def deep_flow_from_energy(depth: int) -> sp.Expr:
    """``tau du/dt`` from gradient flow on eq. 14 with ``depth - 1`` equal strengths, in ``u``."""
    strengths = [symbols.scalar("first_strength", i, positive=True) for i in range(1, depth)]
    energy = (s - sp.Mul(*strengths)) ** 2 / 2
    product_rule = sum(
        -sp.diff(energy, a_i) * sp.Mul(*(a_j for a_j in strengths if a_j != a_i))
        for a_i in strengths
    )
    equal = product_rule.subs({a_i: a for a_i in strengths})
    return sp.powsimp(equal.subs(a, u ** sp.Rational(1, depth - 1)), force=True)


def closed_form(
    strength: float, u_start: float, time_scale: float, times: np.ndarray
) -> np.ndarray:
    """Eq. 12 evaluated stably: ``s / (1 + (s/u_0 - 1) e^{-2st/tau})`` (the same function)."""
    return strength / (1 + (strength / u_start - 1) * np.exp(-2 * strength * times / time_scale))


def orthogonal(size: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    return q * np.sign(np.diag(r))


@dataclass(frozen=True)
class SaxeRun:
    """Mode strengths from the full matrix flow next to eq. 12, at the same times."""

    strengths: tuple[float, ...]
    u0: float
    tau: float
    times: np.ndarray
    closed: np.ndarray  # modes x times
    simulated: np.ndarray  # modes x times

    @property
    def deviation(self) -> float:
        """The largest ``|simulated - closed form|`` over every mode and time."""
        return float(np.max(np.abs(self.simulated - self.closed)))


def simulate_saxe(
    strengths: Sequence[float],
    u_start: float,
    time_scale: float,
    t_max: float,
    n_times: int = 61,
    seed: int = 0,
) -> SaxeRun:
    """Integrate ``tau dW_1/dt = W_2^T (Sigma_yx - W_2 W_1)``, ``tau dW_2/dt = (...) W_1^T``.

    Whitened inputs (``Sigma_xx = I``), ``Sigma_yx = U S V^T`` with random orthogonal ``U``, ``V``,
    and the decoupled start ``W_1 = R D V^T``, ``W_2 = U D R^T`` with ``D = sqrt(u_0) I`` and a
    random orthogonal ``R``; mode ``alpha``'s strength is ``u_alpha^T W_2 W_1 v_alpha``.
    """
    solve_ivp = optional_module("scipy.integrate", "dynamics", "dynamics saxe").solve_ivp
    check_saxe(strengths, u_start, time_scale, t_max, n_times)
    rng = np.random.default_rng(seed)
    modes = len(strengths)
    U, V, R = (orthogonal(modes, rng) for _ in range(3))
    S = np.diag(strengths)
    target = U @ S @ V.T
    D = math.sqrt(u_start) * np.eye(modes)
    start = np.concatenate([(R @ D @ V.T).ravel(), (U @ D @ R.T).ravel()])

    def flow(_: float, weights: np.ndarray) -> np.ndarray:
        W1, W2 = (
            weights[: modes * modes].reshape(modes, modes),
            weights[modes * modes :].reshape(modes, modes),
        )
        error = target - W2 @ W1
        return np.concatenate([(W2.T @ error).ravel(), (error @ W1.T).ravel()]) / time_scale

    times = np.linspace(0.0, t_max, n_times)
    atol = min(1e-12, 1e-10 * math.sqrt(u_start))  # weights start at sqrt(u_0) and grow
    solution = solve_ivp(flow, (0.0, t_max), start, t_eval=times, rtol=1e-10, atol=atol)
    if not solution.success:
        raise VerificationError(f"the gradient flow did not integrate: {solution.message}")
    simulated = np.empty((modes, n_times))
    for step in range(n_times):
        W1 = solution.y[: modes * modes, step].reshape(modes, modes)
        W2 = solution.y[modes * modes :, step].reshape(modes, modes)
        simulated[:, step] = np.diag(U.T @ W2 @ W1 @ V)
    closed = np.array([closed_form(x, u_start, time_scale, times) for x in strengths])
    return SaxeRun(tuple(strengths), u_start, time_scale, times, closed, simulated)


def check_saxe(
    strengths: Sequence[float], u_start: float, time_scale: float, t_max: float, n_times: int
) -> None:
    """Refuse inputs outside eq. 12's assumptions or above the cost bounds, before any work."""
    for name, value in [("tau", time_scale), ("t-max", t_max), ("u0", u_start)]:
        if not math.isfinite(value) or value <= 0:
            raise OptionError(f"{name} must be a positive number, got {value:g}")
    if not 1 <= len(strengths) <= MAX_MODES:
        raise SizeLimitError(f"give 1 to {MAX_MODES} strengths, got {len(strengths)}")
    for strength in strengths:
        if not math.isfinite(strength) or strength <= 0:
            raise OptionError(f"every strength must be a positive number, got {strength:g}")
        if u_start >= strength:
            raise OptionError(
                f"u0 must be below every strength (eq. 12 needs u0 < s), got u0 = {u_start:g} "
                f"and s = {strength:g}"
            )
    if not 20 <= n_times <= MAX_TIMES:
        raise SizeLimitError(f"the number of times must be from 20 to {MAX_TIMES}, got {n_times}")
    exponent = 2 * max(strengths) * t_max / time_scale
    if exponent > MAX_EXPONENT:
        raise SizeLimitError(
            f"2 s t-max / tau is {exponent:.4g}, above the limit of {MAX_EXPONENT}: the curves are "
            "flat long before; choose a shorter t-max"
        )
