"""Every kind of document compiles with real pdflatex; --pdf writes all files or none."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from symcollapse.algebra.numeric import collapse_values
from symcollapse.algebra.regression import regress
from symcollapse.derivations.dense import derive
from symcollapse.derivations.numeric import derive_values
from symcollapse.derivations.regression import derive_regression
from symcollapse.doc.model import Derivation
from symcollapse.errors import SizeLimitError, ToolError
from symcollapse.io import pdf
from symcollapse.io.output_files import write_files
from symcollapse.render.latex import render_document, render_fragment
from symcollapse.render.notation import Notation
from symcollapse.spec.values import random_values


def _symbolic() -> Derivation:
    return derive([2, 3, 3, 1])


def _numeric() -> Derivation:
    return derive_values(collapse_values(random_values([2, 3, 3, 1], 7)))


def _regression() -> Derivation:
    return derive_regression(regress(collapse_values(random_values([3, 2, 2], 1)), seed=1))


NOTATIONS = {
    "default": Notation(),
    "pmatrix-upper-0-numbered": Notation(
        delimiter="pmatrix", entry_style="upper", index_base=0, numbered=True
    ),
    "flat-greek-narrow": Notation(entry_style="flat", line_width=40).renamed(
        {"x": "xi", "W": "Omega", "b": "omega", "W_z": "Omega_eff", "b_z": "omega_eff"}
    ),
    "multi-letter": Notation(numbered=True).renamed({"W": "Wt", "W_z": "M_12"}),
}


@pytest.mark.latex
@pytest.mark.parametrize("make", [_symbolic, _numeric, _regression])
@pytest.mark.parametrize("notation", NOTATIONS.values(), ids=NOTATIONS.keys())
def test_documents_compile(make: object, notation: Notation, compile_latex) -> None:
    compile_latex(render_document(make(), notation))  # type: ignore[operator]


@pytest.mark.latex
@pytest.mark.parametrize("numbered", [False, True])
def test_fragment_compiles_in_a_minimal_document(numbered: bool) -> None:
    fragment = render_fragment(_numeric(), Notation(numbered=numbered, entry_style="flat"))
    document = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
    document += fragment + "\n\\end{document}\n"
    assert pdf.compile_pdf(document, "fragment").startswith(b"%PDF")


@pytest.mark.latex
def test_pdf_files_with_preview_are_written_together(tmp_path: Path) -> None:
    written = write_files(tmp_path, pdf.pdf_files(render_document(_numeric()), "n", png=True))
    assert [p.name for p in written] == ["n.tex", "n.pdf", "n.png"]
    assert (tmp_path / "n.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "n.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.pdf", "n.png", "n.tex"]


@pytest.mark.latex
def test_failed_compile_writes_nothing(tmp_path: Path) -> None:
    broken = "\\documentclass{article}\\begin{document}\\undefined\\end{document}\n"
    message = "pdflatex failed on bad.tex: ! Undefined control sequence."
    with pytest.raises(ToolError, match=f"^{re.escape(message)}$"):
        write_files(tmp_path / "out", pdf.pdf_files(broken, "bad"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("tool", "option"), [("pdflatex", "--pdf"), ("pdftoppm", "--png")])
def test_missing_tool_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str, option: str
) -> None:
    real = shutil.which
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None if name == tool else real(name))
    message = f"{option} needs {tool}, which is not installed (not found on PATH)"
    with pytest.raises(ToolError, match=f"^{re.escape(message)}$"):
        write_files(tmp_path, pdf.pdf_files(render_document(derive([1, 1])), "x", png=True))
    assert list(tmp_path.iterdir()) == []


def _display(characters: int) -> str:
    body = "x &= y \\\\\n" * (characters // 10)
    return f"\\documentclass{{article}}\\begin{{document}}\\begin{{align*}}{body}\\end{{align*}}"


@pytest.mark.parametrize("characters", [0, 85_000, 300_000])
def test_tex_words_follows_the_measured_model(characters: int) -> None:
    words = pdf.tex_words(_display(characters))
    assert abs(words - (1_850_000 + 3.6 * characters)) <= 3.6 * 10 + 1


def test_a_display_too_large_for_tex_is_refused_before_pdflatex(monkeypatch) -> None:
    """3^8 widths gave a 1.1-million-character display: TeX's capacity was exceeded."""
    monkeypatch.setattr("symcollapse.io.pdf._tool", lambda name, option: "/nonexistent/pdflatex")
    with pytest.raises(SizeLimitError, match=r"^--pdf: the largest display would need about 5,"):
        pdf.compile_pdf(_display(1_000_000), "big")
    pdf.check_tex_memory(_display(600_000))  # within the 90% margin: accepted
