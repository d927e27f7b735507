"""``symcollapse fold`` and ``derive --values MODEL`` from the command line."""

from __future__ import annotations

import json
import random
import re
import shlex
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from symcollapse.cli import main
from tests.conftest import error_line
from tests.derivations.prose import typed_math
from tests.model_files import dense_layers, forward_fractions, require, state_dict, write_onnx
from tests.partial_models import SIX, attention_graph, matmuls, write_graph


@pytest.fixture
def student(tmp_path):
    """The 2-3-3-1 student model as an ONNX file, with its layers."""
    require("onnxruntime", "ONNXRUNTIME")
    layers = dense_layers((2, 3, 3, 1), seed=7)
    return write_onnx(layers, tmp_path / "student.onnx", "matmul_add"), layers


def test_json_is_exact(student, tmp_path, capsys):
    path, layers = student
    assert main(["fold", str(path), "--format", "json", "--out", str(tmp_path / "out")]) == 0
    data = json.loads((tmp_path / "out" / "fold-2-3-3-1.json").read_text())
    W_z = [[Fraction(v) for v in row] for row in data["W_z"]]
    b_z = [Fraction(v) for v in data["b_z"]]
    rng = random.Random(1)
    x = [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(2)]
    assert [
        sum(w * v for w, v in zip(row, x, strict=True)) + c for row, c in zip(W_z, b_z, strict=True)
    ] == (forward_fractions(layers, x))
    assert data["checks"][0]["runtime"] == "onnxruntime" and data["checks"][0]["holds"]
    assert "within the float rounding bound" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["latex", "markdown"])
def test_documents_show_decimals_not_fractions(student, capsys, fmt):
    path, _ = student
    assert main(["fold", str(path), "--format", fmt, "--digits", "3"]) == 0
    numbers = capsys.readouterr().out.split("W_{z} &= ")[-1]
    assert "bmatrix" in numbers and "frac" not in numbers


@pytest.mark.parametrize("digits", [1, 3, 8])
def test_digits_are_correctly_rounded(student, capsys, digits):
    path, _ = student
    main(["fold", str(path), "--format", "json"])
    exact = json.loads(capsys.readouterr().out)["W_z"][0]
    main(["fold", str(path), "--format", "text", "--digits", str(digits)])
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("W_z = "))
    shown = line.removeprefix("W_z = [[").removesuffix("]]").split(", ")
    expected = [
        float(f"{Decimal(Fraction(v).numerator) / Fraction(v).denominator:.{digits}g}")
        for v in exact
    ]
    assert [float(s) for s in shown] == expected


def test_default_decimals_round_trip_float32(student, capsys):
    path, _ = student
    main(["fold", str(path), "--format", "text"])
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("W_z = "))
    main(["fold", str(path), "--format", "json"])
    exact = json.loads(capsys.readouterr().out)["W_z"]
    shown = line.removeprefix("W_z = [[").removesuffix("]]").split(", ")
    assert [np.float32(s) for s in shown] == [np.float32(float(Fraction(v))) for v in exact[0]]


@pytest.mark.parametrize("suffix", [".onnx", ".npz", ".safetensors"])
def test_export_writes_a_checked_single_layer(student, tmp_path, suffix, capsys):
    path, _ = student
    target = tmp_path / f"folded{suffix}"
    assert main(["fold", str(path), "--export", str(target)]) == 0
    assert target.exists() and re.search(r"\(export[,)]", capsys.readouterr().err)
    assert main(["fold", str(target), "--format", "json"]) == 0


def _hostile(tmp_path, kind: str):
    if kind == "garbage":
        path = tmp_path / "m.onnx"
        path.write_bytes(b"\x0a\xff\xff\xff\xff garbage")
    elif kind == "relu":
        path = write_onnx(dense_layers((2, 2), seed=1), tmp_path / "m.onnx", "gemm", [("Relu", {})])
    elif kind == "nan":
        tensors = state_dict(dense_layers((2, 2), seed=1))
        tensors["0.bias"][1] = np.nan
        path = tmp_path / "m.npz"
        np.savez(path, **tensors)
    elif kind == "shapes":
        tensors = state_dict(dense_layers((2, 3, 1), seed=1))
        tensors["1.weight"] = tensors["1.weight"][:, :2]
        path = tmp_path / "m.npz"
        np.savez(path, **tensors)
    else:  # a pickle that is not a model
        path = tmp_path / "m.npz"
        np.save(path.with_suffix(".npy"), np.array([object()], dtype=object), allow_pickle=True)
        path.write_bytes(path.with_suffix(".npy").read_bytes())
    return path


@pytest.mark.parametrize("kind", ["garbage", "relu", "nan", "shapes", "pickle"])
def test_hostile_files_are_one_line_and_nothing_written(tmp_path, capsys, kind):
    require("onnx", "ONNX")
    path = _hostile(tmp_path, kind)
    out = tmp_path / "out"
    code = main(["fold", str(path), "--out", str(out), "--export", str(out / "f.onnx")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("symcollapse: error: ") and err.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "json", "--digits", "3"], "--digits applies to documents"),
        (["--export", "f.txt"], "export writes .onnx, .safetensors, .npz files"),
        (["--max-megabytes", "0"], "expected a positive integer"),
    ],
)
def test_bad_options(student, capsys, arguments, message):
    path, _ = student
    assert main(["fold", str(path), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_derive_values_reads_a_model(tmp_path, capsys):
    path = tmp_path / "student.npz"
    np.savez(path, **state_dict(dense_layers((2, 3, 3, 1), seed=7)))
    layers = dense_layers((2, 3, 3, 1), seed=7)
    assert main(["derive", "2", "3", "3", "1", "--values", str(path), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "(given values, as decimals)" in out and "/" not in out
    assert f"W_1 = [[{layers[0][0][0, 0]!s}, " in out
    product = [Decimal(str(v)) for v in layers[2][0][0]]  # W_3 W_2 W_1, column 1, by hand
    middle = [
        sum(Decimal(str(layers[1][0][i, k])) * Decimal(str(layers[0][0][k, 0])) for k in range(3))
        for i in range(3)
    ]
    entry = sum(p * m for p, m in zip(product, middle, strict=True))
    assert f"= [[{entry.normalize()}, " in out
    assert main(["derive", "2", "3", "1", "--values", str(path)]) == 2
    assert "has affine layers of widths 2 3 3 1; give those widths" in capsys.readouterr().err


def test_readme_recipe_runs_as_printed(tmp_path, monkeypatch, capsys):
    """The README's student recipe: its Python block, then each of its commands."""
    require("torch", "TORCH")
    require("onnxruntime", "ONNXRUNTIME")
    readme = (Path(__file__).resolve().parents[2] / "docs" / "models.md").read_text(
        encoding="utf-8"
    )
    (code,) = re.findall(r"<!-- fold-recipe -->\n```py\n(.*?)```", readme, flags=re.S)
    (commands,) = re.findall(r"<!-- fold-commands -->\n```sh\n(.*?)```", readme, flags=re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert "within the float rounding bound" in capsys.readouterr().out
    for line in commands.strip().splitlines():
        argv = shlex.split(line)
        assert argv[0] == "symcollapse" and main(argv[1:]) == 0, line
    assert (tmp_path / "folded" / "fold-2-3-3-1.json").exists()
    assert (tmp_path / "student-folded.onnx").exists()


@pytest.mark.latex
@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (30, 20, 20)])
def test_the_fold_document_compiles(tmp_path, capsys, compile_latex, widths):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_onnx(dense_layers(widths, seed=8), tmp_path / "m.onnx")
    assert main(["fold", str(path), "--format", "latex", "--standalone"]) == 0
    compile_latex(capsys.readouterr().out)


def test_the_fold_document_has_no_mathematics_typed_as_words(student):
    from symcollapse.algebra.fold import fold
    from symcollapse.derivations.fold import derive_fold
    from symcollapse.spec.model_readers import read_model
    from symcollapse.verification.runtime import check_runtime

    path, _ = student
    result = fold(read_model(path))
    derivation = derive_fold(result, check_runtime(result, path=path))
    assert typed_math(derivation) == []


def test_too_big_a_file_is_refused_before_reading(tmp_path, capsys):
    path = tmp_path / "big.npz"
    np.savez(path, **state_dict(dense_layers((600, 600), seed=9)))
    assert main(["fold", str(path), "--max-megabytes", "1"]) == 2
    assert "above the limit of 1,048,576; raise max_bytes (command line: --max-megabytes)" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("names", ["h=q_r", "h=W_z", "d=q"])
def test_names_no_fold_document_prints_are_refused_before_reading(tmp_path, capsys, names):
    """Refused at option time: the model file is never opened (here it does not exist)."""
    missing = tmp_path / "missing.npz"
    assert main(["fold", str(missing), "--names", names]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(command line: --names)" in err, err
    assert "cannot read model file" not in err, err


@pytest.mark.parametrize("convention", ["column", "row"])
@pytest.mark.parametrize("widths", [(2, 3, 1), (3, 2)])
def test_the_roles_checked_before_reading_are_those_a_document_prints(tmp_path, widths, convention):
    from symcollapse.algebra.fold import fold
    from symcollapse.derivations.fold import ROLES, derive_fold
    from symcollapse.spec.model_readers import read_model

    path = tmp_path / "model.npz"
    np.savez(path, **state_dict(dense_layers(widths, seed=3)))
    model = read_model(path, assume_identity_gaps=True, weight_layout="out-in")
    assert derive_fold(fold(model), None, convention=convention).roles == ROLES


def _bn_sequential(tmp_path, torch):
    """``Sequential(Linear, BatchNorm1d(eps=1e-3), Dropout, Linear)`` as a state_dict."""
    torch.manual_seed(3)
    norm = torch.nn.BatchNorm1d(4, eps=1e-3)
    norm.running_mean.uniform_(-1, 1)
    norm.running_var.uniform_(0.5, 2)
    module = torch.nn.Sequential(
        torch.nn.Linear(3, 4), norm, torch.nn.Dropout(), torch.nn.Linear(4, 2)
    ).eval()
    torch.save(module.state_dict(), tmp_path / "m.pt")
    return module


@pytest.mark.parametrize(
    ("given", "ending"),
    [
        ([], "say so with assume_identity_gaps (command line: --assume-identity-gaps)"),
        (
            ["--assume-identity-gaps"],
            "state it with bn_eps (PyTorch's default is 1e-5) (command line: --bn-eps)",
        ),
    ],
)
def test_what_a_state_dict_does_not_say_is_asked_for(tmp_path, capsys, given, ending):
    torch = require("torch", "TORCH")
    _bn_sequential(tmp_path, torch)
    assert main(["fold", str(tmp_path / "m.pt"), *given]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip().endswith(ending)


def test_stated_it_folds_and_torch_checks_it(tmp_path, capsys):
    torch = require("torch", "TORCH")
    module = _bn_sequential(tmp_path, torch)
    path = tmp_path / "m.pt"
    args = ["fold", str(path), "--assume-identity-gaps", "--bn-eps", "1e-3", "--format", "json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["checks"][0]["independent"] and data["checks"][0]["holds"]
    W_z = np.array([[float(Fraction(v)) for v in row] for row in data["W_z"]])
    b_z = np.array([float(Fraction(v)) for v in data["b_z"]])
    x = torch.randn(5, 3, dtype=torch.float64)
    with torch.no_grad():
        expected = module.double()(x).numpy()
    assert np.allclose(x.numpy() @ W_z.T + b_z, expected, atol=1e-5)


@pytest.mark.parametrize("option", [["--bn-eps", "1e-5"], ["--weight-layout", "in-out"]])
def test_state_dict_options_are_refused_for_onnx(student, capsys, option):
    path, _ = student
    assert main(["fold", str(path), *option]) == 2
    assert "applies to state_dict files; an ONNX file records it" in capsys.readouterr().err


def test_partial_reports_each_stretch_and_writes_the_smaller_model(tmp_path, capsys):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5))
    target = tmp_path / "folded.onnx"
    assert main(["fold", str(path), "--partial", "--export", str(target)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "stretch 1: node 0 Gemm 'fc0' to node 1 Gemm 'fc1' (2 nodes), 6 -> 8: folded into one "
        "Gemm, 128 parameters -> 56",
        "stretch 2: node 3 Gemm 'fc3' to node 5 Gemm 'fc5' (3 nodes), 8 -> 5: folded into one "
        "Gemm, 131 parameters -> 45",
        "matrix multiplications (Gemm, MatMul, Conv): 4 -> 2",
    ]
    assert "within the rounding bound carried through the model" in captured.err
    assert matmuls(target) == 2


def test_partial_json_holds_the_checks(tmp_path, capsys):
    require("onnxruntime", "ONNXRUNTIME")
    path = write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5))
    assert main(["fold", str(path), "--partial", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["folded"] for s in data["stretches"]] == [True, True]
    assert all(c["holds"] for s in data["stretches"] for c in s["checks"])
    assert data["check"]["holds"] and data["matrix_multiplications"] == [4, 2]


@pytest.mark.parametrize(
    ("heads", "line"),
    [
        (1, "1 head of width 4: W_V W_O folded into the value projection, 40 parameters -> 20"),
        (
            2,
            "2 heads of width 2, 40 parameters: left as is, 2 heads of width 2: W_V,h W_O,h per "
            "head would hold 2 x 4 x 4 = 32 matrix entries, not fewer than the pair's 32",
        ),
    ],
)
def test_partial_reports_an_attention_pair(tmp_path, capsys, heads, line):
    require("onnxruntime", "ONNXRUNTIME")
    path = attention_graph(tmp_path / "attention.onnx", heads)
    target = tmp_path / "folded.onnx"
    assert main(["fold", str(path), "--partial", "--export", str(target)]) == 0
    captured = capsys.readouterr()
    assert f"attention 1: node 2 MatMul to node 16 Add, {line}" in captured.out.splitlines()
    assert ("within the rounding bound of both sides" in captured.err) == (heads == 1)
    assert target.exists() == (heads == 1)
    assert main(["fold", str(path), "--partial", "--format", "json"]) == 0
    [pair] = json.loads(capsys.readouterr().out)["attention"]
    assert pair["folded"] == (heads == 1) and pair["heads"] == heads
    assert pair["check"] is None or pair["check"]["holds"]


def test_partial_with_nothing_to_fold_says_so_and_writes_nothing(tmp_path, capsys):
    path = write_graph(tmp_path / "m.onnx", ("linear", "relu", "linear"), (3, 4, 2))
    target = tmp_path / "folded.onnx"
    assert main(["fold", str(path), "--partial", "--export", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        "nothing folded: no affine stretch that one Gemm would make smaller; nothing written\n"
    )
    assert not target.exists()


def test_partial_writes_nothing_when_a_check_fails(tmp_path, capsys, monkeypatch):
    require("onnxruntime", "ONNXRUNTIME")
    from symcollapse.algebra.fold import Dyadic
    from symcollapse.verification import partial

    right = partial.fold_model

    def nudged(model, **keywords):
        result = right(model, **keywords)
        return replace(result, W_z=Dyadic.of(result.W_z.floats() * (1 + 1e-5)))

    monkeypatch.setattr(partial, "fold_model", nudged)
    path = write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5))
    target = tmp_path / "folded.onnx"
    assert main(["fold", str(path), "--partial", "--export", str(target)]) == 1
    assert "a fold disagrees with onnxruntime; nothing written" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "latex"], "--partial reports as --format text or json"),
        (["--digits", "3"], "--digits does not apply to --partial"),
        (["--export", "f.npz"], "--partial --export writes an .onnx file"),
        (["--bn-eps", "1e-5"], "--bn-eps applies to state_dict files"),
    ],
)
def test_partial_bad_options(tmp_path, capsys, arguments, message):
    path = write_graph(tmp_path / "six.onnx", SIX, (6, 8, 8, 7, 5))
    assert main(["fold", str(path), "--partial", *arguments]) == 2
    assert message in error_line(capsys)
