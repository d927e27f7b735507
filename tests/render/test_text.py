from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

from symcollapse import derive, prove
from symcollapse.cli import main
from symcollapse.render.notation import Notation
from symcollapse.render.text import render_text
from tests.model_files import dense_layers, require, write_onnx

from .kinds import KINDS, MIXED_REASONS, argv


def test_text_has_every_section_and_parses_back():
    derivation = derive((2, 3, 3, 1), detail="full")
    text = render_text(derivation)
    for section in derivation.sections:
        assert f"\n{section.title[0]}\n" in text
    assert "    = W_3*(W_2*W_1*x + W_2*b_1 + b_2) + b_3    [distribute W_2]" in text
    # W_z[1,1] spans several lines; join them and parse the sum back.
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("W_z[1,1] = "))
    body = [lines[start].split(" = ", 1)[1]]
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        body.append(line.strip())
    assert sp.sympify(" ".join(body)) == derivation.collapse.W_z[0, 0]


def test_text_check_line():
    text = render_text(derive((1, 1)))
    assert "f(x) - (W_z*x + b_z) = 0    [expanded entrywise]" in text


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    require("onnx", "ONNX")
    path = tmp_path_factory.mktemp("model") / "student.onnx"
    return write_onnx(dense_layers((2, 3, 3, 1), seed=7), path, "matmul_add")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_plain_text_in_80_columns(kind, model, capsys):
    assert main(argv(kind, model, "--format", "text")) == 0
    text = capsys.readouterr().out
    assert not re.search(r"\\|[_^]\{|\}[_^]", text), "LaTeX in the text"
    wide = [line for line in text.splitlines() if len(line) > 80]
    assert not wide, wide


def test_roles_with_expressions_as_indices_read_as_typed():
    text = render_text(prove().derivation)
    assert "d_(k-1) columns" in text
    assert "W_z^(n+1) := W_(n+1)*W_z^(n)" in text
    assert "b_z^(n) = sum_(k=1)^(n) W_n*...*W_(k+1)*b_k" in text


@pytest.mark.parametrize("widths", [(4, 3, 2), (3, 4)])
def test_a_matrix_too_wide_for_a_line_has_a_row_per_line_and_parses_back(widths):
    derivation = derive(widths, detail="full")  # the explicit matrices
    lines = render_text(derivation, Notation(line_width=50)).splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("W_1 = [["))
    rows = lines[start : start + widths[1]]
    assert [row.count("[") for row in rows] == [2] + [1] * (widths[1] - 1)
    parsed = sp.Matrix(sp.sympify(" ".join(rows).split(" = ", 1)[1]))
    assert str(parsed) == str(derivation.collapse.network.weights[0])


def test_a_long_sum_continues_with_its_sign():
    lines = render_text(derive((3, 4, 4, 2))).splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("W_z[1,1] = "))
    assert all(line.startswith(" " * 11 + "+ ") for line in lines[start + 1 : start + 8])


@pytest.mark.parametrize(("widths", "detail", "line_width"), MIXED_REASONS)
def test_reasons_are_in_one_place_throughout_a_document(widths, detail, line_width):
    """After the last line of their step in every section, or on lines of their own under it in
    every section. Each reason is known from the same document set wide enough for all."""
    derivation = derive(widths, detail=detail)
    wide = render_text(derivation, Notation(line_width=1000))
    reasons = {m[:12] for m in re.findall(r"\S    \[(.*)\]$", wide, flags=re.M)}
    lines = render_text(derivation, Notation(line_width=line_width)).splitlines()
    beside = [line for line in lines if any(f"    [{r}" in line.lstrip() for r in reasons)]
    below = [line for line in lines if any(line.lstrip().startswith(f"[{r}") for r in reasons)]
    assert len(beside) + len(below) >= len(reasons) > 1
    assert bool(beside) != bool(below), (beside, below)
