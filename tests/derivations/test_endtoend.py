"""The Arora document: the chain rule, the balancedness step, numbers, LaTeX that compiles."""

from __future__ import annotations

import pytest

from symcollapse.algebra import endtoend as e2e
from symcollapse.derivations.endtoend import derive_arora
from symcollapse.render.latex import render_document
from symcollapse.render.notation import Notation
from symcollapse.verification.endtoend import verify_arora
from tests.derivations.prose import typed_math


@pytest.mark.parametrize("depth", [2, 3, 5])
def test_arora_document(depth):
    checks = [e2e.arora_deviation(n) for n in range(2, depth + 1)]
    doc = derive_arora(verify_arora(depth, checks))
    chain = doc.sections[0].steps
    assert len(chain) == 1 + depth + 1  # definition, one flow per layer, the product rule
    assert "Arora et al. 2018, Theorem 1, terms in reverse order; numeric" in "".join(
        map(str, doc.sections[1].steps[-1].reason)
    )
    balanced = doc.sections[1].steps
    # per pair its imbalance, the imbalance's flow and balancedness; two powers, the sum twice
    assert len(balanced) == 3 * (depth - 1) + 4
    assert len(doc.sections[2].steps) == depth - 1
    assert typed_math(doc) == []


@pytest.mark.latex
def test_latex_compiles_at_the_largest_depth(compile_latex):
    checks = [e2e.arora_deviation(n) for n in range(2, e2e.MAX_DEPTH + 1)]
    arora = derive_arora(verify_arora(e2e.MAX_DEPTH, checks))
    compile_latex(render_document(arora, Notation()), "arora")
