"""Verification of ``f(x) = W_z x + b_z`` for concrete widths: exact, random-point, or by proof.

- ``exact``: a reference forward pass (:mod:`.reference`, exact digit words) against
  ``W_z x + b_z`` as symcollapse emits it, the path sums every document prints read by the names
  they print (:mod:`.emitted`), every monomial compared;
- ``random``: the forward pass, ``W_z x + b_z`` as matrix products, and (up to a size) the
  emitted path sums evaluated at random points modulo a prime, with the Schwartz-Zippel error
  bound (:mod:`.random`);
- ``proof``: the induction proof for all depths and widths (:mod:`symcollapse.derivations.proof`);
- ``auto``: ``exact`` when the term count, known in closed form beforehand, is within
  ``max_terms``, otherwise ``random``.

The exact and random routes share nothing with what they check. The subject, what symcollapse
emits, comes from :mod:`symcollapse.algebra.polynomials`, and only :mod:`.emitted` asks it for
anything; the reference each route compares it with is written in this package and imports no
algebra. What each module of the routes may import, besides the standard library
(tests/verification/test_routes.py reads this table and every import of each module):

=======================  ==========================================================================
module (route)           may import
=======================  ==========================================================================
reference (both)         numpy, symcollapse.errors
points (random)          numpy
random (random)          numpy, symcollapse.errors, symcollapse.spec, verification.defaults,
                         verification.emitted, verification.points
emitted (both)           numpy, symcollapse.errors, symcollapse.spec, verification.reference,
                         verification.points, symcollapse.algebra.polynomials (the subject)
methods (dispatch)       symcollapse.display, symcollapse.errors, symcollapse.spec,
                         verification.defaults, verification.emitted, verification.random,
                         verification.coq, verification.coqc, verification.induction,
                         verification.statements (the last four: the proof route)
=======================  ==========================================================================

numpy is the arrays both sides are written in, not the code under check: the reference uses
none of the algebra's representation (its monomials are digits per layer, built sorted, where the
algebra's are bit words merged by hashing and sorting), so the algebra's bugs, which live in how
it numbers, hashes and merges, are not repeated in it; tests/verification/test_reference.py holds
the reference against sympy's expansion of the same forward pass.

The proof route is another matter: its statements are sympy expressions built with
:mod:`symcollapse.algebra.expressions`, the helpers the derivations print with, and Coq checks
the lemma those statements print (:mod:`.coq`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from symcollapse.display import Displayable
from symcollapse.errors import OptionError, VerificationError
from symcollapse.spec.cost import (
    MAX_EXACT_BYTES,
    check_exact_memory,
    check_limit,
    exact_bytes,
    exact_fits,
)
from symcollapse.spec.limits import check_size, term_counts
from symcollapse.spec.widths import Spec, parse_widths
from symcollapse.verification.defaults import (
    DEFAULT_EXACT_MAX_TERMS,
    METHODS,
    RANDOM_MAX_BYTES,
    Method,
)
from symcollapse.verification.emitted import exactly_equal
from symcollapse.verification.random import random_check

if TYPE_CHECKING:  # coqc loads the Coq statements, and so sympy: verify starts without it
    from symcollapse.algebra.polynomials import ProgressHook
    from symcollapse.verification.coqc import CoqVerdict


@dataclass(frozen=True)
class ExactEvidence:
    """The exact route compared ``compared`` monomials; ``expected`` is the closed-form count."""

    compared: int
    expected: int


@dataclass(frozen=True)
class RandomEvidence:
    """The random route: its trials, prime and degree, and whether the emitted path sums were
    evaluated too (else ``W_z``, ``b_z`` as matrix products)."""

    trials: int
    prime: int
    degree: int
    bound_per_trial: Fraction
    bound: Fraction
    emitted: bool


@dataclass(frozen=True)
class ProofEvidence:
    """The proof route: sympy's checked steps (``failure`` if one failed), Coq's verdict on the
    lemma, and up to which depth sympy checked the lemma itself."""

    checked: int
    failure: str
    coq: CoqVerdict | None
    theorems: tuple[str, ...]
    depth: int
    instances: int


Evidence = ExactEvidence | RandomEvidence | ProofEvidence


@dataclass(frozen=True)
class Choice:
    """Why ``auto`` chose its method: the term count against ``max_terms``, and the exact
    route's memory (``needed`` against ``limit`` bytes) or time when those rule it out."""

    terms: int
    max_terms: int
    fits: bool
    needed: int
    limit: int


@dataclass(frozen=True)
class Verification(Displayable):
    """What was checked, how, whether it held, and how long it took: data, which
    :mod:`symcollapse.render.verification` puts into words.

    ``monomials`` is the closed-form term count of ``W_z x + b_z`` (all compared by ``exact``);
    ``error_bound`` is, for ``random``, the probability that a false identity passes every trial.
    """

    widths: tuple[int, ...]
    holds: bool
    method: Method
    monomials: int
    seconds: float
    evidence: Evidence
    error_bound: Fraction | None = None
    choice: Choice | None = None


#: What a method found: whether the identity holds, how it was checked, the error bound if any.
Outcome = tuple[bool, Evidence, Fraction | None]


def _exact(widths: tuple[int, ...], max_terms: int, progress: ProgressHook | None) -> Outcome:
    counts = check_size(widths, max_terms)
    check_exact_memory(widths)
    try:
        holds, compared = exactly_equal(widths, progress)
    except VerificationError:  # an emitted name that is no entry of the network
        return False, ExactEvidence(0, counts.total), None
    return holds and compared == counts.total, ExactEvidence(compared, counts.total), None


def _random(
    widths: tuple[int, ...], trials: int | None, seed: int | None, max_bytes: int
) -> Outcome:
    result = random_check(widths, trials=trials, seed=seed, max_bytes=max_bytes)
    evidence = RandomEvidence(
        result.trials,
        result.prime,
        result.degree,
        result.bound_per_trial,
        result.bound,
        result.emitted,
    )
    return result.holds, evidence, result.bound


def _proof(widths: tuple[int, ...]) -> Outcome:
    """The induction proof's steps by sympy; its lemma by Coq for every depth, else bounded."""
    from symcollapse.verification.coq import development
    from symcollapse.verification.coqc import check
    from symcollapse.verification.induction import MAX_INSTANCES, check_induction
    from symcollapse.verification.statements import STATEMENTS

    depth = len(widths) - 1
    instances = min(max(depth, 1), MAX_INSTANCES)
    names = tuple(theorem.name for theorem in STATEMENTS.theorems)
    try:
        induction = check_induction(instances)
    except VerificationError as error:
        return False, ProofEvidence(0, str(error), None, names, depth, instances), None
    coq = check(development(), len(STATEMENTS.theorems))
    if coq.status == "not installed" and depth > instances:  # never "holds" beyond what ran
        from symcollapse.errors import ToolError

        raise ToolError(
            f"coqc not found: the proof's lemma is checked symbolically for n <= {instances} "
            f"only, not for n = {depth}; install coqc with MathComp, or choose method exact "
            "or random",
            "method",
        )
    evidence = ProofEvidence(len(induction.checked), "", coq, names, depth, instances)
    return coq.status != "failed", evidence, None


def verify(
    widths: Sequence[object],
    *,
    method: Method = "auto",
    max_terms: int = DEFAULT_EXACT_MAX_TERMS,
    trials: int | None = None,
    seed: int | None = None,
    progress: ProgressHook | None = None,
    max_bytes: int = RANDOM_MAX_BYTES,
) -> Verification:
    """Check ``f(x) = W_z x + b_z`` for ``widths`` with ``method`` (see the module docstring).

    Raises :class:`SpecError` for bad widths, :class:`OptionError` for an unknown method and
    :class:`SizeLimitError` when ``method="exact"`` would exceed ``max_terms``, or random
    points' working set ``max_bytes``.
    """
    if method not in METHODS:
        raise OptionError(
            f"unknown verification method {method!r}; choose one of " + ", ".join(METHODS)
        )
    check_limit(max_terms, "max_terms")
    if progress is not None and not callable(progress):
        raise OptionError(f"progress must be a function (done, total), got {progress!r:.60}")
    if trials is not None:
        check_limit(trials, "trials")
    given = " and ".join(name for name, v in (("trials", trials), ("seed", seed)) if v is not None)
    first = "trials" if trials is not None else "seed"
    if method in ("exact", "proof") and given:
        raise OptionError(f"{given}: used by random points only, not by method={method!r}", first)
    start = time.perf_counter()
    spec = Spec(parse_widths(widths))
    counts = term_counts(spec.widths)
    choice = None
    if method == "auto":
        fits = exact_fits(spec.widths)
        method = "exact" if counts.total <= max_terms and fits else "random"
        needed = exact_bytes(spec.widths)
        choice = Choice(counts.total, max_terms, fits, needed, MAX_EXACT_BYTES)
        if method == "exact" and given:  # the points asked for would never be drawn
            raise OptionError(
                f"{given}: used by random points only, and auto chooses exact here "
                f"({counts.total:,} terms); give method='random' to check at random points",
                first,
            )
    if method == "exact":
        holds, evidence, bound = _exact(spec.widths, max_terms, progress)
    elif method == "random":
        holds, evidence, bound = _random(spec.widths, trials, seed, max_bytes)
    else:
        holds, evidence, bound = _proof(spec.widths)
    return Verification(
        widths=spec.widths,
        holds=holds,
        method=method,
        monomials=counts.total,
        seconds=time.perf_counter() - start,
        evidence=evidence,
        error_bound=bound,
        choice=choice,
    )
