"""Random-point verification modulo a prime: values, the error bound, and that it catches errors."""

from __future__ import annotations

from fractions import Fraction
from math import isqrt

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symcollapse.algebra.collapsing import collapse
from symcollapse.errors import OptionError, SizeLimitError
from symcollapse.verification import random as rc


def _substitution(result, point: rc.Point) -> dict[sp.Symbol, int]:
    def residues(matrix: np.ndarray) -> list[int]:
        return rc.residues(matrix, point.prime)

    values = dict(zip(result.x, residues(point.x), strict=True))
    for k, (W_sym, b_sym) in enumerate(zip(result.weights, result.biases, strict=True), 1):
        W, b = point.layer(k)
        values.update(zip(W_sym, residues(W), strict=True))
        values.update(zip(b_sym, residues(b), strict=True))
    return values


@pytest.mark.parametrize("widths", [(1, 1), (2, 3, 1), (2, 3, 3, 1), (3, 1, 2, 2), (2, 2, 2, 2, 2)])
@pytest.mark.parametrize("prime", [rc.PRIME, 101, 2])
def test_both_sides_equal_the_sympy_collapse_modulo_p(widths, prime):
    """Independent route: substitute the random point into sympy's expanded collapse."""
    result = collapse(widths)
    point = rc.Point(widths, prime, np.random.SeedSequence(7))
    values = _substitution(result, point)
    expected = [int(e.xreplace(values)) % prime for e in result.output]
    assert rc.forward_value(point) == expected
    assert rc.collapsed_value(point) == expected


def test_layers_are_drawn_again_identically_and_in_range():
    point = rc.Point((3, 4, 2), rc.PRIME, np.random.SeedSequence(1), trial=2)
    first = point.layer(2)
    assert all(np.array_equal(a, b) for a, b in zip(first, point.layer(2), strict=True))
    assert not np.array_equal(
        point.layer(1)[1], rc.Point((3, 4, 2), rc.PRIME, point.seed).layer(1)[1]
    )
    assert all(np.abs(m).max() <= rc.PRIME // 2 for m in (*first, point.x))


@pytest.mark.parametrize("widths", [(3, 4, 2), (2, 5, 5, 1)])
def test_a_kept_point_draws_each_layer_once_and_gives_the_same_values(widths, monkeypatch):
    """With ``keep`` both passes read one draw per layer; the values are those drawn anew."""
    drawn = []
    draw = rc.Point._draw
    monkeypatch.setattr(
        rc.Point, "_draw", lambda self, k, *shape: drawn.append(k) or draw(self, k, *shape)
    )
    kept = rc.Point(widths, rc.PRIME, np.random.SeedSequence(3), keep=True)
    fresh = rc.Point(widths, rc.PRIME, np.random.SeedSequence(3))
    assert rc.forward_value(kept) == rc.forward_value(fresh)
    assert rc.collapsed_value(kept) == rc.collapsed_value(fresh)
    counts = {k: drawn.count(k) for k in range(1, len(widths))}
    assert counts == dict.fromkeys(counts, 1 + 2)  # once for the kept point, twice for the fresh


@pytest.mark.parametrize("limit, keep", [(10**9, True), (0, False)])
def test_the_memory_limit_decides_whether_layers_are_kept(limit, keep, monkeypatch):
    seen = []
    point = rc.Point
    monkeypatch.setattr(rc, "MAX_KEPT_BYTES", limit)
    monkeypatch.setattr(rc, "Point", lambda *a, **kw: seen.append(kw["keep"]) or point(*a, **kw))
    assert rc.random_check((2, 3, 1), trials=2, seed=0).holds
    assert seen == [keep, keep]


@pytest.mark.parametrize(
    ("widths", "keep"), [((512,) * 101, False), ((64,) * 1001, True), ((4096,) * 3, True)]
)
def test_layers_are_kept_while_they_take_no_more_than_the_working_set(widths, keep, monkeypatch):
    """Holding the layers at most doubles the memory (nothing is drawn here)."""
    seen = []

    class Drawing(Exception):
        pass

    def stop(*args: object, **options: bool) -> rc.Point:
        seen.append(options["keep"])
        raise Drawing

    monkeypatch.setattr(rc, "Point", stop)
    with pytest.raises(Drawing):
        rc.random_check(widths, seed=0)
    assert seen == [keep]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 3 * 1024 + 3),
    st.integers(1, 4),
    st.sampled_from([rc.PRIME, 65_521, 101, 2]),
    st.data(),
)
def test_matmul_mod_is_exact_integer_arithmetic(rows, inner, columns, p, data):
    """Against Python integers, with extreme residues and inner dimensions beyond one block."""
    bound = st.integers(-(p - 1), p - 1) | st.sampled_from([p - 1, -(p - 1)])
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    extreme = data.draw(st.booleans())
    low = p - 1 if extreme else -(p - 1)
    A = rng.integers(low, p, size=(rows, inner)).astype(float)
    B = rng.integers(low, p, size=(inner, columns)).astype(float)
    A[0, 0] = data.draw(bound)
    exact = (A.astype(np.int64).astype(object) @ B.astype(np.int64).astype(object)) % p
    assert rc.residues(rc.matmul_mod(A, B, p), p) == exact.ravel().tolist()
    assert rc.residues(rc.matmul_mod(B.T, A.T, p), p) == exact.T.ravel().tolist()


@pytest.mark.parametrize(("rows", "columns"), [(1, 1), (3, 2), (2, 5)])
def test_matmul_mod_over_an_empty_inner_dimension_is_zero(rows, columns):
    product = rc.matmul_mod(np.ones((rows, 0)), np.ones((0, columns)), 101)
    assert product.shape == (rows, columns) and not product.any()


def test_the_block_keeps_partial_sums_exact():
    for p in (rc.PRIME, 65_521, 101, 2):
        high_limb = max(p // rc.LIMB + 1, rc.LIMB // 2)
        assert rc.block(p) * high_limb * p <= rc.EXACT
    assert rc.block(rc.PRIME) >= 1024


def test_the_bound_is_degree_over_p_per_trial():
    result = rc.random_check((4, 5, 5, 2), trials=3, seed=0, prime=rc.PRIME)
    assert result.holds and result.trials == 3
    assert result.degree == 4  # n + 1: n weights and one input entry
    assert result.bound_per_trial == Fraction(4, rc.PRIME)
    assert result.bound == Fraction(4, rc.PRIME) ** 3


def _next_prime(p: int) -> int:
    return next(q for q in range(p + 1, 2 * p) if all(q % f for f in range(2, isqrt(q) + 1)))


#: Inner widths of every class: tiny, narrow, the benchmark's 512 to 4096, and beyond.
INNER_WIDTHS = [1, 2, 3, 64, 101, 512, 1000, 1024, 2048, 4096, 10_000, 2**20]


@pytest.mark.parametrize("inner", INNER_WIDTHS)
def test_the_default_prime_is_the_largest_whose_products_are_one_exact_float64_product(inner):
    """Every product of residues over ``inner`` terms, reduced ones included, and every partial
    sum stay within ``2**53 - p``; the next prime would not."""
    p = rc.one_product_prime(inner)
    assert all(p % f for f in range(2, isqrt(p) + 1))
    assert inner * ((p - 1) // 2) ** 2 < 2**53  # centred residues as drawn
    assert inner * (p // 2 + 2) ** 2 <= 2**53 - p  # as reduced (see reduced_bound)
    assert not rc.one_product(_next_prime(p), inner)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(INNER_WIDTHS[:-1]), st.integers(1, 3), st.data())
def test_products_at_the_default_prime_are_exact_with_extreme_residues(inner, columns, data):
    """Against Python integers, with every term as large as :func:`rc.reduce` leaves it: the
    sums reach their bound (a prime one size too big gives wrong residues here)."""
    p = rc.one_product_prime(inner)
    top = rc.reduced_bound(p)
    signs = data.draw(st.sampled_from([1, -1])) * np.ones((2, inner))
    signs[1, : data.draw(st.integers(0, inner))] *= -1
    A = signs * top
    B = np.full((inner, columns), float(top))
    exact = (A.astype(np.int64).astype(object) @ B.astype(np.int64).astype(object)) % p
    assert rc.residues(rc.matmul_mod(A, B, p), p) == exact.ravel().tolist()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(INNER_WIDTHS), st.integers(-(2**53), 2**53), st.integers(-3, 3))
def test_reduce_leaves_residues_within_its_bound(inner, value, offset):
    """Up to ``2**53 - p``, next to halves of ``p`` too, where the rounded quotient may be off."""
    p = rc.one_product_prime(inner)
    limit = 2**53 - p
    near_half = (value // p) * p + p // 2 + offset  # a quotient next to a half
    for v in (max(-limit, min(limit, value)), max(-limit, min(limit, near_half))):
        r = int(rc.reduce(np.array([[float(v)]]), p)[0, 0])
        assert abs(r) <= rc.reduced_bound(p) and (r - v) % p == 0


@pytest.mark.parametrize("degree", [2, 3, 4, 102, 1002])
@pytest.mark.parametrize("inner", [1, 512, 4096, 10_000])
def test_default_trials_are_the_fewest_that_reach_the_former_bound(degree, inner):
    p = rc.one_product_prime(inner)
    trials = rc.default_trials(degree, p)
    former = Fraction(degree, 268_435_399) ** 3  # 3 trials modulo the largest prime < 2**28
    assert rc.default_bound(degree) == former
    assert Fraction(degree, p) ** trials <= former < Fraction(degree, p) ** (trials - 1)


@pytest.mark.parametrize(
    "widths", [(4, 5, 5, 2), (2, 1), (64, 64, 64), (1, 700, 3), (512, 512, 2), (4096, 4096, 1)]
)
def test_by_default_the_prime_fits_one_product_and_the_trials_reach_the_former_bound(widths):
    result = rc.random_check(widths, seed=0)
    assert result.holds and result.prime == rc.one_product_prime(max(widths[:-1]))
    assert result.trials == rc.default_trials(len(widths), result.prime)
    assert result.bound <= Fraction(len(widths), rc.PRIME) ** 3


@pytest.mark.parametrize(
    ("widths", "trials", "largest"),
    [
        ((2,) * 30_001, None, True),
        ((2,) * 25_001, None, False),
        ((100_000, *(1,) * 70_000), 1, True),
        ((100_000, *(1,) * 50_000), 1, False),
    ],
)
def test_the_largest_prime_where_the_smaller_one_needs_more_than_the_limits(
    widths, trials, largest, monkeypatch
):
    """30,000 layers take 3 trials, as before, not 4 above the layer limit; a prime below 10
    times the degree is no meaningful check. Nothing is drawn here."""
    seen = []

    class Drawing(Exception):
        pass

    def stop(widths: tuple[int, ...], prime: int, *args: object, **options: bool) -> rc.Point:
        seen.append(prime)
        raise Drawing

    monkeypatch.setattr(rc, "Point", stop)
    monkeypatch.setattr(rc, "emitted_sums", lambda widths: None)
    with pytest.raises(Drawing):
        rc.random_check(widths, trials=trials, seed=0, max_bytes=2**34)
    assert seen == [rc.PRIME if largest else rc.one_product_prime(max(widths[:-1]))]


@pytest.mark.parametrize("widths", [(3, 4, 2), (64, 64, 3), (512, 512, 2), (4096, 4096, 1)])
def test_a_weight_one_off_is_caught_at_every_width_class(widths, monkeypatch):
    """A planted false identity: ``W_z`` made from a first layer one unit off in one entry."""
    correct = rc.collapsed_value

    class OneOff(rc.Point):
        def layer(self, k: int) -> tuple[np.ndarray, np.ndarray]:
            W, b = super().layer(k)
            return (W + np.eye(*W.shape, k=W.shape[1] - 1) if k == 1 else W), b

    def one_off(point: rc.Point) -> list[int]:
        return correct(OneOff(point.widths, point.prime, point.seed, point.trial))

    monkeypatch.setattr(rc, "collapsed_value", one_off)
    result = rc.random_check(widths, seed=11)
    assert not result.holds and result.trials == 1
    assert result.prime == rc.one_product_prime(max(widths[:-1]))


def test_a_prime_above_one_product_takes_the_two_limb_route(monkeypatch):
    """An explicit 28-bit prime still checks exactly, through the limbs."""
    split = []
    limbs = rc._split_left
    monkeypatch.setattr(rc, "_split_left", lambda *a: split.append(a[0].shape) or limbs(*a))
    result = rc.random_check((600, 600, 2), prime=rc.PRIME, seed=2)
    assert result.holds and result.prime == rc.PRIME and result.trials == 3
    assert split and not rc.one_product(rc.PRIME, 1)


def test_a_wrong_collapse_is_caught(monkeypatch):
    correct = rc.collapsed_value

    class WithoutFirstBias(rc.Point):
        def layer(self, k: int) -> tuple[np.ndarray, np.ndarray]:
            W, b = super().layer(k)
            return W, 0 * b if k == 1 else b

    def without_first_bias(point: rc.Point) -> list[int]:
        return correct(WithoutFirstBias(point.widths, point.prime, point.seed, point.trial))

    monkeypatch.setattr(rc, "collapsed_value", without_first_bias)
    result = rc.random_check((3, 4, 2), trials=5, seed=3)
    assert not result.holds
    assert result.trials == 1  # stops at the first mismatch


def test_wide_layers_use_blocked_products():
    assert rc.random_check((300, 2, 300, 1), trials=1, seed=5).holds


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"prime": 2**28 + 3}, r"^the modulus must be a prime below 2\*\*28, got 268435459$"),
        ({"prime": 91}, r"^the modulus must be a prime below 2\*\*28, got 91$"),
        ({"trials": 0}, r"^the number of trials must be an integer from 1 to 1000, got 0$"),
        ({"trials": 1001}, r"^the number of trials must be an integer from 1 to 1000, got 1001$"),
        ({"seed": -1}, r"^the seed must be an integer >= 0, got -1$"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(OptionError, match=message):
        rc.random_check((2, 1), **options)


def test_too_much_memory_is_refused():
    with pytest.raises(
        SizeLimitError,
        match=r"^widths needing about 1,241 MB are too large for random-point verification "
        r"\(limit 1,024 MB\)$",
    ) as caught:
        rc.random_check((10_000, 10_000, 2))
    assert caught.value.parameter == "max_bytes"


@pytest.mark.parametrize("widths", [(4096, 4096, 4096), (3000, 3000, 3000)])
def test_the_default_memory_limit_is_the_readmes_promise_and_can_be_raised(widths):
    """Inside the defaults a check holds at most 1 GiB; a larger one is refused before any
    draw, and runs when the limit is raised (estimate only: nothing is drawn here)."""
    needed = rc.memory_estimate(widths)
    if needed > rc.MAX_BYTES:
        with pytest.raises(SizeLimitError, match="too large for random-point"):
            rc.random_check(widths, trials=1)
    assert rc.MAX_BYTES == 2**30 and needed <= 2 * 2**30


def test_memory_estimate_follows_the_largest_layer():
    assert rc.memory_estimate((4096,) * 101) == rc.memory_estimate((4096,) * 3) < 2 * rc.MAX_BYTES
    assert rc.memory_estimate((2, 100, 2)) < rc.memory_estimate((2, 200, 2))


def test_small_primes_work():
    result = rc.random_check((2, 2, 1), trials=2, seed=1, prime=101)
    assert result.holds and result.bound_per_trial == Fraction(3, 101)


@pytest.mark.parametrize(
    ("widths", "trials"), [((5000, 5000, 1), 1000), ((9000, 9000, 1), 1000), ((512,) * 101, 80)]
)
def test_time_is_estimated_before_the_work_drawing_included(widths, trials, monkeypatch):
    """A check whose layers are cheap to multiply but large to draw (one output) is refused by
    its time estimate before any point is drawn (5000 5000 1 with 1000 trials ran 330 s)."""
    monkeypatch.setattr(rc, "Point", lambda *a, **k: pytest.fail("drew a point"))
    with pytest.raises(SizeLimitError, match="trials") as refused:
        rc.random_check(widths, trials=trials, max_bytes=2**34)
    assert refused.value.parameter == "trials"


def test_a_few_trials_of_a_wide_layer_are_inside_the_time_limit():
    assert rc.work_estimate((5000, 5000, 1), 10) < rc.MAX_WORK
