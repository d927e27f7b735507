"""Every document kind in every notation fits its page: standalone, in ``article``, in a column.

Each combination of entry style, delimiter, index base and names is compiled with pdflatex for
each container; to keep the suite short, the fragments (and the bodies of standalone documents
with the same preamble) of all document kinds share one document per combination. Any
overfull box fails, and so does a numbered equation that the PDF does not show.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

import symcollapse
from symcollapse.algebra.analysis import analyse
from symcollapse.doc.model import Derivation
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.notation import Notation
from symcollapse.verification.layered import verify_layers
from tests.conftest import REQUIRE_PDFLATEX, pdflatex

pytestmark = pytest.mark.latex

#: Renamed roles; ``u`` for ``x`` is refused on this branch (reserved for certificates).
RENAMED = {"W": "M", "b": "c", "x": "q"}
NOTATIONS = [
    (style, delimiter, base, renamed)
    for style, delimiter, base, renamed in itertools.product(
        ("paren", "upper", "flat"), ("bmatrix", "pmatrix"), (0, 1), (False, True)
    )
]
#: The ``twocolumn`` container gets the two-column line width the README recommends.
CONTAINERS = {
    "article": (r"\documentclass{article}", 80),
    "twocolumn": (r"\documentclass[twocolumn]{article}", 30),
}


@cache
def documents() -> dict[str, Derivation]:
    """One derivation of each kind: dense (two shapes), proof, ReLU showcase, numbers."""
    layers = symcollapse.parse_layers("2 > dense 3 relu > dense 1")
    values = symcollapse.random_values([3, 4, 4, 2], seed=1)
    return {
        "dense-2331": symcollapse.derive((2, 3, 3, 1)),
        "dense-3442": symcollapse.derive((3, 4, 4, 2)),
        "proof": symcollapse.prove().derivation,
        "relu": symcollapse.derive_layers(verify_layers(analyse(layers))),
        "numbers": symcollapse.derive_values(symcollapse.collapse_values(values)),
    }


def notation(style: str, delimiter: str, base: int, renamed: bool, **options: object) -> Notation:
    plain = Notation(entry_style=style, delimiter=delimiter, index_base=base, **options)
    return plain.renamed(RENAMED) if renamed else plain


def _pdflatex(directory: Path, source: str) -> str:
    """Compile ``source``; return its log (the test fails on errors and overfull boxes)."""
    log = pdflatex(directory, source)
    overfull = re.findall(r"Overfull \\[hv]box \([^)]*\)[^\n]*", log)
    assert not overfull, overfull[:5]
    return log


def shown_numbers(pdf: Path) -> set[int]:
    """Equation numbers ``(n)`` in the text of the PDF."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return {int(n) for n in re.findall(r"\((\d+)\)", text)}


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize(("style", "delimiter", "base", "renamed"), NOTATIONS)
def test_fragments_fit_and_show_every_equation(
    tmp_path, container, style, delimiter, base, renamed
):
    documentclass, width = CONTAINERS[container]
    fragments = [  # numbered (align, labels) and unnumbered (align*, reasons as \tag*)
        render_fragment(
            derivation,
            notation(
                style,
                delimiter,
                base,
                renamed,
                numbered=numbered,
                line_width=width,
                label_prefix=kind,
            ),
        )
        for kind, derivation in documents().items()
        for numbered in (True, False)
    ]
    body = "\n\n".join(f"Text before.\n{fragment}\nText after." for fragment in fragments)
    preamble = f"{documentclass}\n\\usepackage{{amsmath}}\n\\begin{{document}}\n"
    source = f"{preamble}{body}\n\\end{{document}}\n"
    _pdflatex(tmp_path, source)
    labels = sum(len(re.findall(r"\\label\{", fragment)) for fragment in fragments)
    if shutil.which("pdftotext") or REQUIRE_PDFLATEX:  # CI installs pdftotext with pdflatex
        assert shown_numbers(tmp_path / "doc.pdf") >= set(range(1, labels + 1))
    aux = (tmp_path / "doc.aux").read_text(encoding="latin-1")
    assert len(re.findall(r"\\newlabel\{", aux)) == labels


@pytest.mark.parametrize(("style", "delimiter", "base", "renamed"), NOTATIONS)
def test_standalone_documents_fit(tmp_path, style, delimiter, base, renamed):
    """The standalone documents of every kind, bodies grouped under one preamble each."""
    groups: dict[str, list[str]] = {}
    for derivation in documents().values():
        source = render_document(derivation, notation(style, delimiter, base, renamed))
        preamble, _, body = source.partition("\\begin{document}\n")
        title = re.search(r"\\title\{.*\}\n", preamble).group(0)
        common = preamble.replace(title, "")
        groups.setdefault(common, []).append(title + body.replace("\\end{document}\n", ""))
    for number, (preamble, bodies) in enumerate(groups.items()):
        directory = tmp_path / str(number)
        directory.mkdir()
        _pdflatex(
            directory, preamble + "\\begin{document}\n" + "\n".join(bodies) + "\\end{document}\n"
        )
