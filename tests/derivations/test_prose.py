"""Every document kind: prose is words and mathematical objects, never mathematics as words.

The scanner (:func:`tests.derivations.prose.typed_math`) reads the words of every title,
heading, introduction, reason and unchecked-step note; the rendered LaTeX and Markdown are read
too, outside their mathematics and code, for escaped mathematics (``\\_``, ``^``, ``>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from symcollapse import (
    collapse_values,
    derive,
    derive_layers,
    derive_regression,
    derive_values,
    parse_layers,
    prove,
    random_values,
    regress,
)
from symcollapse.algebra.analysis import analyse
from symcollapse.doc.model import Derivation
from symcollapse.render.latex import render_document
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.verification.layered import verify_layers
from tests.derivations.prose import typed_math

LAYERS = {
    "residual": "2 > dense 3 > residual(dense 3) > dense 1",
    "conv": "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1",
    "relu": "2 > dense 3 relu > dense 3 relu > dense 1",
    "leaky": "2 > dense 2 leaky_relu(1/10) > dense 1",
    "tanh": "2 > dense 2 tanh > dense 1",
    "maxpool": "4 > maxpool 2 > dense 1",
    "bottleneck": "3 > dense 1 > dense 3",
}

DOCUMENTS: dict[str, Callable[[], Derivation]] = {
    "derive 2-3-3-1": lambda: derive([2, 3, 3, 1]),
    "derive 1-1": lambda: derive([1, 1]),
    "numbers": lambda: derive_values(collapse_values(random_values((2, 3, 1), 1))),
    "prove": lambda: prove(2).derivation,
    "regress": lambda: derive_regression(regress([2, 2, 1], seed=3)),
    **{
        f"layers {kind}": (
            lambda text=text: derive_layers(verify_layers(analyse(parse_layers(text))))
        )
        for kind, text in LAYERS.items()
    },
}


@pytest.fixture(scope="module", params=list(DOCUMENTS))
def document(request: pytest.FixtureRequest) -> Derivation:
    return DOCUMENTS[request.param]()


def test_no_mathematics_typed_as_words(document: Derivation) -> None:
    assert typed_math(document) == []


#: LaTeX text-mode spellings of mathematics: what escaping typed mathematics produces.
ESCAPED_MATH = re.compile(r"\\_|\\textasciicircum|\\textgreater|\\textless|\.\.\.")


def _outside(pattern: str, text: str) -> str:
    return re.sub(pattern, " ", text, flags=re.S)


def test_latex_words_hold_no_escaped_mathematics(document: Derivation) -> None:
    tex = render_document(document, Notation())
    body = tex.split(r"\begin{document}", 1)[1]
    words = _outside(r"\$[^$]*\$|\\begin\{(align\*?)\}.*?\\end\{\1\}|\\texttt\{[^}]*\}", body)
    assert not ESCAPED_MATH.search(words), ESCAPED_MATH.search(words)


def test_markdown_words_hold_no_mathematics(document: Derivation) -> None:
    md = render_markdown(document, Notation())
    words = _outside(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`", md)
    assert not re.search(r"(?<!\\)[_^=]|>=", words), re.search(r"(?<!\\)[_^=]|>=", words)
