"""The induction proof: every step checked or said not to be, shapes checked, renders compile."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.derivations.proof import MAX_INSTANCES, prove
from symcollapse.doc.model import Checked
from symcollapse.doc.prose import relation
from symcollapse.errors import OptionError
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.text import render_text
from symcollapse.verification.coqc import CoqVerdict
from symcollapse.verification.statements import STATEMENTS, CoqName, n, width

d0, d1, d2 = sp.symbols("d_0 d_1 d_2")
A = sp.MatrixSymbol("A", d1, d0)
B = sp.MatrixSymbol("B", d2, d1)
v = sp.MatrixSymbol("v", d0, 1)


def _steps(proof):
    return [step for section in proof.derivation.sections for step in section.steps]


def _reasons(step) -> str:
    return "".join(p for p in step.reason if isinstance(p, str))


def test_sections_follow_the_induction():
    titles = [s.title for s in prove().derivation.sections]
    assert titles == [
        ("Definitions",),
        ("Base case ", relation(n, "=", 1)),
        ("Inductive step",),
        ("Lemma: closed forms",),
        ("Conclusion",),
    ]


@pytest.mark.parametrize("instances", [1, 3, 6])
def test_every_checked_step_was_recorded(instances):
    proof = prove(instances)
    marked = [s for s in _steps(proof) if s.check == Checked("sympy, with symbolic widths")]
    # base case, four inductive steps, and two closed forms per checked depth
    assert len(marked) == 5 + 2 * instances
    # the eight definitions (six recursions, the notation's two) had their shapes checked; the
    # lemma checked W_z and b_z per depth
    assert len(proof.checked) == 8 + 5 + 2 * instances
    assert proof.unchecked[0][0] == "closed forms of W_z(n) and b_z(n) for general n"


CHECKED = CoqVerdict("checked", "8.16.1")


@pytest.mark.parametrize(
    ("coq", "claim"),
    [
        (CHECKED, ", and coqc 8.16.1 checked their proofs here, resting on no axiom."),
        (None, "; they are not machine-checked here: coqc was not run."),
        (CoqVerdict("not installed"), "; they are not machine-checked here: coqc not found."),
        (
            CoqVerdict("failed", "8.16.1", "line 3: boom"),
            "they are not machine-checked here: coqc 8.16.1 rejected the Coq development",
        ),
    ],
)
def test_machine_checked_is_said_only_when_coqc_checked(coq, claim):
    sections = prove(2, coq=coq).derivation.sections
    intro = "".join(p for p in sections[3].intro if isinstance(p, str))
    assert claim in intro
    assert ("machine-checked for every depth" in intro) == (coq is CHECKED)
    conclusion = "".join(p for p in sections[4].intro if isinstance(p, str))
    assert ("checks it" in conclusion) == (coq is CHECKED)
    assert (sections[4].steps[0].check is not None) == (coq is CHECKED)


def test_the_general_lemma_shows_the_coq_theorems_and_what_sympy_checked():
    proof = prove(2, coq=CHECKED)
    lemma = proof.derivation.sections[3]
    intro = "".join(p for p in lemma.intro if isinstance(p, str))
    assert "They are machine-checked for every depth " in intro
    assert "sympy cannot check them for general depth, because" in intro
    assert sp.Integer(2) in lemma.intro
    for step, theorem in zip(lemma.steps, STATEMENTS.closed_forms, strict=False):
        assert (step.lhs, step.rhs) == (theorem.lhs, theorem.rhs)
        assert CoqName(theorem.name) in step.reason


def test_inductive_step_uses_symbolic_widths():
    step = prove(1).derivation.sections[2].steps
    assert step[0].lhs.shape == (width(n + 1), 1)
    matrices = set().union(*(s.rhs.atoms(sp.MatrixSymbol) for s in step))
    dimensions = set().union(*(m.shape for m in matrices)) - {1}
    assert dimensions == {width(0), width(n), width(n + 1)}


def test_lemma_instances_hold_for_concrete_matrices():
    """Independent route: random integer matrices in the closed forms shown for n = 3."""
    lemma = prove(3).derivation.sections[3]
    W_z3, b_z3 = lemma.steps[6].rhs, lemma.steps[7].rhs
    widths = (2, 3, 4, 2)
    d = [width(k) for k in range(4)]
    rng = random.Random(3)
    values = {}
    for k in (1, 2, 3):
        values[symbols.matrix("W", d[k], d[k - 1], k)] = sp.Matrix(
            widths[k], widths[k - 1], lambda i, j: rng.randint(-9, 9)
        )
        values[symbols.matrix("b", d[k], 1, k)] = sp.Matrix(
            widths[k], 1, lambda i, j: rng.randint(-9, 9)
        )
    assert W_z3.atoms(sp.MatrixSymbol) | b_z3.atoms(sp.MatrixSymbol) == set(values)
    x = sp.Matrix([5, -2])
    h = x
    for k in (1, 2, 3):
        h = (
            values[symbols.matrix("W", d[k], d[k - 1], k)] * h
            + values[symbols.matrix("b", d[k], 1, k)]
        )
    assert W_z3.xreplace(values).doit() * x + b_z3.xreplace(values).doit() == h


@pytest.mark.parametrize(
    ("instances", "message"),
    [
        (0, f"^instances must be from 1 to {MAX_INSTANCES}, got 0$"),
        (
            MAX_INSTANCES + 1,
            f"^instances must be from 1 to {MAX_INSTANCES}, got {MAX_INSTANCES + 1}$",
        ),
        ("3", r"^instances must be an integer, got '3'$"),
    ],
)
def test_bad_instances(instances, message):
    with pytest.raises(OptionError, match=message):
        prove(instances)


def test_renders_in_every_format():
    derivation = prove(2).derivation
    tex = render_fragment(derivation)
    assert r"f_{n+1}(x) &\mathrel{:=} W_{n+1} f_{n}(x) + b_{n+1}" in tex
    assert r"\texttt{WzClosedForm}" in tex
    assert "### Inductive step" in render_markdown(derivation)
    text = render_text(derivation)
    assert "= W_z^(n+1)*x + b_z^(n+1)    [definitions]" in text


@pytest.mark.latex
def test_standalone_proof_compiles(compile_latex):
    compile_latex(render_document(prove(4).derivation), name="proof")
