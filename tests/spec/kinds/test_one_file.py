"""A layer kind is one file: ``one_file/scale.py`` (LayerScale), found by the registry's own
discovery once its directory is on the kinds package's path, is read, costed, derived, verified
and written in every readable format, with roles and a reason of its own, with no edit to any
other module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ONE_FILE = Path(__file__).resolve().parent / "one_file"

#: Runs in a fresh interpreter (the registry is read once per process) and prints what the
#: package made of the kind as JSON.
SCRIPT = """
import contextlib, io, json, sys
import sympy as sp
import symcollapse.spec.kinds as kinds
kinds.__path__.append(sys.argv[1])
from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.stage_rules import build_stages
from symcollapse.cli import main
from symcollapse.errors import SizeLimitError, SpecError
from symcollapse.spec.grammar import grammar_lines, parse_layers
from symcollapse.spec.layer_cost import check_layered, layered_terms
from symcollapse.spec.roles import ROLES
from symcollapse.verification.layered import verify_layers

NAMES = {"markdown": ["--names", "lambda=c,Lambda=M"]}  # the kind's own roles renamed
spec = parse_layers(sys.argv[2])
h = sp.Matrix(sp.symbols(f"h_1:{spec.input_width + 1}"))
first = build_stages(spec).stages[0]
try:
    parse_layers("3 > nothing")
except SpecError as error:
    unknown = str(error)
estimate = layered_terms(spec)
try:
    check_layered(spec, estimate - 1)
    refused = False
except SizeLimitError:
    refused = True
result = analyse(spec)
verify_layers(result)
merged = [m for stage in result.affine for m in (stage.matrix, stage.bias)]
documents = {}
for fmt in sys.argv[3:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["layers", sys.argv[2], "--format", fmt, *NAMES.get(fmt, [])])
    documents[fmt] = [code, out.getvalue()]
print(json.dumps({
    "grammar": grammar_lines()[-1],
    "unknown": unknown,
    "first": [str(e) for e in first.apply(h)],
    "estimate": estimate,
    "refused": refused,
    "terms": sum(len(sp.Add.make_args(e)) for m in merged for e in m),
    "verdict": result.verdict,
    "documents": documents,
    "roles": {role: ROLES.get(role) for role in ("lambda", "Lambda")},
}))
"""

FORMATS = ("latex", "markdown", "json", "typst", "html")


def _made(spec: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ONE_FILE), spec, *FORMATS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize(
    ("spec", "first"),
    [
        ("3 > scale > dense 2", ["h_1*lambda_1_1", "h_2*lambda_1_2", "h_3*lambda_1_3"]),
        (
            "2 > dense 2 > scale",
            ["b_1_1 + h_1*w_1_1_1 + h_2*w_1_1_2", "b_1_2 + h_1*w_1_2_1 + h_2*w_1_2_2"],
        ),
    ],
)
def test_a_kind_in_one_file_is_read_costed_derived_verified_and_written(spec: str, first: list):
    made = _made(spec)
    assert made["grammar"] == "scale   (LayerScale: each unit times its own parameter)"
    assert made["unknown"].endswith("residual(...), scale")
    assert made["first"] == first
    assert made["verdict"] == "affine"
    assert made["refused"] and made["terms"] <= made["estimate"]
    assert made["roles"] == {
        "lambda": "the LayerScale factors",
        "Lambda": "the LayerScale matrices",
    }
    lam = ("\\lambda", "lambda", "\N{GREEK SMALL LETTER LAMDA}")  # LaTeX, Typst, MathML
    for fmt, (code, text) in made["documents"].items():
        assert code == 0, fmt
        assert "LayerScale: unit " in text, fmt  # the kind's own reason
        if fmt == "markdown":  # renamed by --names
            assert "M_{" in text and "c^{(" in text and not any(n in text for n in lam), text
        else:
            assert any(n in text for n in lam), fmt
