"""Learning curves as a picture: Saxe et al.'s closed form against the simulated flow.

matplotlib draws off-screen (the Agg backend, no display needed); the figure is returned as bytes
so that :func:`symcollapse.files.write_files` writes it all at once, like every other output.
"""

from __future__ import annotations

import io
from typing import Literal

from symcollapse.algebra.dynamics import SaxeRun
from symcollapse.errors import OptionError
from symcollapse.spec.extras import optional_module

#: A picture format matplotlib writes.
PlotFormat = Literal["png", "pdf"]

#: File suffix -> matplotlib format.
PLOT_FORMATS: dict[str, PlotFormat] = {".png": "png", ".pdf": "pdf"}


def plot_format(name: str) -> PlotFormat:
    """The matplotlib format for a file name, or :class:`OptionError` for another suffix."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in PLOT_FORMATS:
        raise OptionError(f"a plot is a .png or .pdf file, got {name!r}", parameter="plot")
    return PLOT_FORMATS[suffix]


def learning_curves(run: SaxeRun, fmt: PlotFormat) -> bytes:
    """One curve per mode: eq. 12 as a line, the full matrix flow as markers on it."""
    matplotlib = optional_module("matplotlib", "dynamics", "--plot")
    matplotlib.use("Agg")
    Figure = optional_module("matplotlib.figure", "dynamics", "--plot").Figure

    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    axes = figure.add_subplot()
    colours = matplotlib.colormaps["viridis"]
    for index, strength in enumerate(run.strengths):
        colour = colours(index / max(1, len(run.strengths) - 1) * 0.85)
        axes.plot(run.times, run.closed[index], color=colour, label=f"s = {strength:g}, eq. 12")
        axes.plot(
            run.times,
            run.simulated[index],
            "o",
            color=colour,
            markersize=3.5,
            markerfacecolor="none",
            label=f"s = {strength:g}, full flow",
        )
    axes.set_xlabel(r"time $t$")
    axes.set_ylabel(r"mode strength $u(t)$")
    axes.set_title(
        rf"Saxe et al. 2014: $\tau = {run.tau:g}$, $u_0 = {run.u0:g}$, "
        f"largest deviation {run.deviation:.1e}",
        fontsize=10,
    )
    axes.legend(fontsize=8, ncols=2)
    axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    metadata = {"CreationDate": None} if fmt == "pdf" else {"Software": None}
    figure.savefig(buffer, format=fmt, dpi=150, metadata=metadata)
    return buffer.getvalue()
