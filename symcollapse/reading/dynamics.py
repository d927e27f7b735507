"""Meaning of a learning-dynamics document (``symcollapse dynamics saxe`` and ``arora``): which
rows are given and which follow, and the check of those that follow.

Given, reported unchecked and never counted: rows whose reason cites a paper ("(Saxe et al.
2014, eq. 3)": an assumption such as a decomposition or a decoupled start), the learning rule
``tau dW/dt = -dL/dW`` ("given: gradient flow"), and rows it says are numeric (measured). A
row that follows from others is checked with sympy:

- a row continuing ``-dL/dW_1`` is that derivative of the stated loss (``L := ½‖Σ - W_2
  W_1‖²``, the Frobenius norm, or JSON's trace), at matrices of symbols of widths 2, 3, 4;
- a row "from eq. 2 at the decoupled start" (``tau da/dt = (s - a b) b``) is the layer's flow
  with the stated decompositions ``A D B^T`` put in (outer factors orthogonal, the middle one
  diagonal, holding the strength its subscript names or the one constant left), at exact
  orthogonal matrices (Cayley transforms) of sizes 2 and 3: checked at those instances;
- a row "at ``a(t) = b(t)``" or "the chain rule on the rows above" is the flow of the
  function the nearest definition above defines (``u(t) := a(t) b(t)``, ``u(t) :=
  a(t)^{N_l - 1}`` for every ``N_l``: powers of positive symbols) with the nearest flows of
  what it names put in;
- a closed form ``u(t) = ...`` solves the nearest differential equation above it
  (differentiated in ``t`` and compared, and at ``t = 0`` it is ``u_0``); a row ``t = ...``
  inverts the closed form (substituted);
- the gradient flow of a layer is the chain rule on the end-to-end matrix (2 by 2 symbolic
  layers); the product rule and a substitution of stated rows are compared as non-commuting
  products at the document's ``N``; a sum in reverse order is compared term by term;
- ``d/dt C_j = 0`` for an imbalance ``C_j := W_{j+1}^T W_{j+1} - W_j W_j^T`` is the product
  rule with the layers' stated flows (non-commuting); a fractional power ``P_j P_j^T = (W_e
  W_e^T)^{p/q}`` holds at each ``j`` when the ``q``-th power of its left side and the ``p``-th of
  the base are one word of layers modulo the stated balancedness (Gram matrices: positive
  semidefinite, whose roots are unique).
"""

from __future__ import annotations

import functools
import operator
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass, replace
from typing import Any

import sympy as sp
from sympy.matrices.exceptions import ShapeError

from symcollapse.errors import DocumentError
from symcollapse.reading.meaning import Verdict
from symcollapse.reading.nodes import (
    Apply,
    Derivative,
    Document,
    IndexSum,
    Name,
    Negative,
    Node,
    Norm,
    Number,
    Power,
    Product,
    Quotient,
    RealPower,
    Row,
    Sum,
    Transpose,
    nodes_of,
    walk,
)

_CITED = re.compile(r"([A-Z][a-z]+ et al\. \d{4}(?:, [^;)]*)?)")
_AT = re.compile(r"at (\\?[A-Za-z]+(?:_\{?\w+\}?)?) = (\d+)")  # N = 3, \Omega = 3
_AT_EQUAL = re.compile(r"at ([a-z]) ?\(t\) = ([a-z]) ?\(t\)")
_AFTER_BEFORE = re.compile(
    r"\\?([A-Za-z]+)_[{(]?([a-z])[})]?[$`]* is the product of the layers after layer [$`]*\2[$`]* "
    r"and [$`]*\\?([A-Za-z]+)_[{(]?\2[})]?[$`]* that of the layers before it"
)
#: Rows checked by what their reason says they are.
#: How each kind of row was checked, as the verdict's notes say it.
_HOW = {
    "closed form": "differentiated in t with sympy and compared with the equation above; "
    "its value at t = 0 is the start",
    "inversion": "the closed form substituted for the final value gives t",
    "specialisation": "the definition above substituted at the stated case, with the flows of "
    "the strengths it names (the product rule)",
    "chain rule": "minus the loss's gradient by that layer, 2 by 2 symbolic layers",
    "product rule": "the product rule on the layers' flows, as non-commuting products",
    "substitution": "the row above with the stated powers substituted",
    "reverse order": "the same terms as the row above, summed in the other order",
    "power": "its q-th power against the base's p-th, words of layers rewritten by the stated "
    "balancedness (positive semidefinite roots are unique), at each j",
    "balance kept": "differentiated with the layers' flows above, as non-commuting products",
    "loss gradient": "minus the derivative of the stated loss by every entry of the layer, "
    "at matrices of symbols of widths 2, 3 and 4",
    "decoupled start": "the stated decoupled start put into the layer's flow above, at exact "
    "orthogonal matrices (Cayley transforms) of sizes 2 and 3 and diagonal ones of symbols",
    "definition substituted": "the definition above substituted, with the flows of the "
    "strengths it names (the chain rule)",
}
#: The words' product of two functions of time: ``$u(t) = a(t) b(t)$`` (JSON: ``a(t)*b(t)``).
_PRODUCT = re.compile(r"([a-z]) ?\(t\) *= *([a-z]) ?\(t\) *\*? *([a-z]) ?\(t\)")
_CHECKS = {
    "at the decoupled start": "decoupled start",
    "chain rule on the rows above": "definition substituted",
    "reverse order": "reverse order",
    "by the flows of the layers": "balance kept",
    "from the balanced layers": "power",
    "gradient flow on layer": "chain rule",
    "product rule": "product rule",
    "substituted": "substitution",
}
#: Functions by the name each format prints (LaTeX, HTML's MathML, JSON).
_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    **dict.fromkeys((r"\log", r"\ln", r"\operatorname{log}", "log"), sp.log),
    **dict.fromkeys((r"\exp", r"\operatorname{exp}", "exp"), sp.exp),
}
#: The deepest product of layers checked (``symcollapse dynamics arora --depth`` stops at 6).
MAX_DEPTH = 8
#: Samples of a numeric comparison, and how close (relative) at 40 digits.
_SAMPLES, _CLOSE = 3, sp.Float("1e-25", 40)


def is_dynamics(document: Document) -> bool:
    """Whether ``document`` shows a derivative in time (``\\frac{d}{d t} W_{1}``)."""
    time = _time(document)
    return any(isinstance(node, Derivative) and node.by == time for node in document.nodes())


def whole_powers(document: Document) -> None:
    """Refuses a power that is not a whole number (``x^{\\frac{1}{2}}``) outside a dynamics
    document: the other meanings evaluate matrices, where it has no one meaning."""
    for row in document.rows:
        for side in (row.lhs, row.rhs):
            if side is not None and any(isinstance(n, RealPower) for n in walk(side)):
                raise DocumentError(f"cannot read {row.where}: a power that is not whole")


def _reason(row: Row) -> str:
    """The row's reason as words: ``\\text{...}``, ``$`` and soft hyphens dropped."""
    text = re.sub(r"\\text\{([^{}]*)\}", r"\1", row.reason).replace("$", "").replace("\\-", "-")
    return " ".join(text.split())


class Unstated(Exception):
    """A row that would follow from something the document does not state (a LaTeX fragment
    has no words: ``u(t) = a(t) b(t)``, ``P_j``): shown, not checked, with what is missing."""


class Dynamics:
    """Checks the rows of a dynamics ``document`` that follow from others (see the module)."""

    def __init__(self, document: Document, seed: int = 0) -> None:
        self.document = _timed(document)
        self.rng = random.Random(seed)
        self.unchecked: list[tuple[str, str]] = list(document.unchecked)
        self.notes: list[str] = []
        self.symbols: dict[str, sp.Symbol] = {}

    def check(self) -> Verdict:
        """Every row: given ones reported, the others checked; stops at the first false one."""
        checked = definitions = 0
        rows = self.document.rows
        order = sorted(range(len(rows)), key=lambda i: _is_inversion(rows[i]))
        for i in order:  # a closed form before the inversion that relies on it
            row = rows[i]
            reason = _reason(row)
            previous = rows[i - 1] if i and row.lhs is None else None
            how = self._how(row, reason, previous)
            if how is None:
                continue
            if how == "definition":
                definitions += 1
                checked += 1
                continue
            try:
                wrong = self._check(row, how, previous, rows[:i], rows[i + 1 :])
            except Unstated as error:  # follows from what the document does not state
                self.unchecked.append((row.where, str(error)))
                continue
            except (ArithmeticError, ValueError, TypeError, LookupError) as error:  # hostile rows
                raise DocumentError(f"cannot check {row.where}: {error}") from None
            if wrong:
                return self._verdict(checked, definitions, f"{row.where} is false: {wrong}")
            self.notes.append(f"{row.where}: {_HOW[how]}")
            checked += 1
        return self._verdict(checked, definitions, None)

    def _verdict(self, checked: int, definitions: int, false: str | None) -> Verdict:
        if not checked and false is None:
            raise DocumentError("a dynamics document with no row that follows from others")
        return Verdict(checked, definitions, tuple(self.unchecked), false, notes=tuple(self.notes))

    def _how(self, row: Row, reason: str, previous: Row | None) -> str | None:
        """How ``row`` is checked, or None when it is given (then recorded as unchecked)."""
        if row.relation == ":=":
            return "definition"
        if "numeric" in reason and "reverse order" not in reason:
            self.unchecked.append((row.where, "measured, not checked"))
            return None
        if _descends(row.rhs):  # tau dW/dt = -dL/dW: the learning rule, assumed
            self.unchecked.append((row.where, "given: gradient flow"))
            return None
        if row.lhs is None and previous is not None and _derivatives_of_loss(previous.rhs):
            return "loss gradient"
        for words, how in _CHECKS.items():
            if words in reason:
                return how
        if _AT_EQUAL.search(reason):
            return "specialisation"
        if isinstance(row.lhs, Apply) and _time_function(row.lhs):
            return "closed form"
        if row.lhs == Name("t"):
            return "inversion"
        cited = _CITED.search(reason)
        if cited:
            self.unchecked.append((row.where, f"cited: {cited[1]}"))
            return None
        raise DocumentError(f"cannot tell how {row.where} follows: {reason or 'no reason'}")

    def _check(
        self,
        row: Row,
        how: str,
        previous: Row | None,
        before: tuple[Row, ...],
        after: tuple[Row, ...],
    ) -> str:
        """What is wrong with ``row`` checked as ``how`` ("" if it holds), from the rows
        ``before`` and ``after`` it."""
        others = before + after
        if how == "closed form":
            return self._closed_form(row, before)
        if how == "inversion":
            return self._inversion(row, others)
        if how == "specialisation":
            return self._specialisation(row, before)
        if how == "definition substituted":
            return self._substituted(row, before, None)
        if how == "loss gradient":
            assert previous is not None  # by _how
            return _Setting(self, self.document.rows).gradient(row, previous)
        if how == "decoupled start":
            return _Setting(self, self.document.rows).decoupled(row)
        return _matrices(self, row, how, previous, before)

    # scalars ------------------------------------------------------------------------------

    def scalar(self, node: Node) -> sp.Expr:
        """``node`` as a sympy expression of positive symbols and functions of ``t``."""
        if isinstance(node, Number):
            return sp.Rational(node.value)
        if isinstance(node, Name):
            if node == Name("e"):
                return sp.E
            key = node.key
            if key not in self.symbols:
                self.symbols[key] = sp.Symbol(key, positive=True)
            return self.symbols[key]
        if isinstance(node, Apply):
            if node.function.base in _FUNCTIONS:
                return _FUNCTIONS[node.function.base](self.scalar(node.argument))
            return sp.Function(node.function.key)(self.scalar(node.argument))
        if isinstance(node, Sum):
            return sp.Add(*(self.scalar(t) for t in node.terms))
        if isinstance(node, Product):
            return sp.Mul(*(self.scalar(f) for f in node.factors))
        if isinstance(node, Negative):
            return -self.scalar(node.operand)
        if isinstance(node, Quotient):
            return self.scalar(node.numerator) / self.scalar(node.denominator)
        if isinstance(node, Power):
            return self.scalar(node.base) ** node.exponent
        if isinstance(node, RealPower):
            return self.scalar(node.base) ** self.scalar(node.exponent)
        if isinstance(node, Derivative):
            return sp.diff(self.scalar(node.of), self.scalar(node.by))
        raise DocumentError(f"cannot read {type(node).__name__} in a scalar row")

    def _closed_form(self, row: Row, above: tuple[Row, ...]) -> str:
        """``u(t) = C(t)`` against the nearest equation of ``u``'s derivative above it."""
        function = self.scalar(row.lhs)  # type: ignore[arg-type]
        closed = self.scalar(row.rhs)
        odes = [
            r for r in above if r.lhs is not None and _derivative_of(self.scalar(r.lhs), function)
        ]
        if not odes:
            raise DocumentError(f"{row.where}: a closed form with no equation of its derivative")
        ode = odes[-1]
        t = self.symbols["t"]
        lhs = self.scalar(ode.lhs).subs(function, closed).doit()  # type: ignore[arg-type]
        rhs = self.scalar(ode.rhs).subs(function, closed)
        if not self._zero(lhs - rhs):
            return f"it does not solve {ode.where}"
        start = self.scalar(Name(str(function.func), "0"))
        if not self._zero(closed.subs(t, 0) - start):
            return f"at t = 0 it is not {start}"
        return ""

    def _inversion(self, row: Row, others: tuple[Row, ...]) -> str:
        """``t = T(u_f)`` with ``u_f`` the closed form at ``t``: ``T`` must be ``t``."""
        forms = [
            r
            for r in others
            if isinstance(r.lhs, Apply) and _time_function(r.lhs) and r.relation != ":="
        ]
        if not forms:
            raise DocumentError(f"{row.where}: a time with no closed form to invert")
        inverse = self.scalar(row.rhs)
        final = self.scalar(Name(forms[0].lhs.function.base, "f"))  # type: ignore[union-attr]
        if not self._zero(inverse.subs(final, self.scalar(forms[0].rhs)) - self.symbols["t"]):
            return f"it does not invert {forms[0].where}"
        return ""

    def _specialisation(self, row: Row, before: tuple[Row, ...]) -> str:
        """A row "at a(t) = b(t)" from the rows of ``a`` and ``b`` above and the definition
        ``u(t) = a(t) b(t)``."""
        at_equal = _AT_EQUAL.search(_reason(row))
        assert at_equal is not None  # by _how
        return self._substituted(row, before, (at_equal[1], at_equal[2]))

    def _substituted(self, row: Row, before: tuple[Row, ...], equal: tuple[str, str] | None) -> str:
        """``row``, the flow of a function ``u(t)`` of others, from the nearest definition of
        ``u`` above (``u(t) := a(t) b(t)``; else the words' ``u(t) = a(t) b(t)``) and the
        nearest flows above of the functions it names, the two of ``equal`` set equal."""
        time = self.symbols.setdefault("t", sp.Symbol("t", positive=True))
        lhs, rhs = self.scalar(row.lhs), self.scalar(row.rhs)  # type: ignore[arg-type]
        defined = [
            (self.scalar(r.lhs), self.scalar(r.rhs))
            for r in before
            if r.relation == ":=" and isinstance(r.lhs, Apply) and _time_function(r.lhs)
        ]
        defined += (
            [
                (
                    sp.Function(found[1])(time),
                    sp.Function(found[2])(time) * sp.Function(found[3])(time),
                )
                for found in _PRODUCT.finditer(self.document.prose)
            ]
            if not defined
            else []
        )
        ours = [(f, v) for f, v in defined if _derivative_of(lhs, f)]
        if not ours:
            raise Unstated("not checked: the function whose flow it is not defined")
        function, value = ours[-1]
        named = sorted(value.atoms(sp.core.function.AppliedUndef), key=str)
        flows = {}
        for r in before:
            if r.lhs is not None and r.relation == "=" and isinstance(r.lhs, Product | Derivative):
                for f in named:
                    if _derivative_of(self.scalar(r.lhs), f):
                        flows[f] = (self.scalar(r.lhs), self.scalar(r.rhs))  # the nearest wins
        if flows and len(flows) != len(named):  # a(t)'s flow stated, not Q(t)'s: no strength
            missing = ", ".join(str(f) for f in named if f not in flows)
            return f"its definition names {missing}, whose flow is stated nowhere above"
        if len(flows) != len(named) or (equal and len(named) != 2):
            raise Unstated(f"not checked: the flows of {', '.join(map(str, named))} not stated")
        lhs = lhs.subs(function, value).doit()
        for f, (flow_lhs, flow_rhs) in flows.items():
            lhs = lhs.subs(sp.diff(f, time), sp.solve(flow_lhs - flow_rhs, sp.diff(f, time))[0])
        difference = lhs - rhs.subs(function, value)
        if equal:
            a, b = (sp.Function(name)(time) for name in equal)
            difference = difference.subs(b, a)
        positive = {f: sp.Symbol(f"{f.func}_value", positive=True) for f in named}
        if not self._zero(difference.subs(positive)):
            said = f" at {equal[0]}(t) = {equal[1]}(t)" if equal else ""
            return f"it does not follow from the flows of {', '.join(map(str, named))}{said}"
        return ""

    def _zero(self, expression: sp.Expr) -> bool:
        """Whether ``expression`` is zero: simplified, else at random points (40 digits)."""
        if sp.simplify(expression) == 0:
            return True
        free = sorted(expression.free_symbols, key=str)
        for _ in range(_SAMPLES):
            point = {s: sp.Float(self.rng.randint(1, 999), 50) / 1000 for s in free}
            if "s" in self.symbols:  # a start below the singular value: the log is real
                point[self.symbols["s"]] = 1 + sp.Float(self.rng.randint(1, 999), 50) / 1000
            value = sp.N(expression.subs(point), 40)
            if not value.is_number or abs(value) > _CLOSE:
                return False
        return True


def _name(text: str) -> Name:
    """``N_{l}`` as a :class:`Name`."""
    base, _, sub = text.partition("_")
    return Name(base, sub.strip("{}"))


def _time_function(node: Apply) -> bool:
    return node.argument == Name("t") and node.function.base not in _FUNCTIONS


def _is_inversion(row: Row) -> bool:
    return row.lhs == Name("t")


def _derivative_of(expression: sp.Expr, function: sp.Expr) -> bool:
    """Whether ``expression`` is a multiple of the derivative of ``function`` in ``t``."""
    return any(
        isinstance(d, sp.Derivative) and d.expr == function
        for d in sp.preorder_traversal(expression)
    )


def _descends(node: Node) -> bool:
    """Whether ``node`` is minus a derivative by something other than time (``-dL/dW_1``):
    the right side of gradient flow, the learning rule a document assumes."""
    return (
        isinstance(node, Negative)
        and isinstance(node.operand, Derivative)
        and node.operand.by != Name("t")
    )


def _derivatives_of_loss(node: Node) -> bool:
    """Whether ``node`` holds a derivative by something other than time (a loss's gradient)."""
    return any(isinstance(n, Derivative) and n.by != Name("t") for n in walk(node))


# the setting of Saxe et al.: matrices of symbols --------------------------------------------

#: Widths ``d_0, d_1, d_2`` a loss of two layers is differentiated at: distinct, so that a
#: factor transposed or in the wrong order does not fit.
_WIDTHS = (2, 3, 4)
#: Sizes of the exact orthogonal instances a decoupled start is checked at.
_SIZES = (2, 3)
#: The trace as each format prints it (JSON writes a matrix's Frobenius norm as one).
_TRACE = ("Trace", "tr", r"\operatorname{tr}", r"\operatorname{Trace}")


class _Setting:
    """The matrix rows of Saxe et al.'s setting: a loss ``L := ½‖Σ - W_2 W_1‖²`` (or its
    transpose's), the layers' flows, and decompositions ``X = A D B^T`` (the outer factors
    orthogonal, the middle one diagonal, as the words say), evaluated with explicit matrices."""

    def __init__(self, dynamics: Dynamics, rows: tuple[Row, ...]) -> None:
        self.dynamics = dynamics
        self.rows = rows
        self.defined = {
            r.lhs.key: r.rhs for r in rows if r.relation == ":=" and isinstance(r.lhs, Name)
        }
        self.forms = {
            r.lhs.key: form
            for r in rows
            if r.relation == "="
            and isinstance(r.lhs, Name)
            and (form := _decomposition(r.rhs)) is not None
        }
        self.env: dict[str, sp.Matrix] = {}

    def value(self, node: Node) -> sp.Matrix | sp.Expr:
        """``node`` with the names of :attr:`env` as their matrices, a defined name as its
        definition and any other name as a positive scalar."""
        if isinstance(node, Number):
            return sp.Rational(node.value)
        if isinstance(node, Name):
            if node.key in self.env:
                return self.env[node.key]
            if node.key in self.defined:
                return self.value(self.defined[node.key])
            return self.dynamics.scalar(node)
        if isinstance(node, Sum):
            terms = [self.value(t) for t in node.terms]
            return functools.reduce(operator.add, terms)
        if isinstance(node, Product):
            return functools.reduce(operator.mul, (self.value(f) for f in node.factors))
        if isinstance(node, Negative):
            return -self.value(node.operand)
        if isinstance(node, Quotient):
            return self.value(node.numerator) / self.value(node.denominator)
        if isinstance(node, Transpose):  # a name no layer has is a scalar, its own transpose
            inner = self.value(node.operand)
            return inner.T if isinstance(inner, sp.MatrixBase) else inner
        if isinstance(node, Power) and isinstance(node.base, Norm) and node.exponent == 2:
            inner = self.value(node.base.operand)
            return (
                sp.Add(*(cell**2 for cell in inner))
                if isinstance(inner, sp.MatrixBase)
                else inner**2
            )
        if isinstance(node, Apply) and node.function.key in _TRACE:
            inner = self.value(node.argument)
            if not isinstance(inner, sp.MatrixBase):
                raise DocumentError("a trace of something that is not a matrix")
            return inner.trace()
        if isinstance(node, Derivative) and isinstance(node.by, Name) and node.by.key in self.env:
            of = self.value(node.of)
            if isinstance(of, sp.MatrixBase):
                raise DocumentError("a derivative of a matrix by a matrix")
            return self.env[node.by.key].applyfunc(lambda entry: sp.diff(of, entry))
        raise DocumentError(f"cannot read {type(node).__name__} in a row of matrices")

    def _layers(self, loss: Node) -> None:
        """Matrices of symbols for the loss's layers (names with a number, first to last
        whatever the index base) and its target, in the orientation (``W_2 W_1`` or ``W_1
        W_2``) its error takes."""
        functions = {n.function for n in walk(loss) if isinstance(n, Apply)}
        names = {
            n
            for n in walk(loss)
            if isinstance(n, Name) and n.key not in self.defined and n not in functions
        }
        layers = sorted((n for n in names if n.sub.isdecimal()), key=lambda n: int(n.sub))
        targets = [n for n in names if not n.sub.isdecimal()]
        if len(layers) != len(_WIDTHS) - 1 or len(targets) != 1:
            raise DocumentError("a loss of other than two layers and one target")
        for columns in (True, False):
            shapes = {n.key: _shape(at, columns) for at, n in enumerate(layers, 1)}
            shapes[targets[0].key] = _shape(0, columns)
            self.env = {
                key: sp.Matrix(*shape, lambda i, j, k=key: sp.Symbol(f"{k}[{i},{j}]"))
                for key, shape in shapes.items()
            }
            try:
                if not isinstance(self.value(loss), sp.MatrixBase):
                    return
            except ShapeError:
                continue
        raise DocumentError("a loss whose matrices fit no two layers")

    def gradient(self, row: Row, previous: Row) -> str:
        """``row`` continues ``previous`` (``tau dW_1/dt = -dL/dW_1``): equal as matrices of
        symbols, the derivative taken of the stated loss."""
        loss = next(
            d.of for d in walk(previous.rhs) if isinstance(d, Derivative) and d.by != Name("t")
        )
        if not (isinstance(loss, Name) and loss.key in self.defined):
            raise DocumentError(
                f"{row.where}: the derivative of a loss the document does not define"
            )
        self._layers(self.defined[loss.key])
        try:
            difference = self.value(previous.rhs) - self.value(row.rhs)
        except ShapeError:  # W_1 for W_1^T: the product does not even fit
            return "its matrices do not fit the stated loss's"
        if not isinstance(difference, sp.MatrixBase) or difference.applyfunc(sp.expand) != sp.zeros(
            *difference.shape
        ):
            return f"it is not {previous.where}, the derivative of the stated loss"
        return ""

    def decoupled(self, row: Row) -> str:
        """``tau da/dt = ...`` from the flow of the layer whose decomposition holds ``a`` on its
        diagonal (``W_1 = R D_a V^T``): at exact orthogonal ``R``, ``V``, ``U`` and diagonal
        matrices of symbols, that flow (with every stated decomposition put in) equals the
        decomposition with the diagonal's flow in place of the diagonal."""
        dynamics = self.dynamics
        lhs, rhs = dynamics.scalar(row.lhs), dynamics.scalar(row.rhs)  # type: ignore[arg-type]
        time = dynamics.symbols["t"]
        functions = sorted(
            rhs.atoms(sp.core.function.AppliedUndef) | lhs.atoms(sp.core.function.AppliedUndef),
            key=str,
        )
        ours = [f for f in functions if _derivative_of(lhs, f)]
        if len(ours) != 1:
            raise DocumentError(f"{row.where}: a mode's flow of other than one strength")
        rate = sp.solve(lhs - rhs, sp.diff(ours[0], time))[0]
        middles = {form[1].key: form[1] for form in self.forms.values()}
        holders: dict[sp.Expr, str] = {}
        for f in functions:
            # D_{q_{r}} holds q_{r}(t); JSON's D_q_r holds it too
            holder = [k for k, m in middles.items() if _bare(m.sub) == _bare(str(f.func))]
            if middles and not holder:  # D_a, D_b stated: a strength Q(t) of none is no mode's
                return f"{f} is the strength of no stated diagonal matrix"
            if len(holder) != 1:
                raise Unstated(f"not checked: no one stated diagonal matrix holds {f}")
            holders[f] = holder[0]
        layers = [k for k, form in self.forms.items() if form[1].key == holders[ours[0]]]
        if len(layers) != 1:
            raise DocumentError(f"{row.where}: no one stated layer holds {ours[0]}")
        scalars = sorted(rhs.free_symbols - {time}, key=str)
        others = sorted(set(middles) - set(holders.values()))
        if len(scalars) != len(others) or len(scalars) > 1:
            raise DocumentError(f"{row.where}: its constants match no stated diagonal matrix")
        held = {holders[f]: f for f in functions} | dict(zip(others, scalars, strict=True))
        layer = layers[0]
        flow, coefficient = self._flow(layer, row)
        for size in _SIZES:
            entries = {
                key: [sp.Symbol(f"{key}[{i}]", positive=True) for i in range(size)]
                for key in middles
            }
            self.env = {key: sp.diag(*entries[key]) for key in middles}
            for form in self.forms.values():
                for outer in (form[0], form[2]):
                    self.env.setdefault(outer.key, _cayley(size, dynamics.rng))
            for key, form in self.forms.items():
                self.env[key] = self.value(Product((form[0], form[1], Transpose(form[2]))))
            matrix = self.value(flow) / coefficient
            at = [{held[k]: entries[k][i] for k in held} for i in range(size)]
            moved = sp.diag(*(rate.subs(point) for point in at))
            form = self.forms[layer]
            expected = self.env[form[0].key] * moved * self.env[form[2].key].T
            if (expected - matrix).applyfunc(sp.expand) != sp.zeros(size, size):
                return f"it does not follow from {layer}'s flow at the decoupled start, size {size}"
        return ""

    def _flow(self, layer: str, row: Row) -> tuple[Node, sp.Expr]:
        """The right side of the last row of ``layer``'s flow (``tau dW_1/dt = ... = ...``), and
        the scalar its derivative is multiplied by on the left (``tau``)."""
        chain: list[Row] = []
        coefficient: sp.Expr = sp.Integer(1)
        for r in self.rows:
            if r.lhs is None:
                chain += [r] if chain else []
                continue
            if chain:
                break
            factors = r.lhs.factors if isinstance(r.lhs, Product) else (r.lhs,)
            if any(_rate_of(f, layer) for f in factors):
                chain.append(r)
                others = (f for f in factors if not _rate_of(f, layer))
                coefficient = sp.Mul(*(self.dynamics.scalar(f) for f in others))
        if not chain:
            raise DocumentError(f"{row.where}: no flow stated of {layer}")
        return chain[-1].rhs, coefficient


def _rate_of(node: Node, layer: str) -> bool:
    """Whether ``node`` is ``d/dt`` of the matrix named ``layer``."""
    return (
        isinstance(node, Derivative)
        and node.by == Name("t")
        and isinstance(node.of, Name)
        and node.of.key == layer
    )


def _decomposition(node: Node) -> tuple[Name, Name, Name] | None:
    """``A D B^T`` as its three names, else None."""
    if not (isinstance(node, Product) and len(node.factors) == 3):
        return None
    left, middle, right = node.factors
    names = isinstance(left, Name) and isinstance(middle, Name)
    if names and isinstance(right, Transpose) and isinstance(right.operand, Name):
        return left, middle, right.operand  # type: ignore[return-value]
    return None


def _shape(layer: int, columns: bool) -> tuple[int, int]:
    """The shape of the ``layer``-th layer from 1 (``d_k`` by ``d_{k-1}``, transposed in
    rows), and of the target for 0 (``d_2`` by ``d_0``)."""
    rows, cols = (_WIDTHS[layer], _WIDTHS[layer - 1]) if layer else (_WIDTHS[-1], _WIDTHS[0])
    return (rows, cols) if columns else (cols, rows)


def _cayley(size: int, rng: random.Random) -> sp.Matrix:
    """An exactly orthogonal matrix of rationals: ``(I - K)(I + K)^{-1}`` of a random
    skew-symmetric ``K`` (``I + K`` is invertible: ``K``'s eigenvalues are imaginary)."""
    upper = sp.Matrix(size, size, lambda i, j: rng.randint(-5, 5) if i < j else 0)
    skew = upper - upper.T
    identity = sp.eye(size)
    orthogonal = (identity - skew) * (identity + skew).inv()
    assert orthogonal.T * orthogonal == identity
    return orthogonal


# matrices ---------------------------------------------------------------------------------


def _matrices(
    dynamics: Dynamics, row: Row, how: str, previous: Row | None, before: tuple[Row, ...]
) -> str:
    """The matrix rows of Arora et al.'s document (see the module), from the rows ``before``."""
    algebra = _Products(dynamics.document)
    if how == "chain rule":
        return algebra.chain_rule(row)
    left = algebra.value(row.lhs) if row.lhs is not None else None
    if how == "product rule":
        return algebra.product_rule(row, before)
    if how == "substitution":
        return algebra.substitution(row, before)
    if how == "balance kept":
        return algebra.kept(row, before)
    if how == "power":
        return algebra.power(row)
    if previous is None or left is not None:
        raise DocumentError(f"{row.where}: a reordered sum continues no row")
    if sp.expand(algebra.value(previous.rhs) - algebra.value(row.rhs)) != 0:
        return f"its terms are not those of {previous.where}"
    return ""


class _Products:
    """Matrix rows as non-commuting products at the document's ``N`` (from its words)."""

    def __init__(self, document: Document) -> None:
        highs = [
            node.high
            for row in document.rows
            for side in (row.lhs, row.rhs)
            if side is not None
            for node in walk(side)
            if isinstance(node, IndexSum) and isinstance(node.high, Name)
        ]
        self.depth_name = highs[0] if highs else Name("N")  # N, or the name --names gave
        depth = dict(document.stated).get(self.depth_name)
        at = [_AT.search(_reason(row)) for row in document.rows]
        if isinstance(depth, Number):
            self.depth = int(depth.value)
        elif stated := [int(f[2]) for f in at if f and _name(f[1]) == self.depth_name]:
            self.depth = stated[0]
        else:
            raise DocumentError("a dynamics document of matrices that does not state N")
        if not 2 <= self.depth <= MAX_DEPTH:  # the chain rule's symbolic product grows with N
            raise DocumentError(f"a depth N from 2 to {MAX_DEPTH} is checked, not {self.depth}")
        words = _AFTER_BEFORE.search(document.prose)
        spelled = [_spelled(w, document.rows) for w in (words[1], words[3])] if words else []
        self.after_before = (spelled[0], spelled[1]) if spelled else None  # P_j, Q_j; \\Omega_j
        self.layer_index = _layer_index(document.rows)  # j, or the letter --names gave
        self.index: dict[str, int] = {}
        products = [
            (row.lhs, row.rhs.factors)
            for row in document.rows
            if row.relation == ":=" and isinstance(row.rhs, Product)
        ]
        layers = [f for f in products[0][1] if isinstance(f, Name)] if products else []
        if len(layers) != self.depth or not all(f.sub.isdecimal() for f in layers):
            raise DocumentError(
                "a dynamics document that does not define the product of its layers"
            )
        self.base = layers[0].base  # W, or the name --names gave
        self.end = products[0][0]  # W_e, the product
        self.rows = document.rows
        self.order = [int(f.sub) for f in layers]  # W_3 W_2 W_1, or W_1 W_2 W_3 in rows

    def symbol(self, key: str) -> sp.Symbol:
        return sp.Symbol(key, commutative=False)

    def value(self, node: Node) -> sp.Expr:
        """``node`` with the index of an enclosing sum bound to a number."""
        if isinstance(node, Number):
            return sp.Rational(node.value)
        if isinstance(node, Name):
            if node.sub in self.index:
                return self.symbol(Name(node.base, str(self.index[node.sub])).key)
            if node.key in self.index:
                return sp.Integer(self.index[node.key])
            if node == self.depth_name:
                return sp.Integer(self.depth)
            return self.symbol(node.key)
        if isinstance(node, Transpose):
            return _transposed(self.value(node.operand))
        if isinstance(node, Sum):
            return sp.Add(*(self.value(t) for t in node.terms))
        if isinstance(node, Product):
            return sp.Mul(*(self.value(f) for f in node.factors))
        if isinstance(node, Negative):
            return -self.value(node.operand)
        if isinstance(node, Quotient):
            return self.value(node.numerator) / self.value(node.denominator)
        if isinstance(node, RealPower):
            base, exponent = self.value(node.base), self.value(node.exponent)
            if exponent == 0:
                return sp.Integer(1)
            return base if exponent == 1 else self.symbol(f"({base})^({exponent})")
        if isinstance(node, IndexSum):
            low = self.value(node.low) if node.low is not None else 1
            terms = []
            for j in range(int(low), int(self.value(node.high)) + 1):
                self.index[node.index.key] = j
                terms.append(self.value(node.body))
            del self.index[node.index.key]
            return sp.Add(*terms)
        if isinstance(node, Derivative):
            return self.symbol(f"d/dt {self.value(node.of)}")
        raise DocumentError(f"cannot read {type(node).__name__} in a matrix row")

    def layer(self, k: int, base: str = "") -> sp.Symbol:
        """The layer ``W_{k}`` (or ``P_{k}``...) as a non-commuting symbol."""
        return self.symbol(Name(base or self.base, str(k)).key)

    def layers(self, chosen: Iterable[int]) -> sp.Expr:
        """The ``chosen`` layers multiplied in the order of the product's definition (the
        identity when none is chosen)."""
        keep = set(chosen)
        return sp.Mul(*(self.layer(k) for k in self.order if k in keep))

    def chain_rule(self, row: Row) -> str:
        """``d/dt W_k = -∂L/∂W_k``: with ``L = tr(C^T W_e)``, ``G = C``; 2 by 2 layers."""
        of = row.lhs.of if isinstance(row.lhs, Derivative) else None
        if not (isinstance(of, Name) and of.base == self.base and of.sub in map(str, self.order)):
            raise DocumentError(f"{row.where}: a gradient flow not of one layer")
        layer = int(of.sub)
        entries = {k: sp.Matrix(2, 2, sp.symbols(f"w{k}_:4")) for k in range(1, self.depth + 1)}
        gradient = sp.Matrix(2, 2, sp.symbols("c:4"))
        product = sp.eye(2)
        for k in self.order:
            product = product * entries[k]
        loss = (gradient.T * product).trace()
        descent = -sp.Matrix(2, 2, lambda i, j: sp.diff(loss, entries[layer][i, j]))
        names = {self.layer(k): entries[k] for k in entries}
        names |= {_transposed(self.layer(k)): entries[k].T for k in entries}
        flow = self.value(row.rhs)
        others = flow.free_symbols - set(names)
        if len(others) != 1:
            raise DocumentError(f"{row.where}: a gradient flow of other than one loss gradient")
        names[others.pop()] = gradient  # G, or the name --names gave
        if (_as_matrix(flow, names) - descent).expand() != sp.zeros(2, 2):
            return "it is not minus the gradient of the loss by that layer"
        return ""

    def product_rule(self, row: Row, before: tuple[Row, ...]) -> str:
        """``d/dt W_e`` as the sum over layers of the others times that layer's flow, with
        ``P_j``, ``Q_j`` the layers after and before ``j`` (as the words define them)."""
        if self.after_before is None:
            raise Unstated("not checked: P_j and Q_j are not defined in words")
        flows = self.flows(before)
        order = self.order
        expected = sp.Add(
            *(
                self.layers(order[:at]) * flows[str(j)] * self.layers(order[at + 1 :])
                for at, j in enumerate(order)
            )
        )
        if sp.expand(self.unfolded(self.value(row.rhs)) - expected) != 0:
            return "it is not the product rule on the layers' flows"
        return ""

    def unfolded(self, value: sp.Expr) -> sp.Expr:
        """``value`` with each ``P_j``, ``Q_j`` (as the words define them) the product of the
        layers after and before layer ``j``."""
        if self.after_before is None:
            raise Unstated("not checked: P_j and Q_j are not defined in words")
        p, q = self.after_before
        for j in range(1, self.depth + 1):
            after, below = self.layers(range(j + 1, self.depth + 1)), self.layers(range(1, j))
            value = value.subs(
                {
                    self.layer(j, p): after,
                    self.layer(j, q): below,
                    _transposed(self.layer(j, p)): _transposed(after),
                    _transposed(self.layer(j, q)): _transposed(below),
                }
            )
        return value

    def power(self, row: Row) -> str:
        """``P_j P_j^T = (W_e W_e^T)^{p/q}`` for each ``j``: both sides are positive
        semidefinite, whose ``q``-th root is unique, so it holds when ``(P_j P_j^T)^q`` and
        ``(W_e W_e^T)^p`` are one word modulo the stated balancedness (``W_2^T W_2 = W_1
        W_1^T``), rewritten one way or the other to a normal form (no rule overlaps itself or
        another, so each way's normal form is unique)."""
        if not (isinstance(row.rhs, RealPower) and _gram(row.lhs) and _gram(row.rhs.base)):
            raise DocumentError(f"{row.where}: a power that is not of Gram matrices")
        relations = [
            (_word(self.value(r.lhs)), _word(self.value(r.rhs)))
            for r in self.rows
            if r.lhs is not None
            and r.relation == "="
            and _gram(r.lhs, self.base)
            and _gram(r.rhs, self.base)
        ]
        if not relations:
            raise Unstated("not checked: no balancedness of the layers stated")
        end, name = self.layers(self.order), self.value(self.end)  # type: ignore[arg-type]
        ends = {name: end, _transposed(name): _transposed(end)}
        for j in range(1, self.depth + 1):
            self.index[self.layer_index] = j
            exponent = self.value(row.rhs.exponent)
            gram = _word(self.unfolded(self.value(row.lhs)))  # type: ignore[arg-type]
            base = _word(self.value(row.rhs.base).subs(ends))
            self.index.clear()
            if not (isinstance(exponent, sp.Rational) and 0 <= exponent <= 1):
                raise DocumentError(f"{row.where}: a power that is not a fraction at j = {j}")
            if exponent.q > MAX_DEPTH:  # the words are q times as long: bounded by the depth
                raise DocumentError(f"{row.where}: a root above the {MAX_DEPTH}th at j = {j}")
            sides = (gram * int(exponent.q), base * int(exponent.p))
            if not any(
                len({_normal(side, rules) for side in sides}) == 1
                for rules in (relations, [(b, a) for a, b in relations])
            ):
                return f"at j = {j} it does not follow from the stated balancedness"
        return ""

    def flows(self, before: tuple[Row, ...]) -> dict[str, sp.Expr]:
        """Each layer's flow as the rows ``before`` state it, by the layer's number."""
        return {
            r.lhs.of.sub: self.value(r.rhs)
            for r in before
            if isinstance(r.lhs, Derivative)
            and isinstance(r.lhs.of, Name)
            and r.lhs.of.sub.isdecimal()
        }

    def kept(self, row: Row, before: tuple[Row, ...]) -> str:
        """``d/dt C_1 = 0`` with ``C_1 := W_2^T W_2 - W_1 W_1^T`` defined above: the product
        rule on the non-commuting products, each layer's derivative its stated flow (a
        transposed layer's, the flow's transpose)."""
        of = row.lhs.of if isinstance(row.lhs, Derivative) and row.lhs.by == Name("t") else None
        defined = [r.rhs for r in before if r.relation == ":=" and r.lhs == of]
        if not defined:
            raise DocumentError(f"{row.where}: the derivative in time of nothing defined above")
        flows = {self.layer(int(k)): flow for k, flow in self.flows(before).items()}
        flows |= {_transposed(layer): _transposed(flow) for layer, flow in list(flows.items())}
        derivative = _time_derivative(sp.expand(self.value(defined[-1])), flows)
        if sp.expand(derivative - self.value(row.rhs)) != 0:
            return "it is not the derivative the layers' flows above give"
        return ""

    def substitution(self, row: Row, before: tuple[Row, ...]) -> str:
        """The row above of the same left side with the stated products replaced."""
        earlier = [r for r in before if r.lhs == row.lhs]
        stated = [
            (r.lhs, r.rhs)
            for r in before
            if isinstance(r.lhs, Product) and isinstance(r.rhs, RealPower)
        ]
        if not earlier or not stated:
            raise DocumentError(f"{row.where}: nothing stated to substitute")
        value = sp.expand(self.value(earlier[-1].rhs))
        for j in range(1, self.depth + 1):
            self.index[self.layer_index] = j
            for lhs, rhs in stated:
                value = value.subs(self.value(lhs), self.value(rhs))
        self.index.clear()
        if sp.expand(value - self.value(row.rhs)) != 0:
            return f"it is not {earlier[-1].where} with the stated powers substituted"
        return ""


def _transposed(value: sp.Expr) -> sp.Expr:
    """The transpose of a non-commuting ``value``: a product reversed, each factor's name
    with ``^T`` added or removed."""
    if isinstance(value, sp.Add):
        return sp.Add(*(_transposed(t) for t in value.args))
    if isinstance(value, sp.Mul):
        scalar, factors = value.args_cnc()
        return sp.Mul(*scalar, *(_transposed(f) for f in reversed(factors)))
    if isinstance(value, sp.Symbol) and not value.is_commutative:
        name = value.name
        return sp.Symbol(name[:-2] if name.endswith("^T") else f"{name}^T", commutative=False)
    return value


#: A product of non-commuting factors, in order.
Word = tuple[sp.Expr, ...]


def _gram(node: Node | None, base: str = "") -> bool:
    """Whether ``node`` is ``X X^T`` or ``X^T X`` (of a layer named ``base``, if given)."""
    if not (isinstance(node, Product) and len(node.factors) == 2):
        return False
    first, second = node.factors
    plain = second if isinstance(first, Transpose) else first
    same = first == Transpose(second) or second == Transpose(first)
    return same and (not base or (isinstance(plain, Name) and plain.base == base))


def _word(value: sp.Expr) -> Word:
    """A non-commuting product as its factors in order, powers written out."""
    if value == 1:  # the identity: no layer before the first
        return ()
    scalar, factors = value.args_cnc() if isinstance(value, sp.Mul) else ([], [value])
    if sp.Mul(*scalar) != 1:
        raise DocumentError(f"a product with a factor {sp.Mul(*scalar)}")
    word: list[sp.Expr] = []
    for factor in factors:
        base, times = factor.as_base_exp()
        if not (base.is_Symbol and times.is_Integer and times > 0):
            raise DocumentError(f"cannot read {factor} as a product of layers")
        word += [base] * int(times)
    return tuple(word)


#: The most rewriting steps a word is given to reach its normal form.
_REWRITES = 10_000


def _normal(word: Word, rules: list[tuple[Word, Word]]) -> Word:
    """``word`` with the leftmost match of a rule's left side replaced by its right side,
    until none matches."""
    for _ in range(_REWRITES):
        for old, new in rules:
            at = next(
                (i for i in range(len(word) - len(old) + 1) if word[i : i + len(old)] == old),
                None,
            )
            if at is not None:
                word = word[:at] + new + word[at + len(old) :]
                break
        else:
            return word
    raise DocumentError("balancedness rules that do not come to an end")


def _time_derivative(value: sp.Expr, flows: dict[sp.Expr, sp.Expr]) -> sp.Expr:
    """The derivative in time of the expanded non-commuting ``value``: each product by the
    product rule in its order, each factor's derivative in ``flows``."""
    if isinstance(value, sp.Add):
        return sp.Add(*(_time_derivative(term, flows) for term in value.args))
    scalar, factors = value.args_cnc() if isinstance(value, sp.Mul) else ([], [value])
    if any(f.free_symbols for f in scalar):
        raise DocumentError(f"cannot differentiate {value} in time")
    if any(f not in flows for f in factors):
        raise DocumentError(f"no flow stated of a factor of {value}")
    return sp.Mul(*scalar) * sp.Add(
        *(
            sp.Mul(*factors[:at], flows[factor], *factors[at + 1 :])
            for at, factor in enumerate(factors)
        )
    )


def _as_matrix(value: sp.Expr, names: dict[sp.Symbol, sp.Matrix]) -> sp.Matrix:
    """A non-commuting ``value`` of the layers' names as an explicit matrix."""
    if isinstance(value, sp.Add):
        return sum((_as_matrix(t, names) for t in value.args[1:]), _as_matrix(value.args[0], names))
    if isinstance(value, sp.Mul):
        scalar, factors = value.args_cnc()
        out = sp.Mul(*scalar) * sp.eye(2)
        for f in factors:
            out = out * _as_matrix(f, names)
        return out
    if value in names:
        return names[value]
    raise DocumentError(f"cannot read {value} in a gradient flow")


#: The time's name in the reader's rows and words (``--names t=q`` prints ``q``).
_T = Name("t")


def _time(document: Document) -> Name:
    """The document's time: what it differentiates by but never differentiates (``t`` of
    ``\\frac{d}{d t} W_{1}`` and ``\\partial a(t) / \\partial t``, not the ``W_{1}`` of
    ``\\partial L / \\partial W_{1}``), ``t`` unless there is exactly one such name."""
    derivatives = [n for n in document.nodes() if isinstance(n, Derivative)]
    # a second derivative is a curvature's (d^2 tanh(z) / dz^2), never a flow's: not time
    higher = {d.by for d in derivatives if isinstance(d.of, Derivative)}
    higher |= {d.of.by for d in derivatives if isinstance(d.of, Derivative)}
    by = {d.by for d in derivatives} - {d.of for d in derivatives} - higher
    # a scalar's name, lower case (t, q, \omega), not a layer's W_{1} nor a matrix's W
    by = {n for n in by if isinstance(n, Name) and not re.search(r"\d", n.sub) and _lower(n)}
    (time,) = by if len(by) == 1 else (_T,)
    return time  # type: ignore[return-value]


def _lower(name: Name) -> bool:
    r"""Whether ``name`` is written in a lower-case letter (``t``, ``\omega``): a scalar's, as
    the time is, never a matrix's (``W``, ``\Theta``)."""
    return name.base.lstrip("\\")[:1].islower()


def _swapped(node: Any, one: Name, other: Name) -> Any:
    """``node`` with the names ``one`` and ``other`` exchanged everywhere below it."""
    if node == one:
        return other
    if node == other:
        return one
    if isinstance(node, tuple):
        return tuple(_swapped(item, one, other) for item in node)
    if not is_dataclass(node) or isinstance(node, type):
        return node
    return replace(
        node,
        **{
            f.name: _swapped(getattr(node, f.name), one, other)
            for f in fields(node)
            if isinstance(getattr(node, f.name), tuple) or is_dataclass(getattr(node, f.name))
        },
    )


def _timed(document: Document) -> Document:
    """``document`` with its time renamed ``t`` (and a ``t`` of its own renamed as the time
    was), in its rows and in the words its checks read (``at $a(q) = b(q)$``)."""
    time = _time(document)
    if time == _T:
        return document
    printed = {time.key, time.base, time.base.lstrip("\\"), f"{time.base}_{time.sub}"}
    spelled = "|".join(re.escape(f"({p})") for p in sorted(printed, key=len, reverse=True))

    def words(text: str) -> str:
        return re.sub(spelled, "(t)", text) if spelled else text

    rows = tuple(
        replace(_swapped(row, time, _T), reason=words(row.reason)) for row in document.rows
    )
    stated = _swapped(document.stated, time, _T)  # what the words define: u(t) at t = 0
    return replace(document, rows=rows, prose=words(document.prose), stated=stated)


def _bare(name: str) -> str:
    """A name's spelling without its braces: ``q_{r}`` and JSON's ``q_r`` alike."""
    return name.replace("{", "").replace("}", "")


def _spelled(word: str, rows: tuple[Row, ...]) -> str:
    """The base of a name the words spell ``word`` (``P``, ``Psi``) as the rows spell it:
    LaTeX and Typst's Greek ``\\Psi``, JSON's ``Psi``."""
    bases = {node.base for node in nodes_of(rows) if isinstance(node, Name)}
    return next((base for base in (f"\\{word}", word) if base in bases), word)


def _layer_index(rows: tuple[Row, ...]) -> str:
    """The letter of the layer in the stated powers (``j`` of ``P_{j} P_{j}^{T} = (W_e
    W_e^T)^{(N - j)/N}``), ``j`` when none states one."""
    for row in rows:
        if isinstance(row.lhs, Product) and isinstance(row.rhs, RealPower):
            first = row.lhs.factors[0]
            if isinstance(first, Name) and first.sub and not re.search(r"\d", first.sub):
                return first.sub
    return "j"
