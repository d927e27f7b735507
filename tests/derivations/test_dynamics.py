"""The Saxe document: citations per formula, check marks, numbers, LaTeX that compiles."""

from __future__ import annotations

import pytest
import sympy as sp

from symcollapse.algebra import dynamics as dyn
from symcollapse.algebra.symbols import RoleSymbol
from symcollapse.derivations.dynamics import derive_saxe
from symcollapse.render.latex import render_document
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text
from symcollapse.render.typst import render_typst
from symcollapse.verification.dynamics import verify_saxe
from tests.derivations.prose import typed_math


@pytest.fixture(scope="module")
def saxe():
    return derive_saxe(verify_saxe(dyn.simulate_saxe([3, 2, 1], 1e-3, 1.0, 6.0, n_times=30)))


def _reasons(doc):
    return [
        "".join(p for p in step.reason if isinstance(p, str))
        for s in doc.sections
        for step in s.steps
    ]


def test_saxe_cites_each_equation(saxe):
    reasons = " | ".join(_reasons(saxe))
    for equation in ("eq. 2", "eq. 3", "eq. 8", "eq. 10", "eq. 11", "eq. 12", "eq. 15"):
        assert f"Saxe et al. 2014, {equation}" in reasons
    assert typed_math(saxe) == []


def test_every_step_says_how_it_was_checked(saxe):
    modes, numbers = saxe.sections[1], saxe.sections[2]
    assert all("symbolic" in "".join(map(str, step.reason)) for step in modes.steps)
    assert all("numeric" in "".join(map(str, step.reason)) for step in numbers.steps)
    assert len(numbers.steps) == 3 + 1  # one per mode and the largest


@pytest.mark.latex
def test_latex_compiles(saxe, compile_latex):
    compile_latex(render_document(saxe, Notation()), "saxe")


def _math(doc):
    """Every sympy object of the document: the steps' sides, the math of intros and reasons."""
    for section in doc.sections:
        yield from (p for p in section.intro if isinstance(p, sp.Basic))
        for step in section.steps:
            yield step.lhs
            yield step.rhs
            yield from (p for p in step.reason if isinstance(p, sp.Basic))


def test_every_symbol_carries_its_role(saxe):
    """No symbol means what its spelling says: each is a role symbol, no function is named."""
    for expr in _math(saxe):
        plain = [x for x in expr.atoms(sp.Symbol) if not isinstance(x, RoleSymbol)]
        assert plain == [], f"{plain} in {expr}"
        assert not expr.atoms(sp.core.function.AppliedUndef), expr


#: Every role of the document renamed, and what each default wrote, per renderer.
NAMES = {
    "singular_value": "sigma",
    "mode_strength": "v",
    "first_strength": "p",
    "second_strength": "q",
    "mode": "beta",
    "depth": "M",
    "deviation": "E",
    "tau": "T",
    "t": "r",
}
GONE = {
    render_document: [
        r"\tau",
        "a(t)",
        "b(t)",
        "u(t)",
        "u_{0}",
        "u_{f}",
        "N_{l}",
        r"\Delta",
        r"\alpha",
    ],
    render_text: ["tau", "a(t)", "b(t)", "u(t)", "u_0", "u_f", "N_l", "Delta", "alpha", "D_a"],
    render_typst: ["tau", "a (t)", "b (t)", "u (t)", "u_(0)", "u_(f)", "N_(l)", "Delta", "alpha"],
}
SHOWN = {
    render_document: [r"\sigma - p(r) q(r)", "v_{0}", r"M - 1", "E_{1}", r"\beta", "D_{p}"],
    render_text: ["(sigma - p(r)*q(r))*q(r)", "v_0", "M - 1", "E_1", "beta", "D_p"],
    render_typst: ["(sigma - p (r) q (r)) q (r)", "v_(0)", "M - 1", "E_(1)", "beta", "D_(p)"],
}


@pytest.mark.parametrize("render", list(GONE), ids=lambda r: r.__name__)
def test_names_rename_every_symbol_in_every_format(saxe, render):
    default = render(saxe, Notation())
    renamed = render(saxe, Notation().renamed(NAMES))
    for piece in GONE[render]:
        assert piece in default and piece not in renamed, piece
    for piece in SHOWN[render]:
        assert piece in renamed, piece


@pytest.mark.parametrize(
    ("render", "rate"),
    [
        (
            render_document,
            r"\tau \frac{\partial a(t)}{\partial t} &= \left(s - a(t) b(t)\right) b(t)",
        ),
        (render_typst, "tau frac(partial a (t), partial t) &= (s - a (t) b (t)) b (t)"),
        (render_text, "tau*da(t)/dt = (s - a(t)*b(t))*b(t)"),
    ],
    ids=["latex", "typst", "text"],
)
def test_eq_8_reads_as_the_paper_writes_it(saxe, render, rate):
    assert rate in render(saxe, Notation())
