"""Cost models of the dense routes: the measured points they were fitted to, and refusals."""

from __future__ import annotations

import pytest

from symcollapse.errors import SizeLimitError
from symcollapse.spec.cost import (
    EXACT_FIXED_BYTES,
    MAX_EXACT_BYTES,
    SECONDS_AT_DEFAULT,
    check_document_width,
    check_exact_memory,
    check_samples,
    check_seconds,
    exact_bytes,
    exact_fits,
    exact_seconds,
    gradient_seconds,
    numeric_seconds,
)
from symcollapse.spec.limits import DEFAULT_MAX_TERMS

#: Peak resident memory of ``emitted.exactly_equal`` above the interpreter's own (the same
#: process on widths 2 2, VmHWM), MiB, and its process time, s: measured on the 2-core machine
#: (the memory again on 2026-12-05 at 13:48 UTC for the reading by layer bits, the largest of
#: 3 runs; the times are the earlier fit's: the least of 3 runs then, under load 10, was below
#: each of them).
MEASURED = [
    ((3,) * 12, 30.5, 0.065),
    ((3,) * 13, 78.9, 0.154),
    ((3,) * 14, 236.9, 0.708),
    ((2,) * 21, 111.5, 0.189),
    ((4,) * 10, 50.6, 0.113),
    ((8,) * 7, 162.3, 0.383),
    ((16,) * 4, 8.6, 0.039),
    ((30,) * 4, 305.5, 0.461),
    ((64,) * 3, 284.5, 1.165),
    ((100,) * 3, 2543.9, 6.319),
    ((1,) * 3000, 26.0, 0.497),
    ((1,) * 6000, 105.1, 2.535),
    ((1, *(2, 1) * 17), 31.5, 0.137),
    ((5, 300, 5), 7.2, 0.052),
    ((1, 2000, 1), 10.1, 0.049),
]


@pytest.mark.parametrize(("widths", "mebibytes", "seconds"), MEASURED)
def test_memory_model_bounds_the_measured_peak(
    widths: tuple[int, ...], mebibytes: float, seconds: float
) -> None:
    """Never below the measurement (the refusal comes before the work), and at most 1.7 times
    it plus the fixed part."""
    estimate = exact_bytes(widths) / 2**20
    assert mebibytes <= estimate <= 1.7 * mebibytes + EXACT_FIXED_BYTES / 2**20


@pytest.mark.parametrize(("widths", "mebibytes", "seconds"), MEASURED)
def test_time_model_is_within_a_factor_of_two_of_the_measurements(
    widths: tuple[int, ...], mebibytes: float, seconds: float
) -> None:
    if seconds > 0.1:  # below, the estimate is only said to be small
        assert seconds / 2 < exact_seconds(widths) < seconds * 2
    else:
        assert exact_seconds(widths) < 0.1


@pytest.mark.parametrize(
    ("widths", "fits"),
    [
        ((3,) * 12, True),
        ((3,) * 14, True),  # memory decides, not a cap on the work: max_terms lets it run
        ((3,) * 15, True),  # 0.86 GB estimated; the whole process peaks at 706 MiB
        ((3,) * 16, False),  # 2.6 GB
        ((200, 1000), False),
        ((100, 100, 100), False),
        ((200, 300), False),  # 60,300 terms in 60 MB, but 18 million path arrays: 36 s
        ((1,) * 6000, True),
        ((1,) * 12000, False),  # deep and narrow: the forward pass costs depth^2
        ((2, 3, 3, 1), True),
    ],
)
def test_exact_fits(widths: tuple[int, ...], fits: bool) -> None:
    assert exact_fits(widths) == fits


def test_exact_above_the_memory_or_time_limit_is_refused() -> None:
    assert exact_bytes((200, 1000)) > MAX_EXACT_BYTES
    with pytest.raises(SizeLimitError, match=r"about 5\.2 GB .* use method='random'"):
        check_exact_memory((200, 1000))
    with pytest.raises(SizeLimitError, match=r"about 2\.6 GB \(the path sums of 64,570,080 "):
        check_exact_memory((3,) * 16)
    with pytest.raises(SizeLimitError, match=r"would take about 22 s .* use method='random'"):
        check_exact_memory((1,) * 12000)
    with pytest.raises(SizeLimitError, match=r"would take about 99 s .* use method='random'"):
        check_exact_memory((100, 700))  # 70,000 path arrays per output, 660 MB
    check_exact_memory((3,) * 14)


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
