"""Arora et al.'s rule is checked before a document shows it: the chain-rule sum symbolically,
and a numeric run beyond the tolerance is refused."""

from __future__ import annotations

import dataclasses

import pytest

from symcollapse.algebra import endtoend as e2e
from symcollapse.errors import VerificationError
from symcollapse.verification import endtoend as checks


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_chain_rule_symbolic(depth):
    checks.check_chain_rule(depth)


@pytest.mark.parametrize("depth", [2, 3])
def test_runs_within_the_tolerance_are_checked(depth):
    runs = [e2e.arora_deviation(n) for n in range(2, depth + 1)]
    checked = checks.verify_arora(depth, runs)
    assert (checked.depth, checked.checks) == (depth, tuple(runs))
    assert max(run.worst for run in runs) < checked.tolerance == checks.ARORA_TOLERANCE


@pytest.mark.parametrize("field", ["velocity", "powers", "imbalance"])
def test_a_run_beyond_the_tolerance_is_refused(field):
    run = e2e.arora_deviation(2)
    strayed = dataclasses.replace(run, **{field: 10 * checks.ARORA_TOLERANCE})
    with pytest.raises(VerificationError, match=r"^the end-to-end rule misses by 1e-08$"):
        checks.verify_arora(2, [run, strayed])
