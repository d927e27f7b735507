"""Cost models of the dense routes: the measured points they were fitted to, and refusals."""

from __future__ import annotations

import pytest

from symcollapse.errors import SizeLimitError
from symcollapse.spec.cost import (
    MAX_EXACT_BYTES,
    SECONDS_AT_DEFAULT,
    check_document_width,
    check_exact_memory,
    check_samples,
    check_seconds,
    exact_bytes,
    exact_fits,
    exact_work,
    gradient_seconds,
    numeric_seconds,
)
from symcollapse.spec.limits import DEFAULT_MAX_TERMS


@pytest.mark.parametrize(
    ("widths", "measured"),
    [((3,) * 12, 200 * 2**20), ((200, 1000), int(10.3 * 2**30))],
)
def test_memory_model_is_within_a_third_of_the_measurements(
    widths: tuple[int, ...], measured: int
) -> None:
    assert 0.66 * measured < exact_bytes(widths) < 1.5 * measured


@pytest.mark.parametrize(
    ("widths", "seconds"), [((3,) * 12, 0.7), ((1,) * 1000, 0.6), ((1,) * 3000, 25.0)]
)
def test_time_model_is_within_a_factor_of_three_of_the_measurements(
    widths: tuple[int, ...], seconds: float
) -> None:
    assert seconds / 3 < exact_work(widths) / 5e7 < seconds * 3


@pytest.mark.parametrize(
    ("widths", "fits"),
    [((3,) * 12, True), ((200, 1000), False), ((1,) * 3000, False), ((2, 3, 3, 1), True)],
)
def test_exact_fits(widths: tuple[int, ...], fits: bool) -> None:
    assert exact_fits(widths) == fits


def test_exact_above_the_memory_or_time_limit_is_refused() -> None:
    assert exact_bytes((100, 700)) > MAX_EXACT_BYTES
    with pytest.raises(SizeLimitError, match=r"about 1\.2 GB .* use method='random'"):
        check_exact_memory((100, 700))
    with pytest.raises(SizeLimitError, match=r"would take about 17 s .* use method='random'"):
        check_exact_memory((1,) * 3000)


def test_no_message_says_about_more_than() -> None:
    from symcollapse import verify

    for widths in [(64,) * 1001, (100, 700)]:
        try:
            check_exact_memory(widths)
        except SizeLimitError as error:
            assert "about more" not in str(error)
    assert "about more" not in str(verify([64] * 1001, method="auto", seed=1))


def test_document_and_sample_limits() -> None:
    check_document_width((1, 1000))
    with pytest.raises(SizeLimitError, match=r"width of 9,999 is above the limit of 1,000"):
        check_document_width((1, 9999))
    with pytest.raises(SizeLimitError) as caught:
        check_samples(1001)
    assert caught.value.parameter == "samples"


@pytest.mark.parametrize(
    ("widths", "measured"),
    [((30,) * 5, 10.1), ((30,) * 7, 18.2), ((20,) * 6, 5.3), ((10,) * 11, 2.4)],
)
def test_numeric_seconds_follows_the_measurements(widths, measured) -> None:
    """The model against the measured seconds it was fitted to (within 30%)."""
    assert 0.7 * measured <= numeric_seconds(widths) <= 1.3 * measured


@pytest.mark.parametrize(("depth", "measured"), [(10, 0.36), (15, 2.0), (20, 6.4)])
def test_gradient_seconds_follows_the_measurements(depth, measured) -> None:
    assert 0.7 * measured <= gradient_seconds((1,) * (depth + 1)) <= 1.3 * measured


@pytest.mark.parametrize(
    ("seconds", "what"),
    [(numeric_seconds((30,) * 21), "numbers"), (gradient_seconds((1,) * 41), "gradients")],
)
def test_check_seconds_refuses_above_the_budget_and_max_terms_raises_it(seconds, what) -> None:
    """21 widths of 30 with numbers and 41 widths of 1 of gradients: a minute or more."""
    with pytest.raises(
        SizeLimitError, match=rf"^{what} would take about \d+ s .* raise max_terms$"
    ):
        check_seconds(seconds, what, DEFAULT_MAX_TERMS)
    check_seconds(seconds, what, DEFAULT_MAX_TERMS * int(seconds / SECONDS_AT_DEFAULT + 1))
    check_seconds(SECONDS_AT_DEFAULT, what, DEFAULT_MAX_TERMS)
