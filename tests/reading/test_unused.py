"""symcollapse.reading.unused: a function renamed in one row (``Q(x) := ...`` for ``f(x)``,
``Q(x_{1}, x_{2}) = ...`` in the regression's row) defines a name no other row uses, and a
definition whose argument was renamed (``f(Q) = W_{3}(...x...)``, ``x`` given by its entries)
says nothing of its argument: each is the false row, in every format and notation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.reading.documents import assert_passes, check, written

#: Where a row's left side begins with ``f(``, by format (the ``f`` is group 1).
ROW_OF_F = {
    "latex": r"(?m)^(f)\(",
    "markdown": r"(?m)^(f)\(",
    "typst": r"\$ (f)\(",
    "html": r'"lhs"><math><mrow><mi>(f)</mi>',
    "json": r'"lhs": "(f)\(',
}
#: Where the regression's row ``f(x_{1}, x_{2}) = ...`` begins, by format (``f`` is group 1).
OF_ENTRIES = {
    "latex": r"(?m)^(f)\([^)]*, ",
    "markdown": r"(?m)^(f)\([^)]*, ",
    "typst": r"\$ (f)\([^&]* , ",
    "html": r'"lhs"><math><mrow><mi>(f)</mi><mo>&#x2061;</mo><mrow><mo[^>]*>\(</mo><mrow><msub>',
    "json": r'"lhs": "(f)\([^)"]*, ',
}
#: ``f(x)``'s argument at a row's start, by format (the ``x`` is group 1).
ARGUMENT = {
    "latex": r"(?m)^f\((x)\)",
    "markdown": r"(?m)^f\((x)\)",
    "typst": r"\$ f\((x)\)",
    "html": r'"lhs"><math><mrow><mi>f</mi><mo>&#x2061;</mo><mrow><mo[^>]*>\(</mo><mi>(x)</mi>',
    "json": r'"lhs": "f\((x)\)',
}
FORMATS = tuple(ROW_OF_F)
DERIVE = ("2", "3", "3", "1", "--detail")
#: Documents: their derive arguments after the widths' detail.
DOCUMENTS = {
    "brief": (*DERIVE, "brief"),
    "standard": (*DERIVE, "standard"),
    "full": (*DERIVE, "full"),
    "values": ("2", "3", "1", "--detail", "standard", "--values", "random", "--seed", "7"),
}
NOTATIONS = {"default": (), "names": ("--names", "W=Theta,b=beta,x=xi"), "upper": ()}
NOTATIONS["upper"] = ("--entry-style", "upper")


def _renamed(text: str, pattern: str, which: int) -> str:
    """``text`` with group 1 of the ``which``-th match of ``pattern`` (-1: the last) made Q."""
    found = list(re.finditer(pattern, text))
    assert found, pattern
    match = found[which]
    return text[: match.start(1)] + "Q" + text[match.end(1) :]


def _cases():
    for fmt in FORMATS:
        for notation, options in NOTATIONS.items():
            if not (fmt == "json" and notation == "upper"):
                yield fmt, notation, options


@pytest.mark.parametrize("document", ["brief", "full", "values"])
@pytest.mark.parametrize(("fmt", "notation", "options"), list(_cases()))
def test_the_function_renamed_in_its_first_row(
    tmp_path: Path, capsys, document, fmt, notation, options
):
    """``Q(x) := \\sigma_{3}(...)``: every row holds (the next display defines ``f`` again),
    but ``Q`` is defined and never used. (A standard derivation's ``f`` is defined there only:
    its other rows apply an ``f`` it no longer defines, which is unreadable, exit 2.)"""
    path = written(tmp_path, "derive", fmt, *DOCUMENTS[document], *options)
    assert_passes(path, capsys)
    path.write_text(_renamed(path.read_text(), ROW_OF_F[fmt], 0))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(
        r'section "[^"]*", row \d+.* is false: it defines the function (Q|f), which no other ',
        out,
    ), out


@pytest.mark.parametrize(("fmt", "notation", "options"), list(_cases()))
def test_the_regression_function_renamed(tmp_path: Path, capsys, fmt, notation, options):
    """``Q(x_{1}, x_{2}) = a_{1} x_{1} + a_{2} x_{2} + c``, the last row of a standard
    derivation: no row defines ``Q``, none uses it."""
    path = written(tmp_path, "derive", fmt, *DOCUMENTS["standard"], *options)
    path.write_text(_renamed(path.read_text(), OF_ENTRIES[fmt], 0))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r"is false: it defines the function (Q|f), which no other row uses", out), out


@pytest.mark.parametrize(("document", "which"), [("brief", 0), ("full", 0), ("full", 1)])
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_argument_renamed(tmp_path: Path, capsys, document, which, fmt):
    """``f(Q) := \\sigma_{3}(...)`` in the first row, ``f(Q) = W_{3}(W_{2}(W_{1} x + b_{1}) +
    b_{2}) + b_{3}`` in the collapse's (a full derivation's second ``f(x)`` row): false, also
    where the document gives ``x`` by its entries (``x = [x_{1}; x_{2}]``)."""
    path = written(tmp_path, "derive", fmt, *DOCUMENTS[document])
    path.write_text(_renamed(path.read_text(), ARGUMENT[fmt], which))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r"is false: it defines f\(Q\) by a right side that does not use Q", out), out
