"""The sections a textbook writes for a collapse: the hidden units, one substitution, ``W_z`` and
``b_z`` in closed form, an entry in Σ form, and the scalar regression form ``f(x_1, x_2) = a_1
x_1 + a_2 x_2 + c``. Each row is checked by an independent route when it is made.
"""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra import sigma, symbols
from symcollapse.algebra.collapsing import Collapse
from symcollapse.algebra.expressions import output_symbol, product, total
from symcollapse.derivations.steps import count, layer_index, layers_range
from symcollapse.doc.model import Checked, Section, Step, Text
from symcollapse.doc.prose import Applied, IndexRange, relation
from symcollapse.verification.matrix_identities import check_words
from symcollapse.verification.sums import check_scalar_form, check_sum_form

#: How the new rows are checked when they are made.
FREE_RING = Checked("identities of matrix algebra, expanding the difference to zero")
RUN_SUMS = Checked("running every sum over its range, against the paths of every entry")
SCALAR = Checked("entrywise against the collapsed map, expanding the difference to zero")

#: Most factors the written-out entries of one document may print, all entries together. Model:
#: pdflatex's default main memory (5,000,000 words) holds a display of about 40,000 factors
#: (widths 2 x 11, 111 pages, compiles) and not 90,000 (2 x 12); above this budget every entry
#: is written in Σ form with its count of terms instead, so whatever derive accepts compiles.
MAX_WRITTEN_FACTORS = 20_000

#: Inputs written one by one in the scalar form; more are written as a sum over ``j``.
MAX_WRITTEN_INPUTS = 6


def hidden(layer: int | sp.Expr, rows: object) -> sp.MatrixSymbol:
    """``h^{(k)}``: the hidden units of layer ``k``."""
    return symbols.matrix("h", rows, 1, sup=layer)


def _entries(width: int) -> str:
    """The noun after ``d_k = 1`` or ``d_k = 3``: a vector of one entry, or of several."""
    return " entry" if width == 1 else " entries"


def network_section(result: Collapse) -> Section:
    """The layers as a recurrence on named hidden units, ``h^{(k)} = W_k h^{(k-1)} + b_k``."""
    net = result.network
    d, n, k = net.widths, net.depth, layer_index()
    rows, cols = symbols.scalar("d", k), symbols.scalar("d", k - 1)
    layer = product(symbols.matrix("W", rows, cols, k), hidden(k - 1, cols))
    recurrence = Step(
        hidden(k, rows),
        total(layer, symbols.matrix("b", rows, 1, k)),
        (layers_range(n), ", with ", relation(hidden(0, d[0]), "=", net.x_symbol)),
    )
    intro: Text = ("The input ", net.x_symbol, " has ", relation(symbols.scalar("d", 0), "=", d[0]))
    # every width as mathematics (d_1 = 3), which a reader of the document can use
    output = relation(symbols.scalar("d", n), "=", d[n])
    inputs, outputs = _entries(d[0]), _entries(d[n])
    if n > 1:
        units = [hidden(m, d[m]) for m in range(1, n)]
        widths = [relation(symbols.scalar("d", m), "=", d[m]) for m in range(1, n)]
        unit = " unit" if d[1:n] == (1,) else " units"
        intro += (inputs + ", the hidden units are ", *_listed(units), " with ", *_listed(widths))
        intro += (unit + " and the output has ", output, outputs + ". ")
    else:
        intro += (inputs + " and the output has ", output, outputs)
        intro += ("; there are no hidden units. ",)
    intro += ("Every activation is the identity, so each layer is affine:",)
    return Section(title=("The network",), intro=intro, steps=(recurrence,))


def collapse_section(result: Collapse) -> Section:
    """``f(x) = h^{(n)}``, substituted, distributed and grouped into ``W_z x + b_z``."""
    net = result.network
    W, b, x, n = net.weight_symbols, net.bias_symbols, net.x_symbol, net.depth
    nested: sp.MatrixExpr = x
    for k in range(n):
        nested = total(product(W[k], nested), b[k])
    terms = [product(*W[::-1], x)] + [product(*W[k + 1 :][::-1], b[k]) for k in range(n)]
    expanded = total(*terms)
    grouped = total(product(result.W_z_symbol, x), result.b_z_symbol)
    check_words(nested, expanded, "distributing the weights")
    check_words(expanded, total(product(result.W_z_expr, x), result.b_z_expr), "grouping")
    earlier = [hidden(m, net.widths[m]) for m in range(n - 1, -1, -1)]
    steps = [
        Step(output_symbol(net.widths[-1]), hidden(n, net.widths[-1])),
        Step(None, nested, substitution(earlier)),
    ]
    if n > 1:
        steps.append(Step(None, expanded, ("distribute",), check=FREE_RING))
    steps += [
        Step(None, grouped, check=FREE_RING, key=True),
        Step(result.W_z_symbol, result.W_z_expr, relation=":=", key=True),
        Step(result.b_z_symbol, result.b_z_expr, relation=":=", key=True),
    ]
    return Section(
        title=("The collapse",),
        intro=("Substitute each layer into the next and distribute the weights over the sums:",),
        steps=tuple(steps),
    )


def sigma_steps(result: Collapse) -> tuple[Step, ...]:
    """``(W_z)_{ij}`` and ``(b_z)_i`` as sums over the hidden indices, checked entry by entry
    against the path sums by running the sums over their ranges."""
    net = result.network
    i, j, n = sigma.row_index(), sigma.column_index(), net.depth
    weight, bias = sigma.weight_sum(n), sigma.bias_sum(n)
    W_sums, b_sums = result.entry_sums()
    rows, cols = result.W_z_symbol.shape
    for r in range(rows):
        for c in range(cols):
            check_sum_form(weight, W_sums[r][c], net, {i: r + 1, j: c + 1})
        check_sum_form(bias, b_sums[r], net, {i: r + 1})
    return (
        Step(sigma.collapsed_entry("W_z", i, j), weight, check=RUN_SUMS),
        Step(sigma.collapsed_entry("b_z", i), bias, check=RUN_SUMS),
    )


def sigma_intro(result: Collapse) -> Text:
    n = result.network.depth
    if n == 1:
        return ("With no hidden units, each entry is an entry of the one layer:",)
    ranges = [IndexRange(sigma.unit_index(m), 1, sigma.width(m)) for m in range(1, n)]
    shown = _listed(ranges) if len(ranges) <= 3 else [ranges[0], ", \u2026, ", ranges[-1]]
    which = "the unit of the hidden layer" if n == 2 else "the units of the hidden layers"
    return (
        "Each entry sums one product for every path through the hidden units, with ",
        *shown,
        f" {which}:",
    )


def written_out(result: Collapse) -> bool:
    """Whether every entry of ``W_z`` and ``b_z`` fits the page budget written out
    (:data:`MAX_WRITTEN_FACTORS`, estimated from the widths)."""
    rows, cols = result.W_z_symbol.shape
    counts, depth = result.counts, result.network.depth
    factors = rows * (cols * counts.per_W_z_entry + counts.per_b_z_entry) * depth
    return factors <= MAX_WRITTEN_FACTORS


def entry_steps(result: Collapse, general: tuple[Step, ...] | None = None) -> list[Step]:
    """Every entry of ``W_z`` and ``b_z``: written out, one product per path, when the document
    can typeset them all (:func:`written_out`); else each in Σ form with its count of terms
    (``general``: the checked Σ forms of :func:`sigma_steps`, when already made)."""
    W_z, b_z = result.W_z_symbol, result.b_z_symbol
    rows, cols = W_z.shape
    if written_out(result):
        W_sums, b_sums = result.entry_sums()
        steps = [Step(W_z[r, c], W_sums[r][c]) for r in range(rows) for c in range(cols)]
        return steps + [Step(b_z[r, 0], b_sums[r]) for r in range(rows)]
    weight, bias = general or sigma_steps(result)
    i, j, counts = sigma.row_index(), sigma.column_index(), result.counts
    products = (count(counts.per_W_z_entry, "product"),)
    terms = (count(counts.per_b_z_entry, "term"),)
    steps = [
        Step(W_z[r, c], weight.rhs.subs({i: r + 1, j: c + 1}), products, check=RUN_SUMS)
        for r in range(rows)
        for c in range(cols)
    ]
    return steps + [
        Step(b_z[r, 0], bias.rhs.subs({i: r + 1}), terms, check=RUN_SUMS) for r in range(rows)
    ]


def too_large_words(result: Collapse) -> Text:
    """What a document says when its entries are too many to write out."""
    if written_out(result):
        return ()
    return (
        f" (more than {MAX_WRITTEN_FACTORS:,} factors in all, too many to typeset: each entry "
        "is written as its sum over the hidden units)",
    )


def scalar_section(result: Collapse) -> Section:
    """``f(x_1, x_2) = a_1 x_1 + a_2 x_2 + c`` (``f_i`` for several outputs), said in words:
    the network's parameters act through one affine map, a linear regression on the inputs."""
    net = result.network
    d = net.widths
    i, j = sigma.row_index(), sigma.column_index()
    single = d[-1] == 1
    coefficient = (
        (lambda col: sigma.collapsed_entry("a", col))
        if single
        else (lambda col: sigma.collapsed_entry("W_z", i, col))
    )
    intercept = symbols.scalar("c") if single else sigma.collapsed_entry("b_z", i)
    inputs = list(net.x)
    if d[0] <= MAX_WRITTEN_INPUTS:
        linear = sp.Add(*(coefficient(c) * inputs[c - 1] for c in range(1, d[0] + 1)))
    else:
        x_j = sigma.collapsed_entry("x", j)
        term = sigma.collapsed_entry("a" if single else "W_z", *([j] if single else [i, j])) * x_j
        linear = sp.Sum(term, (j, 1, symbols.scalar("d", 0)))
    rhs = sp.Add(*sp.Add.make_args(linear), intercept, evaluate=False)
    check_scalar_form(result, rhs, i)
    function = symbols.scalar("f") if single else symbols.scalar("f", i)
    reason: Text = () if single else (IndexRange(i, 1, d[-1]),)
    step = Step(Applied(function, *inputs), rhs, reason, check=SCALAR, key=True)
    return Section(
        title=("As a linear regression",),
        intro=_regression_words(result, coefficient, intercept),
        steps=(step, *(_coefficients(result) if single else ())),
    )


def _coefficients(result: Collapse) -> tuple[Step, ...]:
    """``a_j := (W_z)_{1j}`` for every input and ``c := (b_z)_1``: the scalar form's
    coefficients defined in its display, so that a reader (and ``check``) learns them from the
    mathematics, also where a document has no words (a LaTeX fragment, JSON)."""
    j = sigma.column_index()
    a_j, W_entry = sigma.collapsed_entry("a", j), sigma.collapsed_entry("W_z", 1, j)
    every = (IndexRange(j, 1, result.network.widths[0]),)
    return (
        Step(a_j, W_entry, every, relation=":="),
        Step(symbols.scalar("c"), sigma.collapsed_entry("b_z", 1), relation=":="),
    )


def _regression_words(result: Collapse, coefficient: object, intercept: sp.Basic) -> Text:
    d = result.network.widths
    parameters = sum(d[k] * d[k - 1] + d[k] for k in range(1, len(d)))
    collapsed = d[-1] * (d[0] + 1)
    j = sigma.column_index()
    inputs: Text = (
        tuple(_listed(list(result.network.x)))
        if d[0] <= MAX_WRITTEN_INPUTS
        else (sigma.collapsed_entry("x", j), " for ", IndexRange(j, 1, d[0]))
    )
    words: Text = (
        f"The {count(parameters, 'parameter')} of the network act through one affine map with "
        f"{count(collapsed, 'parameter')}: ",
    )
    if d[-1] == 1:
        a_j = sigma.collapsed_entry("a", j)
        words += ("linear regression on ", *inputs, ", with coefficients ", a_j)
        words += (" and intercept ", intercept, ":")
    else:
        words += (f"{d[-1]} linear regressions on ", *inputs, ", one for each output:")
    return words


def substitution(units: list[sp.MatrixSymbol]) -> Text:
    """The reason of the row that writes the layers into one another: "substitute ``h^{(1)}``
    and ``h^{(0)}``", the hidden units it replaces, which a reader then finds used."""
    return ("substitute ", *_listed(units))


def _listed(items: list[sp.Basic]) -> list[str | sp.Basic]:
    """Mathematical objects joined as prose: ``a``, ``a and b``, ``a, b and c``."""
    out: list[str | sp.Basic] = []
    for k, item in enumerate(items):
        if k:
            out.append(" and " if k == len(items) - 1 else ", ")
        out.append(item)
    return out
