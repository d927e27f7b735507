"""Gradients of the squared loss of a deep linear network, at matrix level and entry by entry.

For one sample, ``L = 1/2 ||f(x) - y||^2`` with output symbols ``y_1 .. y_m``, and backpropagation
gives ``dL/dW_k = (W_n ... W_{k+1})^T (f(x) - y) h_{k-1}^T`` and
``dL/db_k = (W_n ... W_{k+1})^T (f(x) - y)``, where ``h_{k-1}`` is the input of layer ``k``
(``h_0 = x``). Over a data set, without biases (the setting of Saxe, McClelland and Ganguli 2014,
eq. 13), ``dL/dW_k = (W_n ... W_{k+1})^T (W_z Sigma_xx - Sigma_yx) (W_{k-1} ... W_1)^T``.

Each matrix-level form is made explicit by substituting the network's entry matrices, expanded,
and compared entry by entry with sympy's ``diff`` of the expanded loss: an independent route that
shares nothing with the matrix-level formula but the network's symbols.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.polys.rings import PolyElement, PolyRing

from symcollapse.algebra import symbols
from symcollapse.algebra.affine import activations
from symcollapse.algebra.collapsing import Collapse, collapse
from symcollapse.algebra.expressions import output_symbol, product
from symcollapse.algebra.network import Entry, Network
from symcollapse.display import Displayable
from symcollapse.errors import SizeLimitError, VerificationError
from symcollapse.spec.cost import check_seconds, gradient_seconds
from symcollapse.spec.limits import (
    DEFAULT_MAX_TERMS,
    TermCounts,
    check_limit,
    check_size,
    term_counts,
)
from symcollapse.spec.widths import parse_widths

#: Default ceiling on the monomials of the expanded losses (one sample and the data set).
DEFAULT_GRADIENT_MAX_TERMS = DEFAULT_MAX_TERMS

#: Samples in the data-set check: two already make ``Sigma_xx`` a sum, not one outer product.
SAMPLES = 2


@dataclass(frozen=True)
class Gradients(Displayable):
    """``dL/dW_k`` and ``dL/db_k`` for every layer: matrix-level forms and explicit matrices.

    ``W[k]`` and ``b[k]`` have the shapes of ``W_{k+1}`` and ``b_{k+1}``; their entries are the
    expanded partial derivatives of ``loss`` by the matching symbols of ``collapse.weights`` and
    ``collapse.biases``. ``W_expr``, ``b_expr`` are the backpropagation forms (MatrixSymbols) and
    ``W_data_expr`` the data-set forms with ``Sigma_xx``, ``Sigma_yx``.
    """

    collapse: Collapse
    y: sp.ImmutableMatrix
    loss: sp.Expr
    W: tuple[sp.ImmutableMatrix, ...]
    b: tuple[sp.ImmutableMatrix, ...]
    W_expr: tuple[sp.MatrixExpr, ...]
    b_expr: tuple[sp.MatrixExpr, ...]
    W_data_expr: tuple[sp.MatrixExpr, ...]

    @property
    def network(self) -> Network:
        return self.collapse.network

    @property
    def y_symbol(self) -> sp.MatrixSymbol:
        return target_symbol(self.network.widths)

    @property
    def entries(self) -> dict[sp.Symbol, Entry]:
        """Every entry symbol the documents print: the network's and the target's, so that
        the notation (index base, ``--names``) writes ``y_1`` as it writes ``x_1``."""
        return {**self.network.entries, **target_entries(len(self.y))}


def loss_terms(widths: tuple[int, ...]) -> int:
    """An upper bound on the monomials of both expanded losses, known before any expansion."""
    counts: TermCounts = term_counts(widths)
    m, d0 = widths[-1], widths[0]
    per_output = d0 * counts.per_W_z_entry + counts.per_b_z_entry + 1  # f_i - y_i
    per_sample_set = SAMPLES * (d0 * counts.per_W_z_entry + 1)  # sum over samples, no biases
    return m * (per_output**2 + per_sample_set**2)


def hidden_symbol(k: int, width: int) -> sp.MatrixSymbol:
    """``h_k``, the output of layer ``k`` (``h_0`` is ``x``)."""
    return symbols.matrix("h", width, 1, k)


def target_symbol(widths: Sequence[int]) -> sp.MatrixSymbol:
    """``y``, the target output of a network of ``widths``."""
    return symbols.matrix("y", widths[-1])


def target_entries(m: int) -> dict[sp.Symbol, Entry]:
    """The target's entry symbols ``y_1 .. y_m`` and what they stand for."""
    entries = (Entry("y", 0, i) for i in range(m))
    return {sp.Symbol(entry.name): entry for entry in entries}


def correlations(widths: Sequence[int]) -> tuple[sp.MatrixSymbol, sp.MatrixSymbol]:
    """``Sigma_xx`` and ``Sigma_yx``, the input and output-input correlations of a data set."""
    d0, m = widths[0], widths[-1]
    return symbols.matrix("Sigma_xx", d0, d0), symbols.matrix("Sigma_yx", m, d0)


def collapsed_symbol(widths: Sequence[int]) -> sp.MatrixSymbol:
    """``W_z`` of a network of ``widths``."""
    return symbols.matrix("W_z", widths[-1], widths[0])


def upstream(network: Network, k: int) -> sp.MatrixExpr | None:
    """``W_n ... W_{k+1}`` for layer ``k`` (1-based), or ``None`` (the identity) for ``k = n``."""
    later = network.weight_symbols[k:]
    return product(*later[::-1]) if later else None


def downstream(network: Network, k: int) -> sp.MatrixExpr | None:
    """``W_{k-1} ... W_1`` for layer ``k`` (1-based), or ``None`` (the identity) for ``k = 1``."""
    earlier = network.weight_symbols[: k - 1]
    return product(*earlier[::-1]) if earlier else None


def _times(*factors: sp.MatrixExpr | None) -> sp.MatrixExpr:
    return product(*(f for f in factors if f is not None))


def _transposed(expr: sp.MatrixExpr | None) -> sp.MatrixExpr | None:
    return None if expr is None else sp.Transpose(expr)


def matrix_forms(
    network: Network,
) -> tuple[tuple[sp.MatrixExpr, ...], tuple[sp.MatrixExpr, ...], tuple[sp.MatrixExpr, ...]]:
    """The backpropagation forms of ``dL/dW_k``, ``dL/db_k`` and the data-set ``dL/dW_k``."""
    d = network.widths
    y = target_symbol(d)
    error = sp.MatAdd(output_symbol(d[-1]), sp.MatMul(-1, y, evaluate=False), evaluate=False)
    Sxx, Syx = correlations(d)
    W_z = collapsed_symbol(d)
    data_error = sp.MatAdd(
        sp.MatMul(W_z, Sxx, evaluate=False), sp.MatMul(-1, Syx, evaluate=False), evaluate=False
    )
    W_forms, b_forms, data_forms = [], [], []
    for k in range(1, network.depth + 1):
        back = _transposed(upstream(network, k))
        h = network.x_symbol if k == 1 else hidden_symbol(k - 1, d[k - 1])
        W_forms.append(_times(back, error, sp.Transpose(h)))
        b_forms.append(_times(back, error))
        data_forms.append(_times(back, data_error, _transposed(downstream(network, k))))
    return tuple(W_forms), tuple(b_forms), tuple(data_forms)


def _explicit(form: sp.MatrixExpr, names: dict, ring: PolyRing) -> sp.ImmutableMatrix:
    """``form`` with every matrix name replaced by its explicit matrix, entries expanded."""
    value = sp.ImmutableMatrix(form.xreplace(names).doit())
    return value.applyfunc(lambda entry: ring.from_expr(entry).as_expr())


def _squared_half(errors: Sequence[sp.Expr], ring: PolyRing) -> PolyElement:
    """``1/2 sum e_i^2`` expanded, as a sparse polynomial (fast to differentiate)."""
    polys = [ring.from_expr(e) for e in errors]
    return sum((p * p for p in polys), ring.zero) / 2


def _check(
    gradient: sp.ImmutableMatrix, loss: PolyElement, symbols: sp.MatrixBase, what: str
) -> None:
    """Raise unless every entry of ``gradient`` is ``diff(loss, symbol)`` of the matching symbol."""
    ring = loss.ring
    for i in range(symbols.rows):
        for j in range(symbols.cols):
            if ring.from_expr(gradient[i, j]) != loss.diff(ring(symbols[i, j])):
                raise VerificationError(f"{what}: entry ({i + 1}, {j + 1}) differs from diff")


def _names(result: Collapse, y: sp.ImmutableMatrix) -> dict:
    """Every matrix-level name of the one-sample forms -> its explicit matrix."""
    net = result.network
    names: dict = {net.x_symbol: net.x, output_symbol(net.widths[-1]): result.output}
    names[target_symbol(net.widths)] = y
    names.update(zip(net.weight_symbols, net.weights, strict=True))
    names.update(zip(net.bias_symbols, net.biases, strict=True))
    hidden = activations(net.x, net.weights[:-1], net.biases[:-1])[1:]
    names.update((hidden_symbol(k, h.rows), h) for k, h in enumerate(hidden, start=1))
    return names


def _sample(letter: str, sample: int, rows: int) -> sp.Matrix:
    """A column of fresh symbols for one sample of the data-set check (never printed)."""
    return sp.Matrix(rows, 1, lambda i, _: sp.Symbol(f"{letter}_{sample}_{i + 1}"))


def _data_check(result: Collapse, forms: Sequence[sp.MatrixExpr]) -> None:
    """Check the data-set forms against ``diff`` of the summed loss of ``SAMPLES`` samples."""
    net = result.network
    d = net.widths
    xs = [_sample("xi", sample, d[0]) for sample in range(SAMPLES)]
    ys = [_sample("eta", sample, d[-1]) for sample in range(SAMPLES)]
    W_z = result.W_z
    ring = sp.polys.rings.PolyRing([*net.entries, *(s for v in xs + ys for s in v)], sp.QQ)
    loss = _squared_half([e for x, y in zip(xs, ys, strict=True) for e in W_z * x - y], ring)
    names: dict = dict(zip(net.weight_symbols, net.weights, strict=True))
    Sxx, Syx = correlations(d)
    names[Sxx] = sum((x * x.T for x in xs), sp.zeros(d[0]))
    names[Syx] = sum((y * x.T for x, y in zip(xs, ys, strict=True)), sp.zeros(d[-1], d[0]))
    names[collapsed_symbol(d)] = W_z
    for k, form in enumerate(forms):
        _check(_explicit(form, names, ring), loss, net.weights[k], f"data-set dL/dW_{k + 1}")


def gradients(
    widths: Sequence[object], *, max_terms: int = DEFAULT_GRADIENT_MAX_TERMS
) -> Gradients:
    """Derive and check ``dL/dW_k``, ``dL/db_k`` for the network with ``widths``.

    Raises :class:`SizeLimitError` when the expanded losses would have more than ``max_terms``
    monomials (estimated from the widths before anything is expanded).
    """
    shape = parse_widths(widths)
    terms = loss_terms(shape)
    if terms > check_limit(max_terms, "max_terms"):
        raise SizeLimitError(
            f"the squared losses of widths {' '.join(map(str, shape))} expand to up to {terms:,} "
            f"terms, above the limit of {max_terms:,}; raise max_terms",
            parameter="max_terms",
        )
    shown = " ".join(map(str, shape))
    check_seconds(gradient_seconds(shape), f"the gradients of widths {shown}", max_terms)
    check_size(shape, max_terms)
    result = collapse(shape, max_terms=max_terms)
    net = result.network
    y = sp.ImmutableMatrix(list(target_entries(shape[-1])))
    ring = sp.polys.rings.PolyRing([*net.entries, *y], sp.QQ)
    loss = _squared_half(list(result.output - y), ring)
    W_forms, b_forms, data_forms = matrix_forms(net)
    names = _names(result, y)
    W = tuple(_explicit(form, names, ring) for form in W_forms)
    b = tuple(_explicit(form, names, ring) for form in b_forms)
    for k in range(net.depth):
        _check(W[k], loss, net.weights[k], f"dL/dW_{k + 1}")
        _check(b[k], loss, net.biases[k], f"dL/db_{k + 1}")
    _data_check(result, data_forms)
    return Gradients(result, y, loss.as_expr(), W, b, W_forms, b_forms, data_forms)
