"""``symcollapse check``: exit 0 with a count, 1 naming the first false row, 2 for what it cannot
read; and every document command reads its own document back before writing it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import symcollapse.cli.output as output
from symcollapse.cli import main
from tests.conftest import error_line


@pytest.mark.parametrize("fmt", ["latex", "markdown", "github", "json"])
@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--values", "random", "--seed", "5"),
        ("--names", "W=Theta,b=beta,x=xi,W_z=M"),
        (
            "--entry-style",
            "flat",
            "--index-base",
            "0",
            "--delimiter",
            "pmatrix",
            "--detail",
            "full",
        ),
        ("--entry-style", "upper", "--numbered"),
    ],
)
@pytest.mark.parametrize("widths", [("3", "3", "3"), ("2", "3", "1")])
def test_untouched_documents_pass(tmp_path, capsys, fmt, options, widths) -> None:
    if fmt == "json" and "--names" not in options and options:
        pytest.skip("--format json takes no typesetting options")
    if fmt in ("markdown", "github") and "--numbered" in options:
        pytest.skip("--numbered is LaTeX only")
    assert main(["derive", *widths, "--format", fmt, "--out", str(tmp_path), *options]) == 0
    (path,) = tmp_path.iterdir()
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    checked = re.search(r": (\d+) rows read: (\d+) identities checked under the document's", out)
    assert checked and int(checked[2]) >= 4, out


def test_the_example_documents_pass(capsys) -> None:
    root = Path(__file__).resolve().parents[2] / "output"
    for name in ("example.tex", "example.md", "example.json", "layers-residual.tex"):
        assert main(["check", str(root / name)]) == 0, capsys.readouterr()


def test_a_false_row_is_named(tmp_path, capsys) -> None:
    path = tmp_path / "edited.tex"
    path.write_text(
        "\\section*{Two}\n\\begin{align*}\nA &= \\begin{bmatrix} 1 & 2 \\end{bmatrix} \\\\\n"
        "B &= \\begin{bmatrix} 3 \\\\ 4 \\end{bmatrix} \\label{eq:ab} \\\\\n"
        "A B &= \\begin{bmatrix} 12 \\end{bmatrix} \\label{eq:wrong}\n\\end{align*}\n"
    )
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().out == (
        f'{path}: section "Two", row 3 (eq:wrong) is false: entry (1, 1) differs\n'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no mathematics here", "no displayed equations"),
        ("$$\n\\frac{\\partial L}{\\partial W} = 0\n$$", r"a gradients document without f\(x\)"),
        ("$$\nA = B +\n$$", "cannot read"),
        ('{"sections": 3}', "a JSON document without a list of sections"),
        (
            '{"sections": [{"steps": [{"lhs": "x", "relation": "=", "rhs": "__import__(1)"}]}]}',
            "cannot read",
        ),
    ],
)
def test_an_unreadable_document_is_one_line_exit_2(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "doc.md"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    line = error_line(capsys)
    assert line.startswith(f"symcollapse: error: {path}: ") and re.search(message, line), line


def test_a_directory_or_a_binary_file_is_refused(tmp_path, capsys) -> None:
    assert main(["check", str(tmp_path)]) == 2
    assert "is a directory" in error_line(capsys)
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00")
    assert main(["check", str(tmp_path / "binary")]) == 2
    assert "not UTF-8" in error_line(capsys)


@pytest.mark.parametrize("fmt", ["latex", "markdown", "json"])
def test_a_renderer_bug_is_an_internal_error_and_nothing_is_written(
    tmp_path, capsys, monkeypatch, fmt
) -> None:
    extension, render = output.FORMATS[fmt]

    def transposing(derivation, notation, *rest):  # a renderer that swaps w_12 and w_21
        text = render(derivation, notation, *rest)
        swapped = {
            "w^{(1)}_{12}": "w^{(1)}_{21}",
            "w^{(1)}_{21}": "w^{(1)}_{12}",
            "w_1_1_2": "w_1_2_1",
            "w_1_2_1": "w_1_1_2",
        }
        return re.sub(
            "|".join(map(re.escape, swapped)), lambda m: swapped[m.group()], text, count=1
        )

    monkeypatch.setitem(output.FORMATS, fmt, (extension, transposing))
    monkeypatch.setattr(output, "render_json", transposing)
    out = tmp_path / "out"
    assert main(["derive", "2", "2", "--format", fmt, "--out", str(out)]) == 3
    assert "says something false" in error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$$\nA = " + "\\left(" * 5000 + "x" + "\\right)" * 5000 + "\n$$", "nested too deep"),
        ("$$\n\\left(a + b + c\\right)^{200} = 0\n$$", "a power 200 above 4"),
        (
            "$$\nA = \\begin{bmatrix} "
            + " \\\\ ".join([" & ".join(["1"] * 150)] * 150)
            + " \\end{bmatrix}\n$$\n$$\nA A = A\n$$",
            "more than 1,000,000 multiplications",
        ),
    ],
)
def test_hostile_documents_are_refused_before_the_work(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(text)
    assert main(["check", str(path)]) == 2
    assert message in error_line(capsys)
