"""A plain Python forward function: latexify's first line, its layers, and one-line errors.

The functions live at module level here because latexify reads source with inspect.getsource.
``W``, ``b`` and the activations are placeholders: symcollapse replaces them when it calls them.
"""

from __future__ import annotations

import math

import latexify
import pytest

from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.function import read_function
from symcollapse.derivations.convention import STATED
from symcollapse.derivations.function import PythonSource, derive_function
from symcollapse.derivations.layers import derive_layers
from symcollapse.doc.prose import Code
from symcollapse.errors import OptionError, SpecError
from symcollapse.render.latex import render_fragment
from symcollapse.spec.grammar import parse_layers
from symcollapse.verification.function import verify_function
from symcollapse.verification.layered import verify_layers

W: dict = {}
b: dict = {}


def relu(v):  # placeholder, replaced by symcollapse
    return v


def tanh(v):  # placeholder, replaced by symcollapse
    return v


def relu_net(x):
    return W[3] @ relu(W[2] @ (W[1] @ x + b[1]) + b[2]) + b[3]


def affine_net(x):
    h = W[1] @ x + b[1]
    return W[2] @ h + b[2]


def tanh_net(x):
    return W[2] @ tanh(W[1] @ x + b[1]) + b[2]


def resnet(x):
    h = relu(W[1] @ x + b[1])
    return W[3] @ (h + W[2] @ h + b[2]) + b[3]


def relu_after_skip(x):
    h = x + W[1] @ x + b[1]
    return W[2] @ relu(h) + b[2]


def skipped_layer(x):
    return W[2] @ x + b[2]


def row_relu_net(x):
    return relu(relu(x @ W[1] + b[1]) @ W[2] + b[2]) @ W[3] + b[3]


def row_affine_net(x):
    h = x @ W[1] + b[1]
    return h @ W[2] + b[2]


def row_resnet(x):
    h = relu(x @ W[1] + b[1])
    return (h + h @ W[2] + b[2]) @ W[3] + b[3]


def no_bias(x):
    return W[1] @ x


def uses_math(x):
    return W[1] @ x + b[1] + math.floor(x)


def no_weights(x):
    return x


@pytest.mark.parametrize(
    ("function", "widths", "layers", "verdict"),
    [
        (relu_net, (2, 3, 3, 1), "2 > dense 3 > dense 3 relu > dense 1", "piecewise affine"),
        (affine_net, (3, 2, 1), "3 > dense 2 > dense 1", "affine"),
        (tanh_net, (2, 2, 1), "2 > dense 2 tanh > dense 1", "not affine"),
        (
            resnet,
            (2, 3, 3, 1),
            "2 > dense 3 relu > residual(dense 3) > dense 1",
            "piecewise affine",
        ),
    ],
)
def test_function_becomes_its_layers(function, widths, layers: str, verdict: str) -> None:
    derivation = derive_function(verify_function(read_function(function, widths)))
    expected = parse_layers(layers)
    assert derivation.title == (
        Code(function.__name__),
        ": ",
        "The network ",
        Code(expected.describe()),
        f": {verdict}",
    )
    first = derivation.sections[0].steps[0]
    assert isinstance(first.lhs, PythonSource)
    assert first.lhs.latex == latexify.get_latex(function, reduce_assignments=True)


def test_first_line_is_latexify_output() -> None:
    fragment = render_fragment(
        derive_function(verify_function(read_function(relu_net, (2, 3, 3, 1))))
    )
    first_row = fragment.split("\n")[1]
    assert first_row.startswith(
        r"\mathrm{relu\_net}(x) = W_{3} \cdot \mathrm{relu} \mathopen{}\left( W_{2}"
    )
    assert r"&= W_{3} \operatorname{ReLU}\left(W_{2} \left(W_{1} x + b_{1}\right)" in first_row


@pytest.mark.parametrize(
    ("function", "widths", "message"),
    [
        (skipped_layer, (2, 2, 2), r"^layer 1 must be W\[1\] @ h \+ b\[1\], got W_2 @ h \+ b_2$"),
        (
            no_bias,
            (2, 1),
            r"^cannot read W_1\*x as layers W\[k\] @ h \+ b\[k\], h \+ W\[k\] @ h \+ b\[k\], "
            r"activations$",
        ),
        (uses_math, (2, 1), r"^cannot evaluate uses_math on matrix symbols: .*$"),
        (
            no_weights,
            (2, 1),
            r"^the forward function must use the global weights W\[k\] \(and biases b\[k\]\)$",
        ),
        (affine_net, (3, 2, 1, 1), r"^affine_net has 2 weight matrices but 4 widths$"),
        (
            relu_after_skip,
            (2, 2, 1),
            r"^an activation right after a residual block is not supported: "
            r"relu\(W_1\*x \+ b_1 \+ x\)$",
        ),
        (affine_net, (3, 0, 1), r"^width d_1 must be at least 1, got 0$"),
        (len, (2, 1), r"^expected a Python function, got <built-in function len>$"),
    ],
)
def test_bad_functions_are_one_line_spec_errors(function, widths, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        read_function(function, widths)


def test_function_without_source_is_a_spec_error() -> None:
    scope: dict = {}
    exec("def made(x):\n    return W[1] @ x + b[1]\n", scope)
    with pytest.raises(SpecError, match=r"^latexify cannot read made: .*$"):
        read_function(scope["made"], (2, 1))


@pytest.mark.parametrize(
    ("function", "widths", "layers"),
    [
        (row_relu_net, (2, 3, 2, 1), "2 > dense 3 relu > dense 2 relu > dense 1"),
        (row_affine_net, (3, 2, 2), "3 > dense 2 > dense 2"),
        (row_resnet, (2, 3, 3, 2), "2 > dense 3 relu > residual(dense 3) > dense 2"),
    ],
)
def test_a_row_function_becomes_its_layers_in_the_row_form(function, widths, layers) -> None:
    """``x @ W[1] + b[1]`` read with --convention row: the same layers, the document in the row
    form, its first line what the code computes on a row x; equal to the layers (transposed)
    at random exact points."""
    read = read_function(function, widths, "row")
    assert read.spec == parse_layers(layers)
    assert read.explicit.shape == (1, widths[-1])
    derivation = derive_function(verify_function(read), "row")
    assert derivation.convention == "row"
    first = derivation.sections[0]
    assert first.intro[: len(STATED)] == STATED
    assert STATED[0] not in derivation.sections[1].intro
    assert first.steps[0].rhs == read.expr and read.expr.shape == (1, widths[-1])
    layers = derive_layers(verify_layers(analyse(read.spec)), "row")  # checked in test_convention
    assert derivation.sections[1].steps == layers.sections[0].steps
    assert derivation.sections[2:] == layers.sections[1:]
    with pytest.raises(OptionError, match="read in the row convention"):
        derive_function(verify_function(read))


@pytest.mark.parametrize(
    ("function", "convention", "message"),
    [
        (relu_net, "row", r"^cannot evaluate relu_net on matrix symbols: .*$"),
        (row_relu_net, "column", r"^cannot evaluate row_relu_net on matrix symbols: .*$"),
    ],
)
def test_code_in_the_other_convention_is_refused(function, convention, message) -> None:
    with pytest.raises(SpecError, match=message):
        read_function(function, (2, 3, 2, 1), convention)
