"""``--convention column|row``: ``derive`` writes the row form (``x W_1 W_2``) in every format;
the document kinds written in the column form only refuse ``row`` in one line, exit 2, before
any work, and take ``column``."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest

from symcollapse.cli import main
from tests.model_files import dense_layers, forward_fractions, require, write_onnx

#: What the row form of 2-3-1 writes where the column form writes W_2 W_1 x, by format.
ROW_FORMS = {
    "latex": r"x W_{1} W_{2}",
    "markdown": r"x W_{1} W_{2}",
    "typst": "x W_(1) W_(2)",
    "json": "x*W_1*W_2",
    "text": "x*W_1*W_2",
}


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
@pytest.mark.parametrize("fmt", sorted(ROW_FORMS))
def test_derive_writes_the_row_form(capsys, fmt, detail) -> None:
    argv = ["derive", "2", "3", "1", "--format", fmt, "--detail", detail]
    assert main([*argv, "--convention", "row"]) == 0
    row = capsys.readouterr().out
    assert ROW_FORMS[fmt] in row
    assert main(argv) == 0  # the default is the column form
    column = capsys.readouterr().out
    assert ROW_FORMS[fmt] not in column


#: A document command written in the column form only, with arguments it needs.
COLUMN_ONLY = {
    "prove --format coq": ["prove", "--format", "coq"],
    "fold --partial": ["fold", "missing.onnx", "--partial"],
}


@pytest.mark.parametrize("command", sorted(COLUMN_ONLY))
def test_column_only_documents_refuse_the_row_convention(capsys, command) -> None:
    status = main([*COLUMN_ONLY[command], "--convention", "row"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "column convention only" in err, err


@pytest.mark.parametrize("convention", ["rows", "transposed"])
def test_an_unknown_convention_is_refused(capsys, convention) -> None:
    assert main(["derive", "2", "1", "--convention", convention]) == 2
    assert "--convention: invalid choice" in capsys.readouterr().err


#: (detail, what the 2-3-3-1 row document prints): entries with their indices in the row order,
#: factors in the order the input meets the layers, the scalar form for the input's index i.
ROW_ENTRIES = [
    ("brief", r"\left(W_{z}\right)_{ij} &= \sum_{k_{1}=1}^{d_{1}} \sum_{k_{2}=1}^{d_{2}} "),
    ("brief", r"w^{(1)}_{i\,k_{1}} w^{(2)}_{k_{1}\,k_{2}} w^{(3)}_{k_{2}\,j}"),
    ("brief", r"b^{(1)}_{k_{1}} w^{(2)}_{k_{1}\,k_{2}} w^{(3)}_{k_{2}\,j}"),
    ("brief", r"a_{i} &\mathrel{:=} \left(W_{z}\right)_{i1} \tag*{($i = 1, \dots, 2$)}"),
    ("standard", r"\left(W_{z}\right)_{21} &= w^{(1)}_{21} w^{(2)}_{11} w^{(3)}_{11}"),
    ("full", r"W_{1} &= \begin{bmatrix} w^{(1)}_{11} & w^{(1)}_{12} & w^{(1)}_{13}"),
]


@pytest.mark.parametrize(("detail", "printed"), ROW_ENTRIES)
def test_row_entries_read_from_the_input(capsys, detail, printed) -> None:
    argv = ["derive", "2", "3", "3", "1", "--detail", detail, "--standalone"]
    assert main([*argv, "--convention", "row"]) == 0
    assert printed in capsys.readouterr().out


#: Affine layer chains: dense, convolution, batch normalisation, pooling, a residual block.
AFFINE = [
    "2 > dense 3 > dense 1",
    "6 > conv1d k=3 s=1 p=1 > batchnorm > avgpool 2 > dense 1",
    "3 > residual(dense 3) > dense 2",
]


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json"])
@pytest.mark.parametrize("spec", AFFINE)
def test_layers_of_an_affine_chain_write_the_row_form(tmp_path, capsys, spec, fmt) -> None:
    """The collapsed map as x W_z + b_z, read back (and checked) by ``check``."""
    assert (
        main(["layers", spec, "--format", fmt, "--convention", "row", "--out", str(tmp_path)]) == 0
    )
    capsys.readouterr()
    (path,) = tmp_path.iterdir()
    assert main(["check", str(path)]) == 0
    assert "identities checked" in capsys.readouterr().out
    assert ("x*W_z + b_z" if fmt == "json" else "x W_{z} + b_{z}") in path.read_text()


#: Networks that are not affine, and what their row document states of them.
NOT_AFFINE = {
    "2 > dense 3 relu > dense 2 relu > dense 1": r"x W_{z}(D) + b_{z}(D) &=",
    "2 > dense 3 tanh > dense 1": r"\tanh\left(x W_{1} + b_{1}\right) W_{2}",
    "4 > dense 4 > maxpool 2 > dense 1": r"\operatorname{maxpool}_{2}\left(\begin{bmatrix} 1 & 1",
}


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json", "text"])
@pytest.mark.parametrize("spec", sorted(NOT_AFFINE))
def test_layers_of_a_network_not_affine_write_the_row_form(capsys, spec, fmt) -> None:
    """A piecewise collapse or a certificate, transposed (its rows are checked against the row
    network in tests/derivations/test_convention.py)."""
    argv = ["layers", spec, "--format", fmt, "--convention", "row", "--standalone"]
    assert main(argv if fmt == "latex" else argv[:-1]) == 0
    out = capsys.readouterr().out
    assert "nn.Linear" in out
    if fmt in ("latex", "markdown"):
        assert NOT_AFFINE[spec] in out


ROW_FUNCTION = """W = {}
b = {}


def net(x):
    h = x @ W[1] + b[1]
    return h @ W[2] + b[2]
"""


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json"])
def test_a_row_function_writes_the_row_form(tmp_path, capsys, fmt) -> None:
    """``x @ W[1] + b[1]`` with --convention row: its layers' x W_z + b_z (the sections of the
    row layers document, tests/derivations/test_function.py); the same code in the column form
    is refused in one line."""
    source = tmp_path / "net.py"
    source.write_text(ROW_FUNCTION)
    argv = ["layers", "--function", f"{source}:net", "--widths", "3", "2", "2", "--format", fmt]
    out = tmp_path / "out"
    assert main([*argv, "--convention", "row", "--out", str(out)]) == 0
    capsys.readouterr()
    (path,) = out.iterdir()
    assert ("x*W_z + b_z" if fmt == "json" else "x W_{z} + b_{z}") in path.read_text()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot evaluate net on matrix symbols" in err, err


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "text"])
def test_regress_writes_the_row_form(capsys, fmt) -> None:
    """Theta's rows are b_z and W_z as they stand (evaluated against the row network in
    tests/derivations/test_regression.py)."""
    argv = ["regress", "2", "3", "1", "--format", fmt, "--convention", "row", "--standalone"]
    assert main(argv if fmt == "latex" else argv[:-1]) == 0
    out = capsys.readouterr().out
    assert "nn.Linear" in out
    if fmt == "markdown":
        assert r"W_{z} &= \begin{bmatrix} -12 \\ 4 \end{bmatrix}" in out


@pytest.mark.parametrize("fmt", ["markdown", "json", "text"])
def test_dynamics_saxe_writes_the_row_form(capsys, fmt) -> None:
    """The setting transposed (checked line by line in tests/derivations/test_dynamics.py)."""
    assert main(["dynamics", "saxe", "--t-max", "4", "--format", fmt, "--convention", "row"]) == 0
    out = capsys.readouterr().out
    assert "nn.Linear" in out and "eq. 2, transposed" in out


@pytest.mark.parametrize("detail", ["brief", "standard", "full"])
def test_gradients_write_the_row_form(capsys, detail) -> None:
    """dL/dW_1 = x^T (f(x) - y) W_2^T: the input's transpose first, the later weights after."""
    argv = ["gradients", "2", "3", "1", "--detail", detail, "--convention", "row"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert r"x^{T} \left(f(x) - y\right) W_{2}^{T}" in out
    assert r"h_{1} &\mathrel{:=} x W_{1} + b_{1}" in out


@pytest.mark.parametrize("widths", [(2, 3, 3, 1), (3, 4, 2)])
def test_a_fold_in_the_row_convention_is_x_W_z_plus_b_z(tmp_path, capsys, widths) -> None:
    """The JSON's exact W_z (d_0 rows) and b_z give the model's output as x W_z + b_z."""
    require("onnxruntime", "ONNXRUNTIME")
    layers = dense_layers(widths, seed=7)
    path = write_onnx(layers, tmp_path / "model.onnx", "matmul_add")
    out = tmp_path / "out"
    assert (
        main(["fold", str(path), "--format", "json", "--convention", "row", "--out", str(out)]) == 0
    )
    (document,) = out.iterdir()
    data = json.loads(document.read_text())
    assert data["convention"] == "row"
    W_z = [[Fraction(v) for v in row] for row in data["W_z"]]
    b_z = [Fraction(v) for v in data["b_z"]]
    assert (len(W_z), len(W_z[0])) == (widths[0], widths[-1])
    rng = random.Random(1)
    x = [Fraction(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(widths[0])]
    row = [sum(x[i] * W_z[i][j] for i in range(widths[0])) + b_z[j] for j in range(widths[-1])]
    assert row == forward_fractions(layers, x)


def test_the_row_proof_says_its_coq_theorems_are_the_column_form(capsys) -> None:
    assert main(["prove", "--convention", "row", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "h^{(n+1)} &\\mathrel{:=} h^{(n)} W_{n+1} + b_{n+1}" in out
    assert "the Coq development is written in the column convention" in out


def test_the_picture_of_the_paths_is_drawn_in_the_row_form(tmp_path, capsys) -> None:
    """--diagram labels its edges in the row order (checked against the row document in
    tests/render/test_diagram.py): the edge from x_1 to h_2 is w^{(1)}_{12} (w^{(1)}_{21} in
    the column form); a row HTML page leaves out the picture a column page carries (its
    pointer links the column form's entries)."""
    edge = "at (0.900,0.840) {$w^{(1)}_{%s}$}"
    for convention, label in [("row", "12"), ("column", "21")]:
        out = tmp_path / convention
        argv = ["derive", "2", "3", "1", "--diagram", "--convention", convention, "--out", str(out)]
        assert main(argv) == 0
        assert edge % label in (out / "collapse-2-3-1-paths.tex").read_text()
    capsys.readouterr()
    assert main(["derive", "2", "3", "1", "--format", "html", "--convention", "row"]) == 0
    assert "<svg" not in capsys.readouterr().out
    assert main(["derive", "2", "3", "1", "--format", "html"]) == 0
    assert "<svg" in capsys.readouterr().out
