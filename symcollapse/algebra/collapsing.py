"""The collapse itself: ``f(x) = W_z x + b_z`` for a concrete network, with both sides expanded.

Two independent routes are computed so that they can check each other:

- ``output``: the nested forward pass ``W_n(...(W_1 x + b_1)...) + b_n``, expanded;
- ``W_z`` and ``b_z``: suffix products ``P_k = W_n ... W_{k+1}`` built from the outer layer inward,
  with ``W_z = P_0`` and the closed form ``b_z = sum_k P_k b_k``.

``method="exact"`` (the default) computes both routes in sparse multilinear arithmetic
(:mod:`symcollapse.algebra.polynomials`: the suffix products as paths) and converts to sympy on
first use: a document prints the path sums as they are (:mod:`symcollapse.algebra.paths`) and
checks the two packed routes against each other. ``method="naive"`` multiplies sympy matrices and
calls ``expand``, the slow reference route.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import ClassVar, Literal

import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.affine import collapse_chain
from symcollapse.algebra.conversion import SympyConverter
from symcollapse.algebra.expressions import bias_terms, expand_entries, product, total
from symcollapse.algebra.network import Network, build_network
from symcollapse.algebra.paths import PathSum, from_words, is_path_sum
from symcollapse.algebra.polynomials import (
    Packed,
    ProgressHook,
    Variables,
    collapsed_output,
    forward_pass,
    monomial_ints,
    same,
    variables,
)
from symcollapse.algebra.polynomials import PathSums as PackedPathSums
from symcollapse.algebra.polynomials import path_sums as packed_path_sums
from symcollapse.display import Displayable
from symcollapse.errors import OptionError, VerificationError
from symcollapse.spec.limits import DEFAULT_MAX_TERMS, TermCounts, check_size, term_counts
from symcollapse.spec.widths import Spec, parse_widths


class Route(Enum):
    """How a collapse expanded its two sides and compares them (a document says it in words)."""

    #: ``f(x)``, ``W_z`` and ``b_z`` as sympy matrices, expanded entry by entry.
    SYMPY = "sympy"
    #: The nested composition against the path sums, in sparse integer polynomials.
    PATH_SUMS = "path sums"


@dataclass(frozen=True)
class SympyRoutes:
    """``f(x)``, ``W_z`` and ``b_z`` as expanded sympy matrices (the naive route's result)."""

    output: sp.ImmutableMatrix
    W_z: sp.ImmutableMatrix
    b_z: sp.ImmutableMatrix
    x: sp.ImmutableMatrix

    #: How :meth:`holds` compares the two routes.
    route: ClassVar[Route] = Route.SYMPY

    def entry_sums(self) -> EntrySums:
        return tuple(tuple(row) for row in self.W_z.tolist()), tuple(self.b_z)

    def holds(self) -> bool:
        return all(entry == 0 for entry in residual(self))


@dataclass(frozen=True, eq=False)
class PackedRoutes:
    """Both routes in packed polynomials (:mod:`.polynomials`); sympy matrices are made from
    them on first use only, since a document prints the path sums without them."""

    network: Network
    variables: Variables
    forward: list[Packed]
    sums: PackedPathSums

    route: ClassVar[Route] = Route.PATH_SUMS

    def __eq__(self, other: object) -> bool:
        """Both routes follow from the network, so equal networks give equal routes."""
        return isinstance(other, PackedRoutes) and self.network == other.network

    def __hash__(self) -> int:
        return hash(self.network)

    @property
    def x(self) -> sp.ImmutableMatrix:
        return self.network.x

    @cached_property
    def _symbols(self) -> list[sp.Symbol]:
        by_name = {symbol.name: symbol for symbol in self.network.entries}
        return [by_name[name] for name in self.variables.names]

    @cached_property
    def _converted(self) -> tuple[sp.ImmutableMatrix, sp.ImmutableMatrix, sp.ImmutableMatrix]:
        convert = SympyConverter(self._symbols)
        rows = len(self.forward)
        output = [convert(poly, poly) for poly in (f.as_dict() for f in self.forward)]
        W_z = [[convert(monomial_ints(paths)) for paths in row] for row in self.sums.W_z]
        b_z = [convert(monomial_ints(paths)) for paths in self.sums.b_z]
        return (
            sp.ImmutableMatrix(rows, 1, output),
            sp.ImmutableMatrix(W_z),
            sp.ImmutableMatrix(rows, 1, b_z),
        )

    @property
    def output(self) -> sp.ImmutableMatrix:
        return self._converted[0]

    @property
    def W_z(self) -> sp.ImmutableMatrix:
        return self._converted[1]

    @property
    def b_z(self) -> sp.ImmutableMatrix:
        return self._converted[2]

    @cached_property
    def _entry_sums(self) -> EntrySums:
        keys = {s: e.sort_key for s, e in self.network.entries.items()}
        cols = self.variables.widths[0]
        flat = from_words(
            [*(p for row in self.sums.W_z for p in row), *self.sums.b_z], self._symbols, keys
        )
        rows = len(self.sums.b_z)
        W_z = tuple(tuple(flat[i * cols : (i + 1) * cols]) for i in range(rows))
        b_z = tuple(flat[rows * cols :])
        counts = term_counts(self.variables.widths)
        depth, entries = self.network.depth, self.network.entries
        complete = all(
            len(W_z[i][j]) == counts.per_W_z_entry and is_path_sum(W_z[i][j], entries, depth, i, j)
            for i in range(rows)
            for j in range(cols)
        ) and all(
            len(b_z[i]) == counts.per_b_z_entry and is_path_sum(b_z[i], entries, depth, i, None)
            for i in range(rows)
        )
        if not complete:
            raise VerificationError("an entry read from the path sums is not its sum over paths")
        return W_z, b_z

    def entry_sums(self) -> EntrySums:
        return self._entry_sums

    def holds(self) -> bool:
        collapsed = collapsed_output(self.variables, self.sums)
        return all(same(f, c) for f, c in zip(self.forward, collapsed, strict=True))


#: The entries of ``W_z`` (rows of columns) and of ``b_z``, as path sums or sympy sums.
EntrySums = tuple[tuple[tuple[PathSum | sp.Expr, ...], ...], tuple[PathSum | sp.Expr, ...]]

Routes = SympyRoutes | PackedRoutes


def residual(routes: Routes) -> sp.ImmutableMatrix:
    """``f(x) - (W_z x + b_z)``, expanded entrywise: the zero vector when the collapse holds.

    ``output``, ``W_z`` and ``b_z`` are already expanded, so the difference is taken monomial by
    monomial (sympy's ``as_coefficients_dict``) instead of expanding a product of sums.
    """
    entries = []
    for i in range(routes.W_z.rows):
        terms = defaultdict(int, routes.output[i].as_coefficients_dict())
        for j, x_j in enumerate(routes.x):
            for monomial, c in routes.W_z[i, j].as_coefficients_dict().items():
                terms[monomial * x_j] -= c
        for monomial, c in routes.b_z[i].as_coefficients_dict().items():
            terms[monomial] -= c
        entries.append(sp.Add(*(c * monomial for monomial, c in terms.items() if c != 0)))
    return sp.ImmutableMatrix(routes.W_z.rows, 1, entries)


@dataclass(frozen=True)
class Collapse(Displayable):
    """A network together with its expanded output and collapsed ``W_z``, ``b_z``."""

    network: Network
    counts: TermCounts
    routes: Routes

    @property
    def output(self) -> sp.ImmutableMatrix:
        """``f(x)`` by the nested composition, expanded."""
        return self.routes.output

    @property
    def W_z(self) -> sp.ImmutableMatrix:
        return self.routes.W_z

    @property
    def b_z(self) -> sp.ImmutableMatrix:
        return self.routes.b_z

    @property
    def widths(self) -> tuple[int, ...]:
        return self.network.widths

    @property
    def x(self) -> sp.ImmutableMatrix:
        return self.network.x

    @property
    def weights(self) -> tuple[sp.ImmutableMatrix, ...]:
        return self.network.weights

    @property
    def biases(self) -> tuple[sp.ImmutableMatrix, ...]:
        return self.network.biases

    # The matrix-level forms are made once: every section of a derivation asks for them, and a
    # deep network's ``b_z_expr`` is n products of up to n factors.
    @cached_property
    def W_z_symbol(self) -> sp.MatrixSymbol:
        return symbols.matrix("W_z", self.widths[-1], self.widths[0])

    @cached_property
    def b_z_symbol(self) -> sp.MatrixSymbol:
        return symbols.matrix("b_z", self.widths[-1])

    @cached_property
    def W_z_expr(self) -> sp.MatrixExpr:
        """``W_n W_{n-1} ... W_1`` as a matrix expression (unevaluated product)."""
        return product(*self.network.weight_symbols[::-1])

    @cached_property
    def b_z_expr(self) -> sp.MatrixExpr:
        """``sum_k (W_n ... W_{k+1}) b_k`` as a matrix expression, terms in order k = 1..n."""
        W = self.network.weight_symbols
        b = self.network.bias_symbols
        return total(*bias_terms(W, b))

    def entry_sums(self) -> EntrySums:
        """The entries of ``W_z`` and ``b_z`` as the sums a document prints."""
        return self.routes.entry_sums()

    def holds(self) -> bool:
        """Whether the two routes agree: ``f(x) = W_z x + b_z`` entry by entry."""
        return self.routes.holds()

    def residual(self) -> sp.ImmutableMatrix:
        """``f(x) - (W_z x + b_z)``, expanded entrywise: the zero vector when the collapse holds."""
        return residual(self.routes)


def _naive_routes(network: Network, progress: ProgressHook | None) -> Routes:
    """``(output, W_z, b_z)`` by sympy matrix products and ``expand``: the reference route."""
    W_z, b_z = collapse_chain(network.weights, network.biases, expand_entries)
    if progress is not None:
        progress(network.depth, network.depth)
    return SympyRoutes(expand_entries(network.forward()), W_z, b_z, network.x)


def _exact_routes(network: Network, progress: ProgressHook | None) -> Routes:
    """The forward pass and the path sums in sparse polynomials; sympy on request."""
    v = variables(network.widths)
    depth, rows = network.depth, network.widths[-1]
    report = progress or (lambda done, total: None)
    forward = forward_pass(v, lambda k, _: report(k, depth + rows))
    sums = packed_path_sums(v, lambda i, _: report(depth + i, depth + rows))
    return PackedRoutes(network, v, forward, sums)


#: How a collapse expands its two routes: sparse polynomials, or sympy's ``expand``.
Method = Literal["exact", "naive"]

#: ``method=`` name -> how ``(output, W_z, b_z)`` are computed.
METHODS: dict[Method, Callable[[Network, ProgressHook | None], Routes]] = {
    "exact": _exact_routes,
    "naive": _naive_routes,
}


def collapse(
    widths: Sequence[object] | Spec,
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    method: Method = "exact",
    progress: ProgressHook | None = None,
) -> Collapse:
    """Build the symbolic network for ``widths`` (or a parsed :class:`Spec`) and collapse it to
    ``W_z x + b_z``.

    ``method`` is ``"exact"`` (sparse polynomial arithmetic, fast) or ``"naive"`` (sympy
    ``expand``); both give identical sympy matrices. ``progress(done, total)`` is called as the
    expansion advances. Raises :class:`~symcollapse.errors.SpecError` for invalid widths,
    :class:`~symcollapse.errors.OptionError` for an unknown method and
    :class:`~symcollapse.errors.SizeLimitError` when the expansion would exceed ``max_terms``.
    """
    if not isinstance(method, str) or method not in METHODS:
        raise OptionError(f"unknown collapse method {method!r:.60}; choose one of exact, naive")
    if progress is not None and not callable(progress):
        raise OptionError(f"progress must be a function (done, total), got {progress!r:.60}")
    spec = widths if isinstance(widths, Spec) else Spec(parse_widths(widths))
    counts = check_size(spec.widths, max_terms)
    network = build_network(spec)
    return Collapse(network=network, counts=counts, routes=METHODS[method](network, progress))
