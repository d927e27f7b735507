"""Saxe et al.'s formulas are checked, the checks fail on a wrong formula, and a run that strays
from eq. 12 is refused before any document is written."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from symcollapse.algebra import dynamics as dyn
from symcollapse.errors import VerificationError
from symcollapse.verification import dynamics as checks


def test_symbolic_identities_hold():
    checks.check_symbolic()


@pytest.mark.parametrize("depth", [4, 5])
def test_a_wrong_exponent_fails_the_deep_check(depth, monkeypatch):
    wrong = (dyn.N_l - 1) * dyn.u ** (2 - 1 / (dyn.N_l - 1)) * (dyn.s - dyn.u)
    monkeypatch.setattr(checks, "DEEP_FLOW", wrong)
    with pytest.raises(VerificationError, match=rf"^eq. 15, N_l = {depth} does not hold"):
        checks.check_symbolic((depth,))


def test_a_wrong_closed_form_fails_its_check(monkeypatch):
    monkeypatch.setattr(checks, "CLOSED_FORM", dyn.CLOSED_FORM.subs(dyn.s, 2 * dyn.s))
    with pytest.raises(VerificationError, match=r"^eq. 12 solves 10 does not hold"):
        checks.check_symbolic()


@pytest.fixture(scope="module")
def run():
    return dyn.simulate_saxe([3.0, 1.0], 1e-3, 1.0, 6.0, n_times=25)


def test_a_run_that_follows_eq_12_is_checked_with_its_tolerance(run):
    checked = checks.verify_saxe(run)
    assert checked.run is run
    assert checked.tolerance == checks.SAXE_TOLERANCE * 3.0 > run.deviation


@pytest.mark.parametrize("shift", [1e-3, -5e-6])
def test_a_run_that_strays_from_eq_12_is_refused(run, shift):
    simulated = run.simulated.copy()
    simulated[1, -1] += shift  # one mode, one time
    strayed = dataclasses.replace(run, simulated=simulated)
    with pytest.raises(VerificationError, match=r"^the full flow deviates from eq. 12 by "):
        checks.verify_saxe(strayed)
    assert np.isclose(strayed.deviation, abs(shift), rtol=1e-3)
