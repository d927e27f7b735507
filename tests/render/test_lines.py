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
    assert _unnested(line, width, split=False) == _greedy(line, width)


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


def _display_rows(tex: str) -> list[str]:
    """The rows of a fragment's displays, without their numbers, labels and breaks."""
    rows = re.split(r" \\\\\n|\n", tex)
    return [re.split(r" \\(?:notag|tag|label|displaybreak)", row)[0] for row in rows]


#: Networks and numberings whose Σ terms each fit a line of a column: 2-3-3-1 however
#: numbered, 4-8-8-8-3 where its Σ rows carry no number (with one, a term of four factors
#: fits no line: see the test after this one).
WHOLE_SUMMANDS = [
    ((2, 3, 3, 1), False),
    ((2, 3, 3, 1), True),
    ((2, 3, 3, 1), "all"),
    ((4, 8, 8, 8, 3), False),
    ((4, 8, 8, 8, 3), True),
]


@pytest.mark.parametrize("detail", ["brief", "standard"])  # full writes no Σ form
@pytest.mark.parametrize(("widths", "numbered"), WHOLE_SUMMANDS)
def test_a_sum_keeps_its_summand_whole_in_a_column(widths, numbered, detail):
    """In a two-column class's column a Σ term breaks before its sign or between terms, never
    between the factors of its summand (``w^{(3)}_{i k_2} \\cdot w^{(2)}_{k_2 k_1} ...``),
    where a line of its own holds it (if need be with one sign over its indices); a row
    without a number has the whole line."""
    notation = Notation(line_width=50, numbered=numbered)
    rows = _display_rows(render_fragment(derive(widths, detail=detail), notation))
    sums = [k for k, row in enumerate(rows) if r"\sum" in row]
    assert sums
    for k in sums:
        assert not rows[k + 1].startswith(r"&\quad \cdot"), rows[k : k + 2]


def test_a_sum_that_fits_no_line_takes_one_sign_then_breaks_between_factors():
    """The rule for a Σ term wider than any line: one sign over its indices (``\\sum_{k_2,
    k_3, k_4}``), and, if it still fits none (five factors in a column), its summand broken
    between factors; every line within the width."""
    derivation = derive((2, 3, 3, 3, 3, 1), detail="brief")
    printer = NetworkLatexPrinter(derivation.symbols, Notation(line_width=50), derivation.roles)
    lines = []
    for step in (step for section in derivation.sections for step in section.steps):
        laid = layout(step, printer, 50)
        assert max(laid.widths) <= rhs_width(laid.lhs, 50), laid.lines
        lines += laid.lines
    assert any(line.startswith(r"+ \sum_{k_{2}, k_{3}, k_{4}} w^{(5)}") for line in lines)
    split = [k for k, line in enumerate(lines) if line.startswith(r"\cdot w^{(1)}_{k_{1}\,j}")]
    assert split and lines[split[0] - 1].startswith(r"\sum_{k_{1}, \dots, k_{4}}")


#: Documents with matrices too wide for a line (a 1x9 or 1x12 matrix of entry names), by the
#: commands that write displayed rows.
WIDE = {
    "layers": ["layers", "9 > dense 1 > dense 1"],
    "layers-relu": ["layers", "9 > dense 2 relu > dense 1"],
    "layers-conv": ["layers", "9 > conv1d k=3 s=1 p=1 > dense 1"],
    "derive": ["derive", "12", "1", "--detail", "full"],
    "values": ["derive", "12", "1", "--values", "random", "--seed", "2", "--detail", "full"],
    "regress": ["regress", "9", "1"],
    "gradients": ["gradients", "9", "1"],
}

#: Displayed rows ``lhs = rhs`` (or ``:=``) of each format, as (lhs, rhs) text.
ROWS = {
    "tex": re.compile(r"^(\S[^&\n]*?)\s*&\s*(?:=|\\mathrel\{:=\})(.*?)(?:\\tag|&&|\\\\|$)", re.M),
    "typst": re.compile(r"^\$?\s*(\S[^&\n]*?)\s*&(?::=|=)(.*?)(?:&&|\\$|\$$)", re.M),
    "html": re.compile(r'class="lhs"[^>]*>(.*?)</td>\s*<td[^>]*class="rhs"[^>]*>(.*?)</td>', re.S),
}

#: What is not a side's content: a row's page break, MathML's grouping and the relation.
NOT_CONTENT = re.compile(r"\\displaybreak\[0\]|</?(?:math|mrow)\b[^>]*>|^\$|\s")
RELATION = re.compile(r"^<mo>(?:=|≔)</mo>")


def _sides(fmt: str, text: str) -> list[tuple[str, str]]:
    """Each displayed row's two sides, without what is not content."""
    rows = ROWS[fmt if fmt in ("typst", "html") else "tex"].findall(text)
    return [
        (NOT_CONTENT.sub("", lhs), RELATION.sub("", NOT_CONTENT.sub("", rhs))) for lhs, rhs in rows
    ]


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
@pytest.mark.parametrize("command", WIDE)
def test_no_displayed_row_has_two_sides_alike(command, fmt, capsys) -> None:
    """A matrix too wide for a line is written entry by entry, but never an entry that is its
    own name: ``(W_z)_{11} = (W_z)_{11}`` says nothing (such a matrix stays whole, in blocks
    of columns)."""
    from symcollapse.cli import main

    argv = [*WIDE[command], "--format", fmt]
    assert main(argv) == 0
    rows = _sides(fmt, capsys.readouterr().out)
    assert rows
    alike = [lhs for lhs, rhs in rows if lhs == rhs]
    assert alike == []


@pytest.mark.parametrize(
    ("fmt", "row"),
    [
        ("latex", "\\left(W_{z}\\right)_{11} &= \\left(W_{z}\\right)_{11} \\displaybreak[0] \\\\"),
        ("typst", "$ (W_(z))_(1 1) &= (W_(z))_(1 1) \\"),
        (
            "html",
            '<td class="lhs"><math><msub><mi>W</mi><mn>11</mn></msub></math></td>'
            '<td class="rhs"><math><mrow><mo>=</mo><msub><mi>W</mi><mn>11</mn></msub>'
            "</mrow></math></td>",
        ),
    ],
)
def test_the_scan_of_rows_sees_two_sides_alike(fmt: str, row: str) -> None:
    """The scan above can fail: a row of each format with its two sides alike is seen so."""
    assert [lhs == rhs for lhs, rhs in _sides(fmt, row)] == [True]
