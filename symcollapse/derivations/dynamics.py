"""The document for Saxe et al.'s learning curves (Arora et al.'s rule: :mod:`.endtoend`).

Every reproduced formula cites its paper and equation; every reason says whether the step was
checked symbolically (sympy, exactly) or numerically (scipy, with the tolerance used).
"""

from __future__ import annotations

import sympy as sp

from symcollapse.algebra import dynamics as dyn
from symcollapse.algebra import symbols
from symcollapse.algebra.expressions import product
from symcollapse.derivations.convention import STATED
from symcollapse.doc.model import Derivation, Section, Step, Text
from symcollapse.doc.numbers import rounded
from symcollapse.doc.prose import HalfSquaredNorm
from symcollapse.spec.convention import DEFAULT_CONVENTION, Convention, check_convention
from symcollapse.verification.dynamics import CheckedSaxe

SAXE = "Saxe et al. 2014"
ARORA = "Arora et al. 2018"
SYMBOLIC = "symbolic"
#: What the short citations and check marks in the reasons mean, said once per document.
LEGEND = (
    " Reasons cite Saxe et al. 2014 (Saxe, McClelland and Ganguli, ICLR 2014, arXiv 1312.6120) "
    "and Arora et al. 2018 (Arora, Cohen and Hazan, ICML 2018, arXiv 1802.06509) by equation; "
    "symbolic marks a step checked exactly with sympy, numeric one checked with scipy floats "
    "within the tolerance given."
)

t, tau, u0 = dyn.t, dyn.tau, dyn.u0
alpha = symbols.scalar("mode", integer=True, positive=True)


#: The matrices of the setting (three by three: the size does not show).
_SIZE = 3
U, V, R = (symbols.matrix(role, _SIZE, _SIZE) for role in ("U", "V", "rotation"))
S = symbols.matrix("singular", _SIZE, _SIZE)
#: The diagonal strengths of the start, each named by the strength of a mode it holds.
D_a, D_b = (symbols.matrix("strengths", _SIZE, _SIZE, strength) for strength in (dyn.a, dyn.b))
#: The decoupled start, said in both conventions' settings, and what the reasons cite.
DECOUPLED: Text = (
    R,
    " is any orthogonal matrix and ",
    D_a,
    ", ",
    D_b,
    " are diagonal (so is ",
    S,
    "; ",
    U,
    " and ",
    V,
    " are orthogonal)." + LEGEND,
)
#: The loss the flows descend, and what its row and each gradient flow's row say they are.
LOSS = symbols.scalar("loss")
LOSS_REASON = "squared error, whitened inputs, less a constant"
FLOW_REASON = "gradient flow"
#: What the words say of the loss, in both settings.
LOSS_WORDS: Text = (
    ", on the squared error ",
    LOSS,
    ": the mean over the data of half the squared distance between the target and the output "
    "is then ",
    LOSS,
    " (the norm is the Frobenius norm) plus a constant that no weight changes",
)


def _descent(
    error: sp.MatrixExpr,
    W_1: sp.MatrixExpr,
    W_2: sp.MatrixExpr,
    flows: tuple[sp.MatrixExpr, sp.MatrixExpr],
    cited: str,
) -> tuple[Step, ...]:
    """The loss of ``error``, and for each layer gradient flow on it, ``tau dW/dt = -dL/dW``,
    continued by its explicit form (``flows``, Saxe et al.'s eq. 2, ``cited``)."""
    steps = [Step(LOSS, HalfSquaredNorm(error), (LOSS_REASON,), ":=")]
    for layer, flow in zip((W_1, W_2), flows, strict=True):
        steps += [
            Step(tau * sp.Derivative(layer, t), -sp.Derivative(LOSS, layer), (FLOW_REASON,)),
            Step(None, flow, (cited + "; " + SYMBOLIC,)),
        ]
    return tuple(steps)


#: A mode's strengths as functions of time: ``a(t)``, ``b(t)``, ``u(t)``.
a_t, b_t, u_t = map(dyn.of_time, ("first_strength", "second_strength", "mode_strength"))


def _rate(strength: sp.Symbol) -> sp.Expr:
    """``tau d strength / dt``, in that order in every format (sympy's own order of a product
    puts a symbol of a class it does not know after the derivative)."""
    return sp.Mul(tau, sp.Derivative(strength, t), evaluate=False)


def number(value: float) -> sp.Float:
    """A measured float shown to three significant digits."""
    return rounded(value, 3)


def derive_saxe(checked: CheckedSaxe, convention: Convention = DEFAULT_CONVENTION) -> Derivation:
    """Saxe et al.'s per-mode dynamics, checked symbolically, then against the full matrix flow
    (:func:`symcollapse.verification.dynamics.verify_saxe`). In the ``row`` convention the
    setting is the paper's transposed: the weights and the correlation are the transposes of
    its (``W_1`` of ``d_0`` rows), the singular vectors ``U``, ``V`` and the rotation ``R``
    are its own; a mode, its strengths and its curve are the same numbers in both."""
    row = check_convention(convention) == "row"
    return Derivation(
        title=("Exact learning curves of deep linear networks",),
        sections=(
            _row_setting() if row else _setting(),
            _modes(),
            _deeper(),
            _simulation(checked.run, checked.tolerance),
        ),
        symbols={},
        convention=convention,
    )


def _setting() -> Section:
    n = _SIZE
    W_1, W_2 = symbols.matrix("W", n, n, 1), symbols.matrix("W", n, n, 2)
    S_yx = symbols.matrix("Sigma_yx", n, n)
    error = sp.MatAdd(S_yx, sp.MatMul(-1, W_2, W_1, evaluate=False), evaluate=False)
    return Section(
        title=("The setting",),
        intro=(
            "A network with one hidden layer and no biases learns by gradient flow with time "
            "constant ",
            tau,
            " from whitened inputs, ",
            sp.Eq(symbols.matrix("Sigma_xx", n, n), sp.Identity(n), evaluate=False),
            *LOSS_WORDS,
            ". The input-output correlation has the singular value decomposition below, and the "
            "start is decoupled: ",
            *DECOUPLED,
        ),
        steps=(
            Step(S_yx, product(U, S, sp.Transpose(V)), (SAXE + ", eq. 3",)),
            *_descent(
                error,
                W_1,
                W_2,
                (product(sp.Transpose(W_2), error), product(error, sp.Transpose(W_1))),
                SAXE + ", eq. 2",
            ),
            Step(W_1, product(R, D_a, sp.Transpose(V)), (SAXE + ", section 1.3",)),
            Step(W_2, product(U, D_b, sp.Transpose(R)), (SAXE + ", section 1.3",)),
        ),
    )


def _row_setting() -> Section:
    """The setting transposed: ``h = x W_1``, ``f(x) = x W_1 W_2``, ``Sigma_yx`` of ``d_0``
    rows; each line is the transpose of the paper's."""
    n = _SIZE
    W_1, W_2 = symbols.matrix("W", n, n, 1), symbols.matrix("W", n, n, 2)
    S_yx = symbols.matrix("Sigma_yx", n, n)
    error = sp.MatAdd(S_yx, sp.MatMul(-1, W_1, W_2, evaluate=False), evaluate=False)
    x, y = symbols.matrix("x", 1, n), symbols.matrix("y", 1, n)
    transposed = ", transposed"
    return Section(
        title=("The setting",),
        intro=(
            *STATED,
            "A network with one hidden layer and no biases, ",
            sp.Eq(
                symbols.matrix("f", 1, n, argument="x"),
                product(x, W_1, W_2),
            ),
            ", learns by gradient flow with time constant ",
            tau,
            " from whitened inputs, ",
            sp.Eq(symbols.matrix("Sigma_xx", n, n), sp.Identity(n), evaluate=False),
            *LOSS_WORDS,
            ". Each matrix of the paper's setting but the singular vectors ",
            U,
            ", ",
            V,
            " and the rotation ",
            R,
            " is transposed here, so ",
            S_yx,
            " (the mean of ",
            product(sp.Transpose(x), y),
            " over the data) has the singular value decomposition below, and the start is "
            "decoupled: ",
            *DECOUPLED,
        ),
        steps=(
            Step(S_yx, product(V, S, sp.Transpose(U)), (SAXE + ", eq. 3" + transposed,)),
            *_descent(
                error,
                W_1,
                W_2,
                (product(error, sp.Transpose(W_2)), product(sp.Transpose(W_1), error)),
                SAXE + ", eq. 2" + transposed,
            ),
            Step(W_1, product(V, D_a, sp.Transpose(R)), (SAXE + ", section 1.3" + transposed,)),
            Step(W_2, product(R, D_b, sp.Transpose(U)), (SAXE + ", section 1.3" + transposed,)),
        ),
    )


def _modes() -> Section:
    s, u, uf = dyn.s, dyn.u, dyn.uf
    flow_a, flow_b = (f.subs({dyn.a: a_t, dyn.b: b_t}) for f in dyn.MODE_FLOW)
    decoupled = SAXE + ", eq. 8; " + SYMBOLIC + ", from eq. 2 at the decoupled start"
    steps = (
        Step(u_t, a_t * b_t, ("the strength of the mode",), ":="),
        Step(_rate(a_t), flow_a, (decoupled,)),
        Step(_rate(b_t), flow_b, (decoupled,)),
        Step(
            _rate(u_t),
            dyn.STRENGTH_FLOW.subs(u, u_t),
            (SAXE + ", eq. 10, at ", sp.Eq(a_t, b_t), "; " + SYMBOLIC),
        ),
        Step(
            t,
            dyn.TIME_TO_LEARN,
            (SAXE + ", eq. 11; " + SYMBOLIC,),
        ),
        Step(
            u_t,
            dyn.CLOSED_FORM,
            (SAXE + ", eq. 12; " + SYMBOLIC,),
        ),
    )
    return Section(
        title=("One mode at a time",),
        intro=(
            "In the rotated coordinates each mode ",
            alpha,
            " has a first-layer strength ",
            a_t,
            " (a diagonal entry of ",
            D_a,
            "), a second-layer strength ",
            b_t,
            " (of ",
            D_b,
            ") and a singular value ",
            s,
            " (of ",
            S,
            "); the modes do not interact. The product ",
            u_t,
            " is the strength the network gives the mode. Equal starting strengths ",
            u0,
            " at ",
            sp.Eq(t, 0, evaluate=False),
            ", with ",
            sp.StrictLessThan(u0, s),
            ", make the curve sigmoidal. The paper calls eq. 12 the final strength at time ",
            t,
            "; eq. 11 is the time from ",
            u0,
            " to ",
            uf,
            ", checked by its value at the start and its derivative; eq. 12 is checked to "
            "solve eq. 10 from its start. Eq. 8 is checked at the decoupled start by "
            "substituting it into eq. 2 with exact orthogonal matrices of sizes two and three.",
        ),
        steps=steps,
    )


def _deeper() -> Section:
    """Eq. 15 from eq. 14: the chain rule on ``u = a^{N_l - 1}``, for every ``N_l``."""
    N_l, u = dyn.N_l, dyn.u
    return Section(
        title=("More layers",),
        intro=(
            "With ",
            N_l,
            " layers, the input included, there are ",
            N_l - 1,
            " weight matrices; from a decoupled start of equal strengths every layer gives a "
            "mode the same strength ",
            a_t,
            ", and eq. 14 is gradient flow on half the squared difference between ",
            dyn.s,
            " and their product. The mode's strength ",
            u_t,
            " is that product, and ",
            sp.Eq(N_l, 3),
            " gives eq. 10.",
        ),
        steps=(
            Step(
                _rate(a_t),
                dyn.EQUAL_FLOW.subs(dyn.a, a_t),
                (SAXE + ", eq. 14, at equal strengths",),
            ),
            Step(u_t, a_t ** (N_l - 1), ("the strength of the mode",), ":="),
            Step(
                _rate(u_t),
                dyn.DEEP_FLOW.subs(u, u_t),
                (SAXE + ", eq. 15; " + SYMBOLIC + ", the chain rule on the rows above",),
            ),
        ),
    )


def _simulation(run: dyn.SaxeRun, tolerance: float) -> Section:
    steps = []
    for index, strength in enumerate(run.strengths):
        deviation = float(abs(run.simulated[index] - run.closed[index]).max())
        steps.append(
            Step(
                symbols.scalar("deviation", index + 1),
                number(deviation),
                ("numeric, ", sp.Eq(dyn.s, number(strength))),
            )
        )
    reason: Text = ("numeric; tolerance ", number(tolerance))
    steps.append(Step(symbols.scalar("deviation"), number(run.deviation), reason))
    return Section(
        title=("Against the full matrix flow",),
        intro=(
            "The matrix equations of the setting were integrated numerically (an adaptive "
            "Runge-Kutta method of scipy, relative tolerance ",
            number(1e-10),
            ") from the decoupled start with random orthogonal ",
            sp.Tuple(U, V, R),
            " and ",
            sp.Eq(tau, number(run.tau)),
            ", ",
            sp.Eq(u0, number(run.u0)),
            ". Each mode's strength, read off the product of the two weight matrices, is "
            "compared with eq. 12 at ",
            sp.Integer(len(run.times)),
            " times up to ",
            sp.Eq(t, number(float(run.times[-1]))),
            "; the largest difference per mode and over all of them:",
        ),
        steps=tuple(steps),
    )
