"""A user's plain Python forward function as a layered network.

``def net(x): return W[3] @ relu(W[2] @ (W[1] @ x + b[1]) + b[2]) + b[3]`` is rendered with
latexify-py for the derivation's first line, then *called* twice with its globals ``W``, ``b``
and the activations replaced by sympy objects: once on matrix symbols, which reveals its layers,
and once on explicit matrices, which is checked against the layered network at random exact
points. latexify reads the source with ``inspect.getsource``, so the function must live in a
file (not be made by ``exec``).
"""

from __future__ import annotations

import inspect
import random
import types
from collections.abc import Callable, Mapping, Sequence

import latexify
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.analysis import analyse, random_parameters, random_point
from symcollapse.algebra.expressions import vanishes
from symcollapse.algebra.network import Entry
from symcollapse.algebra.stage_rules import build_stages
from symcollapse.algebra.stages import Elementwise
from symcollapse.derivations.layers import derive_layers
from symcollapse.doc.model import Derivation, Section, Step
from symcollapse.doc.prose import Code
from symcollapse.errors import SpecError, VerificationError
from symcollapse.spec.activations import activation
from symcollapse.spec.layers import Dense, Layer, LayerSpec, Residual
from symcollapse.spec.limits import DEFAULT_LAYERED_MAX_TERMS
from symcollapse.spec.usercode import raised
from symcollapse.spec.widths import parse_widths
from symcollapse.verification.layered import verify_layers

#: Activation names a forward function may call (as globals), each applied entrywise.
FUNCTION_ACTIVATIONS = ("relu", "tanh", "sigmoid")


class PythonSource(sp.Basic):
    """The user's function: latexify's LaTeX for math printers, its source for plain text."""

    def __new__(cls, latex: str | sp.Symbol, source: str | sp.Symbol) -> PythonSource:
        def as_symbol(value: str | sp.Symbol) -> sp.Symbol:
            return value if isinstance(value, sp.Symbol) else sp.Symbol(value)

        return sp.Basic.__new__(cls, as_symbol(latex), as_symbol(source))

    @property
    def latex(self) -> str:
        return self.args[0].name

    @property
    def source(self) -> str:
        return self.args[1].name


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


def _bias_of(weight: sp.MatrixSymbol) -> sp.MatrixSymbol | None:
    """``b_k`` for the weight symbol ``W_k`` (None for anything else)."""
    role = symbols.role_of(weight)
    if role is None or role.role != "W":
        return None
    return symbols.matrix("b", weight.shape[0], 1, role.sub)


def _symbols(widths: tuple[int, ...]) -> dict[str, object]:
    W = {k: symbols.matrix("W", widths[k], widths[k - 1], k) for k in range(1, len(widths))}
    b = {k: symbols.matrix("b", widths[k], 1, k) for k in range(1, len(widths))}
    acts = {name: (lambda v, name=name: Elementwise(name, v)) for name in FUNCTION_ACTIVATIONS}
    return {"W": W, "b": b, **acts}


def _explicit(widths: tuple[int, ...]) -> dict[str, object]:
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
        "W": {k: matrix(k) for k in range(1, n)},
        "b": {k: vector(k) for k in range(1, n)},
        **acts,
    }


def _show(expr: sp.Basic) -> str:
    """An expression in an error message, as plain text."""
    return sp.sstr(expr)


def _leaves(layers: Sequence[Layer]) -> int:
    """Number of weight matrices ``W[k]`` the layers use (inside residual blocks too)."""
    return sum(_leaves(x.layers) if isinstance(x, Residual) else 1 for x in layers)


def read_layers(expr: sp.MatrixExpr, x: sp.MatrixSymbol) -> list[Dense | Residual]:
    """Layers from ``W_k h + b_k``, ``act(...)`` and ``h + W_k h + b_k`` (a residual block)
    nested around ``x``, innermost first; ``k`` must count 1, 2, ... from the input."""
    if expr == x:
        return []
    if isinstance(expr, Elementwise):
        layers = read_layers(expr.arg, x)
        last = layers[-1] if layers else None
        if isinstance(last, Residual):
            raise SpecError(
                f"an activation right after a residual block is not supported: {_show(expr)}"
            )
        if last is None or last.activation.name != "identity":
            raise SpecError(
                f"an activation must follow an affine map W[k] @ h + b[k]: {_show(expr)}"
            )
        return [*layers[:-1], Dense(last.units, activation(expr.name))]
    if isinstance(expr, sp.MatAdd):
        terms = set(expr.args)
        for term in expr.args:
            if not (isinstance(term, sp.MatMul) and len(term.args) == 2):
                continue
            weight, inner = term.args
            bias = _bias_of(weight)
            rest = terms - {term, bias}
            if bias not in terms or (rest and rest != set(sp.MatAdd.make_args(inner))):
                continue
            layers = read_layers(inner, x)
            k = _leaves(layers) + 1
            if str(weight) != f"W_{k}":
                raise SpecError(f"layer {k} must be W[{k}] @ h + b[{k}], got {weight} @ h + {bias}")
            dense = Dense(int(weight.shape[0]))
            return [*layers, Residual((dense,)) if rest else dense]
    raise SpecError(
        f"cannot read {expr} as layers W[k] @ h + b[k], h + W[k] @ h + b[k], activations"
    )


def derive_function(
    function: Callable[..., object],
    widths: Sequence[object],
    *,
    max_terms: int = DEFAULT_LAYERED_MAX_TERMS,
    seed: int = 0,
    parameters: Mapping[str, object] | None = None,
    point: Sequence[object] | None = None,
) -> Derivation:
    """The derivation for a Python forward function of a network with ``widths`` d_0..d_n.

    ``parameters`` and ``point`` go on to :func:`~symcollapse.verification.layered.verify_layers`.
    """
    if not callable(function) or not isinstance(function, types.FunctionType):
        raise SpecError(f"expected a Python function, got {function!r}")
    d = parse_widths(widths)
    try:
        latex = latexify.get_latex(function, reduce_assignments=True)
        source = inspect.getsource(function).strip()
    except Exception as error:  # latexify and inspect fail in many ways on odd sources
        raise SpecError(f"latexify cannot read {function.__name__}: {error}") from None
    x = symbols.matrix("x", d[0])
    expr = _call(function, x, _symbols(d), "matrix symbols")
    layers = read_layers(expr, x)
    if _leaves(layers) != len(d) - 1:
        raise SpecError(
            f"{function.__name__} has {_leaves(layers)} weight matrices but {len(d)} widths"
        )
    spec = LayerSpec(d[0], tuple(layers))
    checked = verify_layers(
        analyse(spec, max_terms=max_terms),
        max_terms=max_terms,
        seed=seed,
        parameters=parameters,
        point=point,
    )
    derivation = derive_layers(checked)
    _check(function, spec, seed)
    first = Section(
        title=("The forward function",),
        intro=(
            "The Python function ",
            Code(function.__name__),
            ", typeset by latexify-py, and what it computes when called on sympy matrices "
            "(checked against the layers below at random exact points).",
        ),
        steps=(Step(PythonSource(latex, source), expr, ("called on sympy matrices",)),),
    )
    return Derivation(
        title=(Code(function.__name__), ": ", *derivation.title),
        sections=(first, *derivation.sections),
        symbols=derivation.symbols,
    )


def _check(function: Callable[..., object], spec: LayerSpec, seed: int, points: int = 3) -> None:
    """The function on explicit matrices equals the layered network at random exact points."""
    stages = build_stages(spec)
    explicit = _call(function, stages.x, _explicit(spec.widths), "explicit matrices")
    rng = random.Random(seed)
    for trial in range(points):
        values = random_parameters(stages.entries, seed + trial)
        values |= dict(zip(stages.x, random_point(spec.input_width, rng), strict=True))
        mine = stages.forward().xreplace(values)
        theirs = sp.ImmutableMatrix(explicit).xreplace(values)
        if not vanishes(mine - theirs):
            raise VerificationError("the function and its layers disagree at a random point")
