"""A user's plain Python forward function read as layers.

``def net(x): return W[3] @ relu(W[2] @ (W[1] @ x + b[1]) + b[2]) + b[3]`` is *called* twice with
its globals ``W``, ``b`` and the activations replaced by sympy objects: once on matrix symbols,
which reveals its layers, and once on explicit matrices, which
:func:`~symcollapse.verification.function.verify_function` compares with the layered network.
latexify-py typesets it for the document; it reads the source with ``inspect.getsource``, so the
function must live in a file (not be made by ``exec``).
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import latexify
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.network import Entry
from symcollapse.algebra.stage_rules import build_stages
from symcollapse.algebra.stages import Elementwise
from symcollapse.errors import SpecError
from symcollapse.spec.activations import activation
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.spec.kinds.base import leaves
from symcollapse.spec.kinds.registry import kind_of
from symcollapse.spec.layers import Dense, Layer, LayerSpec, Residual
from symcollapse.spec.usercode import raised
from symcollapse.spec.widths import parse_widths

#: Activation names a forward function may call (as globals), each applied entrywise.
FUNCTION_ACTIVATIONS = ("relu", "tanh", "sigmoid")


@dataclass(frozen=True)
class ForwardFunction:
    """A forward function read as layers: its ``name``, latexify-py's ``latex`` and its
    ``source`` for the document, what it computes on matrix symbols (``expr``), the layers that
    reads as (``spec``), and what it computes on explicit matrices (``explicit``, in the entry
    symbols of the layers); ``convention`` ``row`` when it was called on a row ``x`` with
    ``W[k]`` of ``d_{k-1}`` rows (``x @ W[1] + b[1]``), so ``explicit`` is a row."""

    name: str
    latex: str
    source: str
    expr: sp.MatrixBase | sp.MatrixExpr
    spec: LayerSpec
    explicit: sp.ImmutableMatrix
    convention: Convention = DEFAULT_CONVENTION


def read_function(
    function: Callable[..., object],
    widths: Sequence[object],
    convention: Convention = DEFAULT_CONVENTION,
) -> ForwardFunction:
    """The forward function of a network with ``widths`` d_0..d_n read as layers, written in
    ``convention`` (``W[1] @ x + b[1]``, or ``x @ W[1] + b[1]`` for ``row``); any failure (no
    source, an operation that is not a layer, a width that does not fit) is a
    :class:`SpecError` in one line."""
    if not callable(function) or not isinstance(function, types.FunctionType):
        raise SpecError(f"expected a Python function, got {function!r}")
    row = check_convention(convention) == "row"
    d = parse_widths(widths)
    try:
        latex = latexify.get_latex(function, reduce_assignments=True)
        source = inspect.getsource(function).strip()
    except Exception as error:  # latexify and inspect fail in many ways on odd sources
        raise SpecError(f"latexify cannot read {function.__name__}: {error}") from None
    x = symbols.matrix("x", 1, d[0]) if row else symbols.matrix("x", d[0])
    expr = _call(function, x, _symbols(d, row), "matrix symbols")
    layers = read_layers(expr, x, row)
    if _leaves(layers) != len(d) - 1:
        raise SpecError(
            f"{function.__name__} has {_leaves(layers)} weight matrices but {len(d)} widths"
        )
    spec = LayerSpec(d[0], tuple(layers))
    x0 = build_stages(spec).x
    explicit = _call(
        function, x0.T if row else x0, _explicit(spec.widths, row), "explicit matrices"
    )
    return ForwardFunction(
        function.__name__, latex, source, expr, spec, sp.ImmutableMatrix(explicit), convention
    )


def _call(
    function: Callable[..., object], x: object, names: dict[str, object], what: str
) -> sp.MatrixBase | sp.MatrixExpr:
    """Call ``function(x)`` with some globals replaced; any failure is the user's spec error."""
    if "W" not in function.__code__.co_names:
        raise SpecError("the forward function must use the global weights W[k] (and biases b[k])")
    scope = {**function.__globals__, **names}
    patched = types.FunctionType(
        function.__code__, scope, function.__name__, function.__defaults__, function.__closure__
    )
    try:
        value = patched(x)
    except Exception as error:  # the user's code: report it in one line
        raise SpecError(f"cannot evaluate {function.__name__} on {what}: {error}") from None
    except (SystemExit, KeyboardInterrupt) as error:  # sys.exit() in the user's code, too
        raise raised(error, f"calling {function.__name__} on {what}") from None
    if not isinstance(value, sp.MatrixBase | sp.MatrixExpr):
        raise SpecError(f"{function.__name__} must return a vector, got {value!r}")
    return value


def _bias_of(weight: sp.MatrixSymbol, row: bool) -> sp.MatrixSymbol | None:
    """``b_k`` for the weight symbol ``W_k`` (None for anything else); a row for ``row``."""
    role = symbols.role_of(weight)
    if role is None or role.role != "W":
        return None
    if row:
        return symbols.matrix("b", 1, weight.shape[1], role.sub)
    return symbols.matrix("b", weight.shape[0], 1, role.sub)


def _symbols(widths: tuple[int, ...], row: bool) -> dict[str, object]:
    def shape(k: int) -> tuple[int, int]:
        return (widths[k - 1], widths[k]) if row else (widths[k], widths[k - 1])

    W = {k: symbols.matrix("W", *shape(k), k) for k in range(1, len(widths))}
    b = {
        k: symbols.matrix("b", *((1, widths[k]) if row else (widths[k], 1)), k)
        for k in range(1, len(widths))
    }
    acts = {name: (lambda v, name=name: Elementwise(name, v)) for name in FUNCTION_ACTIVATIONS}
    return {"W": W, "b": b, **acts}


def _explicit(widths: tuple[int, ...], row: bool) -> dict[str, object]:
    """The layers' entry symbols as explicit matrices, transposed for ``row``."""

    def matrix(k: int) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(
            widths[k], widths[k - 1], lambda i, j: sp.Symbol(Entry("W", k, i, j).name)
        )

    def vector(k: int) -> sp.ImmutableMatrix:
        return sp.ImmutableMatrix(widths[k], 1, lambda i, _: sp.Symbol(Entry("b", k, i).name))

    def entrywise(name: str) -> Callable[[sp.MatrixBase], sp.ImmutableMatrix]:
        act = activation(name)
        return lambda v: sp.ImmutableMatrix(v).applyfunc(act)

    n = len(widths)
    acts = {name: entrywise(name) for name in FUNCTION_ACTIVATIONS}
    return {
        "W": {k: matrix(k).T if row else matrix(k) for k in range(1, n)},
        "b": {k: vector(k).T if row else vector(k) for k in range(1, n)},
        **acts,
    }


def _show(expr: sp.Basic) -> str:
    """An expression in an error message, as plain text."""
    return sp.sstr(expr)


def _leaves(layers: Sequence[Layer]) -> int:
    """Number of weight matrices ``W[k]`` the layers use (inside residual blocks too)."""
    return len(leaves(tuple(layers)))


def read_layers(
    expr: sp.MatrixExpr, x: sp.MatrixSymbol, row: bool = False
) -> list[Dense | Residual]:
    """Layers from ``W_k h + b_k``, ``act(...)`` and ``h + W_k h + b_k`` (a residual block)
    nested around ``x``, innermost first (``h W_k + b_k`` and ``h + h W_k + b_k`` for ``row``);
    ``k`` must count 1, 2, ... from the input."""
    if expr == x:
        return []
    if isinstance(expr, Elementwise):
        layers = read_layers(expr.arg, x, row)
        last = layers[-1] if layers else None
        if last is not None and last.inner:
            raise SpecError(
                f"an activation right after a residual block is not supported: {_show(expr)}"
            )
        if last is None or kind_of(last).nonlinear(last) is not None:
            raise SpecError(
                f"an activation must follow an affine map {_layer('k', row)}: {_show(expr)}"
            )
        units = int(expr.arg.shape[1 if row else 0])
        return [*layers[:-1], Dense(units, activation(expr.name))]
    if isinstance(expr, sp.MatAdd):
        terms = set(expr.args)
        for term in expr.args:
            if not (isinstance(term, sp.MatMul) and len(term.args) == 2):
                continue
            inner, weight = term.args if row else term.args[::-1]
            bias = _bias_of(weight, row)
            rest = terms - {term, bias}
            if bias not in terms or (rest and rest != set(sp.MatAdd.make_args(inner))):
                continue
            layers = read_layers(inner, x, row)
            k = _leaves(layers) + 1
            if str(weight) != f"W_{k}":
                got = f"h @ {weight} + {bias}" if row else f"{weight} @ h + {bias}"
                raise SpecError(f"layer {k} must be {_layer(k, row)}, got {got}")
            dense = Dense(int(weight.shape[1] if row else weight.shape[0]))
            return [*layers, Residual((dense,)) if rest else dense]
    raise SpecError(
        f"cannot read {expr} as layers {_layer('k', row)}, h + {_layer('k', row)}, activations"
    )


def _layer(k: object, row: bool) -> str:
    """How a layer is written in the code: ``W[k] @ h + b[k]``, or ``h @ W[k] + b[k]``."""
    return f"h @ W[{k}] + b[{k}]" if row else f"W[{k}] @ h + b[{k}]"
