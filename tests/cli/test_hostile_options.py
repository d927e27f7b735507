"""Options that would do nothing are refused, naming what they need; numbers in ASCII only;
``--max-terms`` binds every route that multiplies numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.errors import SizeLimitError
from tests.conftest import error_line


@pytest.fixture
def thirds(tmp_path: Path) -> Path:
    """Values with numbers that are not exact decimals: --digits has something to round."""
    path = tmp_path / "thirds.json"
    path.write_text(json.dumps({"weights": [[["1/3", 2]]], "biases": [["1/7"]]}))
    return path


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive", "2", "1", "--label-prefix", "eq"], "--label-prefix goes with --numbered"),
        (
            ["derive", "2", "1", "--label-prefix", "eq", "--format", "markdown"],
            "--label-prefix goes with --numbered",
        ),
        (
            ["derive", "3", "2", "--label-prefix", "eq", "--numbered", "--format", "github"],
            "--numbered applies to LaTeX output",
        ),
        (["derive", "2", "1", "--digits", "3"], "--digits 3 rounds nothing here"),
        (["derive", "3", "2", "--values", "random", "--digits", "4"], "rounds nothing here"),
        (["derive", "2", "3", "1", "--digits", "2", "--standalone"], "rounds nothing here"),
        (["prove", "--digits", "5"], "rounds nothing here"),
        (
            ["verify", "2", "2", "--seed", "3"],
            "seed: used by random points only, and auto chooses exact here (6 terms)",
        ),
        (
            ["verify", "2", "3", "1", "--trials", "9"],
            "trials: used by random points only, and auto chooses exact here (10 terms)",
        ),
        (["verify", "2", "2", "--method", "exact", "--trials", "2"], "used by random points"),
    ],
)
def test_an_option_that_does_nothing_is_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in error_line(capsys)


def test_digits_that_round_are_accepted(thirds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "2", "1", "--values", str(thirds), "--digits", "3"]) == 0
    assert "0.333" in capsys.readouterr().out


def test_label_prefix_with_numbered_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["derive", "2", "1", "--numbered", "--label-prefix", "eq"]) == 0
    assert r"\label{eq:" in capsys.readouterr().out


def test_verify_random_takes_trials_and_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "2", "2", "--method", "random", "--trials", "3", "--seed", "1"]) == 0
    assert "3 trial(s)" in capsys.readouterr().out


DIGITS = ["\u0663", "\u06f3", "\uff13", "\u0969", "\u00b3", "\U0001d7d1"]


@pytest.mark.parametrize("digit", DIGITS, ids=[f"U+{ord(d):04X}" for d in DIGITS])
@pytest.mark.parametrize(
    "option",
    [
        ["dynamics", "saxe", "--tau"],
        ["dynamics", "saxe", "--u0"],
        ["dynamics", "saxe", "--t-max"],
        ["dynamics", "saxe", "--strengths"],
        ["dynamics", "saxe", "--times"],
        ["dynamics", "arora", "--depth"],
        ["derive", "2", "1", "--max-terms"],
        ["derive", "2", "1", "--digits"],
        ["verify", "2", "2", "--method", "random", "--seed"],
        ["regress", "2", "1", "--learning-rate"],
    ],
)
def test_non_ascii_digits_are_refused(
    option: list[str], digit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*option, digit]) == 2
    assert error_line(capsys).startswith("symcollapse: error: ")


def test_max_terms_binds_numbers_from_a_file(
    thirds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["derive", "2", "1", "--values", str(thirds), "--max-terms", "2"]) == 2
    assert "have 3 weights and biases, above the limit of 2" in error_line(capsys)


def test_max_terms_binds_a_model_before_it_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    """The count comes from the widths given, so a missing model is not even opened."""
    argv = ["derive", "150", "150", "--values", "missing.onnx"]
    assert main(argv) == 2
    assert "have 22,650 weights and biases, above the limit of 20,000" in error_line(capsys)


def test_collapse_values_binds_max_terms() -> None:
    from symcollapse import collapse_values, random_values

    values = random_values([2, 3, 1], seed=0)
    with pytest.raises(SizeLimitError, match="have 13 weights and biases, above the limit of 12"):
        collapse_values(values, max_terms=12)
