"""HTML documents read back through their MathML: untouched they pass at every level, square and
non-square, in every notation; a swapped index, a dropped term, a transposed matrix or a wrong
number is caught; a ``<math>`` with a markup declaration or a foreign entity is refused."""

from __future__ import annotations

import re

import pytest

from symcollapse.cli import main
from symcollapse.errors import DocumentError
from symcollapse.reading import check_text
from symcollapse.reading.mathml import element, spell
from tests.reading import documents as docs

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


@pytest.mark.parametrize("widths", docs.WIDTHS)
@pytest.mark.parametrize("level", docs.LEVELS)
@pytest.mark.parametrize("notation", sorted(docs.NOTATIONS))
def test_untouched_html_documents_pass(tmp_path, capsys, notation, level, widths) -> None:
    docs.assert_passes(
        docs.document(tmp_path, widths, level, "html", *docs.NOTATIONS[notation]), capsys
    )


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
    "swapped_index": _swapped_index,
    "dropped_term": _dropped_term,
    "transposed_matrix": _transposed_matrix,
    "wrong_number": _wrong_number,
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_hand_edits_of_an_html_document_are_caught(tmp_path, capsys, edit) -> None:
    widths, level, options = docs.EDITED[edit]
    docs.assert_caught(
        docs.document(tmp_path, widths, level, "html", *options), capsys, EDITS[edit]
    )


def test_check_text_reads_html_when_told() -> None:
    text = (
        '<table class="steps"><tr><td class="lhs"><math><mi>a</mi></math></td>'
        '<td class="rhs"><math><mrow><mo>=</mo><mn>2</mn></mrow></math></td></tr>'
        '<tr><td class="lhs"></td><td class="rhs"><math><mrow><mo>=</mo><mn>3</mn></mrow>'
        "</math></td></tr></table>"
    )
    assert "is false" in check_text(text, language="html").false
