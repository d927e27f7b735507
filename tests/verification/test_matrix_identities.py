"""The derivation's local step checks: against sympy's matrix-expression expansion, and refusals.
Both free-ring checks (sympy's non-commutative ``expand``, and the normal form in words) must
decide every identity as the matrix expansion does."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.errors import VerificationError
from symcollapse.verification.matrix_identities import check_distributed, check_equal, check_words

W = [sp.MatrixSymbol(f"W_{k}", 2, 2) for k in range(1, 4)]
b = [sp.MatrixSymbol(f"b_{k}", 2, 1) for k in range(1, 4)]
x = sp.MatrixSymbol("x", 2, 1)

PRODUCTS = st.builds(
    lambda c, matrices, v: sp.MatMul(c, *matrices, v, evaluate=False),
    st.sampled_from([1, -1, 2]),
    st.lists(st.sampled_from(W), max_size=3),
    st.sampled_from([x, *b]),
)
SUMS = st.lists(PRODUCTS, min_size=1, max_size=4)


def _matrix_zero(a: sp.MatrixExpr, c: sp.MatrixExpr) -> bool:
    """The slow reference: sympy's matrix-expression expansion of ``a - c``."""
    return sp.MatAdd(a, sp.MatMul(-1, c, evaluate=False), evaluate=False).expand().is_ZeroMatrix


@pytest.mark.parametrize("check", [check_equal, check_words])
@settings(max_examples=60, deadline=None)
@given(terms=SUMS, others=SUMS, random=st.randoms(use_true_random=False))
def test_free_ring_check_agrees_with_matrix_expansion(check, terms, others, random):
    shuffled = terms[:]
    random.shuffle(shuffled)
    a = sp.MatAdd(*terms, evaluate=False) if len(terms) > 1 else terms[0]
    for c in (sp.MatAdd(*shuffled, evaluate=False) if len(terms) > 1 else a, sp.MatAdd(*others)):
        if _matrix_zero(a, c):
            check(a, c, "step")
        else:
            with pytest.raises(VerificationError, match=r"^step does not hold: difference "):
                check(a, c, "step")


def _step(terms: list[sp.MatrixExpr]) -> tuple[sp.MatrixExpr, list[sp.MatrixExpr]]:
    before = sp.MatAdd(sp.MatMul(W[2], sp.MatAdd(*terms, evaluate=False), evaluate=False), b[2])
    after = [sp.MatMul(W[2], *sp.MatMul.make_args(t), evaluate=False) for t in terms] + [b[2]]
    return before, after


def test_a_correct_distribution_passes_and_wrong_ones_are_refused():
    terms = [sp.MatMul(W[1], W[0], x, evaluate=False), sp.MatMul(W[1], b[0]), b[1]]
    before, after = _step(terms)
    check_distributed(before, sp.MatAdd(*after, evaluate=False), "distributing W_3")
    wrong_factor = [sp.MatMul(W[2], W[0], W[0], x, evaluate=False), *after[1:]]
    missing = after[1:]
    wrong_bias = [*after[:-1], b[1]]
    for broken in (wrong_factor, missing, wrong_bias):
        with pytest.raises(VerificationError, match=r"^distributing W_3 does not hold: "):
            check_distributed(before, sp.MatAdd(*broken, evaluate=False), "distributing W_3")


def test_a_nested_composition_expands_in_words_and_a_wrong_expansion_is_refused():
    nested: sp.MatrixExpr = x
    for k in range(3):
        nested = sp.MatAdd(sp.MatMul(W[k], nested, evaluate=False), b[k], evaluate=False)
    terms = [
        sp.MatMul(W[2], W[1], W[0], x, evaluate=False),
        sp.MatMul(W[2], W[1], b[0], evaluate=False),
        sp.MatMul(W[2], b[1], evaluate=False),
        b[2],
    ]
    check_words(nested, sp.MatAdd(*terms, evaluate=False), "distributing")
    swapped = sp.MatMul(W[1], W[2], W[0], x, evaluate=False)  # the shapes conform, the order not
    for broken in (terms[1:], [swapped, *terms[1:]], [*terms, terms[-1]]):
        with pytest.raises(VerificationError, match=r"^distributing does not hold: difference "):
            check_words(nested, sp.MatAdd(*broken, evaluate=False), "distributing")
