"""The derivation: ordered sections of checked steps from the network to ``W_z x + b_z``.

Steps hold sympy objects only; renderers decide how they look. Every matrix-level step is checked
when it is made (in the free ring's normal form, or by sympy's matrix-expression algebra where its
row says so), and the entrywise check is computed, so a derivation that exists is a derivation
that holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.collapsing import Collapse, Route, collapse
from symcollapse.algebra.expressions import (
    Activation,
    output_symbol,
    product,
    total,
    with_identity_activations,
)
from symcollapse.derivations import textbook
from symcollapse.derivations.convention import in_convention
from symcollapse.derivations.steps import chain, count, layer_index, layers_range, listing
from symcollapse.doc.model import Checked, Derivation, Section, Step, Text
from symcollapse.doc.prose import relation
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.spec.cost import check_document_width
from symcollapse.spec.detail import DEFAULT_DETAIL, Detail, check_detail
from symcollapse.spec.limits import DEFAULT_MAX_DEPTH, DEFAULT_MAX_TERMS, check_depth
from symcollapse.spec.widths import Spec, parse_widths
from symcollapse.verification.matrix_identities import (
    check_distributed,
    check_equal,
    check_words,
    factors,
)
from symcollapse.verification.results import check_collapse

#: How the matrix-level steps are checked when they are made.
EXPANDED = Checked("entrywise expansion with sympy")
SYMPY = Checked("sympy's matrix-expression algebra, expanding the difference to zero")

#: How each route of a collapse compares its two sides, in the document's words.
ROUTE_CHECKS: dict[Route, Checked] = {
    Route.SYMPY: EXPANDED,
    Route.PATH_SUMS: Checked(
        "entrywise expansion in sparse integer polynomials, the nested composition against "
        "the path sums"
    ),
}


def derive(
    widths: Sequence[object] | Spec,
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_depth: int = DEFAULT_MAX_DEPTH,
    progress: Callable[[int, int], None] | None = None,
    detail: Detail = DEFAULT_DETAIL,
    convention: Convention = DEFAULT_CONVENTION,
) -> Derivation:
    """Collapse the network with ``widths`` (or an already parsed :class:`Spec`) and derive
    ``f(x) = W_z x + b_z`` step by step.

    ``detail`` is ``brief`` (what a textbook prints), ``standard`` (with the entries written out
    and the check) or ``full`` (every step and matrix). ``progress(done, total)`` is called as
    the expansion advances (see :func:`collapse`). Raises :class:`SizeLimitError` above
    ``max_terms`` monomials or ``max_depth`` layers, :class:`OptionError` for another ``detail``
    or ``convention`` (``column``: ``f(x) = W_z x + b_z``; ``row``: ``f(x) = x W_z + b_z``, see
    :mod:`symcollapse.derivations.convention`).
    """
    check_detail(detail)
    check_convention(convention)
    spec = widths if isinstance(widths, Spec) else Spec(parse_widths(widths))
    check_depth(spec.widths, max_depth)
    check_document_width(spec.widths)
    result = collapse(spec, max_terms=max_terms, progress=progress)
    return derive_collapse(result, detail, convention)


def derive_collapse(
    result: Collapse,
    detail: Detail = DEFAULT_DETAIL,
    convention: Convention = DEFAULT_CONVENTION,
) -> Derivation:
    """The derivation for an already computed :class:`Collapse`, at ``detail``, in
    ``convention``."""
    check_convention(convention)
    sections: tuple[Section, ...]
    if check_detail(detail) == "full":
        sections = (
            _network_section(result),
            _matrix_section(result),
            _explicit_section(result),
            _entries_section(result),
            _check_section(result),
        )
    else:
        entries = Section(
            title=("The entries",),
            intro=textbook.sigma_intro(result),
            steps=textbook.sigma_steps(result),
        )
        if detail == "standard":
            entries = _with_paths(entries, result)
        sections = (
            textbook.network_section(result),
            textbook.collapse_section(result),
            entries,
            textbook.scalar_section(result),
        )
        if detail == "standard":
            sections += (_check_section(result, zero=sp.ZeroMatrix(result.widths[-1], 1)),)
    derivation = Derivation(
        title=(f"Collapse of the {chain(result.widths)} network with identity activations",),
        sections=sections,
        symbols=result.network.entries,
        collapse=result,
    )
    return in_convention(derivation, convention)


def _with_paths(section: Section, result: Collapse) -> Section:
    """The Σ form followed by every entry written out, one product per path."""
    W_z, b_z = result.W_z_symbol, result.b_z_symbol
    counts = result.counts
    *words, last = section.intro
    intro: Text = (
        *words,
        f"{str(last).rstrip(':')}; written out, each entry of ",
        W_z,
        f" has {count(counts.per_W_z_entry, 'product')} and each entry of ",
        b_z,
        f" {count(counts.per_b_z_entry, 'term')}",
        *textbook.too_large_words(result),
        ":",
    )
    entries = textbook.entry_steps(result, section.steps)
    return Section(section.title, intro, (*section.steps, *entries))


def _nested(layers: int, result: Collapse, inner: sp.MatrixExpr, start: int) -> sp.MatrixExpr:
    """Wrap ``inner`` (the value after layer ``start``) in affine layers ``start+1 .. layers``."""
    W, b = result.network.weight_symbols, result.network.bias_symbols
    expr = inner
    for k in range(start, layers):
        expr = total(product(W[k], expr), b[k])
    return expr


def _network_section(result: Collapse) -> Section:
    net = result.network
    W, b, x = net.weight_symbols, net.bias_symbols, net.x_symbol
    with_sigma: sp.MatrixExpr = x
    for k in range(net.depth):
        affine = total(product(W[k], with_sigma), b[k])
        with_sigma = Activation(k + 1, affine)
    plain = with_identity_activations(with_sigma)
    check_words(plain, _nested(net.depth, result, x, 0), "removing the identity activations")
    d = net.widths
    k = layer_index()
    intro: Text = (
        "The input ",
        x,
        " has ",
        relation(symbols.scalar("d", 0), "=", d[0]),
        " entries. Each layer ",
        layers_range(net.depth),
        " has a weight matrix ",
        symbols.matrix("W", symbols.scalar("d", k), symbols.scalar("d", k - 1), k),
        " with ",
        symbols.scalar("d", k),
        " rows and ",
        symbols.scalar("d", k - 1),
        " columns, a bias vector ",
        symbols.matrix("b", symbols.scalar("d", k), 1, k),
        " and an activation ",
        symbols.scalar("sigma", k),
        f"; the widths are {listing([str(w) for w in d])}.",
    )
    return Section(
        title=("The network",),
        intro=intro,
        steps=(
            Step(output_symbol(net.widths[-1]), with_sigma, relation=":="),
            Step(None, plain, ("every activation is the identity",)),
        ),
    )


def _matrix_section(result: Collapse) -> Section:
    net = result.network
    W, b, x = net.weight_symbols, net.bias_symbols, net.x_symbol
    n = net.depth
    terms: list[sp.MatrixExpr] = [sp.MatMul(W[0], x, evaluate=False), b[0]]
    current = _nested(n, result, sp.MatAdd(*terms, evaluate=False), 1)
    steps = [Step(output_symbol(net.widths[-1]), current)]
    for k in range(1, n):
        # Only the innermost affine layer changes; the layers around it are the same on both
        # sides, so checking the changed part checks the whole line (and stays linear in n).
        inner = sp.MatMul(W[k], sp.MatAdd(*terms, evaluate=False), evaluate=False)
        before = sp.MatAdd(inner, b[k], evaluate=False)
        distributed = [sp.MatMul(W[k], *factors(t), evaluate=False) for t in terms] + [b[k]]
        after = sp.MatAdd(*distributed, evaluate=False)
        check_distributed(before, after, f"distributing W_{k + 1}")
        terms = distributed
        current = _nested(n, result, after, k + 1)
        steps.append(Step(None, current, ("distribute ", W[k]), check=SYMPY))
    W_z, b_z = result.W_z_symbol, result.b_z_symbol
    grouped = sp.MatAdd(sp.MatMul(result.W_z_expr, x), result.b_z_expr)
    # sympy's expand, not the words: the row says it was checked by sympy (:data:`SYMPY`)
    check_equal(current, grouped, "grouping into W_z x + b_z")
    steps += [
        Step(
            None,
            total(product(W_z, x), b_z),
            ("group",),
            check=SYMPY,
            key=True,
        ),
        Step(W_z, result.W_z_expr, relation=":=", key=True),
        Step(b_z, result.b_z_expr, relation=":=", key=True),
    ]
    if n == 1:
        intro: Text = ("With one layer the network is already affine.",)
    else:
        intro = (
            "Distribute each weight matrix over the sum inside it, innermost layer first; "
            "every step is an identity of matrix algebra and was checked by sympy.",
        )
    return Section(title=("Collapsing the composition",), intro=intro, steps=tuple(steps))


def _explicit_section(result: Collapse) -> Section:
    net = result.network
    steps = [Step(net.x_symbol, net.x)]
    for W_sym, W, b_sym, b in zip(
        net.weight_symbols, net.weights, net.bias_symbols, net.biases, strict=True
    ):
        steps += [Step(W_sym, W), Step(b_sym, b)]
    return Section(
        title=("The matrices",),
        intro=("Every entry is its own symbol.",),
        steps=tuple(steps),
    )


def _entries_section(result: Collapse) -> Section:
    W_z, b_z = result.W_z_symbol, result.b_z_symbol
    steps = textbook.entry_steps(result)
    counts = result.counts
    return Section(
        title=("The entries of the collapsed map",),
        intro=(
            "Each entry of ",
            W_z,
            f" is a sum of {count(counts.per_W_z_entry, 'product')}, one for every path "
            "through the hidden units; each entry of ",
            b_z,
            f" has {count(counts.per_b_z_entry, 'term')}, one for every path from a bias to "
            "the output",
            *textbook.too_large_words(result),
            ".",
        ),
        steps=tuple(steps),
    )


def _check_section(result: Collapse, zero: sp.MatrixBase | None = None) -> Section:
    """The two routes of the collapse agree: the nested composition, expanded, against the
    entries printed above (for the exact method, the very path sums the document shows)."""
    check_collapse(result)
    f = output_symbol(result.widths[-1])
    collapsed = sp.MatAdd(
        sp.MatMul(result.W_z_symbol, result.network.x_symbol, evaluate=False),
        result.b_z_symbol,
        evaluate=False,
    )
    lhs = sp.MatAdd(f, sp.MatMul(-1, collapsed, evaluate=False), evaluate=False)
    return Section(
        title=("Check",),
        intro=(
            "Expanding the nested composition entry by entry and subtracting ",
            collapsed,
            " leaves the zero vector, so the collapse holds exactly.",
        ),
        steps=(
            Step(
                lhs,
                sp.ImmutableMatrix.zeros(result.widths[-1], 1) if zero is None else zero,
                ("expanded entrywise",),
                check=ROUTE_CHECKS[result.routes.route],
            ),
        ),
    )
