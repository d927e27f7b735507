"""The induction proof: every step checked or said not to be, shapes checked, renders compile."""

from __future__ import annotations

import random
import re

import pytest
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.derivations.dense import derive
from symcollapse.derivations.proof import MAX_INSTANCES, SHOWN_DEPTHS, prove
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
        ("Conclusion",),
        ("Lemma: closed forms",),
        ("Proof of the lemma",),
    ]


@pytest.mark.parametrize("instances", [1, 3, 6])
def test_every_checked_step_was_recorded(instances):
    proof = prove(instances)
    marked = [s for s in _steps(proof) if s.check == Checked("sympy, with symbolic widths")]
    # base case, four inductive steps, and two closed forms per depth shown (2 and 3, or 1)
    shown = [depth for depth in SHOWN_DEPTHS if depth <= instances] or [1]
    assert len(marked) == 5 + 2 * len(shown)
    # the eleven definitions (six recursions, the notation's two, the fold's three) had their
    # shapes checked; the lemma checked W_z and b_z per depth
    assert len(proof.checked) == 11 + 5 + 2 * instances
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
    intro = "".join(p for p in sections[5].intro if isinstance(p, str))
    assert claim in intro
    assert ("machine-checked for every depth" in intro) == (coq is CHECKED)
    conclusion = "".join(p for p in sections[3].intro if isinstance(p, str))
    assert ("checks it" in conclusion) == (coq is CHECKED)
    assert (sections[3].steps[0].check is not None) == (coq is CHECKED)


def test_the_general_lemma_shows_the_coq_theorems_and_what_sympy_checked():
    proof = prove(2, coq=CHECKED)
    lemma, lemma_proof = proof.derivation.sections[4:]
    intro = "".join(p for p in lemma_proof.intro if isinstance(p, str))
    assert "They are machine-checked for every depth " in intro
    assert "sympy cannot check them for general depth, because" in intro
    assert sp.Integer(2) in lemma_proof.intro
    for step, theorem in zip(lemma.steps, STATEMENTS.closed_forms, strict=True):
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
    lemma = prove(3).derivation.sections[5]
    W_z3, b_z3 = lemma.steps[2].rhs, lemma.steps[3].rhs
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
    assert r"h^{(n+1)} &\mathrel{:=} W_{n+1} h^{(n)} + b_{n+1}" in tex
    assert r"\texttt{WzClosedForm}" in tex
    assert "### Inductive step" in render_markdown(derivation)
    text = render_text(derivation)
    assert "= W_z^(n+1)*x + b_z^(n+1)\n        [definitions]" in text  # reasons below: one is long


@pytest.mark.latex
def test_standalone_proof_compiles(compile_latex):
    compile_latex(render_document(prove(4).derivation), name="proof")


@pytest.mark.parametrize("instances", [1, 2, 6, MAX_INSTANCES])
def test_the_lemma_shows_a_few_depths_and_checks_them_all(instances):
    proof = prove(instances)
    shown = [step.lhs for step in proof.derivation.sections[5].steps]
    depths = [depth for depth in SHOWN_DEPTHS if depth <= instances] or [1]
    assert shown == [
        symbols.matrix(role, width(depth), width(0) if role == "W_z" else 1, sup=depth)
        for depth in depths
        for role in ("W_z", "b_z")
    ]
    assert sum("closed form" in name for name in proof.checked) == 2 * instances


def test_a_superscript_names_a_layer_as_in_the_derivation():
    """``h^(n)`` is the output of layer n in the proof as in ``derive`` (where ``h^(k) = W_k
    h^(k-1) + b_k``); the depth-n output is not a subscripted ``f_n`` beside ``W_z^(n)``."""
    tex = render_fragment(prove(2).derivation)
    assert r"h^{(n+1)} &\mathrel{:=} W_{n+1} h^{(n)} + b_{n+1}" in tex
    assert r"h^{(n)} &= W_{z}^{(n)} x + b_{z}^{(n)}" in tex
    assert "f_{" not in tex
    assert r"h^{(k)} &= W_{k} h^{(k-1)} + b_{k}" in render_fragment(
        derive((2, 3, 1), detail="brief")
    )


def test_standalone_in_theorem_and_proof_environments_fragment_plain():
    derivation = prove(3).derivation
    document = render_document(derivation)
    assert r"\usepackage{amsmath,amsthm}" in document
    environments = re.findall(r"\\(begin|end)\{(theorem|lemma|proof)\}", document)
    assert environments == [
        ("begin", "theorem"), ("end", "theorem"), ("begin", "proof"), ("end", "proof"),
        ("begin", "lemma"), ("end", "lemma"), ("begin", "proof"), ("end", "proof"),
    ]  # fmt: skip
    theorem = document.split(r"\begin{theorem}")[1].split(r"\end{theorem}")[0]
    assert r"$h^{(n)} = W_{z}^{(n)} x + b_{z}^{(n)}$" in theorem
    assert re.search(r"\\begin\{(theorem|lemma|proof)\}", render_fragment(derivation)) is None
