"""``symcollapse fold`` documents read back: a model small enough to show states its stored
weights (decimals its words say stand for the nearest floats of its type), so the layers, the
folding chain and the folded numbers ``W_z``, ``b_z`` are all checked from the page, and a
number changed by hand is a false row; a model too large to show has its folded numbers
reported as measured, saying why, never counted as checked."""

from __future__ import annotations

import json
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


def npz(tmp_path: Path, widths: tuple[int, ...], dtype: str = "float32") -> tuple[Path, ...]:
    """A state_dict of dense layers of ``widths`` in ``dtype`` (the gaps stated to be
    identities, the layout stated where square weights fit both)."""
    path = tmp_path / "model.npz"
    np.savez(path, **state_dict(dense_layers(widths, seed=5, dtype=dtype)))
    return (path, "--assume-identity-gaps", "--weight-layout", "out-in")


def npz16(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """The state_dict in float16: its weights are shown as float16 numbers."""
    return npz(tmp_path, widths, "float16")


def npz64(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """The state_dict in float64."""
    return npz(tmp_path, widths, "float64")


def safetensors(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """A safetensors file of dense layers of ``widths``."""
    numpy_files = require("safetensors.numpy", "SAFETENSORS")
    path = tmp_path / "model.safetensors"
    numpy_files.save_file(state_dict(dense_layers(widths, seed=6)), str(path))
    return (path, "--assume-identity-gaps", "--weight-layout", "out-in")


def torch_file(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """A PyTorch ``state_dict`` of ``Sequential(Linear, ...)`` saved with ``torch.save``."""
    torch = require("torch", "TORCH")
    path = tmp_path / "model.pt"
    tensors = state_dict(dense_layers(widths, seed=4))
    torch.save({k: torch.from_numpy(v) for k, v in tensors.items()}, path)
    return (path, "--assume-identity-gaps", "--weight-layout", "out-in")


def onnx(tmp_path: Path, widths: tuple[int, ...], style: str = "matmul_add") -> tuple[Path, ...]:
    """An ONNX file of dense layers of ``widths`` (MatMul and Add)."""
    require("onnxruntime", "ONNXRUNTIME")
    return (write_onnx(dense_layers(widths, seed=7), tmp_path / "m.onnx", style),)


def scaled(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """An ONNX file of Gemm layers with ``alpha = 0.5`` and ``beta = 4``: the weights shown are
    the scales times the stored ones, float32 numbers still."""
    return onnx(tmp_path, widths, "alpha_beta")


def batchnorm(tmp_path: Path, widths: tuple[int, ...]) -> tuple[Path, ...]:
    """An ONNX file: a linear layer, a batch norm (its scale a float64), a linear layer."""
    require("onnxruntime", "ONNXRUNTIME")
    return (write_graph(tmp_path / "bn.onnx", ("linear", "bn", "linear"), widths),)


MODELS = {
    "npz-2-3-1": (npz, (2, 3, 1)),
    "npz-3-3-3": (npz, (3, 3, 3)),
    "npz-1-1": (npz, (1, 1)),
    "npz16-2-2-1": (npz16, (2, 2, 1)),
    "npz64-3-2": (npz64, (3, 2)),
    "safetensors-2-3-2": (safetensors, (2, 3, 2)),
    "torch-3-2-2": (torch_file, (3, 2, 2)),
    "onnx-2-3-3-1": (onnx, (2, 3, 3, 1)),
    "scaled-2-2-1": (scaled, (2, 2, 1)),
    "batchnorm-3-4-2": (batchnorm, (3, 4, 2)),
}

#: Models too large to show: a 30x20 first weight has more entries than a document shows.
LARGE = {"npz-20-30-20": (npz, (20, 30, 20))}


def fold(tmp_path: Path, model: str, fmt: str, *options: str) -> Path:
    """The document ``fold`` writes for ``model`` in ``fmt`` (re-read before it is written)."""
    make, widths = {**MODELS, **LARGE}[model]
    path, *given = make(tmp_path, widths)
    out = tmp_path / "doc"
    argv = ["fold", str(path), *given, "--format", fmt, "--out", str(out), *options]
    assert main(argv) == 0
    (document,) = out.iterdir()
    return document


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_fold_documents_pass_with_every_row_checked(tmp_path, capsys, model, fmt):
    """Every row checked and every definition used: ``f(x) = h^{(n)}`` ties the layers in."""
    path = fold(tmp_path, model, fmt)
    assert_passes(path, capsys)
    assert "never used" not in check(path, capsys)[1]
    verdict = check_text(path.read_text(), language=language_of(path.name))
    assert verdict.unchecked == () and verdict.false is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_model_too_large_to_show_has_its_numbers_measured_saying_why(tmp_path, capsys, fmt):
    path = fold(tmp_path, "npz-20-30-20", fmt)
    assert_passes(path, capsys)
    verdict = check_text(path.read_text(), language=language_of(path.name))
    why = {why for _, why in verdict.unchecked}
    assert why == {
        "numeric: measured, from weights not shown (1,250 numbers, the largest matrix of 600 "
        "entries, where a document shows at most 1,000 in all and 400 in one matrix)"
    }, why
    assert verdict.checked > 0  # the chain, from the symbols


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
def test_fold_documents_pass_in_every_notation(tmp_path, capsys, fmt, notation):
    assert_passes(fold(tmp_path, "npz-3-3-3", fmt, *NOTATIONS[notation]), capsys)


def test_the_standalone_page_and_its_fragment_say_how_the_numbers_are_shown(tmp_path, capsys):
    """The page says it in sentences, the fragment (no words) in the rows' reasons."""
    (tmp_path / "page").mkdir()
    (tmp_path / "fragment").mkdir()
    page = fold(tmp_path / "page", "npz-2-3-1", "latex", "--standalone").read_text()
    fragment = fold(tmp_path / "fragment", "npz-2-3-1", "latex").read_text()
    rule = "each decimal stands for the float32 number nearest to it"
    shown = "the shortest decimals of the nearest float32 numbers"
    assert rf"\tag*{{({rule})}}" in fragment and rf"\tag*{{({shown})}}" in fragment
    assert f"to it, so {rule}." in page and f"as {shown}," in page and "tag*{(each" not in page


#: Hand edits of the 2-3-3-1 fold document in LaTeX: (old, new, the row named false). Rows 1-9
#: are the layers and weights, 10 ``f(x) = h^{(3)}``, 11 the layers substituted, 12 ``W_z x + b_z``.
EDITS = {
    "layer skipped": (
        r"b_{z} &\mathrel{:=} W_{3} W_{2} b_{1}",
        r"b_{z} &\mathrel{:=} W_{3} b_{1}",
        12,
    ),
    "product reversed": (
        r"W_{z} &\mathrel{:=} W_{3} W_{2} W_{1}",
        r"W_{z} &\mathrel{:=} W_{1} W_{2} W_{3}",
        12,
    ),
    "dropped term": (r" + W_{3} b_{2}", "", 12),
    "chain bias dropped": (r"W_{1} x + b_{1}\right)", r"W_{1} x\right)", 11),
    "a layer's bias negated": (
        r"h^{(2)} &= W_{2} h^{(1)} + b_{2}",
        r"h^{(2)} &= W_{2} h^{(1)} - b_{2}",
        11,
    ),
    "a layer's bias dropped": (
        r"h^{(3)} &= W_{3} h^{(2)} + b_{3}",
        r"h^{(3)} &= W_{3} h^{(2)}",
        11,
    ),
    "a layer's input renamed": (r"h^{(3)} &= W_{3} h^{(2)}", r"h^{(3)} &= W_{3} h^{(1)}", 11),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_hand_edits_of_the_chain_are_caught(tmp_path, capsys, edit):
    old, new, row = EDITS[edit]
    path = fold(tmp_path, "onnx-2-3-3-1", "latex")
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    status, out = check(path, capsys)
    assert status == 1, out
    assert f'section "(before the first section)", row {row} is false' in out, out


#: Numbers changed by hand in the 2-3-1 fold document of every format, each to another float32
#: number: (old, new, the row named false); ``-`` is the format's minus sign.
NUMBERS = {
    "a digit of W_z": ("0.46330798", "0.46330898", "W_z"),
    "the sign of a W_z entry": ("-0.36427653", "0.36427653", "W_z"),
    "a digit of W_1": ("0.21022262", "0.21022362", "W_z"),
    "the sign of an entry of b_1": ("-0.7847804", "0.7847804", "b_z"),
    "b_z rounded too short": ("1.638589", "1.63859", "b_z"),
}

#: How each format writes a minus sign before a number, and what stays of it without the sign.
MINUS = {"typst": ("- ", ""), "html": ("<mo>\u2212</mo><mn>", "<mn>")}

#: The row each format names for W_z and b_z (a LaTeX fragment has no sections).
FOLDED = 'section "The folded numbers", row'
ROWS = {
    fmt: {"W_z": f"{FOLDED} 1", "b_z": f"{FOLDED} 2"}
    for fmt in ("markdown", "github", "typst", "html", "json")
} | {"latex": {"W_z": "row 12", "b_z": "row 13"}}


def _written(number: str, fmt: str) -> str:
    sign, unsigned = MINUS.get(fmt, ("-", ""))
    return number.replace("-", sign, 1) if number.startswith("-") else unsigned + number


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("edit", sorted(NUMBERS))
def test_an_edited_number_is_a_false_row(tmp_path, capsys, fmt, edit):
    old, new, row = NUMBERS[edit]
    old, new = _written(old, fmt), _written(new, fmt)
    path = fold(tmp_path, "npz-2-3-1", fmt)
    text = path.read_text()
    assert text.count(old) == 1, text
    path.write_text(text.replace(old, new))
    status, out = check(path, capsys)
    assert status == 1, out
    assert f"{ROWS[fmt][row]} is false: entry" in out, out


def test_a_number_that_stands_for_the_same_float_is_no_error(tmp_path, capsys):
    """Two decimals as short that stand for the same float32 number are both true."""
    old, new = "0.46330798", "0.46330799"
    assert np.float32(old) == np.float32(new)
    path = fold(tmp_path, "npz-2-3-1", "markdown")
    path.write_text(path.read_text().replace(old, new))
    assert_passes(path, capsys)


def test_an_edited_number_of_a_large_model_is_not_claimed_checked(tmp_path, capsys):
    """Its folded numbers are not checkable from the page: changed, they are still reported
    as measured (not checked), never as a checked identity."""
    path = fold(tmp_path, "npz-20-30-20", "markdown")
    before = check_text(path.read_text())
    text = path.read_text().replace("0.38457778", "1.38457778", 1)
    assert text != path.read_text()
    after = check_text(text)
    assert after.false is None and after.checked == before.checked
    assert after.unchecked == before.unchecked


def test_a_weight_beyond_the_float_type_is_unreadable(tmp_path, capsys):
    """A stated weight no float32 number is near (it rounds to infinity): exit 2, one line."""
    path = fold(tmp_path, "npz-2-3-1", "markdown")
    path.write_text(path.read_text().replace("0.21022262", r"4 \cdot 10^{38}"))
    capsys.readouterr()
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is beyond the float32 numbers" in err, err


def test_an_exact_json_field_one_part_off_is_a_false_row(tmp_path, capsys):
    """JSON holds W_z exactly: its field is checked against the stated weights exactly."""
    path = fold(tmp_path, "npz-2-3-1", "json")
    data = json.loads(path.read_text())
    numerator, denominator = data["W_z"][0][1].split("/")
    data["W_z"][0][1] = f"{int(numerator) + 1}/{denominator}"
    path.write_text(json.dumps(data))
    status, out = check(path, capsys)
    assert status == 1 and 'section "JSON fields", row 1 (W_z) is false: entry (1, 2)' in out, out


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html"])
def test_rounded_folded_numbers_leave_the_other_rows_exact(tmp_path, capsys, fmt):
    """``--digits`` rounds ``W_z`` and ``b_z`` alone, which are read as rounded exactly: the
    words do not make check hold every row to 3 digits, so a bias dropped from the chain,
    a few percent of ``b_z``, is a false row."""
    path = fold(tmp_path, "npz-2-3-1", fmt, "--digits", "3")
    status, out = check(path, capsys)
    assert status == 0 and "significant digits" not in out, out
    if fmt == "markdown":
        text = path.read_text()
        old = r"\right) + b_{2} &&"
        assert text.count(old) == 1, text
        path.write_text(text.replace(old, r"\right) &&"))
        status, out = check(path, capsys)
        assert status == 1 and 'section "Folding the layers", row 2 is false' in out, out
