"""Checks of a forward function read as layers before a document shows it: the layers
(:func:`~symcollapse.verification.layered.verify_layers`), and the function on explicit matrices
against them at random exact points."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from symcollapse.algebra.analysis import analyse, random_parameters, random_point
from symcollapse.algebra.expressions import vanishes
from symcollapse.algebra.function import ForwardFunction
from symcollapse.errors import SpecError, VerificationError
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS
from symcollapse.verification.layered import CheckedLayers, verify_layers


@dataclass(frozen=True)
class CheckedFunction:
    """A forward function whose layers were checked (``layers``) and which equals them at
    random exact points: what :func:`~symcollapse.derivations.function.derive_function`
    shows."""

    function: ForwardFunction
    layers: CheckedLayers


def verify_function(
    function: ForwardFunction,
    *,
    max_terms: int = DEFAULT_LAYERED_MAX_TERMS,
    seed: int = 0,
    parameters: Mapping[str, object] | None = None,
    point: Sequence[object] | None = None,
    points: int = 3,
) -> CheckedFunction:
    """Check the layers ``function`` (from :func:`~symcollapse.algebra.function.read_function`)
    was read as, then the function on explicit matrices against them at ``points`` random exact
    points; ``parameters`` and ``point`` go on to :func:`verify_layers`."""
    if not isinstance(function, ForwardFunction):
        raise SpecError(f"expected a ForwardFunction (see read_function), got {function!r:.60}")
    layers = verify_layers(
        analyse(function.spec, max_terms=max_terms),
        max_terms=max_terms,
        seed=seed,
        parameters=parameters,
        point=point,
    )
    stages = layers.result.stages
    rng = random.Random(seed)
    for trial in range(points):
        values = random_parameters(stages.entries, seed + trial)
        values |= dict(zip(stages.x, random_point(function.spec.input_width, rng), strict=True))
        mine = stages.forward().xreplace(values)
        theirs = function.explicit.xreplace(values)
        if function.convention == "row":  # x @ W[1] + b[1]: the layers' output as a row
            theirs = theirs.T
        if not vanishes(mine - theirs):
            raise VerificationError("the function and its layers disagree at a random point")
    return CheckedFunction(function, layers)
