"""Verifications in words: the verdict, how it was checked, its size and time, and why ``auto``
chose its method; coqc's verdict, the runtime check of a fold, and what a proof left to Coq
(for the terminal, and the notebook display). The verification values are data; the sentences
are made here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from itertools import groupby
from typing import TYPE_CHECKING

from symcollapse.spec.amounts import amount, gigabytes
from symcollapse.verification.methods import (
    Choice,
    ExactEvidence,
    ProofEvidence,
    RandomEvidence,
    Verification,
)

if TYPE_CHECKING:  # only types: ``verify`` reads this module without loading sympy or numpy
    from symcollapse.derivations.proof import Proof
    from symcollapse.verification.coqc import CoqVerdict
    from symcollapse.verification.partial import FoldedStretch, PartialFold
    from symcollapse.verification.runtime import RuntimeCheck


def widths_text(widths: Sequence[int]) -> str:
    """``3 4 4 1``; past 16 widths, runs are shortened: ``64 (x1001)``."""
    if len(widths) <= 16:
        return " ".join(map(str, widths))
    parts = []
    for width, run in groupby(widths):
        count = len(list(run))
        parts += [f"{width} (x{count})"] if count > 3 else [str(width)] * count
    return " ".join(parts)


def probability(bound: Fraction) -> str:
    """A probability bound as ``3.7e-06`` (or ``1e-1234`` scale when below float range)."""
    if bound == 0:
        return "0"
    value = float(bound)
    if value > 0:
        return f"{value:.1e}"
    exponent = math.log10(bound.numerator) - math.log10(bound.denominator)
    return f"1e{math.floor(exponent) + 1}"


def detail(evidence: ExactEvidence | RandomEvidence | ProofEvidence) -> str:
    """How the identity was checked, in one clause."""
    if isinstance(evidence, ExactEvidence):
        text = "sparse polynomial arithmetic: nested forward pass against path sums of W_z x + b_z"
        if evidence.compared != evidence.expected:
            text += f"; {evidence.compared:,} monomials found, {evidence.expected:,} expected"
        return text
    if isinstance(evidence, RandomEvidence):
        text = (
            f"{evidence.trials} trial(s) at random points modulo the prime p = "
            f"{evidence.prime:,}; Schwartz-Zippel bound (degree {evidence.degree})/p = "
            f"{probability(evidence.bound_per_trial)} per trial, "
            f"{probability(evidence.bound)} for all {evidence.trials}"
        )
        if evidence.emitted:
            return text + "; the emitted path sums of W_z and b_z evaluated at each point too"
        return text + "; W_z and b_z as matrix products (too large to evaluate entry by entry)"
    return _proof_detail(evidence)


def _proof_detail(evidence: ProofEvidence) -> str:
    if evidence.failure:
        return f"a step of the induction proof failed: {evidence.failure}"
    text = f"induction proof for all depths and widths, {evidence.checked} steps checked by sympy"
    coq = evidence.coq
    if coq is not None and coq.status == "failed":
        return f"{text}; its lemma (closed forms) {coq_verdict_text(coq)}"
    if coq is not None and coq.checked:
        how = f"coqc {coq.version}" + (", cached verdict" if coq.cached else "")
        return (
            f"{text}; its lemma (closed forms) machine-checked by Coq for every depth and all "
            f"widths (theorems {', '.join(evidence.theorems)}; {how})"
        )
    text += "; coqc not found, so its lemma (closed forms) is checked by sympy only"
    if evidence.depth <= evidence.instances:
        n = evidence.depth
        return text + f" for depths 1 to {max(n, 1)}, which include this depth, n = {n}"
    return text + f" up to n = {evidence.instances}, not for n = {evidence.depth}"


def coq_verdict_text(verdict: CoqVerdict) -> str:
    """What coqc said of the Coq development, and which coqc (from the cache or not)."""
    if verdict.status == "not installed":
        return "coqc not found: the Coq development was not checked"
    how = " (cached verdict)" if verdict.cached else ""
    if verdict.checked:
        return f"coqc {verdict.version} checked the Coq development{how}"
    return f"coqc {verdict.version} REJECTED the Coq development{how}: {verdict.error}"


def _deviation_text(check: RuntimeCheck, of: str, bound: str) -> str:
    """A runtime check's largest deviation ``of`` something against its ``bound``."""
    verdict = "within" if check.holds else "ABOVE"
    return (
        f"{check.runtime} on {check.samples} random inputs: largest deviation{of} "
        f"{check.max_deviation:.3g}, {verdict} the {bound} "
        f"(largest bound {check.bound:.3g}; worst deviation/bound {check.worst_ratio:.3g})"
    )


def runtime_check_text(check: RuntimeCheck) -> str:
    """The runtime's largest deviation from ``W_z x + b_z`` against the float rounding bound."""
    return _deviation_text(check, " from W_z x + b_z", "float rounding bound")


def _part_line(head: str, what: str, counts: tuple[int, int], left: bool, why: str | None) -> str:
    """A stretch's or an attention pair's line: folded with its parameters before and after,
    or left and why."""
    if left:
        return f"{head}, {counts[0]:,} parameters: left as is, {why}"
    return f"{head}: {what}, {counts[0]:,} parameters -> {counts[1]:,}"


def partial_text(result: PartialFold) -> str:
    """One line per stretch (where it starts and ends, its widths, its parameters before and
    after), then the matrix multiplications of the model before and after."""
    lines = []
    for k, s in enumerate(result.stretches, 1):
        stretch = s.stretch
        span = stretch.names[0] + (f" to {stretch.names[-1]}" if len(stretch.names) > 1 else "")
        widths = " -> ".join(str(w) for w in stretch.widths)
        head = f"stretch {k}: {span} ({len(stretch.nodes)} nodes), {widths}"
        counts = (stretch.parameters, stretch.folded_parameters)
        lines.append(_part_line(head, "folded into one Gemm", counts, s.fold is None, s.left))
    for k, a in enumerate(result.attention, 1):
        pair = a.pair
        head = f"attention {k}: {pair.names[0]} to {pair.names[1]}, {pair.described}"
        what = "W_V W_O folded into the value projection"
        counts = (pair.parameters, pair.folded_parameters)
        lines.append(_part_line(head, what, counts, a.fold is None, a.left))
    for block in result.unread:
        lines.append(f"attention at {block.name}: projections not read, left as is: {block.reason}")
    if not any(s.fold for s in result.stretches) and not any(a.fold for a in result.attention):
        lines.append(
            "nothing folded: no affine stretch that one Gemm would make smaller; nothing written"
        )
    else:
        before, after = result.matmuls
        lines.append(f"matrix multiplications (Gemm, MatMul, Conv): {before} -> {after}")
    return "\n".join(lines) + "\n"


def whole_model_text(check: RuntimeCheck) -> str:
    """The new model's outputs against the original's, within the bound carried through it."""
    return _deviation_text(check, "", "rounding bound carried through the model")


def attention_check_text(check: RuntimeCheck) -> str:
    """A folded attention pair's output in the new model against the original's."""
    return _deviation_text(check, "", "rounding bound of both sides")


def stretch_check_lines(stretch: FoldedStretch) -> list[str]:
    """Each check of one stretch (its original's, its Gemm's), named by its first node."""
    return [f"{stretch.stretch.names[0]}: {runtime_check_text(check)}" for check in stretch.checks]


def no_bound_text(reason: str) -> str:
    """Why a partial fold's whole model has no derived bound (its stretches are still checked)."""
    return f"no bound for the whole model: {reason}"


def proof_caveats(proof: Proof) -> list[str]:
    """One line per part of the proof sympy could not check, and why."""
    return [f"not checked by sympy: {step}: {why}" for step, why in proof.unchecked]


def proof_text(proof: Proof) -> str:
    """How many steps sympy checked, then what it did not."""
    return "\n".join([f"{len(proof.checked)} steps checked by sympy", *proof_caveats(proof)])


def choice_text(choice: Choice) -> str:
    """Why ``auto`` chose exact or random."""
    relation = "within" if choice.terms <= choice.max_terms else "above"
    text = (
        f"{amount(choice.terms)} terms when expanded, {relation} the exact limit of "
        f"{choice.max_terms:,} (--max-terms)"
    )
    if not choice.fits and choice.needed > choice.limit:
        return text + (
            f", and {gigabytes(choice.needed)} of memory for exact verification, "
            f"above its limit of {choice.limit / 2**30:.0f} GB"
        )
    if not choice.fits:
        return text + ", but too slow for exact verification (terms x depth x symbols / 64)"
    return text


def render_verification(result: Verification) -> str:
    """The verdict line with how, size and time; a second line for ``auto``'s choice."""
    shown = widths_text(result.widths)
    verdict = "holds" if result.holds else "FAILS"
    how = detail(result.evidence)
    head = f"f(x) = W_z x + b_z {verdict} for widths {shown}: {result.method} ({how})"
    if result.method == "exact":
        size = f"{amount(result.monomials)} monomials compared"
    else:
        size = f"{amount(result.monomials)} monomials when expanded"
    lines = [f"{head}, {size}, {result.seconds:.3f} s"]
    if result.choice is not None:
        lines.append(f"method chosen automatically: {choice_text(result.choice)}")
    return "\n".join(lines)
