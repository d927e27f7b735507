"""Held-out hand edits of real documents: each must be caught by ``symcollapse check`` (exit 1,
naming the row), and the untouched documents must pass, in LaTeX, Markdown and JSON, for a
square and a non-square network.

The edits are the ones a person (or a renderer bug) makes: a swapped index, a dropped term, a
layer skipped, a transposed matrix, a renamed symbol used inconsistently, a wrong number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from symcollapse.cli import main

#: Square (every width equal) and non-square networks of three layers.
SHAPES = [(3, 3, 3, 3), (2, 3, 4, 1)]
FORMATS = {"latex": "tex", "markdown": "md", "github": "md", "json": "json"}


def document(tmp_path: Path, widths: tuple[int, ...], fmt: str, *options: str) -> Path:
    out = tmp_path / "doc"
    argv = ["derive", *map(str, widths), "--format", fmt, "--out", str(out), *options]
    assert main(argv) == 0
    return next(out.iterdir())


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["check", str(path)])
    return status, capsys.readouterr().out


def _once(pattern: str, replace: Callable[[re.Match[str]], str], text: str) -> str:
    edited, count = re.subn(pattern, replace, text, count=1)
    assert count == 1, pattern
    return edited


# --- edits of the printed LaTeX (LaTeX and Markdown documents) ---------------------------


def swap_index(text: str) -> str:
    """In the first entry row of W_z, one factor w^{(2)}_{ij} becomes w^{(2)}_{ji} (i != j)."""
    row = re.search(r"\\left\(W_\{z\}\\right\)_\{11\} &= [^\n]*", text)
    assert row
    line = row.group()
    edited = _once(
        r"w\^\{\(2\)\}_\{(\d)(?!\1)(\d)\}", lambda m: f"w^{{(2)}}_{{{m[2]}{m[1]}}}", line
    )
    return text.replace(line, edited, 1)


def drop_term(text: str) -> str:
    """The last term of the first entry row of W_z is gone."""
    return _once(
        r"(\\left\(W_\{z\}\\right\)_\{11\} &= [^\n]*?) \+ [^+\n]*?(?= \\displaybreak| \\\\|\n)",
        lambda m: m[1],
        text,
    )


def skip_layer(text: str) -> str:
    """A chain row multiplies W_3 W_1 x: layer 2 is skipped."""
    return _once(r"&= W_\{3\} W_\{2\} W_\{1\} x", lambda m: "&= W_{3} W_{1} x", text)


def transpose(text: str) -> str:
    """W_1's matrix is shown transposed."""

    def transposed(match: re.Match[str]) -> str:
        rows = [row.split(" & ") for row in match[2].split(r" \\ ")]
        return (
            match[1] + r" \\ ".join(" & ".join(col) for col in zip(*rows, strict=True)) + match[3]
        )

    return _once(r"(W_\{1\} &= \\begin\{bmatrix\} )(.*?)( \\end\{bmatrix\})", transposed, text)


def rename(text: str) -> str:
    """With W renamed to Theta, one chain row still says W_{2}."""
    return _once(r"&= \\Theta_\{3\} \\Theta_\{2\}", lambda m: r"&= \Theta_{3} W_{2}", text)


def wrong_number(text: str) -> str:
    """The first number of W_1 is one more than it is."""
    return _once(
        r"(W_\{1\} &= \\begin\{bmatrix\} )(-?[\d.]+)",
        lambda m: m[1] + str(float(m[2]) + 1).removesuffix(".0"),
        text,
    )


LATEX_EDITS = {
    "swap_index": (swap_index, ()),
    "drop_term": (drop_term, ()),
    "skip_layer": (skip_layer, ()),
    "transpose": (transpose, ("--detail", "full")),  # the level that writes W_1 out
    "rename": (rename, ("--names", "W=Theta")),
    "wrong_number": (wrong_number, ("--values", "random", "--seed", "3")),
}


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("fmt", ["latex", "markdown", "github"])
@pytest.mark.parametrize("edit", sorted(LATEX_EDITS))
def test_latex_edits_are_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], widths: tuple[int, ...], fmt: str, edit: str
) -> None:
    change, options = LATEX_EDITS[edit]
    path = document(tmp_path, widths, fmt, *options)
    assert check(path, capsys)[0] == 0
    path.write_text(change(path.read_text()))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out)


# --- edits of the JSON document ------------------------------------------------------------


def _steps(data: dict) -> list[dict]:
    return [step for section in data["sections"] for step in section["steps"]]


def json_swap_index(data: dict) -> None:
    step = next(s for s in _steps(data) if s["lhs"] == "W_z[1,1]")
    step["rhs"] = step["rhs"].replace("w_2_1_2", "w_2_2_1", 1)


def json_drop_term(data: dict) -> None:
    step = next(s for s in _steps(data) if s["lhs"] == "W_z[1,1]")
    step["rhs"] = step["rhs"].rsplit(" + ", 1)[0]


def json_skip_layer(data: dict) -> None:
    step = next(s for s in _steps(data) if s["rhs"].startswith("W_3*W_2*W_1*x"))
    step["rhs"] = step["rhs"].replace("W_3*W_2*W_1*x", "W_3*W_1*x", 1)


def json_transpose(data: dict) -> None:
    data["W_z"] = [list(column) for column in zip(*data["W_z"], strict=True)]


def json_rename(data: dict) -> None:
    step = next(s for s in _steps(data) if s["rhs"].startswith("Theta_3*(Theta_2*"))
    step["rhs"] = step["rhs"].replace("Theta_2", "W_2", 1)


def json_wrong_number(data: dict) -> None:
    data["weights"][0][0][0] = str(int(data["weights"][0][0][0]) + 1)


JSON_EDITS = {
    "swap_index": (json_swap_index, ()),
    "drop_term": (json_drop_term, ()),
    "skip_layer": (json_skip_layer, ()),
    "transpose": (json_transpose, ()),
    "rename": (json_rename, ("--names", "W=Theta")),
    "wrong_number": (json_wrong_number, ("--values", "random", "--seed", "4")),
}


@pytest.mark.parametrize("widths", SHAPES)
@pytest.mark.parametrize("edit", sorted(JSON_EDITS))
def test_json_edits_are_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], widths: tuple[int, ...], edit: str
) -> None:
    change, options = JSON_EDITS[edit]
    path = document(tmp_path, widths, "json", *options)
    assert check(path, capsys)[0] == 0
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    status, out = check(path, capsys)
    assert status == 1, out
    assert " is false: " in out
