"""The layered showcase in ``output/``: up to date, written by ``example``, compiled by pdflatex.

Regenerate with ``python -m symcollapse example`` (writes ``output/``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.layers_cli import SHOWCASE, showcase_files

OUTPUT = Path(__file__).resolve().parent.parent / "output"
REQUIRE_PDFLATEX = os.environ.get("SYMCOLLAPSE_REQUIRE_PDFLATEX") == "1"
FILES = showcase_files()


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_showcase_is_up_to_date(name: str) -> None:
    assert (OUTPUT / name).read_text(encoding="utf-8") == FILES[name]


def test_example_writes_the_showcase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["example", "--out", str(tmp_path)]) == 0
    for name, text in FILES.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text


def test_showcase_has_the_three_networks_and_their_verdicts() -> None:
    assert set(SHOWCASE) == {"layers-residual", "layers-conv", "layers-relu"}
    titles = {stem: FILES[f"{stem}.tex"].split("\n")[5] for stem in SHOWCASE}
    assert titles["layers-residual"].endswith(r"\textgreater{} dense 1: affine}")
    assert titles["layers-conv"].endswith(": affine}")
    assert titles["layers-relu"].endswith(": piecewise affine}")
    assert r"\kappa^{(1)}_{1}" in FILES["layers-conv.tex"]


@pytest.mark.latex
@pytest.mark.parametrize("stem", sorted(SHOWCASE))
def test_showcase_compiles_with_pdflatex(stem: str, tmp_path: Path) -> None:
    if shutil.which("pdflatex") is None:
        if REQUIRE_PDFLATEX:
            pytest.fail("pdflatex is required (SYMCOLLAPSE_REQUIRE_PDFLATEX=1) but not installed")
        pytest.skip("pdflatex is not installed")
    source = tmp_path / f"{stem}.tex"
    source.write_text(FILES[f"{stem}.tex"], encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-halt-on-error", "-interaction=nonstopmode", source.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / f"{stem}.pdf").stat().st_size > 0
