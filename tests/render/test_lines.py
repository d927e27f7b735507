from __future__ import annotations

import re

import pytest
import sympy as sp

from symcollapse import (
    collapse_values,
    derive,
    derive_layers,
    derive_values,
    parse_layers,
    random_values,
)
from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.network import build_network
from symcollapse.doc.model import Step
from symcollapse.render.latex import render_fragment
from symcollapse.render.lines import (
    _pieces,
    _Widths,
    layout,
    rhs_width,
    visible_width,
)
from symcollapse.render.notation import Notation
from symcollapse.render.printer import NetworkLatexPrinter
from symcollapse.spec.widths import Spec
from symcollapse.verification.layered import verify_layers


@pytest.mark.parametrize("line_width", [20, 30, 60, 200])
def test_long_sums_break_evenly_and_keep_every_term(line_width):
    net = build_network(Spec((2, 3, 3, 1)))
    W1, W2, W3 = net.weights
    entry = sp.expand((W3 * W2 * W1)[0, 0])
    printer = NetworkLatexPrinter(net.entries, Notation(line_width=line_width))
    laid = layout(Step(None, entry), printer, line_width)
    joined = " ".join(laid.lines).replace(r" \cdot ", " ")  # a term too wide continues a product
    assert joined == printer.doprint(entry)  # nothing lost, nothing reordered
    assert all(visible_width(line) <= rhs_width(None, line_width) for line in laid.lines)
    if r"\cdot" not in " ".join(laid.lines):  # whole terms: spread evenly over the lines
        counts = [line.count("w^{(3)}") for line in laid.lines]
        assert sum(counts) == 9
        assert all(c == counts[0] for c in counts[:-1]) and counts[-1] <= counts[0]


def test_short_steps_stay_on_one_line():
    net = build_network(Spec((1, 1)))
    printer = NetworkLatexPrinter(net.entries, Notation())
    laid = layout(Step(net.x_symbol, net.x, ("definition",)), printer, 60)
    assert laid.lines == ("x_{1}",)  # a 1x1 matrix is its entry
    assert laid.lhs == "x" and laid.reason == ("definition",)


@pytest.mark.parametrize(
    "derivation",
    [
        lambda: derive([3, 3, 3, 1]),
        lambda: derive_layers(
            verify_layers(
                analyse(parse_layers("6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1"))
            )
        ),
        lambda: derive_values(collapse_values(random_values((2, 3, 1), 2))),
    ],
)
def test_piece_widths_measured_by_chunks_equal_the_whole_measure(derivation) -> None:
    """The cached chunk-by-chunk widths that line breaking uses are the widths of whole lines."""
    document = derivation()
    printer = NetworkLatexPrinter(document.symbols, Notation(), document.roles)
    checked = 0
    for section in document.sections:
        for step in section.steps:
            if not isinstance(step.rhs, sp.Add):
                continue
            pieces = _pieces(step.rhs, printer, 80)
            widths = _Widths(pieces)
            for a in range(len(pieces)):
                for b in range(a + 1, min(a + 5, len(pieces)) + 1):
                    line = " ".join(pieces[a:b])
                    assert widths.line(a, b) == pytest.approx(visible_width(line), abs=1e-9)
                    checked += 1
    assert checked > 10


def _greedy(line: str, width: float) -> tuple[str, ...]:
    """The reference for :func:`_unnested`'s search: every end after a line's start measured
    in turn until one overflows (quadratic in a line's length, so only for short lines)."""
    from symcollapse.render.lines import _cuts, _line, tokens

    parts = tokens(line.replace(r"\left(", r"\bigl(").replace(r"\right)", r"\bigr)"))
    cuts = _cuts(parts)
    lines, start, last = [], 0, 0
    for cut in [*cuts, len(parts)]:
        if last > start and visible_width(_line(parts, start, cut)) > width:
            lines.append(_line(parts, start, last))
            start = last
        last = cut
    lines.append(_line(parts, start, len(parts)))
    return tuple(lines) if len(lines) > 1 else (line,)


def _nested(depth: int) -> str:
    """``W_n (... W_2 (W_1 x + b_1) + b_2 ...) + b_n`` as the printer writes deep networks."""
    line = r"W_{1} x + b_{1}"
    for k in range(2, depth + 1):
        line = rf"W_{{{k}}} \left({line}\right) + b_{{{k}}}"
    return line


@pytest.mark.parametrize("depth", [1, 2, 5, 12, 30])
@pytest.mark.parametrize("width", [8, 20, 45, 80])
def test_nested_lines_break_where_measuring_every_end_breaks_them(depth, width):
    """Galloping and bisection find the same breaks as measuring every end in turn."""
    from symcollapse.render.lines import _unnested

    line = _nested(depth)
    assert _unnested(line, width) == _greedy(line, width)


@pytest.mark.parametrize("line_width", [30, 40, 50])
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 4, 4, 4, 2)])
def test_a_sum_sign_keeps_its_summand_on_its_line(widths, line_width):
    """The Σ form breaks between the summand's factors or terms, never right after a sum sign
    and its limits (``\\sum_{k_1=1}^{d_1}`` at a line's end sums nothing there)."""
    tex = render_fragment(derive(widths, detail="brief"), Notation(line_width=line_width))
    rows = [re.split(r" \\(?:notag|tag|label|displaybreak)", row)[0] for row in tex.split("\\\\\n")]
    sums = [row for row in rows if r"\sum" in row]
    assert sums
    for row in sums:
        assert re.search(r"\\sum_\{[^ ]*\}\^\{[^ ]*\}$", row) is None, row
