"""The Coq development: printed from the shared statements, checked by coqc, and a changed
statement is rejected (mutation tests), so the check is not vacuous."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess

import pytest
import sympy as sp

from symcollapse.algebra.expressions import product, total
from symcollapse.verification import coqc
from symcollapse.verification import statements as st
from symcollapse.verification.coq import FILE_NAME, development, term
from symcollapse.verification.coqc import CLOSED, CoqVerdict, check, first_error
from symcollapse.verification.statements import (
    STATEMENTS,
    Fold,
    LayersAbove,
    MultipliedDown,
    Notation,
    Recursion,
    Theorem,
)

THEOREMS = len(STATEMENTS.theorems)


@pytest.mark.parametrize(
    ("expr", "coq"),
    [
        (total(product(st.Wzn, st.x), st.bzn), "Wz N *m x + bz N"),
        (product(st.Wn1, total(product(st.Wzn, st.x), st.bzn)), "Wn1 *m (Wz N *m x + bz N)"),
        (LayersAbove(st.n, 0), "product_above N 0%N"),
        (LayersAbove(st.n, st.k + 1), "product_above N k.+1"),
        (
            sp.Sum(product(LayersAbove(st.n, st.k), st.bk), (st.k, 1, st.n)),
            r"\sum_(1%N <= k < (depth N).+1) product_above N k *m b N k",
        ),
    ],
)
def test_terms(expr, coq):
    assert term(expr) == coq


def test_every_statement_is_printed_from_the_shared_description():
    text = development()
    for theorem in STATEMENTS.theorems:
        assert f"Theorem {theorem.name} " in text
        assert f"  {term(theorem.lhs)} = {term(theorem.rhs)}.\nProof." in text
    for recursion in STATEMENTS.recursions:
        assert f"=> {term(recursion.base[1])}\n" in text.replace("fun x => ", "")
        assert f"=> {term(recursion.step[1])}\n" in text.replace("fun x => ", "")


def test_no_assumption_is_admitted_and_every_theorem_is_printed_once():
    text = development()
    forbidden = r"\b(Admitted|admit|Axiom|Axioms|Parameter|Parameters|Conjecture|Hypothesis)\b"
    assert re.search(forbidden, text) is None
    assert text.rstrip().endswith(f"Print Assumptions {STATEMENTS.theorems[-1].name}.")
    for theorem in STATEMENTS.theorems:
        assert text.count(f"Print Assumptions {theorem.name}.") == 1


@pytest.mark.coq
def test_coqc_checks_the_development_closed_under_the_global_context(tmp_path):
    """Run coqc directly (not through the runner) and read its output."""
    (tmp_path / FILE_NAME).write_text(development(), encoding="utf-8")
    done = subprocess.run(
        ["coqc", "-q", FILE_NAME], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count(CLOSED) == THEOREMS


@pytest.mark.coq
def test_runner_checks_then_reuses_its_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = check(development(), THEOREMS)
    assert first.checked and not first.cached
    assert check(development(), THEOREMS).cached
    (stored,) = (tmp_path / "symcollapse").iterdir()
    stored.write_text("{not json", encoding="utf-8")
    assert check(development(), THEOREMS) == first


def _with(**changes: object) -> st.Statements:
    return dataclasses.replace(STATEMENTS, **changes)


W1, Wn1, Wzn, bzn, bn1, x = st.W1, st.Wn1, st.Wzn, st.bzn, st.bn1, st.x
bias_sum = STATEMENTS.closed_forms[1].rhs

MUTATIONS = {
    "drop the bias term of the recursion": _with(
        bias=Recursion("bz", (st.bz1, st.b1), (st.bzn1, product(Wn1, bzn)))
    ),
    "drop the bias term of the collapse": _with(
        collapse=Theorem("collapse", st.fn, product(Wzn, x))
    ),
    "reverse the product of the recursion": _with(
        weight=Recursion("Wz", (st.Wz1, W1), (st.Wzn1, product(Wzn, Wn1)))
    ),
    "start the bias sum at k = 2": _with(
        closed_forms=(
            STATEMENTS.closed_forms[0],
            Theorem("bzClosedForm", bzn, sp.Sum(bias_sum.function, (st.k, 2, st.n))),
        )
    ),
    "shift the index of the suffix product": _with(
        closed_forms=(
            STATEMENTS.closed_forms[0],
            Theorem(
                "bzClosedForm",
                bzn,
                sp.Sum(product(LayersAbove(st.n, st.k + 1), st.bk), (st.k, 1, st.n)),
            ),
        )
    ),
    "multiply the new layer on the right of the layers above": _with(
        notation=Notation(
            "product_above_from",
            STATEMENTS.notation.top,
            (LayersAbove(st.n + 1, st.k), product(LayersAbove(st.n, st.k), Wn1)),
        )
    ),
    "the fold counts the first layer twice": _with(
        fold=Fold(
            "multiply_down",
            (STATEMENTS.fold.first[0], total(product(st.A1, W1), product(st.A1, W1))),
            STATEMENTS.fold.step,
            STATEMENTS.fold.start,
        )
    ),
    "the fold passes the accumulator down without the new layer": _with(
        fold=Fold(
            "multiply_down",
            STATEMENTS.fold.first,
            (STATEMENTS.fold.step[0], MultipliedDown(st.An1, st.n)),
            STATEMENTS.fold.start,
        )
    ),
    "the product of all layers starts from twice the identity": _with(
        fold=Fold(
            "multiply_down",
            STATEMENTS.fold.first,
            STATEMENTS.fold.step,
            (
                STATEMENTS.fold.start[0],
                MultipliedDown(sp.MatAdd(sp.Identity(st.dn), sp.Identity(st.dn)), st.n),
            ),
        )
    ),
    "leave out W_1 from the product": _with(
        closed_forms=(
            Theorem("WzClosedForm", Wzn, LayersAbove(st.n, 1)),
            STATEMENTS.closed_forms[1],
        )
    ),
}


@pytest.mark.coq
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_coqc_rejects_a_changed_statement(mutation):
    text = development(MUTATIONS[mutation])
    assert text != development()
    verdict = check(text, THEOREMS)
    assert verdict.status == "failed", mutation
    assert verdict.error


@pytest.mark.coq
@pytest.mark.parametrize("proof", ["by [].", "by rewrite /product_above."])
def test_the_weight_closed_form_is_not_true_by_definition(proof):
    """WzClosedForm states that the fold of the layers from the output side equals the
    recursion of W_z; neither computation nor unfolding proves it (it takes associativity)."""
    text = development()
    start = text.index("Proof.", text.index("Theorem WzClosedForm")) + len("Proof.")
    end = text.index("Qed.", start)
    verdict = check(text[:start] + "\n" + proof + "\n" + text[end:], THEOREMS)
    assert verdict.status == "failed"


@pytest.mark.coq
def test_an_admitted_proof_is_not_checked():
    """coqc accepts ``Admitted``; the runner does not, because an assumption is then printed."""
    text = development()
    proof_end = text.index("Qed.", text.index("Theorem bzClosedForm"))
    admitted = text[:proof_end] + "Admitted." + text[proof_end + len("Qed.") :]
    verdict = check(admitted, THEOREMS)
    assert verdict == CoqVerdict(
        "failed", verdict.version, "2 of 3 theorems are closed under the global context"
    )


@pytest.mark.coq
def test_a_timeout_is_a_failure():
    verdict = check(development() + "\n(* fresh text, so not cached *)\n", THEOREMS, timeout=0.01)
    assert verdict.status == "failed"
    assert verdict.error == "coqc took longer than 0.01 s"


def test_without_coqc_nothing_is_claimed(monkeypatch):
    monkeypatch.setattr(coqc.shutil, "which", lambda name: None)
    verdict = check(development(), THEOREMS)
    assert verdict == CoqVerdict("not installed")


def test_first_error_names_the_line_and_the_reason():
    output = (
        'File "./Collapse.v", line 56, characters 13-23:\nError:\nIn environment\nR : ringType\n'
        'd0 dn : nat\nThe term "W" has type "\'M_(2, 3)" while it is expected to have type\n'
    )
    assert first_error(output) == (
        'line 56: The term "W" has type "\'M_(2, 3)" while it is expected to have type'
    )
    assert first_error(
        'File "./Collapse.v", line 7, characters 0-5:\nError: No applicable tactic.'
    ) == ("line 7: No applicable tactic.")


@pytest.fixture
def fake_coqc(monkeypatch, tmp_path):
    """A coqc that answers its version and whose checks are counted; the cache in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(coqc.shutil, "which", lambda name: "/usr/bin/coqc")
    version = subprocess.CompletedProcess([], 0, stdout="8.16.1 fake\n", stderr="")
    monkeypatch.setattr(coqc.subprocess, "run", lambda *a, **k: version)
    toolchain = {"binary": "sha of coqc", "mathcomp": "fingerprint of mathcomp"}
    monkeypatch.setattr(coqc, "_sha256", lambda path: toolchain["binary"])
    monkeypatch.setattr(coqc, "mathcomp_fingerprint", lambda where: toolchain["mathcomp"])
    runs: list[CoqVerdict] = []

    def run(verdict: CoqVerdict) -> None:
        monkeypatch.setattr(coqc, "_run", lambda *a: runs.append(verdict) or verdict)

    run.toolchain = toolchain  # type: ignore[attr-defined]
    return tmp_path / "symcollapse", runs, run


@pytest.mark.parametrize("change", ["binary", "mathcomp"])
def test_a_cached_verdict_is_rechecked_when_the_toolchain_changed(fake_coqc, change):
    """Another coqc binary, or another MathComp (one that cannot be loaded: "none"), is checked
    again, never handed the verdict of the toolchain that checked the file."""
    _, runs, run = fake_coqc
    run(CoqVerdict("checked", "8.16.1"))
    assert not check("text", 1).cached and check("text", 1).cached
    run.toolchain[change] = "none"
    run(
        CoqVerdict("failed", "8.16.1", "Cannot find a physical path bound to logical path mathcomp")
    )
    assert check("text", 1).status == "failed"
    assert len(runs) == 2


def test_a_stored_verdict_of_another_toolchain_is_not_trusted(fake_coqc):
    cache, runs, run = fake_coqc
    run(CoqVerdict("checked", "8.16.1"))
    check("text", 1)
    (entry,) = cache.iterdir()
    stored = json.loads(entry.read_text())
    assert stored["coqc"] == "sha of coqc" and stored["mathcomp"] == "fingerprint of mathcomp"
    entry.write_text(json.dumps({**stored, "mathcomp": "another"}))
    assert not check("text", 1).cached and len(runs) == 2


def test_only_a_success_is_cached(fake_coqc):
    cache, runs, run = fake_coqc
    run(CoqVerdict("failed", "8.16.1", "line 3: boom"))
    assert check("text", 1).status == "failed"
    assert not cache.exists() or not any(cache.iterdir())
    run(CoqVerdict("checked", "8.16.1"))  # the toolchain was fixed: checked again, not cached
    assert check("text", 1) == CoqVerdict("checked", "8.16.1")
    assert check("text", 1).cached and len(runs) == 2


@pytest.mark.parametrize("kind", ["fifo", "device", "huge", "failed"])
def test_a_cache_entry_that_is_not_a_small_stored_success_is_ignored(fake_coqc, kind):
    cache, runs, run = fake_coqc
    run(CoqVerdict("checked", "8.16.1"))
    check("text", 1)
    (entry,) = cache.iterdir()
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)  # reading it would block forever
    elif kind == "device":
        os.symlink("/dev/zero", entry)  # reading it would never end
    elif kind == "huge":
        entry.write_text('{"status": "checked", "error": "' + " " * 10**6 + '"}')
    else:
        entry.write_text('{"status": "failed", "error": "cached rejection"}')
    assert check("text", 1) == CoqVerdict("checked", "8.16.1")
    assert len(runs) == 2


def test_the_closed_forms_notation_is_printed_from_its_statements():
    """product_above_from, W_n ... W_{k+1}, is the notation's two equations in Coq: the
    identity on the top layer, one more weight on the left below."""
    text = development()
    fixpoint = text[text.index("Fixpoint product_above_from") :]
    fixpoint = fixpoint[: fixpoint.index("end.")]
    assert "=> 1%:M" in fixpoint and "then 1%:M else Wn1 *m product_above_from N k" in fixpoint
    assert STATEMENTS.notation.name == "product_above_from"


def test_the_fold_and_the_product_of_all_layers_are_printed_from_their_statements():
    """multiply_down is the fold's two equations and product_above 0 its start from the
    identity, the statements the LaTeX proof shows among its definitions."""
    text = development()
    fixpoint = text[text.index("Fixpoint multiply_down") :]
    fixpoint = fixpoint[: fixpoint.index("end.")]
    assert "=> fun A => A *m W1\n" in fixpoint
    assert "=> fun A => multiply_down N (A *m Wn1)\n" in fixpoint
    assert "match k with 0 => multiply_down N 1%:M | k.+1 =>" in text


#: Changed folds whose shapes fit (the one passing A down unmultiplied does not: below).
FOLDS = [
    "the fold counts the first layer twice",
    "the product of all layers starts from twice the identity",
]


@pytest.mark.parametrize("mutation", FOLDS)
def test_a_changed_fold_changes_the_latex_proof_and_the_coq_text(monkeypatch, mutation):
    """The fold is one statement: the LaTeX proof's definitions show it and the Coq development
    prints it, so a change to it changes both (and coqc rejects it: above)."""
    from symcollapse.derivations.proof import prove
    from symcollapse.render.latex import render_fragment
    from symcollapse.verification import induction

    original = render_fragment(prove(1).derivation)
    monkeypatch.setattr(induction, "STATEMENTS", MUTATIONS[mutation])
    changed = render_fragment(prove(1).derivation)
    assert changed != original
    assert development(MUTATIONS[mutation]) != development()


def test_a_fold_whose_accumulator_does_not_fit_is_refused_by_the_proof(monkeypatch):
    from symcollapse.errors import VerificationError
    from symcollapse.verification import induction

    mutated = MUTATIONS["the fold passes the accumulator down without the new layer"]
    monkeypatch.setattr(induction, "STATEMENTS", mutated)
    with pytest.raises(VerificationError, match="shapes do not match"):
        induction.check_induction(1)


def test_the_widths_and_biases_are_printed_from_the_statements_matrices():
    """d N k is d_0 for the input x, else the rows of W_k (W_1's for the first layer,
    W_{n+1}'s on top); b N k is b_1, b_{n+1} counted the same way."""
    text = development()
    assert "  | @First _ d1 _ _ => d1\n" in text and "then dn1 else d_above N k\n" in text
    assert "  if k is 0 then d0 else d_above N k." in text
    assert "  | @First _ _ _ b1 => b1\n" in text and "      then bn1 else b_from N k\n" in text


@pytest.mark.coq
def test_coqc_rejects_a_width_that_is_not_the_first_layers(monkeypatch):
    """W_1 with d_0 rows (not d_1): the first layer's width is printed d0, and coqc rejects it."""
    from symcollapse.algebra import symbols

    monkeypatch.setattr(st, "W1", symbols.matrix("W", st.d0, st.d0, 1))
    text = development()
    assert "  | @First _ d1 _ _ => d0\n" in text
    assert check(text, THEOREMS).status == "failed"
