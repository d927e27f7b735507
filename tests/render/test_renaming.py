"""``--names`` renames a role everywhere: in every document kind and every format, no symbol
keeps its old letter (the symbols carry their role; none is made by spelling its name)."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symcollapse import derive, gradients, prove
from symcollapse.cli import main
from symcollapse.derivations.endtoend import derive_arora
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.doc.model import Derivation
from symcollapse.errors import OptionError
from symcollapse.render.latex import render_display
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text
from symcollapse.render.typst import render_typst
from symcollapse.verification.endtoend import verify_arora
from tests.model_files import dense_layers, require, write_onnx

from .kinds import KINDS, argv

#: Formats every document command writes; ``json`` only where the command has it.
FORMATS = ("latex", "markdown", "typst", "text", "json")
WITHOUT_JSON = frozenset({"prove", "regress"})

#: ``W`` as a symbol: the letter alone or before a subscript, never inside a word (``Weight``),
#: a command (``\\Wedge``) or an upright name.
OLD_W = re.compile(r"(?<![A-Za-z\\])W(?![A-Za-z])")


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    require("onnx", "ONNX")
    path = tmp_path_factory.mktemp("model") / "student.onnx"
    return write_onnx(dense_layers((2, 3, 3, 1), seed=7), path, "matmul_add")


def _shown(out: str, fmt: str) -> str:
    """What a reader sees: for JSON the string values, not the schema's keys (``"W_z"``)."""
    if fmt != "json":
        return out
    values: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            values.append(node)

    walk(json.loads(out))
    return "\n".join(values)


CASES = [
    (kind, fmt) for kind in KINDS for fmt in FORMATS if not (fmt == "json" and kind in WITHOUT_JSON)
]


#: Kinds whose documents print no ``W_z`` (``--names W_z=Q`` would be refused, not ignored).
WITHOUT_W_Z = frozenset({"saxe", "arora"})


@pytest.mark.parametrize(("kind", "fmt"), CASES)
def test_renamed_weights_leave_no_trace_of_their_letter(kind, fmt, model, capsys):
    names = "W=M" if kind in WITHOUT_W_Z else "W=M,W_z=Q"
    assert main(argv(kind, model, "--names", names, "--format", fmt)) == 0
    shown = _shown(capsys.readouterr().out, fmt)
    assert not OLD_W.findall(shown), [line for line in shown.splitlines() if OLD_W.search(line)]
    assert re.search(r"(?<![A-Za-z\\])(M|m|Q)(?![A-Za-z])", shown), "the new names are shown"


@pytest.mark.parametrize(
    ("argv_", "gone", "shown"),
    [
        (["gradients", "2", "2", "1"], "W_{z}", "Q"),  # the data-set form's W_z, once spelled
        (["dynamics", "arora"], "W_{1}", "V_{1}"),  # the layers of the chain rule
        (["dynamics", "arora"], "W_{e}", "V_{e}"),  # the end-to-end matrix follows W
        (["dynamics", "saxe"], "W_{2}", "V_{2}"),
    ],
)
def test_the_reported_documents_rename_their_spelled_symbols(argv_, gone, shown, capsys):
    names = "W=V,W_z=Q" if argv_[0] == "gradients" else "W=V"
    assert main([*argv_, "--names", names, "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert gone not in out
    assert shown in out


@pytest.mark.parametrize(
    ("argv_", "names", "shown"),
    [
        (
            ["gradients", "2", "2", "1"],
            "Sigma_xx=C,Sigma_yx=K,loss=E,y=t",  # tau is in the prose a fragment leaves out
            ["C", "K", r"\partial E", "t"],
        ),
        (["dynamics", "arora"], "G=H,after=A,before=B,N=m", ["H", "A_{j}", "B_{j}", "m = 3"]),
        (["dynamics", "saxe"], "U=E,V=F,rotation=O,singular=Z", ["E Z F^{T}", "O"]),
    ],
)
def test_roles_that_were_spelled_can_be_named(argv_, names, shown, capsys):
    assert main([*argv_, "--names", names, "--format", "latex"]) == 0
    out = capsys.readouterr().out
    for piece in shown:
        assert piece in out


@pytest.mark.parametrize(
    ("argv_", "names", "shown"),
    [
        (["dynamics", "arora"], "velocity_deviation=E", ["E(2) &= ", "E(3) &= "]),
        (
            ["layers", "2 > dense 3 > residual(dense 3) > dense 1"],
            "g=G,h=H",
            [r"\text{skip connection }H + G(H)"],
        ),
        (
            ["layers", "2 > dense 2 relu > dense 1"],
            "g=q",
            ["Every affine map $q$ has $q(0) + q(u + v) = q(u) + q(v)$"],
        ),
        (
            ["layers", "2 > dense 2 tanh > dense 1"],
            "f=F,z=u",
            [r"\frac{d^{2}}{d u^{2}} \tanh{\left(u \right)}", r"x_{1}^{2}} F_{1}(x_{1}, x_{2})"],
        ),
    ],
)
def test_symbols_of_functions_are_named_by_their_roles(argv_, names, shown, capsys):
    """Delta(N), g(h), z and f_1 were spelled: now each follows --names."""
    assert main([*argv_, "--names", names, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    for piece in shown:
        assert piece in out


@pytest.fixture(scope="module")
def documents() -> list[Derivation]:
    """One document of each kind that once spelled a symbol, made once."""
    return [
        derive((2, 3, 1), detail="standard"),
        derive_gradients(gradients((2, 2, 1))),
        derive_arora(verify_arora(3, ())),
        prove().derivation,
    ]


def _rendered(document: Derivation, notation: Notation | None = None) -> str:
    return "\n".join(
        render(document, notation)
        for render in (render_display, render_markdown, render_typst, render_text)
    )


#: Renders the documents named ``W=V``, makes symbols of every role (``W_1`` among them), and
#: renders them again, in a fresh process: a table filled as symbols are made would show.
HISTORY = """
import sys
from symcollapse import derive, gradients
from symcollapse.algebra import symbols
from symcollapse.derivations.endtoend import derive_arora
from symcollapse.verification.endtoend import verify_arora
from symcollapse.derivations.gradients import derive_gradients
from symcollapse.render.latex import render_display
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text

notation = Notation().renamed({"W": "V", "W_z": "Q"})
makers = [
    lambda: derive_arora(verify_arora(3, ())),
    lambda: derive_gradients(gradients((2, 2, 1))),
    lambda: derive((2, 3, 1)),
]
renderers = (render_display, render_text)
def shown():  # each document rendered as soon as it is made, before the next is made
    return [r(d, notation) for make in makers for d in [make()] for r in renderers]
before = shown()
k = symbols.scalar("k")
made = [symbols.matrix("W", 3, 3, 1), symbols.matrix("W_z", 2, 2, sup=k)]
made += [symbols.matrix(role, 3, 3, 1) for role in ("V", "G", "after", "h", "y", "W_e")]
made += [symbols.scalar("d", k - 1), symbols.matrix("W", 3, 3, 2)]
sys.stdout.write("same" if shown() == before else "different")
"""


def test_rendering_does_not_depend_on_what_was_made_before():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-c", HISTORY], capture_output=True, text=True, env=env, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "same"


#: Names a reader may give ``W``: capitals and Greek capitals, never one that contains ``W``.
W_NAMES = st.sampled_from(
    [c for c in string.ascii_uppercase if c != "W"] + ["Theta", "Omega", "Psi"]
)
W_Z_NAMES = st.tuples(W_NAMES, st.sampled_from(["", "_e", "_z", "_tot", "_2"])).map("".join)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(w=W_NAMES, w_z=W_Z_NAMES)
def test_any_name_for_the_weights_replaces_them_everywhere(documents, w, w_z):
    try:
        notation = Notation().renamed({"W": w, "W_z": w_z})
    except OptionError:
        assume(False)  # two roles given one name, or W_z named as a layer's matrix
    for document in documents:
        try:
            shown = _rendered(document, notation)
        except OptionError:
            assume(False)  # no spare letter left for a built-in role the names took
        assert not OLD_W.findall(shown)


def test_the_time_constant_of_the_flow_can_be_named(capsys):
    assert main(["gradients", "2", "1", "--names", "tau=T", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert r"T \frac{d}{d t} W_{1}" in out
    assert r"\tau" not in out
