"""Certificates that a network is not affine, re-checked by independent evaluation."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symcollapse.algebra import symbols
from symcollapse.algebra.analysis import analyse, random_parameters, unit_parameters
from symcollapse.derivations import certificates as cert
from symcollapse.derivations.certificates import additivity_section
from symcollapse.derivations.layers import derive_layers
from symcollapse.errors import OptionError, SpecError
from symcollapse.render.json import document_data
from symcollapse.render.plain import NetworkStrPrinter
from symcollapse.spec.activations import custom_activation
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.layers import Dense, LayerSpec
from symcollapse.verification.certificates import TRIAL_POINTS, additivity_pairs
from symcollapse.verification.layered import verify_layers


def _steps(text: str, title: str) -> dict[str, sp.Basic]:
    derivation = derive_layers(verify_layers(analyse(parse_layers(text))))
    section = next(s for s in derivation.sections if s.title == (title,))
    printer = NetworkStrPrinter(derivation.symbols)
    return {printer.doprint(step.lhs): step.rhs for step in section.steps}


def test_max_pooling_alone_is_not_additive() -> None:
    steps = _steps("4 > dense 4 > maxpool 2 > dense 1", "No single affine map")
    assert steps["maxpool[2]([[1], [1], [0], [0]])"] == sp.Matrix([1, 0])
    assert steps["maxpool[2]([[1], [0], [0], [0]]) + maxpool[2]([[0], [1], [0], [0]])"] == (
        sp.Matrix([2, 0])
    )


def test_a_network_with_a_non_additive_pair_shows_it() -> None:
    result = analyse(parse_layers("2 > dense 2 relu > dense 1"))
    section = additivity_section(result, 0)
    lhs = [NetworkStrPrinter(result.entries).doprint(step.lhs) for step in section.steps]
    assert lhs[-4:] == ["u", "v", "f(u + v) + f(0)", "f(u) + f(v)"]
    assert section.steps[-1].rhs != section.steps[-2].rhs


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("2 > dense 3 tanh > dense 1", mpmath.tanh),
        ("2 > dense 2 sigmoid > dense 2 > dense 1", lambda z: 1 / (1 + mpmath.exp(-z))),
    ],
)
def test_second_derivative_matches_finite_differences(text: str, function) -> None:
    steps = _steps(text, "Not affine: a second derivative")
    x0 = [mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in steps["x"]]
    A1, a1, A2, a2 = (steps[k] for k in ("A_1", "a_1", "A_2", "a_2"))

    def f(x1: mpmath.mpf) -> mpmath.mpf:
        point = [x1, *x0[1:]]
        hidden = [
            function(sum(mpmath.mpf(A1[i, j]) * point[j] for j in range(len(point))) + a1[i])
            for i in range(A1.rows)
        ]
        return sum(mpmath.mpf(A2[0, i]) * hidden[i] for i in range(A2.rows and A2.cols)) + a2[0]

    mpmath.mp.dps = 40
    reported = float(next(v for k, v in steps.items() if k.startswith("Derivative(f_1")))
    estimate = float(mpmath.diff(f, x0[0], 2))
    assert reported != 0
    assert reported == pytest.approx(estimate, rel=1e-9)


def test_smooth_second_derivative_of_the_activation_is_written_out() -> None:
    steps = _steps("2 > dense 3 tanh > dense 1", "Not affine: a second derivative")
    z = symbols.scalar("z")  # the document writes sigma at its role symbol z
    shown = steps["Derivative(tanh(z), (z, 2))"]
    assert sp.expand(shown - sp.diff(sp.tanh(z), z, 2)) == 0


def test_given_point_is_where_the_second_derivative_is_shown() -> None:
    derivation = derive_layers(
        verify_layers(analyse(parse_layers("2 > dense 2 tanh > dense 1")), point=["1/3", "-2"])
    )
    section = next(
        s for s in derivation.sections if s.title == ("Not affine: a second derivative",)
    )
    printer = NetworkStrPrinter(derivation.symbols)
    steps = {printer.doprint(step.lhs): step.rhs for step in section.steps}
    assert steps["x"] == sp.Matrix([sp.Rational(1, 3), -2])


def test_zero_second_derivative_at_the_given_point_is_a_spec_error() -> None:
    # tanh'' vanishes at 0: with every weight and bias 0 the pre-activations are all 0
    spec = parse_layers("1 > dense 1 tanh > dense 1")
    zero = {"w_1_1_1": 0, "b_1_1": 0, "w_2_1_1": 1, "b_2_1": 0}
    message = (
        r"^at the given weights and point the second derivative of f_1 in x_1 is zero; "
        r"choose another point$"
    )
    with pytest.raises(SpecError, match=message):
        derive_layers(verify_layers(analyse(spec), parameters=zero, point=["5"]))


def test_given_weights_are_used_for_the_additivity_certificate() -> None:
    spec = parse_layers("2 > maxpool 2 > dense 1")
    weights = {"w_2_1_1": 3, "b_2_1": "1/2"}
    derivation = derive_layers(verify_layers(analyse(spec), parameters=weights))
    section = next(s for s in derivation.sections if s.title == ("No single affine map",))
    printer = NetworkStrPrinter(derivation.symbols)
    steps = {printer.doprint(step.lhs): step.rhs for step in section.steps}
    assert (steps["A_2"], steps["a_2"]) == (sp.Matrix([[3]]), sp.Matrix([sp.Rational(1, 2)]))


def test_weights_or_point_for_an_affine_network_are_an_option_error() -> None:
    message = (
        r"^weights and a point choose where a non-affine network is examined; "
        r"this network is affine$"
    )
    with pytest.raises(OptionError, match=message):
        derive_layers(
            verify_layers(analyse(parse_layers("2 > dense 2 > dense 1")), point=["1", "2"])
        )


def test_piecewise_user_activation_gets_an_exact_additivity_certificate() -> None:
    spec = LayerSpec(2, (Dense(2, custom_activation(sp.Abs, "absval")), Dense(1)))
    derivation = derive_layers(verify_layers(analyse(spec)))
    assert derivation.sections[-1].title == ("No single affine map",)
    result = analyse(spec)
    found, _ = next(additivity_pairs(result, random_parameters(result.entries, 0), 0))
    u, v = found.u, found.v
    params = random_parameters(result.entries, 0)

    def f(x):  # |.| by hand, from the merged maps at the same weights
        A1, a1 = (m.xreplace(params) for m in (result.affine[0].matrix, result.affine[0].bias))
        A2, a2 = (m.xreplace(params) for m in (result.affine[1].matrix, result.affine[1].bias))
        return A2 * (A1 * x + a1).applyfunc(abs) + a2

    assert f(u + v) + f(sp.zeros(2, 1)) != f(u) + f(v)


def test_undecidable_activation_is_a_spec_error_not_a_wrong_verdict() -> None:
    # sign(z) |z| is z on the reals, but sympy does not simplify it: no certificate can exist
    odd = custom_activation(lambda z: sp.sign(z) * sp.Abs(z), "odd")
    message = (
        r"^no certificate that the network is not affine was found \(activations: odd\); "
        r"it may be affine after all$"
    )
    with pytest.raises(SpecError, match=message):
        derive_layers(verify_layers(analyse(LayerSpec(1, (Dense(1, odd), Dense(1))))))


def test_constant_network_is_reported_as_such() -> None:
    # the second convolution only ever sees padding: the output is its bias, whatever x is
    spec = parse_layers("3 > maxpool 3 > conv1d k=3 s=2 p=1 > conv1d k=1 s=2 p=1 > avgpool 2")
    assert not analyse(spec).depends_on_input
    message = (
        r"^the output does not depend on the input \(every path from x is cut, e.g. by a "
        r"convolution that only sees padding\): f is constant$"
    )
    with pytest.raises(SpecError, match=message):
        derive_layers(verify_layers(analyse(spec)))


def test_relu_networks_depend_on_their_input() -> None:
    assert analyse(parse_layers("2 > dense 3 relu > maxpool 2 > dense 1")).depends_on_input


def _checks(derivation, title: str) -> dict[str, object]:
    section = next(s for s in derivation.sections if s.title == (title,))
    printer = NetworkStrPrinter(derivation.symbols)
    return {printer.doprint(step.lhs): step.check for step in section.steps}


#: The two merged maps' lines: the chosen weights.
MERGED = {name: cert.WEIGHTS for name in ("A_1", "a_1", "A_2", "a_2")}


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        (
            "2 > dense 2 relu > dense 1",
            "No single affine map",
            {
                **MERGED,
                "u": cert.INPUTS,
                "v": cert.INPUTS,
                "f(u + v) + f(0)": cert.EVALUATED,
                "f(u) + f(v)": cert.DIFFERS,
            },
        ),
        (
            "2 > dense 3 tanh > dense 1",
            "Not affine: a second derivative",
            {
                "Derivative(tanh(z), (z, 2))": cert.DIFFERENTIATED,
                **MERGED,
                "x": cert.POINT,
                "Derivative(f_1(x_1, x_2), (x_1, 2))": cert.NONZERO,
            },
        ),
    ],
)
def test_certificate_lines_record_what_was_computed_and_what_was_chosen(
    text: str, title: str, expected: dict[str, object]
) -> None:
    assert _checks(derive_layers(verify_layers(analyse(parse_layers(text)))), title) == expected


def test_max_pooling_lines_are_checked_by_evaluation() -> None:
    derivation = derive_layers(
        verify_layers(analyse(parse_layers("4 > dense 4 > maxpool 2 > dense 1")))
    )
    checks = _checks(derivation, "No single affine map")
    assert checks["maxpool[2]([[1], [1], [0], [0]])"] == cert.POOLED
    assert checks["maxpool[2]([[1], [0], [0], [0]]) + maxpool[2]([[0], [1], [0], [0]])"] == (
        cert.POOLED_DIFFERS
    )
    assert None not in checks.values()


def test_an_activation_curved_only_between_the_trial_points_is_not_claimed_certified() -> None:
    z = sp.Symbol("z")
    curvature = sp.Mul(*(z - p for p in TRIAL_POINTS))  # zero at every trial point
    formula = sp.integrate(sp.integrate(curvature, z), z)
    bumpy = custom_activation(lambda x: formula.subs(z, x), "bumpy")
    derivation = derive_layers(verify_layers(analyse(LayerSpec(1, (Dense(1, bumpy), Dense(1))))))
    checks = _checks(derivation, "Not affine: a second derivative")
    assert checks["Derivative(bumpy(z), (z, 2))"] == cert.NOT_CERTIFIED
    assert checks["Derivative(f_1(x_1), (x_1, 2))"] == cert.NONZERO


@pytest.mark.parametrize(
    "text", ["2 > dense 2 relu > dense 1", "2 > dense 3 tanh > dense 1", "2 > maxpool 2 > dense 1"]
)
def test_json_carries_every_certificate_line_s_check(text: str) -> None:
    data = document_data(derive_layers(verify_layers(analyse(parse_layers(text)))))
    section = data["sections"][-1]
    assert section["title"][0] in ("No single affine map", "Not affine: a second derivative")
    checks = [step["check"] for step in section["steps"]]
    routes = {c["route"] for c in checks if c["checked"]}
    whys = {c["why"][0] for c in checks if not c["checked"]}
    assert routes and whys and all(c is not None for c in checks)
    assert whys <= {cert.WEIGHTS.why[0], cert.INPUTS.why[0], cert.POINT.why[0]}


@pytest.mark.parametrize("depth", [1, 6, 24])
def test_a_deep_chain_of_relus_is_certified_by_small_integer_weights(depth: int) -> None:
    """A chain of width-1 ReLUs: at random weights most pairs lie in one region (the search
    used to spend minutes and end undecided); at weights and biases 1, ``u = 3`` is on the
    first ReLU's linear piece and ``v = -2`` off it, so the first pair found is that one."""
    text = "1 " + "> dense 1 relu " * depth + "> dense 1"
    result = analyse(parse_layers(text))
    section = additivity_section(result, seed=0)
    assert section is not None
    steps = {str(step.lhs): step.rhs for step in section.steps if step.lhs is not None}
    assert steps["u"] == sp.Matrix([3]) and steps["v"] == sp.Matrix([-2])
    assert steps["A_1"] == sp.Matrix([[1]]) and steps["a_1"] == sp.Matrix([1])


def test_the_certificate_of_a_relu_network_is_small_integers_none_zero() -> None:
    """``2 > dense 3 relu > dense 1``: weights and biases 1, and ``f(0) = 4``, ``f(u) = 16``,
    ``f(v) = 1``, ``f(u + v) = 10``, so each term of a row changes its value."""
    steps = _steps("2 > dense 3 relu > dense 1", "No single affine map")
    assert steps["A_1"] == sp.ones(3, 2) and steps["a_1"] == sp.ones(3, 1)
    assert steps["A_2"] == sp.ones(1, 3) and steps["a_2"] == sp.Matrix([1])
    assert steps["u"] == sp.Matrix([2, 2]) and steps["v"] == sp.Matrix([-1, -1])
    assert steps["f(u + v) + f(0)"] == sp.Matrix([14])
    assert steps["f(u) + f(v)"] == sp.Matrix([17])


def test_unit_parameters_zero_every_shift_and_one_everything_else() -> None:
    result = analyse(parse_layers("3 > dense 2 relu > batchnorm > conv1d k=2 s=1 p=0"))
    values = unit_parameters(result.entries)
    kinds = {result.entries[s].kind: v for s, v in values.items()}
    assert kinds.pop("b") == kinds.pop("mu") == kinds.pop("beta") == 0
    assert set(kinds.values()) == {1} and "x" not in kinds
