"""Checks of matrix-level steps at a cost independent of the entries: identities of the free
ring over the matrix names (sympy's shape checks ran when the expressions were built)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from math import prod

import sympy as sp

from symcollapse.algebra.expressions import vanishes
from symcollapse.errors import VerificationError


def ring(expr: sp.Basic) -> sp.Expr:
    """A matrix expression of symbols, products and sums as an element of the free ring over
    non-commuting symbols (one per matrix name); sympy's shape checks ran when it was built.

    Expanding there is core polynomial arithmetic, much faster than matrix-expression ``expand``,
    and an identity of the free ring holds for all matrices of conforming shapes.
    """
    if isinstance(expr, sp.MatrixSymbol):
        return sp.Symbol(str(expr.name), commutative=False)
    if isinstance(expr, sp.MatMul):
        return sp.Mul(*map(ring, expr.args))
    if isinstance(expr, sp.MatAdd):
        return sp.Add(*map(ring, expr.args))
    if isinstance(expr, sp.Number):
        return expr
    raise VerificationError(f"cannot check {expr}: not a sum of products of matrix symbols")


def check_equal(a: sp.MatrixExpr, b: sp.MatrixExpr, what: str) -> None:
    """Raise unless ``a - b`` expands to zero in the free ring (see :func:`ring`)."""
    difference = ring(a) - ring(b)
    if not vanishes(difference):
        raise VerificationError(f"{what} does not hold: difference {sp.expand(difference)}")


#: An element of the free ring in normal form: each word (its letters in order, each letter a
#: matrix symbol's place in an :data:`Alphabet`; the empty word is the unit) -> its coefficient.
Words = dict[tuple[int, ...], sp.Number]

#: The letters of the words of one check: matrix symbol -> its place, in order of first use.
Alphabet = dict[sp.MatrixSymbol, int]


def words(expr: sp.Basic, alphabet: Alphabet) -> Words:
    """``expr`` (symbols, numbers, products and sums, as :func:`ring` reads them) expanded in
    the free ring: a product of sums is the concatenation of every choice of their words.
    A symbol new to ``alphabet`` is added to it.

    The normal form is a plain dict of tuples of small integers and a product writes each of
    its words once, so expanding costs as much as the words it writes: a network of 61 layers
    has 62 words, which sympy's ``expand`` reaches by flattening every partial product of
    non-commuting symbols again."""
    if isinstance(expr, sp.MatrixSymbol):
        return {(alphabet.setdefault(expr, len(alphabet)),): sp.S.One}
    if isinstance(expr, sp.Number):
        return {(): expr}
    if isinstance(expr, sp.MatMul):
        choices = itertools.product(*(words(f, alphabet).items() for f in expr.args))
        return _collected(
            (tuple(itertools.chain.from_iterable(w for w, _ in choice)), prod(c for _, c in choice))
            for choice in choices
        )
    if isinstance(expr, sp.MatAdd):
        return _collected(pair for term in expr.args for pair in words(term, alphabet).items())
    raise VerificationError(f"cannot check {expr}: not a sum of products of matrix symbols")


def _collected(pairs: Iterable[tuple[tuple[int, ...], sp.Number]]) -> Words:
    """The sum of coefficient times word over ``pairs``, equal words collected."""
    out: Words = {}
    for word, c in pairs:
        out[word] = out[word] + c if word in out else c
    return out


def check_words(a: sp.MatrixExpr, b: sp.MatrixExpr, what: str) -> None:
    """Raise unless ``a - b`` expands to zero in the free ring, in its normal form
    (:func:`words`): the identity :func:`check_equal` decides, at the cost of the words."""
    alphabet: Alphabet = {}
    minus = ((word, -c) for word, c in words(b, alphabet).items())
    difference = _collected([*words(a, alphabet).items(), *minus])
    left = {word: c for word, c in difference.items() if c != 0}
    if left:
        letters = [ring(symbol) for symbol in alphabet]
        shown = sp.Add(*(c * sp.Mul(*(letters[k] for k in word)) for word, c in left.items()))
        raise VerificationError(f"{what} does not hold: difference {shown}")


def check_distributed(before: sp.MatrixExpr, after: sp.MatrixExpr, what: str) -> None:
    """Check ``W (t_1 + ... + t_m) + b = W t_1 + ... + W t_m + b`` at a cost independent of depth.

    ``before`` is read as ``W``, the terms ``t_j`` and ``b``; ``after`` must be, term by term,
    ``W`` times the factors of the same ``t_j``, and every shape must conform. Each ``t_j`` (a
    product as long as the depth) then stands as an opaque non-commuting symbol, so sympy checks
    the distributive law in the matrix ring on short terms only.
    """
    inner, b = before.args
    W, summed = inner.args
    *products, last = after.args
    conform = W.shape[1] == summed.shape[0] and (W.shape[0], summed.shape[1]) == b.shape
    if last != b or len(products) != len(summed.args) or not conform:
        raise VerificationError(f"{what} does not hold: the terms do not match")
    for product_, t in zip(products, summed.args, strict=True):
        if factors(product_) != (W, *factors(t)) or t.shape != summed.shape:
            raise VerificationError(f"{what} does not hold: {product_} is not {W} times {t}")
    W_, b_, *t_ = (sp.Dummy(commutative=False) for _ in range(len(products) + 2))
    difference = W_ * sp.Add(*t_) + b_ - (sp.Add(*(W_ * t for t in t_)) + b_)
    if not vanishes(difference):
        raise VerificationError(f"{what} does not hold: difference {sp.expand(difference)}")


def factors(term: sp.MatrixExpr) -> tuple[sp.MatrixExpr, ...]:
    return term.args if isinstance(term, sp.MatMul) else (term,)
