"""``symcollapse fold`` documents read back: the layers and the folding chain are checked, the
folded numbers (computed from weights the document never writes out) are reported as measured,
never counted as checked; hand edits of the chain are caught, naming the row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from symcollapse.cli import main
from symcollapse.reading import check_text, language_of
from tests.model_files import dense_layers, require, state_dict, write_onnx
from tests.partial_models import write_graph
from tests.reading.documents import assert_passes, check

FORMATS = ["latex", "markdown", "github", "json", "typst", "html"]

#: Notation options of the typeset formats (JSON takes only --names).
NOTATIONS = {
    "row": ("--convention", "row"),
    "names": ("--names", "x=y,W=M"),
    "flat-0": ("--entry-style", "flat", "--index-base", "0"),
    "digits": ("--digits", "3"),
    "two-column": ("--two-column",),
}


def npz(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """A state_dict of dense layers of ``widths`` (the gaps stated to be identities, the layout
    stated where square weights fit both)."""
    path = tmp_path / "model.npz"
    np.savez(path, **state_dict(dense_layers(widths, seed=5)))
    return (path, "--assume-identity-gaps", "--weight-layout", "out-in")


def onnx(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """An ONNX file of dense layers of ``widths`` (MatMul and Add)."""
    require("onnxruntime", "ONNXRUNTIME")
    return (write_onnx(dense_layers(widths, seed=7), tmp_path / "m.onnx", "matmul_add"),)


def batchnorm(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """An ONNX file: a linear layer, a batch norm, a linear layer."""
    require("onnxruntime", "ONNXRUNTIME")
    return (write_graph(tmp_path / "bn.onnx", ("linear", "bn", "linear"), widths),)


MODELS = {
    "npz-2-3-1": (npz, (2, 3, 1)),
    "npz-3-3-3": (npz, (3, 3, 3)),
    "onnx-2-3-3-1": (onnx, (2, 3, 3, 1)),
    "batchnorm-3-4-2": (batchnorm, (3, 4, 2)),
}


def fold(tmp_path: Path, model: str, fmt: str, *options: str) -> Path:
    """The document ``fold`` writes for ``model`` in ``fmt`` (re-read before it is written)."""
    make, widths = MODELS[model]
    path, *given = make(tmp_path, widths)
    out = tmp_path / "doc"
    argv = ["fold", str(path), *given, "--format", fmt, "--out", str(out), *options]
    assert main(argv) == 0
    (document,) = out.iterdir()
    return document


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_fold_documents_pass(tmp_path, capsys, model, fmt):
    path = fold(tmp_path, model, fmt)
    assert_passes(path, capsys)
    verdict = check_text(path.read_text(), language=language_of(path.name))
    measured = [where for where, why in verdict.unchecked if why.startswith("numeric")]
    # W_z and b_z: from the model, not the page (JSON shows them again as its fields)
    assert len(measured) == (4 if fmt == "json" else 2), verdict.unchecked


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
def test_fold_documents_pass_in_every_notation(tmp_path, capsys, fmt, notation):
    assert_passes(fold(tmp_path, "npz-3-3-3", fmt, *NOTATIONS[notation]), capsys)


#: Hand edits of the 2-3-3-1 fold document in LaTeX: (old, new).
EDITS = {
    "layer skipped": (r"b_{z} &\mathrel{:=} W_{3} W_{2} b_{1}", r"b_{z} &\mathrel{:=} W_{3} b_{1}"),
    "product reversed": (
        r"W_{z} &\mathrel{:=} W_{3} W_{2} W_{1}",
        r"W_{z} &\mathrel{:=} W_{1} W_{2} W_{3}",
    ),
    "dropped term": (r" + W_{3} b_{2}", ""),
    "chain bias dropped": (r"W_{1} x + b_{1}\right)", r"W_{1} x\right)"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_hand_edits_of_the_chain_are_caught(tmp_path, capsys, edit):
    old, new = EDITS[edit]
    path = fold(tmp_path, "onnx-2-3-3-1", "latex")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert 'section "(before the first section)", row 5 is false' in out, out  # W_z x + b_z


def test_an_edited_number_is_not_claimed_checked(tmp_path, capsys):
    """A folded number is not checkable from the page: changed, it is still reported as
    measured (not checked), never as a checked identity."""
    path = fold(tmp_path, "npz-2-3-1", "markdown")
    before = check_text(path.read_text())
    text = path.read_text().replace("b_{z} &= -", "b_{z} &= 1", 1)
    assert text != path.read_text()
    after = check_text(text)
    assert after.false is None and after.checked == before.checked
    assert after.unchecked == before.unchecked
