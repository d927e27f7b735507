"""The layered showcase that ``symcollapse example`` writes to ``output/`` (staleness of the
committed files is checked for every output file in ``test_example.py``)."""

from __future__ import annotations

import pytest

from symcollapse.cli.example import SHOWCASE, showcase_files
from symcollapse.render.notation import Notation
from symcollapse.spec.limits import DEFAULT_MAX_TERMS


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return showcase_files(DEFAULT_MAX_TERMS, Notation())


def test_showcase_has_the_three_networks_and_their_verdicts(files) -> None:
    assert set(SHOWCASE) == {"layers-residual", "layers-conv", "layers-relu"}
    assert sorted(files) == sorted(f"{s}.{e}" for s in SHOWCASE for e in ("tex", "md", "json"))
    titles = {
        stem: next(line for line in files[f"{stem}.tex"].split("\n") if line.startswith("\\title"))
        for stem in SHOWCASE
    }
    assert titles["layers-residual"].endswith(r"> dense 1}: affine}")
    assert titles["layers-conv"].endswith(": affine}")
    assert titles["layers-relu"].endswith(": piecewise affine}")
    assert r"\kappa^{(1)}_{1}" in files["layers-conv.tex"]


@pytest.mark.latex
@pytest.mark.parametrize("stem", sorted(SHOWCASE))
def test_showcase_compiles_with_pdflatex(stem: str, files, compile_latex) -> None:
    compile_latex(files[f"{stem}.tex"], name=stem)
