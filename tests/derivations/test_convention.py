"""The row convention as a derivation: the transpose of the column one, with row-convention
matrices of their own (``W_k`` of ``d_{k-1}`` rows), products read from the input, and an
entry's indices in the row order; checked here against matrices multiplied independently."""

from __future__ import annotations

import random

import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.gradients import gradients
from symcollapse.algebra.numeric import collapse_values
from symcollapse.algebra.symbols import RoleMatrix, role_of
from symcollapse.derivations.convention import TRANSPOSED_WORDS, RowCollapse, in_convention
from symcollapse.derivations.dense import derive, derive_collapse
from symcollapse.derivations.endtoend import derive_arora
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.derivations.layers import derive_layers
from symcollapse.derivations.numeric import derive_values
from symcollapse.derivations.proof import prove
from symcollapse.errors import OptionError
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.values import random_values
from symcollapse.spec.widths import Spec
from symcollapse.verification.endtoend import verify_arora
from symcollapse.verification.layered import verify_layers

WIDTHS = [(2, 3, 3, 1), (3, 2), (1, 4, 1), (2, 2, 3, 2)]
LEVELS = ["brief", "standard", "full"]


def _steps(derivation):
    return [step for section in derivation.sections for step in section.steps]


def _row_matrix(entries, kind: str, layer: int) -> sp.Matrix:
    """The row document's matrix of ``kind`` at ``layer`` from its entry table alone."""
    cells = {(e.row, e.col): s for s, e in entries.items() if (e.kind, e.layer) == (kind, layer)}
    rows = 1 + max(r for r, _ in cells)
    cols = 1 + max(c for _, c in cells)
    return sp.Matrix(rows, cols, lambda r, c: cells[r, c])


@pytest.mark.parametrize("widths", WIDTHS)
def test_the_row_matrices_collapse_to_the_row_W_z_and_b_z(widths) -> None:
    """``x W_1 ... W_n`` with the row document's own entries, multiplied out here, equals
    ``x W_z + b_z`` with the W_z and b_z the row document carries."""
    derivation = derive(widths, detail="brief", convention="row")
    entries, n = derivation.symbols, len(widths) - 1
    assert isinstance(derivation.collapse, RowCollapse)
    weights = [_row_matrix(entries, "W", k) for k in range(1, n + 1)]
    assert [W.shape for W in weights] == [(widths[k - 1], widths[k]) for k in range(1, n + 1)]
    biases = [_row_matrix(entries, "b", k).T for k in range(1, n + 1)]  # stored as columns
    x = sp.Matrix([[sp.Symbol(f"x_{j + 1}") for j in range(widths[0])]])
    h = x
    for W, b in zip(weights, biases, strict=True):
        h = h * W + b
    W_z, b_z = derivation.collapse.W_z, derivation.collapse.b_z
    assert W_z.shape == (widths[0], widths[-1]) and b_z.shape == (1, widths[-1])
    assert (h - (x * W_z + b_z)).expand() == sp.zeros(1, widths[-1])


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("level", LEVELS)
def test_every_matrix_symbol_has_the_row_shape(level, widths) -> None:
    """``W_k`` is ``d_{k-1} x d_k``, ``x`` and ``b_k`` are rows, in every step."""
    d = widths
    for step in _steps(derive(widths, detail=level, convention="row")):
        for side in (step.lhs, step.rhs):
            for symbol in side.atoms(RoleMatrix) if isinstance(side, sp.Basic) else ():
                role = role_of(symbol)
                if role.role == "W" and role.sub and role.sub[0].is_Integer:
                    k = int(role.sub[0])
                    assert symbol.shape == (d[k - 1], d[k])
                elif role.role in ("x", "b", "b_z", "f", "h") and symbol.shape[0].is_Integer:
                    assert symbol.shape[0] == 1, symbol


@pytest.mark.parametrize("widths", WIDTHS)
def test_W_z_is_the_product_from_the_input(widths) -> None:
    """``W_z := W_1 W_2 ... W_n``: the layers in the order the input meets them."""
    (defined,) = [
        s
        for s in _steps(derive(widths, detail="brief", convention="row"))
        if s.relation == ":=" and getattr(role_of(s.lhs), "role", None) == "W_z"  # a_j: no role
    ]
    factors = defined.rhs.args if isinstance(defined.rhs, sp.MatMul) else (defined.rhs,)
    assert [int(role_of(f).sub[0]) for f in factors] == list(range(1, len(widths)))


def test_the_column_convention_is_the_derivation_itself() -> None:
    result = collapse(Spec((2, 3, 1)))
    column = derive_collapse(result, "brief")
    assert in_convention(column, "column") is column
    assert column.convention == "column"
    assert derive_collapse(result, "brief", "row").convention == "row"


@pytest.mark.parametrize("widths", [(2, 3, 1), (3, 2, 2)])
@pytest.mark.parametrize("level", LEVELS)
def test_numbers_in_the_row_convention_are_the_transposed_numbers(level, widths) -> None:
    numeric = collapse_values(random_values(widths, 5))
    row = derive_values(numeric, level, convention="row")
    assert row.collapse.W_z == numeric.W_z.T and row.collapse.b_z == numeric.b_z.T
    first = row.sections[0].steps[0]  # W_1 with its numbers, transposed
    assert first.rhs == numeric.values.weights[0].T


@pytest.mark.parametrize("convention", ["rows", "", None, "ROW"])
def test_another_convention_is_refused(convention) -> None:
    with pytest.raises(OptionError, match="convention must be one of column, row"):
        derive((2, 1), convention=convention)


@pytest.mark.parametrize("widths", [(2, 3, 1), (2, 2, 2), (1, 2, 2, 1)])
def test_row_gradients_are_the_derivatives_of_the_row_loss(widths) -> None:
    """Every entry's gradient in the row document equals the derivative, taken here, of the
    loss of ``x W_1 ... W_n`` built from the row document's own entries."""
    result = gradients(widths)
    derivation = derive_gradients(result, "full", "row")
    entries, n = derivation.symbols, len(widths) - 1
    h = sp.Matrix([[sp.Symbol(f"x_{j + 1}") for j in range(widths[0])]])
    for k in range(1, n + 1):
        h = h * _row_matrix(entries, "W", k) + _row_matrix(entries, "b", k).T
    error = h - result.y.T
    loss = (error * error.T)[0, 0] / 2
    checked = set()
    for step in _steps(derivation):
        variables = step.lhs.variables if isinstance(step.lhs, sp.Derivative) else ()
        if len(variables) == 1 and variables[0] in entries:  # dL/dw^{(k)}_{ij}, an entry
            (variable,) = variables
            assert sp.expand(sp.diff(loss, variable) - step.rhs) == 0, variable
            checked.add(variable)
    assert checked == {s for s, e in entries.items() if e.kind in ("W", "b")}


@pytest.mark.parametrize("seed", [0, 1])
def test_the_row_flow_of_each_layer_is_minus_its_gradient(seed) -> None:
    """Arora et al.'s chain rule in the row form (W_e := W_1 W_2 W_3): each layer's velocity, at
    explicit matrices, is minus the derivative, taken here, of 1/2 |W_1 W_2 W_3 - T|^2."""
    rng = random.Random(seed)
    derivation = derive_arora(verify_arora(3, []), "row")
    (defined, *flows) = derivation.sections[0].steps[:4]
    assert defined.rhs.args == tuple(sorted(defined.rhs.args, key=lambda m: role_of(m).sub))
    layers = {k: sp.Matrix(3, 3, lambda i, j, k=k: sp.Symbol(f"w{k}_{i}{j}")) for k in (1, 2, 3)}
    target = sp.Matrix(3, 3, lambda i, j: rng.randint(-5, 5))
    W_e = layers[1] * layers[2] * layers[3]
    loss = sum(v**2 for v in W_e - target) / 2
    point = {s: rng.randint(-3, 3) for W in layers.values() for s in W}
    for step in flows:
        W = step.lhs.expr
        values = {
            m: layers[int(role_of(m).sub[0])]
            for m in step.rhs.atoms(RoleMatrix)
            if role_of(m).role == "W"
        }
        values |= {m: W_e - target for m in step.rhs.atoms(RoleMatrix) if role_of(m).role == "G"}
        velocity = sp.Matrix(step.rhs.xreplace(values).doit()).xreplace(point)
        layer = layers[int(role_of(W).sub[0])]
        gradient = layer.applyfunc(lambda s: sp.diff(loss, s)).xreplace(point)
        assert velocity == -gradient


@pytest.mark.parametrize("widths", [(2, 3, 1, 2), (1, 2, 2, 3)])
def test_the_row_proof_unrolls_to_the_row_collapse(widths) -> None:
    """Each unrolled line of the row proof (``W_z^{(3)} = W_1 W_2 W_3``, ``b_z^{(3)} = ...``),
    at explicit matrices of the widths, equals the row network run layer by layer here."""
    rng = random.Random(sum(widths))
    proof = prove(convention="row").derivation
    unrolled = [
        s for section in proof.sections for s in section.steps if "unrolled" in str(s.reason)
    ]
    assert len(unrolled) >= 4
    d = {sp.Symbol(f"d_{k}"): w for k, w in enumerate(widths)}
    for step in unrolled:
        values = {}
        for m in step.rhs.atoms(RoleMatrix):
            rows, cols = (int(sp.sympify(str(n)).xreplace(d)) for n in m.shape)
            values[m] = sp.Matrix(rows, cols, lambda i, j: rng.randint(-4, 4))
        x = sp.Matrix([[rng.randint(-4, 4) for _ in range(widths[0])]])
        layers = sorted((int(role_of(m).sub[0]), role_of(m).role, v) for m, v in values.items())
        h, depth = x, max(k for k, _, _ in layers)
        W = {k: v for k, role, v in layers if role == "W"}
        b = {k: v for k, role, v in layers if role == "b"}
        if role_of(step.lhs).role == "W_z":  # x W_z^{(n)}: the layers without biases
            for k in range(1, depth + 1):
                h = h * W[k]
            assert x * step.rhs.xreplace(values).doit() == h
        else:  # b_z^{(n)}: the layers run on the zero input (layer 1 gives b_1)
            h = b[1]
            for k in range(2, depth + 1):
                h = h * W[k] + b[k]
            assert sp.Matrix(step.rhs.xreplace(values).doit()) == h


def _words(derivation) -> str:
    parts = [*derivation.title, *getattr(derivation, "theorem", ())]
    for section in derivation.sections:
        parts += [*section.title, *section.intro]
        for step in section.steps:
            parts += step.reason
    return "".join(p for p in parts if isinstance(p, str))


def test_every_transposed_phrase_is_met() -> None:
    """Each phrase the row form rewrites (a side, a shape, a column-form paper cited) is still
    written by some column document: a reworded column phrase would leave its row document
    citing the column form untransposed."""
    numeric = collapse_values(random_values((2, 3, 1), 5))
    documents = [
        derive((2, 3, 1), detail="full", convention="row"),
        derive_values(numeric, "full", convention="row"),
        derive_gradients(gradients((2, 3, 1)), "standard", "row"),
        derive_arora(verify_arora(3, []), "row"),
        prove(convention="row").derivation,
    ]
    text = " ".join(map(_words, documents))
    for column, row in TRANSPOSED_WORDS.items():
        assert row in text, column
    assert " columns and " in text  # d_k columns and d_{k-1} rows


RELU = [
    "2 > dense 3 relu > dense 2 relu > dense 1",
    "3 > dense 2 relu > dense 2",
    "1 > dense 3 leaky_relu(0.25) > dense 2",
]


def _named(steps) -> dict[str, sp.Matrix]:
    """The explicit matrices a section's rows give their names (the last one wins)."""
    return {
        str(s.lhs): sp.Matrix(s.rhs)
        for s in steps
        if isinstance(s.lhs, RoleMatrix) and isinstance(s.rhs, sp.MatrixBase)
    }


def _run(x, weights, biases, slopes):
    """``h -> act(h A_k + a_k)`` layer by layer, ``act`` the unit's slope where negative."""
    h = x
    for k, (A, a) in enumerate(zip(weights, biases, strict=True)):
        h = h * A + a
        if k < len(slopes):
            h = h.applyfunc(lambda z, k=k: z if z >= 0 else slopes[k] * z)
    return h


def _row_relu(text: str):
    spec = parse_layers(text)
    return spec, derive_layers(verify_layers(analyse(spec)), "row")


@pytest.mark.parametrize("text", RELU)
def test_the_row_piecewise_entries_are_the_row_network_with_masks(text) -> None:
    """Each entry of ``W_z(D)`` and ``b_z(D)`` the row document states equals, as a polynomial,
    the entry of ``(\\cdots((x W_1 + b_1) D_1) W_2 \\cdots) W_n + b_n`` run here from its own
    entry table (``W_k`` of ``d_{k-1}`` rows, ``D_k`` the diagonal of its deltas)."""
    spec, derivation = _row_relu(text)
    entries, n = derivation.symbols, len(spec.widths) - 1
    x = sp.Matrix([[sp.Symbol(f"x_{j + 1}") for j in range(spec.widths[0])]])
    h = x
    for k in range(1, n + 1):
        h = h * _row_matrix(entries, "W", k) + _row_matrix(entries, "b", k).T
        if k < n:
            h = h * sp.diag(*_row_matrix(entries, "delta", k))
    h = h.expand()
    (section,) = [s for s in derivation.sections if s.title == ("Piecewise collapse",)]
    entry = {s.lhs: s.rhs for s in section.steps if isinstance(s.lhs, MatrixElement)}
    W_z, b_z = (  # the explicit matrices, each entry inline or on a row of its own
        _named(section.steps)[name].applyfunc(lambda e: entry.get(e, e))
        for name in ("W_z(D)", "b_z(D)")
    )
    assert W_z.shape == (spec.widths[0], spec.widths[-1]) and b_z.shape == (1, spec.widths[-1])
    assert (x * W_z + b_z - h).expand() == sp.zeros(1, spec.widths[-1])


@pytest.mark.parametrize("text", RELU)
def test_the_row_point_and_certificate_are_the_row_network_run(text) -> None:
    """At the point: ``z_k`` are the pre-activations of the row network as functions of ``x``,
    ``W_z(D) = A_1 D_1 \\cdots A_n``, and ``x W_z(D) + b_z(D)`` is the network run layer by layer;
    the certificate's ``f(u + v) + f(0)`` and ``f(u) + f(v)`` are the network run on its rows."""
    spec, derivation = _row_relu(text)
    n = len(spec.widths) - 1
    slope = [sp.Rational(1, 4) if "leaky" in text else 0] * (n - 1)
    point, certificate = derivation.sections[-2:]
    named = _named(point.steps)
    A = [named[f"A_{k}"] for k in range(1, n + 1)]
    a = [named[f"a_{k}"] for k in range(1, n + 1)]
    D = [named[f"D_{k}"] for k in range(1, n)]
    x = sp.Matrix([[sp.Symbol(f"x_{j + 1}") for j in range(spec.widths[0])]])
    h = x
    for k in range(n - 1):
        h = h * A[k] + a[k]
        assert (h - named[f"z_{k + 1}"]).expand() == sp.zeros(*h.shape)
        h = h * D[k]
    W_z = sp.Matrix(A[0])
    for k in range(n - 1):
        W_z = W_z * D[k] * A[k + 1]
    assert W_z == named["W_z(D)"]
    value = point.steps[-1].rhs if point.steps[-1].lhs.is_Matrix else point.steps[-2].rhs
    x0 = named["x"]
    assert x0.shape == (1, spec.widths[0])
    assert _run(x0, A, a, slope) == sp.Matrix(value) == x0 * W_z + named["b_z(D)"]
    given = _named(certificate.steps)
    A = [given[f"A_{k}"] for k in range(1, n + 1)]
    a = [given[f"a_{k}"] for k in range(1, n + 1)]
    u, v = given["u"], given["v"]
    f = lambda point: _run(point, A, a, slope)  # noqa: E731
    left, right = certificate.steps[-2:]
    assert f(u + v) + f(sp.zeros(*u.shape)) == sp.Matrix(left.rhs)
    assert f(u) + f(v) == sp.Matrix(right.rhs) != sp.Matrix(left.rhs)
