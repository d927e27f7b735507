"""HTML documents read back through their MathML: untouched they pass at every level, square and
non-square, in every notation; a swapped index, a dropped term, a transposed matrix or a wrong
number is caught; a ``<math>`` with a markup declaration or a foreign entity is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from symcollapse.cli import main
from symcollapse.errors import DocumentError
from symcollapse.reading import check_text
from symcollapse.reading.mathml import element, spell

WIDTHS = [(2, 3, 3, 1), (3, 3, 3), (2, 2)]
LEVELS = ["brief", "standard", "full"]
NOTATIONS = {
    "plain": (),
    "numbers": ("--values", "random", "--seed", "3"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
}


def document(tmp_path: Path, widths: tuple[int, ...], level: str, *options: str) -> Path:
    out = tmp_path / "doc"
    argv = ["derive", *map(str, widths), "--detail", level, "--format", "html", "--out"]
    assert main([*argv, str(out), *options]) == 0
    (path,) = out.iterdir()
    return path


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["check", str(path)])
    return status, capsys.readouterr().out


PAREN = '<mrow><mo stretchy="false">(</mo><mn>3</mn><mo stretchy="false">)</mo></mrow>'


@pytest.mark.parametrize(
    ("mathml", "latex"),
    [
        (f"<msubsup><mi>w</mi><mn>12</mn>{PAREN}</msubsup>", "w^{(3)}_{12}"),
        (
            "<msub><mi>W</mi><mrow><mi>z</mi><mo>,</mo><mi>i</mi></mrow></msub>",
            r"\left(W_{z}\right)_{i}",
        ),
        ("<msub><mi>W</mi><mrow><mn>1</mn><mo>,</mo><mn>12</mn></mrow></msub>", "W_{1,12}"),
        (
            "<mrow><mo>[</mo><mtable><mtr><mtd><mn>1</mn></mtd><mtd><mrow><mo>\u2212</mo><mn>2</mn>"
            "</mrow></mtd></mtr></mtable><mo>]</mo></mrow>",
            r"\begin{bmatrix} 1 & - 2 \end{bmatrix}",
        ),
        ("<mrow><mi>f</mi><mrow><mo>(</mo><mi>x</mi><mo>)</mo></mrow></mrow>", "f(x)"),
        ("<msub><mi>θ</mi><mn>2</mn></msub>", r"\theta_{2}"),
    ],
)
def test_mathml_is_spelled_in_latex(mathml: str, latex: str) -> None:
    assert spell(element(f"<math>{mathml}</math>")) == latex


@pytest.mark.parametrize(
    "source",
    [
        '<!DOCTYPE math [<!ENTITY a "aaaaaaaa">]><math><mi>&a;</mi></math>',
        '<math><!DOCTYPE x SYSTEM "http://example.com/x.dtd"><mi>x</mi></math>',
        "<math><mi>&nbsp;</mi></math>",
        "<math><mi>x</mi>",
        "<math><mglyph/></math>",
    ],
)
def test_a_math_element_with_declarations_entities_or_bad_xml_is_refused(source: str) -> None:
    with pytest.raises(DocumentError):
        spell(element(source))


def test_an_html_document_with_an_entity_trick_is_exit_2(tmp_path, capsys) -> None:
    path = tmp_path / "trick.html"
    path.write_text(
        '<table class="steps"><tr><td class="lhs"><math><mi>x</mi></math></td><td class="rhs">'
        '<math><!DOCTYPE m [<!ENTITY a "b">]><mrow><mo>=</mo><mi>&a;</mi></mrow></math></td>'
        "</tr></table>"
    )
    assert main(["check", str(path)]) == 2
    assert "markup declaration" in capsys.readouterr().err


@pytest.mark.parametrize("widths", WIDTHS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
def test_untouched_html_documents_pass(tmp_path, capsys, notation, level, widths) -> None:
    status, out = check(document(tmp_path, widths, level, *NOTATIONS[notation]), capsys)
    assert status == 0, out
    assert re.search(r": \d+ rows read: [1-9]\d* identities checked", out), out


def _swapped_index(text: str) -> str:
    old = '<msubsup><mi>w</mi><mn>13</mn><mrow><mo stretchy="false">(</mo><mn>2</mn>'
    return text.replace(old, old.replace("13", "31"), 1)


def _dropped_term(text: str) -> str:
    row = next(row for row in re.findall(r"<tr>.*?</tr>", text, re.S) if "(distribute)" in row)
    return text.replace(row, row.replace("<mo>+</mo><msub><mi>b</mi><mn>3</mn></msub>", "", 1))


def _transposed_matrix(text: str) -> str:
    row = next(r for r in re.findall(r"<tr>.*?</tr>", text, re.S) if "<mi>W</mi><mn>1</mn>" in r)
    table = re.search(r"<mtable>(.*?)</mtable>", row)[1]  # type: ignore[index]
    cells = [re.findall(r"<mtd>(.*?)</mtd>", r) for r in re.findall(r"<mtr>(.*?)</mtr>", table)]
    transposed = "".join(
        "<mtr>" + "".join(f"<mtd>{cell}</mtd>" for cell in column) + "</mtr>"
        for column in zip(*cells, strict=True)
    )
    return text.replace(table, transposed, 1)


def _wrong_number(text: str) -> str:
    section = text.split("<h2>The collapsed weights</h2>")[1].split("</table>")[0]
    last = re.findall(r"<tr>.*?</tr>", section, re.S)[-1]
    return text.replace(last, re.sub(r"<mn>(\d+)", r"<mn>\g<1>1", last, count=1), 1)


EDITS = {
    "swapped_index": (_swapped_index, (2, 3, 3, 1), "standard", ()),
    "dropped_term": (_dropped_term, (2, 3, 3, 1), "standard", ()),
    "transposed_matrix": (_transposed_matrix, (3, 3, 3), "full", ("--values", "random")),
    "wrong_number": (_wrong_number, (3, 3, 3), "full", ("--values", "random")),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_hand_edits_of_an_html_document_are_caught(tmp_path, capsys, edit) -> None:
    change, widths, level, options = EDITS[edit]
    path = document(tmp_path, widths, level, *options)
    text = path.read_text()
    edited = change(text)
    assert edited != text
    path.write_text(edited)
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out)


def test_check_text_reads_html_when_told() -> None:
    text = (
        '<table class="steps"><tr><td class="lhs"><math><mi>a</mi></math></td>'
        '<td class="rhs"><math><mrow><mo>=</mo><mn>2</mn></mrow></math></td></tr>'
        '<tr><td class="lhs"></td><td class="rhs"><math><mrow><mo>=</mo><mn>3</mn></mrow>'
        "</math></td></tr></table>"
    )
    assert "is false" in check_text(text, language="html").false
