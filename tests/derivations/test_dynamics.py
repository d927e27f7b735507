"""The Saxe document: citations per formula, check marks, numbers, LaTeX that compiles."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import sympy as sp

from symcollapse.algebra import dynamics as dyn
from symcollapse.algebra.symbols import RoleSymbol
from symcollapse.derivations.dynamics import derive_saxe
from symcollapse.doc.prose import HalfSquaredNorm
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
    modes, deeper, numbers = saxe.sections[1:]
    follows = [
        s for s in modes.steps + deeper.steps if s.relation == "=" and "eq. 14" not in s.reason[0]
    ]
    assert len(follows) == 6  # eq. 8 twice, 10, 11, 12, 15
    assert all("symbolic" in "".join(map(str, step.reason)) for step in follows)
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
            yield from (side for side in (step.lhs, step.rhs) if side is not None)
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
    render_typst: ["tau", "a(t)", "b(t)", "u(t)", "u_(0)", "u_(f)", "N_(l)", "Delta", "alpha"],
}
SHOWN = {
    render_document: [r"\sigma - p(r) q(r)", "v_{0}", r"M - 1", "E_{1}", r"\beta", "D_{p}"],
    render_text: ["(sigma - p(r)*q(r))*q(r)", "v_0", "M - 1", "E_1", "beta", "D_p"],
    render_typst: ["(sigma - p(r) q(r)) q(r)", "v_(0)", "M - 1", "E_(1)", "beta", "D_(p)"],
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
        (render_typst, "tau frac(partial a(t), partial t) &= (s - a(t) b(t)) b(t)"),
        (render_text, "tau*da(t)/dt = (s - a(t)*b(t))*b(t)"),
    ],
    ids=["latex", "typst", "text"],
)
def test_eq_8_reads_as_the_paper_writes_it(saxe, render, rate):
    assert rate in render(saxe, Notation())


def _orthogonal(seed: int) -> sp.Matrix:
    """A rational orthogonal 3 x 3 matrix: the Cayley transform of a random skew one."""
    rng = random.Random(seed)
    a, b, c = (sp.Rational(rng.randint(-5, 5), rng.randint(1, 5)) for _ in range(3))
    A = sp.Matrix([[0, a, b], [-a, 0, c], [-b, -c, 0]])
    return (sp.eye(3) - A) * (sp.eye(3) + A).inv()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_row_setting_is_the_papers_transposed(saxe, seed):
    """Each line of the row setting, at explicit matrices (W_k and Sigma_yx the transposes of
    the column ones, U, V, R the same), is the transpose of the column line; the row flow is
    minus the gradient of the row loss 1/2 ||Sigma_yx - W_1 W_2||^2 (whitened inputs)."""
    row = derive_saxe(verify_saxe(dyn.simulate_saxe([3, 2, 1], 1e-3, 1.0, 6.0, n_times=30)), "row")
    assert row.convention == "row"
    rng = random.Random(seed)

    def rational_matrix(diagonal: bool = False) -> sp.Matrix:
        entries = [sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(9)]
        return sp.diag(*entries[:3]) if diagonal else sp.Matrix(3, 3, entries)

    U, V, R = (_orthogonal(seed + k) for k in range(3))
    assert sp.eye(3) == U.T * U
    S, D_a, D_b = (rational_matrix(diagonal=True) for _ in range(3))
    W_1, W_2, Sigma = (rational_matrix() for _ in range(3))
    column_steps, row_steps = saxe.sections[0].steps, row.sections[0].steps

    def env(transpose: bool, step) -> dict:
        names = {str(s): s for s in step.rhs.atoms(sp.MatrixSymbol)}
        values = {"U": U, "V": V, "R": R, "S": S, "D_a": D_a, "D_b": D_b}
        values |= {"W_1": W_1, "W_2": W_2, "Sigma_yx": Sigma}
        for name in ("W_1", "W_2", "Sigma_yx"):
            values[name] = values[name].T if transpose else values[name]
        return {names[n]: sp.Matrix(v) for n, v in values.items() if n in names}

    def value(step, transpose: bool) -> sp.Matrix:
        return sp.Matrix(step.rhs.xreplace(env(transpose, step)).doit())

    assert len(column_steps) == len(row_steps) == 8
    for column, transposed in zip(column_steps, row_steps, strict=True):
        if isinstance(column.rhs, HalfSquaredNorm):  # the loss: the norm of the error
            column, transposed = (replace(s, rhs=s.rhs.vector) for s in (column, transposed))
        if column.rhs.atoms(sp.Derivative):  # -dL/dW: what the next row is, compared there
            continue
        assert value(transposed, True) == value(column, False).T, transposed
    # the row flow of W_1 is minus the gradient of the row loss, differentiated here
    w = sp.Matrix(3, 3, sp.symbols("w:9"))
    loss = (Sigma.T - w * W_2.T).applyfunc(lambda e: e**2)
    gradient = sp.Matrix(3, 3, lambda i, j: sp.diff(sum(loss) / 2, w[i, j]))
    flow = row_steps[3].rhs.xreplace(
        {
            **env(True, row_steps[3]),
            **{s: w for s in row_steps[3].rhs.atoms(sp.MatrixSymbol) if str(s) == "W_1"},
        }
    )
    assert (sp.Matrix(flow.doit()) + gradient).expand() == sp.zeros(3, 3)
