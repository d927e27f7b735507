"""The words of a reason read back: "substitute h^{(2)}, h^{(1)} and h^{(0)}" names the
definitions the row puts in, each once; a name changed in it (one the document does not define,
one named twice, one not substituted) makes the row false, in every format and notation; a
reason in other words is left as it is."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from symcollapse.reading import check_text, language_of
from tests.reading.documents import assert_caught, assert_passes, written

FORMATS = ["latex", "markdown", "github", "typst", "html", "json"]

#: Notations of the derive command that spell the substitution's names otherwise.
NOTATIONS = {
    "default": (),
    "renamed": ("--names", "h=a"),
    "upper": ("--entry-style", "upper"),
    "base0": ("--index-base", "0"),
    "row": ("--convention", "row"),
}

#: The hidden unit's index as each file type spells it in a reason: h^{(1)}, Typst's
#: h^((1)), MathML's <mn>1</mn>, JSON's "h(1)" (any letter: --names h=a).
SPELT: dict[str, Callable[[int], str]] = {
    ".tex": lambda k: f"^{{({k})}}",
    ".md": lambda k: f"^{{({k})}}",
    ".typ": lambda k: f"^(({k}))",
    ".html": lambda k: f"<mn>{k}</mn>",
    ".json": lambda k: f'({k})"',
}

#: Edits of the reason "substitute h^{(2)}, h^{(1)} and h^{(0)}" (of a 2-3-3-1 network):
#: which index becomes which, and what the verdict says of the row.
EDITS = {
    "named twice": (1, 2, "twice"),
    "not defined": (0, 4, "does not define"),
    "one left out": (2, 3, "does not name"),
}


def _edit_reason(text: str, suffix: str, old: int, new: int) -> str:
    """``text`` with the index ``old`` of a name in its substitution's reason made ``new``."""
    start = text.index("substitute")
    end = start + (1500 if suffix == ".html" else 300)
    spelt = SPELT[suffix]
    return text[:start] + text[start:end].replace(spelt(old), spelt(new), 1) + text[end:]


def _derive(tmp_path, fmt: str, *options: str):
    return written(tmp_path, "derive", fmt, "2", "3", "3", "1", "--detail", "brief", *options)


@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("notation", sorted(NOTATIONS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_name_changed_in_a_substitution_is_a_false_row(tmp_path, capsys, fmt, notation, edit):
    if fmt == "json" and notation in ("upper", "base0"):
        pytest.skip("JSON takes only --names and --convention")
    path = _derive(tmp_path, fmt, *NOTATIONS[notation])
    old, new, said = EDITS[edit]
    assert_caught(path, capsys, lambda text: _edit_reason(text, path.suffix, old, new))
    verdict = check_text(path.read_text(), language=language_of(str(path)))
    assert "is false: its reason" in (verdict.false or "") and said in verdict.false


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("level", ["brief", "standard", "full"])
def test_the_reasons_printed_hold(tmp_path, capsys, fmt, level):
    """Brief and standard substitute the hidden units, full distributes layer by layer."""
    path = written(tmp_path, "derive", fmt, "2", "3", "3", "1", "--detail", level)
    assert ("distribute" if level == "full" else "substitute") in path.read_text()
    assert_passes(path, capsys)


#: A document of one chain: ``f(x) = h^{(2)}``, then the substitution, with the reason given.
CHAIN = r"""## The collapse

$$
\begin{aligned}
h^{(1)} &= W_{1} x + b_{1} \\
h^{(2)} &= W_{2} h^{(1)} + b_{2} \\
f(x) &= h^{(2)} \\
 &= W_{2} \left(W_{1} x + b_{1}\right) + b_{2} && (%s)
\end{aligned}
$$
"""


@pytest.mark.parametrize(
    "reason",
    [
        r"\text{distribute}",  # other words: not judged
        r"\text{substitute }h^{(1)}\text{ into }h^{(2)}",  # words after the list
        r"\text{substitute the definitions}",  # no names
        r"\text{substitute }h^{(1)}",  # the one between: right
        r"\text{substitute }h^{(2)}\text{ and }h^{(1)}",  # the one shown too: right
    ],
)
def test_reasons_the_reader_cannot_fault_are_left_alone(reason):
    assert check_text(CHAIN % reason).false is None


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        (r"\text{substitute }h^{(3)}", "names h^{(3)}, which the document does not define"),
        (r"\text{substitute }h^{(1)}\text{ and }h^{(1)}", "names h^{(1)} twice"),
        (r"\text{substitute }f(x)", "names f(x), which it does not substitute"),
        (r"\text{substitute }h^{(2)}", "does not name h^{(1)}, which it substitutes"),
    ],
)
def test_a_false_substitution_names_its_row(reason, said):
    false = check_text(CHAIN % reason).false
    assert false == f'section "The collapse", row 4 is false: its reason {said}'


#: The matrix of a "distribute W_{2}" reason as each file type spells it, by its layer.
MATRIX: dict[str, Callable[[int], str]] = {
    ".tex": lambda k: f"W_{{{k}}}",
    ".md": lambda k: f"W_{{{k}}}",
    ".typ": lambda k: f"W_({k})",
    ".html": lambda k: f"<mi>W</mi><mn>{k}</mn>",
    ".json": lambda k: f'"W_{k}"',
}


def _edit_distribution(text: str, suffix: str, old: int, new: int) -> str:
    """``text`` with the first "distribute W_{old}" made "distribute W_{new}"."""
    start = text.index("distribute")
    end = start + (300 if suffix == ".html" else 80)
    spelt = MATRIX[suffix]
    return text[:start] + text[start:end].replace(spelt(old), spelt(new), 1) + text[end:]


@pytest.mark.parametrize(
    ("new", "said"),
    [(3, "which this row does not distribute"), (5, "does not multiply with a sum")],
)
@pytest.mark.parametrize("convention", ["column", "row"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_distribution_naming_another_matrix_is_false(
    tmp_path, capsys, fmt, convention, new, said
):
    path = written(
        tmp_path,
        "derive",
        fmt,
        "2",
        "3",
        "3",
        "3",
        "1",
        "--detail",
        "full",
        "--convention",
        convention,
    )
    assert_caught(path, capsys, lambda text: _edit_distribution(text, path.suffix, 2, new))
    assert said in (check_text(path.read_text(), language=language_of(str(path))).false or "")


#: The index of "induction on n" as each file type spells it.
INDEX = {".tex": "$n$", ".md": "}n", ".typ": "$n$", ".html": "<mi>n</mi>"}


@pytest.mark.parametrize("fmt", ["latex", "markdown", "github", "typst", "html"])
def test_an_induction_on_a_variable_the_row_does_not_use_is_false(tmp_path, capsys, fmt):
    """The conclusion's "induction on n" (the prose's "by induction on n" before it is words);
    the row is about h^{(n)}: "induction on m" names nothing it states."""
    path = written(tmp_path, "prove", fmt)
    spelt = INDEX[path.suffix]

    def edit(text: str) -> str:
        head, verb, tail = text.rpartition("induction on")
        return head + verb + tail.replace(spelt, spelt.replace("n", "m"), 1)

    assert_caught(path, capsys, edit)
    false = check_text(path.read_text(), language=language_of(str(path))).false or ""
    assert "its reason names m, which the row's statement does not use" in false
