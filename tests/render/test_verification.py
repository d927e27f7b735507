"""The sentences for coqc's verdict, a fold's runtime check and a proof's caveats: exact text."""

from __future__ import annotations

import pytest

from symcollapse.derivations.proof import prove
from symcollapse.render.verification import (
    coq_verdict_text,
    detail,
    proof_caveats,
    proof_text,
    runtime_check_text,
)
from symcollapse.verification.coqc import CoqVerdict
from symcollapse.verification.methods import ProofEvidence
from symcollapse.verification.runtime import RuntimeCheck


@pytest.mark.parametrize(
    ("verdict", "text"),
    [
        (CoqVerdict("not installed"), "coqc not found: the Coq development was not checked"),
        (CoqVerdict("checked", "8.18.0"), "coqc 8.18.0 checked the Coq development"),
        (
            CoqVerdict("checked", "8.18.0", cached=True),
            "coqc 8.18.0 checked the Coq development (cached verdict)",
        ),
        (
            CoqVerdict("failed", "8.18.0", "line 7: No applicable tactic."),
            "coqc 8.18.0 REJECTED the Coq development: line 7: No applicable tactic.",
        ),
        (
            CoqVerdict("failed", "8.18.0", "line 7: No applicable tactic.", cached=True),
            "coqc 8.18.0 REJECTED the Coq development (cached verdict): "
            "line 7: No applicable tactic.",
        ),
    ],
)
def test_coq_verdict_text(verdict: CoqVerdict, text: str) -> None:
    assert coq_verdict_text(verdict) == text


@pytest.mark.parametrize(
    ("check", "text"),
    [
        (
            RuntimeCheck("onnxruntime", 16, 1.25e-7, 3.5e-6, 0.0357142),
            "onnxruntime on 16 random inputs: largest deviation from W_z x + b_z 1.25e-07, "
            "within the float rounding bound (largest bound 3.5e-06; worst deviation/bound "
            "0.0357)",
        ),
        (
            RuntimeCheck("numpy in float32", 16, 2e-3, 1e-6, 2000.0),
            "numpy in float32 on 16 random inputs: largest deviation from W_z x + b_z 0.002, "
            "ABOVE the float rounding bound (largest bound 1e-06; worst deviation/bound 2e+03)",
        ),
    ],
)
def test_runtime_check_text(check: RuntimeCheck, text: str) -> None:
    assert runtime_check_text(check) == text


def test_proof_text_counts_the_checked_steps_and_names_what_coq_covers() -> None:
    proof = prove(2)
    caveat = (
        "not checked by sympy: closed forms of W_z(n) and b_z(n) for general n: "
        "a sympy matrix expression has a fixed number of factors and terms"
    )
    assert proof_caveats(proof) == [caveat]
    assert proof_text(proof) == f"{len(proof.checked)} steps checked by sympy\n{caveat}"


def test_a_rejected_lemma_is_said_in_the_proof_detail() -> None:
    rejected = CoqVerdict("failed", "8.18.0", "line 7: No applicable tactic.")
    evidence = ProofEvidence(17, "", rejected, ("W_z_closed",), depth=3, instances=6)
    assert detail(evidence) == (
        "induction proof for all depths and widths, 17 steps checked by sympy; its lemma "
        "(closed forms) coqc 8.18.0 REJECTED the Coq development: line 7: No applicable tactic."
    )
