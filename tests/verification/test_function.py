"""A forward function read as layers is checked before a document shows it: its layers, and the
function on explicit matrices against them; a function that differs from them is refused."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from symcollapse.algebra.function import read_function
from symcollapse.errors import VerificationError
from symcollapse.verification.function import verify_function

W: dict = {}  # placeholders of the functions' globals, replaced when symcollapse calls them
b: dict = {}


def relu(v):  # placeholder, replaced by symcollapse
    return v


def affine_net(x):
    return W[2] @ (W[1] @ x + b[1]) + b[2]


def relu_net(x):
    return W[2] @ relu(W[1] @ x + b[1]) + b[2]


@pytest.mark.parametrize(("function", "widths"), [(affine_net, (2, 3, 1)), (relu_net, (2, 2, 2))])
def test_a_function_that_is_its_layers_is_checked(function, widths):
    read = read_function(function, widths)
    checked = verify_function(read, seed=3)
    assert checked.function is read
    assert checked.layers.result.spec == read.spec and checked.layers.seed == 3


@pytest.mark.parametrize(("function", "widths"), [(affine_net, (2, 3, 1)), (relu_net, (2, 2, 2))])
def test_a_function_that_differs_from_its_layers_is_refused(function, widths):
    read = read_function(function, widths)
    shifted = read.explicit + sp.ones(*read.explicit.shape)
    with pytest.raises(VerificationError, match=r"^the function and its layers disagree at a "):
        verify_function(dataclasses.replace(read, explicit=shifted))
