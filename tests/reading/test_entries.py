"""symcollapse.reading.entries: a vector a document defines by its own entries' symbols
(``x = [x_{1}; x_{2}]``, the target ``y = [y_{0}; y_{1}]``) names each entry at its place,
once; a hand edit of one symbol there (an index digit, a letter) leaves every row true and is
the false row, in every format, convention, index base, entry style and renamed notation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from symcollapse.reading import check_text
from tests.reading.documents import assert_passes, check, written

#: An entry's symbol by format: (letter, index) -> its printed pattern.
ENTRY = {
    "latex": lambda letter, i: rf"{re.escape(letter)}_\{{{i}\}}",
    "markdown": lambda letter, i: rf"{re.escape(letter)}_\{{{i}\}}",
    "typst": lambda letter, i: rf"{letter}_\({i}\)",
    "html": lambda letter, i: rf"<mi>{letter}</mi><mn>{i}</mn>",
    "json": lambda letter, i: rf"{letter}_{i}",
}
#: Between two cells of a column, or of a row, of a printed matrix, by format.
BETWEEN = {
    "latex": r" \\\\ | & ",
    "markdown": r" \\\\ | & ",
    "typst": r"; |, ",
    "html": r"</msub></mtd></mtr><mtr><mtd><msub>|</msub></mtd><mtd><msub>",
    "json": r"\], \[|, ",
}
#: The input's letter by format, in the default notation and renamed ``x=xi``.
LETTER = {"x": dict.fromkeys(ENTRY, "x"), "xi": {"latex": r"\xi", "markdown": r"\xi"}}
LETTER["xi"] |= {"typst": "xi", "html": "ξ", "json": "xi"}

#: The documents: (command, the options of each notation, the vector's letter key, its first
#: index in each notation).
DERIVE = ("derive", "2", "3", "3", "1", "--detail", "full")
NOTATIONS = {
    "default": (),
    "row": ("--convention", "row"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
    "upper": ("--entry-style", "upper"),
    "base0": ("--index-base", "0"),
}
FORMATS = ("latex", "markdown", "typst", "html", "json")


def _pair(text: str, fmt: str, letter: str, first: int) -> re.Match[str]:
    """The first two neighbouring cells ``letter_{first}``, ``letter_{first + 1}`` of a
    printed matrix in ``text``: the vector's definition."""
    entry = ENTRY[fmt]
    pattern = f"({entry(letter, first)})({BETWEEN[fmt]})({entry(letter, first + 1)})"
    found = re.search(pattern, text)
    assert found, pattern
    return found


def _repeated(fmt: str, letter: str, first: int):
    """The edit ``x = [x_{1}; x_{1}]``: the second cell's index made the first's."""

    def edit(text: str) -> str:
        found = _pair(text, fmt, letter, first)
        return text[: found.start(3)] + found[1] + text[found.end(3) :]

    return edit


def _foreign(fmt: str, letter: str, first: int):
    """The edit ``x = [Q_{1}; x_{2}]``: the first cell's letter renamed once."""

    def edit(text: str) -> str:
        found = _pair(text, fmt, letter, first)
        renamed = found[1].replace(letter, "Q", 1)
        return text[: found.start(1)] + renamed + text[found.end(1) :]

    return edit


def _cases():
    for fmt in FORMATS:
        for notation, options in NOTATIONS.items():
            if fmt == "json" and notation in ("upper", "base0"):
                continue  # JSON takes only --names and --convention
            yield fmt, notation, options


@pytest.mark.parametrize("breach", ["repeated", "foreign"])
@pytest.mark.parametrize(("fmt", "notation", "options"), list(_cases()))
def test_the_input_by_its_entries(tmp_path: Path, capsys, breach, fmt, notation, options):
    """``x = [x_{1}; x_{2}]`` in a full derivation: the untouched document passes; an entry
    repeated or renamed once is the false row."""
    path = written(tmp_path, DERIVE[0], fmt, *DERIVE[1:], *options)
    assert_passes(path, capsys)
    letter = LETTER["xi" if notation == "names" else "x"][fmt]
    first = 0 if notation == "base0" else 1
    edit = (_repeated if breach == "repeated" else _foreign)(fmt, letter, first)
    path.write_text(edit(path.read_text()))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out), out
    if fmt != "json":  # JSON's rows repeat its fields, whose check may speak first
        assert re.search(r"is false: its entry \d+ is ", out), out


@pytest.mark.parametrize("breach", ["repeated", "foreign"])
@pytest.mark.parametrize(
    ("fmt", "notation", "options"),
    [case for case in _cases() if case[1] in ("default", "row", "base0")],
)
def test_the_target_by_its_entries(tmp_path: Path, capsys, breach, fmt, notation, options):
    """The target ``y = [y_{1}; y_{2}]`` of a gradients document alike."""
    path = written(tmp_path, "gradients", fmt, "2", "2", "2", *options)
    assert_passes(path, capsys)
    first = 0 if notation == "base0" else 1
    edit = (_repeated if breach == "repeated" else _foreign)(fmt, "y", first)
    path.write_text(edit(path.read_text()))
    status, out = check(path, capsys)
    assert status == 1, out
    assert re.search(r'section "[^"]*", row \d+.* is false: ', out), out


def _fragment(cells: str, other: str) -> str:
    """A LaTeX fragment defining ``x`` by ``cells`` (a column), a row using ``x``, and one
    using ``other``."""
    return (
        "\\begin{align*}\n"
        f"x &= \\begin{{bmatrix}} {cells} \\end{{bmatrix}} \\\\\n"
        "x + x &= 2 x \\\\\n"
        f"{other} + x_{{2}} &= x_{{2}} + {other}\n"
        "\\end{align*}\n"
    )


@pytest.mark.parametrize(
    ("cells", "other", "false"),
    [
        ("x_{1} \\\\ x_{2}", "x_{1}", None),
        ("x_{0} \\\\ x_{1}", "x_{0}", None),  # indexed from 0
        ("x_{1} \\\\ x_{1}", "x_{1}", "its entry 2 is named x_{1}"),
        ("x_{0} \\\\ x_{0}", "x_{0}", "is named x_{0}"),
        ("x_{2} \\\\ x_{1}", "x_{1}", "is named x_{2}"),
        ("u_{1} \\\\ x_{2}", "u_{1}", None),  # a name the other rows use: a substitution
        ("u_{1} \\\\ x_{2}", "x_{1}", "its entry 1 is u_{1}, not an entry of x"),
    ],
)
def test_the_cells_of_a_fragment(cells: str, other: str, false: str | None) -> None:
    """The rule itself, on a fragment: each cell of ``x``'s letter the entry of its place in
    one index base; a cell of another letter only where another row names it."""
    verdict = check_text(_fragment(cells, other))
    if false is None:
        assert verdict.false is None, verdict.false
    else:
        assert verdict.false is not None and false in verdict.false, verdict.false
