"""Every formula of every Markdown document kind, rendered by MathJax 3 and KaTeX themselves.

The documents are built once, their formulas found by markdown-it-py (see ``mathdoc``) and sent to
one node process; each document then checks its own errors and its Markdown structure.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
import sympy as sp

from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.numeric import collapse_values
from symcollapse.algebra.regression import regress
from symcollapse.cli.example import SHOWCASE
from symcollapse.derivations.dense import derive
from symcollapse.derivations.layers import derive_layers
from symcollapse.derivations.numeric import derive_values
from symcollapse.derivations.proof import prove
from symcollapse.derivations.regression import derive_regression
from symcollapse.doc.model import Decimals, Derivation
from symcollapse.render.github import render_github
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.spec.grammar import parse_layers
from symcollapse.spec.values import parse_values, random_values
from symcollapse.verification.layered import verify_layers
from tests.model_files import dense_layers

from .mathdoc import Formula, dollar_formulas, github_formulas

#: Markdown flavour -> (renderer, formula finder).
FLAVOURS: dict[str, tuple[Callable[..., str], Callable[[str], list[Formula]]]] = {
    "markdown": (render_markdown, dollar_formulas),
    "github": (render_github, github_formulas),
}

NOTATIONS = {
    "default": Notation(),
    "pmatrix-upper-0": Notation(delimiter="pmatrix", entry_style="upper", index_base=0),
    "greek-flat": Notation(entry_style="flat", line_width=30).renamed(
        {"x": "xi", "W": "Omega", "b": "omega", "W_z": "M_z"}
    ),
}


@cache
def derivations() -> dict[str, Derivation]:
    """Document kind -> a derivation of that kind."""
    kinds = {
        f"derive-{'-'.join(map(str, w))}": derive(w) for w in [(1, 1), (2, 3, 3, 1), (3, 2, 2)]
    }
    kinds["derive-values-random"] = derive_values(collapse_values(random_values((2, 3, 1), 7)))
    layers = dense_layers((4, 5, 5, 3), seed=3)  # a trained model's numbers: 25-digit products
    data = {"weights": [W for W, _ in layers], "biases": [b for _, b in layers]}
    model = parse_values(data, (4, 5, 5, 3), "a model")
    kinds["derive-values-model"] = derive_values(collapse_values(model), numbers=Decimals())
    kinds["prove"] = prove(instances=3).derivation
    kinds["regress"] = derive_regression(regress((2, 3, 1), seed=3))
    for name, text in SHOWCASE.items():
        kinds[name] = derive_layers(verify_layers(analyse(parse_layers(text))))
    return kinds


DOCUMENTS = [
    (kind, flavour, notation)
    for kind in ("derive-1-1", "derive-2-3-3-1", "derive-3-2-2", "derive-values-random",
                 "derive-values-model", "prove", "regress", *SHOWCASE)
    for flavour in FLAVOURS
    for notation in (NOTATIONS if kind.startswith("derive") else ["default"])
]  # fmt: skip


@cache
def markdown_of(kind: str, flavour: str, notation: str) -> str:
    return FLAVOURS[flavour][0](derivations()[kind], NOTATIONS[notation])


@pytest.fixture(scope="module")
def engine_errors(render_formulas) -> dict[tuple[str, str, str], list[tuple[str, str, str]]]:
    """Document -> (formula, engine, message) for each rejected formula; one node run for all."""
    owners, formulas = [], []
    for document in DOCUMENTS:
        found = FLAVOURS[document[1]][1](markdown_of(*document))
        owners += [document] * len(found)
        formulas += found
    errors: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {d: [] for d in DOCUMENTS}
    for index, engine, message in render_formulas(formulas):
        errors[owners[index]].append((formulas[index].tex, engine, message))
    return errors


@pytest.mark.parametrize(("kind", "flavour", "notation"), DOCUMENTS)
def test_every_formula_renders_in_mathjax_and_katex(engine_errors, kind, flavour, notation):
    assert engine_errors[kind, flavour, notation] == []


@pytest.mark.parametrize(("kind", "flavour", "notation"), DOCUMENTS)
def test_the_parser_finds_each_display_and_inline_formula(kind, flavour, notation):
    """One aligned display per section, and one inline formula per sympy object in the prose
    (titles, headings and introductions)."""
    derivation = derivations()[kind]
    formulas = FLAVOURS[flavour][1](markdown_of(kind, flavour, notation))
    displays = [f.tex for f in formulas if f.display]
    assert len(displays) == len(derivation.sections)
    assert all(d.startswith(r"\begin{aligned}") and d.endswith(r"\end{aligned}") for d in displays)
    prose = [*derivation.title, *(p for s in derivation.sections for p in (*s.title, *s.intro))]
    objects = [p for p in prose if isinstance(p, sp.Basic)]
    assert len(formulas) - len(displays) == len(objects)


def test_the_engines_report_what_they_cannot_render(render_formulas):
    bad = [r"\notacommand x", "{a", r"\left( a", r"\begin{aligned} a \end{bmatrix}"]
    errors = render_formulas([Formula(tex, True) for tex in bad] + [Formula("a_{1}", False)])
    assert sorted((index, engine) for index, engine, _ in errors) == [
        (index, engine) for index in range(len(bad)) for engine in ("katex", "mathjax")
    ]


def test_notebook_displays_render(render_formulas):
    """The ``$$`` displays of ``_repr_latex_``, which Jupyter hands to MathJax as they are."""
    numeric = collapse_values(random_values((2, 3, 1), 3))
    objects = [derive([2, 3, 1]), collapse([2, 2, 1]), numeric, regress(numeric, seed=3)]
    formulas = [
        Formula(display.strip(), True)
        for obj in objects
        for display in obj._repr_latex_().split("$$")[1::2]
    ]
    assert len(formulas) >= len(objects)
    assert render_formulas(formulas) == []
