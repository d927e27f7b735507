"""Symbols that carry their role: sympy objects whose role and indices survive equality,
hashing, substitution and pickling, and whose roles are read from the object."""

from __future__ import annotations

import pickle

import pytest
import sympy as sp

from symcollapse.algebra import symbols

K = symbols.scalar("k")
N = symbols.scalar("n")


@pytest.mark.parametrize(
    ("made", "role", "name"),
    [
        (symbols.matrix("W", 3, 2, 1), symbols.Role("W", (1,)), "W_1"),
        (symbols.matrix("W", 3, 2, K + 1), symbols.Role("W", (K + 1,)), "W(k + 1)"),
        (symbols.matrix("W_z", 3, 2, sup=N), symbols.Role("W_z", (), N), "W_z(n)"),
        (symbols.matrix("f", 3, argument="x"), symbols.Role("f", (), None, "x"), "f(x)"),
        (symbols.scalar("d", K - 1), symbols.Role("d", (K - 1,)), "d(k - 1)"),
        (symbols.matrix("loss", 1, 1), symbols.Role("loss"), "L"),  # written by its default name
    ],
)
def test_a_symbol_holds_its_role(made, role, name):
    assert symbols.role_of(made) == role
    assert made.name == name
    assert pickle.loads(pickle.dumps(made)) == made
    assert hash(pickle.loads(pickle.dumps(made))) == hash(made)


def test_equal_roles_make_equal_symbols_and_different_roles_different_ones():
    assert symbols.matrix("W", 3, 3, 1) == symbols.matrix("W", 3, 3, 1)
    assert symbols.matrix("W", 3, 3, 1) != symbols.matrix("b", 3, 3, 1)
    assert symbols.scalar("k") != sp.Symbol("k")  # a plain symbol of that name has no role
    assert symbols.role_of(sp.Symbol("k")) is None
    assert symbols.role_of(sp.MatrixSymbol("W_1", 3, 3)) is None  # no lookup by name


@pytest.mark.parametrize("value", [1, 3, 10])
def test_substituting_an_index_changes_the_role(value):
    W = symbols.matrix("W", 3, 3, K + 1)
    assert W.subs(K, value) == symbols.matrix("W", 3, 3, value + 1)
    assert W.xreplace({K: value}).name == f"W_{value + 1}"
    assert (W * W).subs(K, value) == symbols.matrix("W", 3, 3, value + 1) ** 2


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown role 'q'"):
        symbols.matrix("q", 2, 2)


@pytest.mark.parametrize(
    ("expr", "roles"),
    [
        (symbols.matrix("W", 3, 3, K + 1) * symbols.matrix("x", 3), {"W", "k", "x"}),
        (symbols.scalar("d", K - 1), {"d", "k"}),
        (symbols.matrix("f", 3, argument="x"), {"f", "x"}),
        (sp.Matrix([[symbols.scalar("i"), 1]]), {"i"}),  # a mutable matrix: walked, not cached
        (sp.MatrixSymbol("W_1", 2, 2), set()),
    ],
)
def test_roles_in_reads_the_objects(expr, roles):
    assert symbols.roles_in(expr) == roles
    assert symbols.roles_in(expr) == roles  # the second answer is the remembered one


def test_role_symbols_sort_among_plain_ones_by_name():
    s, t = sp.Symbol("s"), symbols.scalar("t")
    assert sp.latex(2 * s * t / s**2 * s) == sp.latex(2 * s * sp.Symbol("t") / s**2 * s)
    assert sp.sstr(t * s) == "s*t"


def test_a_role_symbol_keeps_its_assumptions():
    tau = symbols.scalar("tau", positive=True)
    assert tau.is_positive
    assert tau != symbols.scalar("tau")
    assert pickle.loads(pickle.dumps(tau)).is_positive
