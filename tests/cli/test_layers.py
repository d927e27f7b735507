"""``symcollapse layers``: output on stdout or in a file; bad input is one line, exit 2, no file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcollapse.cli import main

RESIDUAL = "2 > dense 3 > residual(dense 3) > dense 1"


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [
        ("latex", r"\begin{align*}"),
        ("markdown", "$$"),
        ("text", "W_z := W_3*(I + W_2)*W_1"),
        ("json", '"code": "2 > dense 3 > residual(dense 3) > dense 1"'),
    ],
)
def test_formats_on_stdout(fmt: str, marker: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", RESIDUAL, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert marker in out


def test_json_parses_and_lists_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", "2 > dense 3 relu > dense 1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["title"][0] for s in data["sections"]] == [
        "The network",
        "Each layer as an affine map",
        "Merging consecutive affine maps",
        "Piecewise collapse",
        "The activation pattern at a point",
        "No single affine map",
    ]


def test_standalone_file_under_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", RESIDUAL, "--standalone", "--out", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("layers-2-dense-3-residual-dense-3-dense-1-*.tex")
    assert capsys.readouterr().out.strip() == str(path)
    assert path.read_text().startswith(r"\documentclass")


def test_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "net.txt"
    spec.write_text("5 > conv1d k=2  # one channel\n> dense 1\n")
    assert main(["layers", "--spec-file", str(spec), "--format", "text"]) == 0
    assert "T_1 = " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["layers", "2 > dense 3 > pool 2"],
            "symcollapse: error: unknown layer 'pool'; known: "
            "dense, conv1d, avgpool, maxpool, batchnorm, dropout, residual(...)",
        ),
        (
            ["layers", "2 > conv1d k=3"],
            "symcollapse: error: conv1d kernel size 3 is larger than "
            "its input of width 2 with padding 0",
        ),
        (
            ["layers", "3 > dense 2 > residual(dense 3)"],
            "symcollapse: error: a residual block must keep the width: input 2, block output 3",
        ),
        (
            ["layers", "2 > dense 2 swish"],
            "symcollapse: error: unknown activation 'swish'; "
            "known: identity, relu, leaky_relu, tanh, sigmoid",
        ),
        (
            ["layers"],
            "symcollapse: error: give a layer string, --spec-file FILE or --function "
            "FILE.py:NAME (one)",
        ),
        (
            ["layers", RESIDUAL, "--standalone", "--format", "text"],
            "symcollapse: error: --standalone goes with --format latex or typst",
        ),
        (
            ["layers", "2 > dense 9 > dense 9 > dense 1", "--max-terms", "100"],
            "symcollapse: error: the collapsed maps may have up to 253 terms, above the limit "
            "of 100; raise max_terms (command line: --max-terms)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err == message + "\n"
    assert captured.out == ""
    assert not (tmp_path / "out").exists()


def test_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", RESIDUAL, "--format", "pdf"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_parameters_and_point_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weights = {"w_1_1_1": 1, "w_1_2_1": -1, "b_1_1": 0, "b_1_2": 0}
    weights |= {"w_2_1_1": "1", "w_2_1_2": "1", "b_2_1": "0"}
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(weights))
    argv = ["layers", "1 > dense 2 relu > dense 1", "--format", "text"]
    assert main([*argv, "--parameters", str(path), "--point=-5/2"]) == 0
    out = capsys.readouterr().out
    assert "D_1 = [[0, 0], [0, 1]]" in out
    assert "W_z(D) = [[-1]]" in out
    assert "W_z(D)*x + b_z(D) = [[5/2]]" in out


def test_unreadable_parameters_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "weights.json"
    path.write_text("[1, 2]")
    assert main(["layers", "1 > dense 2 relu > dense 1", "--parameters", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"symcollapse: error: parameters in {str(path)!r} must be a JSON object of name: number\n"
    )


NET_SOURCE = """
W = b = None


def relu(v):
    return v


def net(x):
    h = relu(W[1] @ x + b[1])
    return W[2] @ h + b[2]


def broken(x):
    return W[1] @ x + b[1] + undefined_name
"""


def test_python_function_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mynet.py"
    source.write_text(NET_SOURCE)
    argv = ["layers", "--function", f"{source}:net", "--widths", "2", "2", "1"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    (path,) = (tmp_path / "out").glob("layers-net-2-2-1-*.tex")
    assert capsys.readouterr().out.strip() == str(path)
    assert path.read_text().startswith(
        r"\begin{align*}" + "\n" + r"\mathrm{net}(x) = W_{2} \cdot \mathrm{relu} \mathopen{}"
    )


@pytest.mark.parametrize(
    ("function", "widths", "message"),
    [
        ("{dir}/mynet.py:nope", ["2", "1"], "'{dir}/mynet.py' has no function 'nope'"),
        (
            "{dir}/missing.py:net",
            ["2", "1"],
            "cannot read --function file '{dir}/missing.py': No such file or directory",
        ),
        ("net", ["2", "1"], "--function takes FILE.py:NAME, got 'net'"),
        (
            "{dir}/mynet.py:broken",
            ["2", "1"],
            "cannot evaluate broken on matrix symbols: name 'undefined_name' is not defined",
        ),
        (
            "{dir}/mynet.py:net",
            None,
            "--widths goes with --function, and --function needs --widths",
        ),
    ],
)
def test_bad_function_options_are_one_line(
    function: str, widths, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mynet.py").write_text(NET_SOURCE)
    argv = ["layers", "--function", function.format(dir=tmp_path)]
    if widths is not None:
        argv += ["--widths", *widths]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"symcollapse: error: {message.format(dir=tmp_path)}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "spec", ["2 > dense 1 > dense 2", "2 > dense 1 > dense 3", "3 > dense 1 > dense 1 > dense 2"]
)
@pytest.mark.parametrize("form", ["latex", "markdown", "typst", "html", "json"])
def test_a_bottleneck_states_its_rank_and_is_read_back(spec, form, capsys):
    """A layer narrower than input and output: the document states rank(W_z) at random rational
    weights; the re-read took that row for a product (exit 3 on every bottleneck network)."""
    assert main(["layers", spec, "--format", form]) == 0
    assert "rank" in capsys.readouterr().out


@pytest.mark.parametrize("seed", range(40))
def test_random_weights_are_never_zero(seed):
    """A zero weight dropped a bottleneck's rank to 0 in the document (seed 0, 3-1-1-2)."""
    from symcollapse.algebra.analysis import analyse, random_parameters
    from symcollapse.spec.grammar import parse_layers

    result = analyse(parse_layers("3 > dense 1 > dense 1 > dense 2"))
    assert all(value != 0 for value in random_parameters(result.entries, seed).values())


@pytest.mark.parametrize("fmt", ["latex", "markdown", "typst", "html", "json"])
@pytest.mark.parametrize("convention", ["column", "row"])
def test_pooling_first_is_read_back_in_either_convention(fmt, convention, capsys):
    """The certificate's instance writes no product with ``x`` itself (``f(x) =
    maxpool_2(x) W_2 + b_2``): which way its vectors go comes from its merged form
    (``maxpool_2(x A_1 + a_1) A_2 + a_2``), or the row document is refused by its own re-read."""
    argv = ["layers", "2 > maxpool 2 > dense 1", "--convention", convention, "--format", fmt]
    assert main(argv) == 0, capsys.readouterr().err
