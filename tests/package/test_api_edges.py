"""The public API typed at its edges: every function of ``symcollapse.__all__`` refuses junk
arguments with a :class:`SymcollapseError` of one line, never an untyped error or a hang."""

from __future__ import annotations

import functools
import inspect
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symcollapse
from symcollapse import SymcollapseError
from symcollapse.render.beamer import render_beamer
from symcollapse.render.html import render_html
from symcollapse.render.json import render_json
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.markdown import render_markdown
from symcollapse.render.text import render_text
from symcollapse.render.typst import render_typst, render_typst_document
from tests.partial_models import write_graph

FUNCTIONS = sorted(n for n in symcollapse.__all__ if inspect.isfunction(getattr(symcollapse, n)))


def _values() -> symcollapse.Values:
    return symcollapse.random_values([2, 1], 0)


@functools.cache
def _partial_model() -> Path:
    """A Linear-Linear-ReLU ONNX model, written once per test run."""
    return write_graph(Path(tempfile.mkdtemp()) / "m.onnx", ("linear", "linear", "relu"), (2, 2, 2))


W: dict = {}  # placeholders of a forward function's globals, replaced when it is called
b: dict = {}


def _affine(x):  # a forward function in a file, as latexify needs
    return W[1] @ x + b[1]


def _read():
    return symcollapse.read_function(_affine, [2, 1])


def _analysed() -> symcollapse.LayeredCollapse:
    return symcollapse.analyse(symcollapse.parse_layers("2 > dense 1"))


def _regression() -> symcollapse.Regression:
    return symcollapse.regress([2, 1])


#: Function name -> valid arguments (positional, keyword); each is replaced by junk in turn.
VALID: dict[str, tuple[tuple[Callable[[], Any], ...], dict[str, Callable[[], Any]]]] = {
    "activation": ((lambda: "tanh",), {}),
    "analyse": ((lambda: symcollapse.parse_layers("2 > dense 1"),), {"max_terms": lambda: 10}),
    "collapse": ((lambda: [2, 1],), {"max_terms": lambda: 10}),
    "collapse_values": ((_values,), {"max_terms": lambda: 10, "max_depth": lambda: 5}),
    "custom_activation": ((lambda: lambda z: 2 * z, lambda: "phi"), {}),
    "derive": ((lambda: [2, 1],), {"max_terms": lambda: 10, "max_depth": lambda: 5}),
    "derive_function": ((lambda: symcollapse.verify_function(_read()),), {}),
    "derive_layers": ((lambda: symcollapse.verify_layers(_analysed()),), {}),
    "derive_regression": ((_regression,), {}),
    "derive_values": ((lambda: symcollapse.collapse_values(_values()),), {}),
    "descend": ((_regression, lambda: 3), {"learning_rate": lambda: 0.01, "seed": lambda: 0}),
    "fold": (
        (lambda: [([[1.0, 2.0]], [0.5])],),
        {
            "samples": lambda: 4,
            "seed": lambda: 0,
            "max_depth": lambda: 5,
            "max_bytes": lambda: 10**6,
        },
    ),
    "fold_partial": (
        (_partial_model,),
        {"samples": lambda: 4, "seed": lambda: 0, "max_bytes": lambda: 10**6},
    ),
    "gradients": ((lambda: [1, 1],), {"max_terms": lambda: 10}),
    "load_values": ((lambda: "missing.json", lambda: [2, 1]), {"max_terms": lambda: 10}),
    "parse_layers": ((lambda: "2 > dense 1",), {}),
    "parse_values": (
        (lambda: {"weights": [[[1, 2]]], "biases": [[3]]}, lambda: [2, 1], lambda: "file"),
        {},
    ),
    "prove": ((lambda: 2,), {}),
    "random_values": ((lambda: [2, 1], lambda: 0), {"max_terms": lambda: 10}),
    "read_function": ((lambda: _affine, lambda: [2, 1]), {}),
    "regress": ((lambda: [2, 1],), {"samples": lambda: 4, "seed": lambda: 0}),
    "verify": (
        (lambda: [2, 1],),
        {"method": lambda: "random", "trials": lambda: 2, "seed": lambda: 0},
    ),
    "verify_function": ((_read,), {"max_terms": lambda: 10, "seed": lambda: 0}),
    "verify_layers": ((_analysed,), {"max_terms": lambda: 10, "seed": lambda: 0}),
}

JUNK = [None, -1, 0, True, 1.5, float("nan"), "x" * 10**6, object(), sp.zoo, [None], {"a": 1}]
JUNK_IDS = ["None", "-1", "0", "True", "1.5", "nan", "megabyte", "object", "zoo", "[None]", "dict"]


def test_every_public_function_has_valid_arguments_here() -> None:
    assert sorted(VALID) == FUNCTIONS


def _cases() -> list[tuple[str, str]]:
    cases = []
    for name, (positional, keywords) in sorted(VALID.items()):
        cases += [(name, f"#{i}") for i in range(len(positional))]
        cases += [(name, key) for key in keywords]
    return cases


def _call(name: str, where: str, junk: object) -> object:
    positional, keywords = VALID[name]
    args = [make() for make in positional]
    kwargs = {key: make() for key, make in keywords.items()}
    if where.startswith("#"):
        args[int(where[1:])] = junk
    else:
        kwargs[where] = junk
    return getattr(symcollapse, name)(*args, **kwargs)


#: Junk that is a valid value of that argument (by junk id): a seed of 0, ``seed=None`` (fresh
#: randomness) and ``samples=None`` (the default).
SEEDS = [(name, "seed") for name in VALID if "seed" in VALID[name][1]]
ACCEPTED = {(*case, "0") for case in [("prove", "#0"), ("random_values", "#1"), *SEEDS]}
ACCEPTED |= {
    ("verify", "seed", "None"),
    ("verify", "trials", "None"),
    ("regress", "samples", "None"),
}


@pytest.mark.parametrize("junk", range(len(JUNK)), ids=JUNK_IDS)
@pytest.mark.parametrize(("name", "where"), _cases())
def test_junk_in_any_argument_is_one_typed_line(name: str, where: str, junk: int) -> None:
    if (name, where, JUNK_IDS[junk]) in ACCEPTED:
        pytest.skip("a valid value of this argument")
    with pytest.raises(SymcollapseError) as caught:
        _call(name, where, JUNK[junk])
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 2000


@pytest.mark.parametrize(
    "render",
    [
        render_document,
        render_fragment,
        render_markdown,
        render_text,
        render_json,
        render_beamer,
        render_typst,
        render_typst_document,
        render_html,
    ],
)
@pytest.mark.parametrize("argument", ["derivation", "notation"])
def test_renderers_refuse_what_is_not_a_derivation_or_notation(render, argument) -> None:
    derivation = symcollapse.derive([2, 1])
    args = (None, None) if argument == "derivation" else (derivation, "bmatrix")
    with pytest.raises(SymcollapseError, match=r"^(expected a Derivation|notation must be)"):
        render(*args)
    with pytest.raises(SymcollapseError, match=r"^expected a Derivation .* got Collapse;"):
        render(symcollapse.collapse([2, 1]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from(_cases()),
    junk=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.lists(st.integers(-3, 3), max_size=4),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
def test_hypothesis_junk_never_gives_an_untyped_error(case: tuple[str, str], junk: object) -> None:
    """Any junk either works (it was a valid value) or is one typed line."""
    try:
        _call(*case, junk)
    except SymcollapseError as error:
        assert "\n" not in str(error)
