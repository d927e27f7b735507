"""Saxe et al.'s formulas as data: eq. 15 from the energy, the full matrix flow, the roles."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sympy as sp

from symcollapse.algebra import dynamics as dyn
from symcollapse.algebra.symbols import role_of
from symcollapse.errors import OptionError, SizeLimitError


def test_deep_flow_reduces_to_eq_10_for_two_weight_matrices():
    assert sp.simplify(dyn.DEEP_FLOW.subs(dyn.N_l, 3) - dyn.STRENGTH_FLOW) == 0


@pytest.mark.parametrize("depth", [3, 4, 5, 6])
def test_equal_flow_is_gradient_flow_on_the_energy_at_equal_strengths(depth):
    """Eq. 14 at equal strengths: -dE/da_1 with every a_i = a, E = (s - a_1 ... a_k)^2 / 2."""
    layers = sp.symbols(f"a1:{depth}", positive=True)
    energy = (dyn.s - sp.Mul(*layers)) ** 2 / 2
    flow = -sp.diff(energy, layers[0]).subs({x: dyn.a for x in layers})
    assert sp.expand(flow - dyn.EQUAL_FLOW.subs(dyn.N_l, depth)) == 0


@pytest.mark.parametrize("strengths", [(3.0, 2.0, 1.0), (1.5,), (4.0, 0.5)])
def test_full_flow_follows_eq_12(strengths):
    run = dyn.simulate_saxe(strengths, 1e-3, 1.0, 8.0, n_times=25)
    assert run.closed.shape == run.simulated.shape == (len(strengths), 25)
    assert run.deviation < 1e-6 * max(strengths)  # as the verification asks
    assert np.all(np.diff(run.closed, axis=1) >= 0)  # a monotone rise from u0 toward s
    assert np.allclose(run.closed[:, -1], strengths, rtol=0.2)


def test_stable_closed_form_equals_eq_12():
    times = np.linspace(0, 3, 7)
    expected = [
        float(dyn.CLOSED_FORM.subs({dyn.s: 2, dyn.u0: 0.01, dyn.tau: 1.5, dyn.t: x})) for x in times
    ]
    assert np.allclose(dyn.closed_form(2.0, 0.01, 1.5, times), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (((-1.0,), 1e-3, 1.0, 6.0, 61), OptionError, r"^every strength must be a positive number"),
        (((1.0,), 2.0, 1.0, 6.0, 61), OptionError, r"^u0 must be below every strength"),
        (((1.0,), 1e-3, 0.0, 6.0, 61), OptionError, r"^tau must be a positive number, got 0$"),
        (((1.0,), 1e-3, 1.0, 6.0, 3), SizeLimitError, r"^the number of times must be from 20"),
        (((1.0,) * 13, 1e-3, 1.0, 6.0, 61), SizeLimitError, r"^give 1 to 12 strengths, got 13$"),
        (((3.0,), 1e-3, 1.0, 1e6, 61), SizeLimitError, r"^2 s t-max / tau is 6e\+06"),
    ],
)
def test_bad_saxe_inputs(args, error, message):
    with pytest.raises(error, match=message):
        dyn.check_saxe(*args)


@pytest.mark.parametrize(
    ("symbol", "role"),
    [
        (dyn.s, "singular_value"),
        (dyn.tau, "tau"),
        (dyn.t, "t"),
        (dyn.u, "mode_strength"),
        (dyn.u0, "mode_strength"),
        (dyn.uf, "mode_strength"),
        (dyn.a, "first_strength"),
        (dyn.b, "second_strength"),
        (dyn.N_l, "depth"),
    ],
)
def test_the_scalars_carry_roles_and_the_assumptions_the_algebra_needs(symbol, role):
    assert role_of(symbol).role == role
    assert symbol.is_positive
    assert symbol.is_integer is (True if symbol is dyn.N_l else None)


@pytest.mark.parametrize("role", ["first_strength", "second_strength", "mode_strength"])
def test_a_strength_of_time_sorts_after_the_constants_and_pickles(role):
    strength = dyn.of_time(role)
    assert str(dyn.s - strength).startswith("s - ")  # by name, a(t) would come first
    assert pickle.loads(pickle.dumps(strength)) == strength
    assert role_of(strength).argument == "t" and strength.is_positive
