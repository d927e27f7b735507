"""Learning-curve pictures: formats by suffix, real PNG and PDF bytes, refusals."""

from __future__ import annotations

import pytest

from symcollapse.algebra.dynamics import simulate_saxe
from symcollapse.errors import OptionError
from symcollapse.io.plot import learning_curves, plot_format


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.png", "png"), ("b.PDF", "pdf"), ("dir.v2/c.pdf", "pdf")]
)
def test_format_from_suffix(name, fmt):
    assert plot_format(name) == fmt


@pytest.mark.parametrize("name", ["curves.svg", "curves", "png"])
def test_other_suffixes_are_refused(name):
    with pytest.raises(OptionError, match=r"^a plot is a \.png or \.pdf file, got ") as error:
        plot_format(name)
    assert error.value.parameter == "plot"


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG\r\n"), ("pdf", b"%PDF-")])
def test_bytes_are_the_format(fmt, magic):
    run = simulate_saxe([2.0, 1.0], 1e-3, 1.0, 5.0, n_times=20)
    data = learning_curves(run, fmt)
    assert data.startswith(magic)
    assert learning_curves(run, fmt) == data  # no timestamps: the same run draws the same file
