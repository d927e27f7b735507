"""verify(): method choice from the term count, what each method reports, and refusals."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symcollapse.errors import OptionError, SizeLimitError, SpecError, ToolError
from symcollapse.render.verification import (
    choice_text,
    detail,
    probability,
    render_verification,
    widths_text,
)
from symcollapse.verification import coqc
from symcollapse.verification.methods import verify
from symcollapse.verification.random import one_product_prime


@pytest.mark.parametrize(
    ("widths", "method", "monomials"),
    [((2, 3, 3, 1), "exact", 31), ((1, 1), "exact", 2), ((3,) * 8, "exact", 9840)],
)
def test_auto_picks_exact_within_the_limit(widths, method, monomials):
    result = verify(widths)
    assert result.holds and result.method == method and result.monomials == monomials
    assert (
        choice_text(result.choice)
        == f"{monomials:,} terms when expanded, within the exact limit of "
        "1,000,000 (--max-terms)"
    )
    assert f"{monomials:,} monomials compared" in render_verification(result)


def test_auto_picks_random_above_the_limit():
    result = verify((3, 3, 3, 3, 3), max_terms=100, seed=1)
    assert result.holds and result.method == "random"
    assert result.error_bound == Fraction(5, one_product_prime(3)) ** 4  # within 3 at 2**28
    assert (
        choice_text(result.choice)
        == "363 terms when expanded, above the exact limit of 100 (--max-terms)"
    )
    assert "Schwartz-Zippel bound (degree 5)/p = 4.6e-08 per trial, 4.3e-30 for all 4" in (
        render_verification(result)
    )


@pytest.mark.parametrize("widths", [(2, 1), (2, 3, 1), (4, 4, 4, 2), (1, 5, 1, 5, 1)])
@pytest.mark.parametrize("method", ["exact", "random", "proof"])
def test_every_method_confirms_the_identity(widths, method):
    result = verify(widths, method=method, seed=0 if method == "random" else None)
    assert result.holds and result.method == method and result.choice is None


def test_without_coqc_proof_says_whether_the_lemma_covers_this_depth(monkeypatch):
    monkeypatch.setattr(coqc.shutil, "which", lambda name: None)
    assert "checked by sympy only for depths 1 to 2, which include this depth, n = 2" in (
        detail(verify((2, 3, 1), method="proof").evidence)
    )
    with pytest.raises(
        ToolError,
        match=r"^coqc not found: the proof's lemma is checked symbolically for n <= 30 only, "
        r"not for n = 31; install coqc with MathComp, or choose method exact or random$",
    ):
        verify((1,) * 32, method="proof")  # never "holds" beyond what was checked


def test_exact_above_the_limit_is_refused():
    with pytest.raises(
        SizeLimitError,
        match=r"^widths 3 3 3 3 3 expand to 363 terms \(27 per W_z entry, 40 per b_z entry\), "
        r"above the limit of 100; raise max_terms$",
    ):
        verify((3, 3, 3, 3, 3), method="exact", max_terms=100)


def test_unknown_method_and_bad_widths_are_refused():
    with pytest.raises(
        OptionError,
        match=r"^unknown verification method 'naive'; choose one of auto, exact, random, proof$",
    ):
        verify((2, 1), method="naive")
    with pytest.raises(SpecError, match=r"^width d_1 must be at least 1, got 0$"):
        verify((2, 0))


def test_huge_networks_are_summarised_readably():
    result = verify((64,) * 1001, trials=1, seed=2)
    assert result.method == "random"
    assert render_verification(result).startswith(
        "f(x) = W_z x + b_z holds for widths 64 (x1001): random"
    )
    assert "about 9.8e+1807 monomials when expanded" in render_verification(result)


@pytest.mark.parametrize(
    ("bound", "text"),
    [(Fraction(0), "0"), (Fraction(1, 8), "1.2e-01"), (Fraction(1, 10**400), "1e-399")],
)
def test_probability(bound, text):
    assert probability(bound) == text


@pytest.mark.parametrize(
    ("widths", "text"),
    [
        ((2, 3, 3, 1), "2 3 3 1"),
        ((3,) * 16, " ".join(["3"] * 16)),
        ((2, *[5] * 20, 1), "2 5 (x20) 1"),
        ((1, 2, 2, 2, *[3] * 14), "1 2 2 2 3 (x14)"),
    ],
)
def test_widths_text(widths, text):
    assert widths_text(widths) == text


def test_exact_reports_a_failure_when_the_routes_disagree(monkeypatch):
    """The failure path is real: a disagreement or a wrong monomial count means 'does not hold'."""
    import symcollapse.verification.methods as module

    monkeypatch.setattr(module, "exactly_equal", lambda widths, progress=None: (False, 31))
    result = module.verify((2, 3, 3, 1), method="exact")
    assert not result.holds
    assert render_verification(result).startswith("f(x) = W_z x + b_z FAILS for widths 2 3 3 1")

    monkeypatch.setattr(module, "exactly_equal", lambda widths, progress=None: (True, 30))
    result = module.verify((2, 3, 3, 1), method="exact")
    assert not result.holds
    assert "30 monomials found, 31 expected" in detail(result.evidence)


def test_cli_exit_status_1_when_the_identity_fails(monkeypatch, capsys):
    import symcollapse.verification.methods as module
    from symcollapse.cli import main

    monkeypatch.setattr(module, "exactly_equal", lambda widths, progress=None: (False, 31))
    assert main(["verify", "2", "3", "3", "1", "--method", "exact"]) == 1
    assert "FAILS" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("widths", "options", "message"),
    [
        ([2, 3, 1], {"trials": 0}, "trials must be a positive integer"),
        ([2, 3, 1], {"trials": -1, "method": "random"}, "trials must be a positive integer"),
        ([2, 3, 1], {"trials": 3, "method": "proof"}, "not by method='proof'"),
        ([2, 3, 1], {"trials": 3}, "auto chooses exact here"),  # the default, given, did nothing
        ([2, 3, 1], {"seed": 0}, "auto chooses exact here"),
    ],
)
def test_options_for_points_that_would_never_be_drawn_are_refused(widths, options, message):
    with pytest.raises(OptionError, match=message):
        verify(widths, **options)


def test_trials_and_seed_go_to_the_random_route():
    result = verify([2, 3, 1], method="random", trials=2, seed=5)
    assert result.method == "random" and result.holds
