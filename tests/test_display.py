"""Notebook displays and Markdown for Q&A sites, checked by parsing for their structure.

Whether MathJax and KaTeX render every formula is checked by the engines themselves, in
``tests/render/test_engines.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from symcollapse.algebra.analysis import analyse
from symcollapse.algebra.collapsing import collapse
from symcollapse.algebra.numeric import collapse_values
from symcollapse.algebra.regression import regress
from symcollapse.derivations.dense import derive
from symcollapse.derivations.numeric import derive_values
from symcollapse.render.markdown import render_markdown
from symcollapse.render.notation import Notation
from symcollapse.spec.values import load_values, random_values
from symcollapse.verification.layered import verify_layers

#: Environments MathJax has without extensions that our displays may use.
MATHJAX_ENVIRONMENTS = {"aligned", "bmatrix", "pmatrix"}


def _objects() -> dict[str, object]:
    numeric = collapse_values(random_values((2, 3, 1), 3))
    return {
        "derivation": derive([2, 3, 1]),
        "collapse": collapse([2, 2, 1]),
        "numeric": numeric,
        "regression": regress(numeric, seed=3),
    }


def _balanced(math: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", math):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def check_mathjax(math: str) -> None:
    """Fail when ``math`` uses something MathJax lacks or is not well formed."""
    assert _balanced(math), math
    open_environments: list[str] = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", math):
        assert name in MATHJAX_ENVIRONMENTS, name
        if kind == "begin":
            open_environments.append(name)
        else:
            assert open_environments.pop() == name
    assert open_environments == []
    assert math.count(r"\left") == math.count(r"\right")


def check_markdown(markdown: str) -> int:
    """Check every ``$$`` display and inline ``$...$`` of ``markdown``; return the displays."""
    lines = markdown.split("\n")
    displays, inside, block = 0, False, []
    for line in lines:
        if line == "$$":
            if inside:
                check_mathjax("\n".join(block))
                assert block[0] == r"\begin{aligned}" and block[-1] == r"\end{aligned}"
                displays += 1
            inside, block = not inside, []
        elif inside:
            block.append(line)
        else:
            assert "\\begin" not in line, line
            unescaped = re.split(r"(?<!\\)\$", line)
            assert len(unescaped) % 2 == 1, line  # inline math opens and closes on one line
            for math in unescaped[1::2]:
                check_mathjax(math)
    assert not inside, "a $$ display is not closed"
    return displays


@pytest.mark.parametrize("name", ["derivation", "collapse", "numeric", "regression"])
def test_objects_render_themselves_in_notebooks(name: str) -> None:
    obj = _objects()[name]
    latex = obj._repr_latex_()  # type: ignore[attr-defined]
    displays = re.findall(r"\$\$(.*?)\$\$", latex, flags=re.DOTALL)
    assert "".join(f"$${d}$$" for d in displays) == latex.replace("\n$$", "$$")
    for display in displays:  # one aligned block per display, or they would sit side by side
        assert display.count(r"\begin{aligned}") == 1
        check_mathjax(display)
    markdown = obj._repr_markdown_()  # type: ignore[attr-defined]
    assert check_markdown(markdown) == len(displays)


NOTATIONS = [
    Notation(),
    Notation(delimiter="pmatrix", entry_style="upper", index_base=0, line_width=30),
    Notation(entry_style="flat").renamed({"x": "xi", "W": "Omega", "b": "omega", "W_z": "M_z"}),
]


@pytest.mark.parametrize("notation", NOTATIONS)
@pytest.mark.parametrize("widths", [(1, 1), (2, 3, 3, 1), (3, 2, 2)])
def test_markdown_is_mathjax_safe(notation: Notation, widths: tuple[int, ...]) -> None:
    derivation = derive(widths)
    assert check_markdown(render_markdown(derivation, notation)) == len(derivation.sections)


def test_a_dollar_in_a_file_name_does_not_open_mathematics(tmp_path: Path) -> None:
    path = tmp_path / "cost_$5.json"
    path.write_text(json.dumps(random_values((2, 1), 0).data()))
    derivation = derive_values(collapse_values(load_values(path, (2, 1))))
    markdown = render_markdown(derivation)
    assert r"(file cost\_\$5.json)" in markdown
    assert check_markdown(markdown) == len(derivation.sections)


def test_the_checker_catches_what_mathjax_lacks() -> None:
    bad_math = (
        r"\begin{align*} a \end{align*}",
        r"\begin{aligned} \begin{bmatrix} a \end{aligned} \end{bmatrix}",
        r"{a",
        r"\left( a",
    )
    for bad in bad_math:
        with pytest.raises(AssertionError):
            check_mathjax(bad)
    with pytest.raises(AssertionError):
        check_markdown("$$\n\\begin{aligned}\na\n\\end{aligned}\n")


def test_a_checked_fold_and_its_check_render_themselves() -> None:
    """``symcollapse.fold(...)`` in a notebook shows the fold's document with its check, and
    the check alone its one line."""
    import symcollapse

    result = symcollapse.fold([([[1.0, 2.0], [0.0, 1.0]], [0.5, 0.0]), ([[3.0, -1.0]], [2.0])])
    markdown = result._repr_markdown_()
    assert check_markdown(markdown) >= 1 and "random inputs" in markdown
    line = result.check._repr_markdown_()
    assert line.count("\n") == 1 and "float rounding bound" in line
    latex = result.check._repr_latex_()
    assert latex.startswith("$$\\text{") and latex.endswith("}$$")
    check_mathjax(latex.strip("$"))


@pytest.mark.parametrize(
    "text", ["2 > dense 3 > dense 1", "2 > dense 2 relu > dense 1", "2 > dense 2 tanh > dense 1"]
)
def test_an_analysed_network_displays_without_being_analysed_again(text: str, monkeypatch) -> None:
    from symcollapse.algebra import analysis
    from symcollapse.derivations.layers import derive_layers
    from symcollapse.spec.grammar import parse_layers

    result = analyse(parse_layers(text))
    expected = render_markdown(derive_layers(verify_layers(analyse(result.spec))))

    def again(*args: object, **kwargs: object) -> None:
        raise AssertionError("analysed again")

    monkeypatch.setattr(analysis, "analyse", again)
    assert result._repr_markdown_() == expected


@pytest.mark.parametrize(
    ("parts", "whole"),
    [
        (("linear", "linear", "relu", "linear"), "carried through the model"),
        (("linear", "linear", "tanh", "linear"), "is not Relu or Clip"),
    ],
)
def test_a_partial_fold_renders_its_report_and_checks(tmp_path, parts, whole) -> None:
    """``symcollapse.fold_partial(...)`` in a notebook: one line per stretch, the matrix
    multiplications before and after, each check, and the whole model's check or why none."""
    from tests.model_files import require
    from tests.partial_models import write_graph

    require("onnxruntime", "ONNXRUNTIME")
    import symcollapse

    result = symcollapse.fold_partial(write_graph(tmp_path / "m.onnx", parts, (3, 4, 4, 2)))
    markdown = result._repr_markdown_()
    assert "stretch 1:" in markdown and "matrix multiplications" in markdown
    assert "float rounding bound" in markdown and whole in markdown
    assert all(line.startswith("- ") for line in markdown.splitlines())
    latex = result._repr_latex_()
    assert latex.startswith("$$\\text{") and "stretch 1:" in latex
    check_mathjax(latex.strip("$"))
