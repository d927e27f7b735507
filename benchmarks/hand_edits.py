"""Random hand edits of the documents the commands write: does ``symcollapse check`` notice?

Run from the repository root::

    python benchmarks/hand_edits.py                 # every document, 6 edits of each kind
    python benchmarks/hand_edits.py --per-kind 2 --kinds derive prove --seed 3

A second generator of held-out edits, unlike the fixed ones of tests/reading/test_held_out.py:
it writes each document (every command, readable format and notation), finds the rows the
document displays by their spelling in its format (LaTeX and Markdown displays, Typst's
display math, HTML's row cells, JSON's ``lhs``/``rhs``), and edits one token of one row at a
random position: an index digit, two indices swapped, a number, a sign, two rows of a printed
matrix swapped, two matrix factors swapped, a summand deleted, a bracket moved, a symbol renamed
once; and, as edits that keep every row true, a bracket around a whole sum and a name renamed
everywhere. Whether an edit keeps the row true is decided here from the edit alone (an edit
that changes nothing, a term ``0``, brackets that only regroup a sum), never by the reader. A
false edit ``check`` passes (exit 0) is a miss, unless every row it changed is one the verdict
lists as not checked, with its reason (a measured number, a cited formula): that is an edit of
an unchecked row, counted apart; a true edit it calls false (exit 1) is a false alarm; any other
exit status (3: an internal error) is a defect.

The documents' numbers are never 0 (the model's weights and biases, the seeds of the ``--values``
documents): dropping ``+ b_2`` with ``b_2 = 0`` would be a true edit the generator calls false.
"""

# ruff: noqa: RUF001, E501 - MathML prints the minus sign U+2212; the patterns are long

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symcollapse.cli import main  # noqa: E402
from symcollapse.errors import DocumentError  # noqa: E402
from symcollapse.reading import check_text, language_of, read_document  # noqa: E402

#: Extension of each readable format's document.
SUFFIX = {"latex": ".tex", "beamer": ".tex", "markdown": ".md", "github": ".md"}
SUFFIX |= {"typst": ".typ", "html": ".html", "json": ".json"}
TYPESET = ("latex", "markdown", "github", "typst", "html")
FORMATS = (*TYPESET, "json")

#: Notations: options every typeset format takes (JSON takes only --names and --convention).
NOTATIONS = {
    "default": (),
    "row": ("--convention", "row"),
    "names": ("--names", "W=Theta,b=beta,x=xi"),
    "flat": ("--entry-style", "flat"),
    "paren": ("--entry-style", "paren"),
    "upper": ("--entry-style", "upper"),
    "base0": ("--index-base", "0"),
    "pmatrix": ("--delimiter", "pmatrix"),
    "digits": ("--digits", "3"),
}
JSON_NOTATIONS = {"default", "row", "names"}


#: The numbers the model's weights and biases are drawn from: small integers, never 0.
NONZERO = (-3, -2, -1, 1, 2, 3)


def _npz(directory: Path) -> tuple[str, ...]:
    import numpy as np

    rng = np.random.default_rng(5)
    path = directory / "model.npz"
    shapes = {"0.weight": (3, 2), "0.bias": (3,), "1.weight": (1, 3), "1.bias": (1,)}
    arrays = {name: rng.choice(NONZERO, shape) for name, shape in shapes.items()}
    np.savez(path, **{k: v.astype(float) for k, v in arrays.items()})
    return ("fold", str(path), "--assume-identity-gaps", "--weight-layout", "out-in")


#: Document kind -> the command lines (after the program name) that write one, without format
#: and notation; a callable gets a scratch directory (fold needs a model file).
KINDS: dict[str, list[tuple[str, ...] | Callable[[Path], tuple[str, ...]]]] = {
    "derive": [
        ("derive", "2", "3", "3", "1", "--detail", level) for level in ("brief", "standard", "full")
    ]
    # seeds whose random numbers have no 0 (random_values draws 0 too)
    + [("derive", "2", "3", "1", "--detail", "standard", "--values", "random", "--seed", "7")]
    + [("derive", "3", "3", "3", "--detail", "full", "--values", "random", "--seed", "31")],
    "example": [("example",)],
    # seed 1: weights, biases and X^T Y with no 0 and W_2 with no two equal columns (the
    # default's W_2 = [-2 -2 0] made a number of b_1 meeting the 0, or b_1's rows swapped
    # under the equal columns, a true edit the generator called false)
    "regress": [("regress", *w.split(), "--seed", "1") for w in ("2 3 1", "2 2 2")],
    "prove": [("prove",)],
    "gradients": [("gradients", "2", "3", "1"), ("gradients", "2", "2", "2")],
    "fold": [_npz],
    "layers": [
        ("layers", "2 > dense 3 relu > dense 1"),
        ("layers", "8 > conv1d k=3 > dense 2"),
        ("layers", "3 > dense 3 relu > dense 3"),
        ("layers", "8 > avgpool 2 > dense 2"),
        ("layers", "2 > dense 2 tanh > dense 1"),
        ("layers", "2 > dense 2 tanh > dense 2 relu > dense 1"),
    ],
    "dynamics": [
        ("dynamics", "saxe", "--strengths", "3,2,1"),
        ("dynamics", "arora", "--depth", "3"),
    ],
}


def quiet(argv: list[str]) -> tuple[int, str]:
    """``symcollapse argv``: its exit status (3 for an exception that escaped) and output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = main(argv)
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 2
        except Exception as error:
            return 99, f"traceback: {type(error).__name__}: {error}"
    return status, out.getvalue()


# ---------------------------------------------------------------- where the rows are


def _closing(text: str, start: int, opening: str, closing: str) -> int:
    """The index just past the bracket closing the one at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == opening:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if not depth:
                return index + 1
    return len(text)


LATEX_DISPLAY = re.compile(
    r"\\begin\{(align\*?|equation\*?|gather\*?|multline\*?)\}(.*?)\\end\{\1\}|\$\$(.*?)\$\$"
    r"|\\\[(.*?)\\\]",
    re.S,
)
#: LaTeX groups that are words, labels or layout, not mathematics: skipped by every edit.
LATEX_WORDS = re.compile(r"\\(?:tag\*?|text\w*|intertext|label|mathrm|operatorname|mbox)\s*\{")


def rows_of(text: str, language: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are displayed mathematics, without words and labels."""
    spans: list[tuple[int, int]] = []
    if language == "latex":
        for match in LATEX_DISPLAY.finditer(text):
            group = next(g for g in range(2, 5) if match[g] is not None)
            spans.append(match.span(group))
        words = [
            (m.start(), _closing(text, m.end() - 1, "{", "}")) for m in LATEX_WORDS.finditer(text)
        ]
        words += [(m.start(), m.end()) for m in re.finditer(r"\\displaybreak\[\d\]", text)]
        # a Markdown row's reason, (\text{multiply }W_{2}\text{ by ...}): words, names and all
        words += [m.span() for m in re.finditer(r"&\\qquad\s*\\?(?:\(|\\phantom).*$", text, re.M)]
        # or beside it when the line has room: && (\text{substitute }h^{(2)}\text{ and }h^{(1)})
        words += [m.span() for m in re.finditer(r"&&\s*\(\\text.*$", text, re.M)]
    elif language == "typst":
        spans = [m.span(1) for m in re.finditer(r"^\$ (.*?) \$$", text, re.S | re.M)]
        words = [
            (m.start(), _closing(text, m.start() + 1, "[", "]")) for m in re.finditer(r"#\[", text)
        ]
        words += [m.span() for m in re.finditer(r'"[^"]*"', text)]
    elif language == "html":
        spans = [m.span(1) for m in re.finditer(r'<td class="(?:lhs|rhs)">(.*?)</td>', text, re.S)]
        spans += [
            m.span(1) for m in re.finditer(r'<math display="block"[^>]*>(.*?)</math>', text, re.S)
        ]
        words = [m.span() for m in re.finditer(r"<mtext>.*?</mtext>", text, re.S)]
    else:
        spans = [m.span(1) for m in re.finditer(r'"(?:lhs|rhs)": "((?:[^"\\]|\\.)*)"', text)]
        words = []
    return [s for s in _minus(spans, words) if s[1] > s[0]]


def _minus(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with the ``holes`` cut out."""
    result = []
    for start, end in spans:
        cuts = sorted((max(a, start), min(b, end)) for a, b in holes if a < end and b > start)
        at = start
        for a, b in cuts:
            if a > at:
                result.append((at, a))
            at = max(at, b)
        if at < end:
            result.append((at, end))
    return result


# ---------------------------------------------------------------- the edits


@dataclass(frozen=True)
class Edit:
    """The edited text, and whether every row stays true (decided from the edit alone)."""

    text: str
    true: bool
    what: str


def _in_rows(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _matches(text: str, spans: list[tuple[int, int]], pattern: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(pattern, text, re.S) if _in_rows(spans, *m.span())]


def _replace(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


#: A subscript of digits, by language: group 1 the digits.
SUBSCRIPT = {
    "latex": r"_\{(\d+)\}|\^\{\((\d+)\)\}",
    "typst": r"_\((\d+)\)|\^\(\((\d+)\)\)",
    "html": r"<msub><mi[^>]*>[^<]*</mi><mn>(\d+)</mn></msub>|<msubsup><mi[^>]*>[^<]*</mi><mn>(\d+)</mn>",
    "json": r"(?<=[A-Za-z])_(\d+)\b|_(\d+)(?=_)",
}


#: A width the document states, by language: ``d_{1} = 3`` (groups: layer, width).
WIDTH = {
    "latex": r"d_\{(\d+)\} = (\d+)",
    "typst": r"d_\((\d+)\) = (\d+)",
    "html": r"<msub><mi>d</mi><mn>(\d+)</mn></msub><mo>=</mo><mn>(\d+)</mn>",
    "json": r"\bd_(\d+) = (\d+)",
}
#: What comes just before the subscript of a width ``d``, by language.
WIDTH_NAME = {"latex": "d_{", "typst": "d_(", "html": "<mi>d</mi><mn>", "json": "d_"}


def widths(text: str, language: str) -> dict[str, str]:
    """The widths the document states: layer -> width, as printed."""
    return {m[1]: m[2] for m in re.finditer(WIDTH[language], text)}


#: What comes just before the subscript of an activation ``sigma_{k}``, by language.
SIGMA = {"latex": "\\sigma_{", "typst": "sigma_(", "html": "<mi>σ</mi><mn>", "json": "sigma_"}


def identities(text: str) -> bool:
    """Whether the document says every activation is the identity (a derivation's): then
    ``sigma_{3}`` and ``sigma_{0}`` are the same function, and the bracket of one applied
    alone can move (``sigma_{3}(A + b_{3})`` is ``sigma_{3}(A) + b_{3}``)."""
    return "every activation is the identity" in text


#: An entry symbol of the letter ``{}`` with its indices, by language.
ENTRY_OF = {
    "latex": r"(?<![\\\w]){}_\{{[\d,]+\}}",
    "typst": r"(?<![\w.]){}_\([\d,]+\)",
    "html": r"<mi>{}</mi><mn>\d+</mn>",
    "json": r"(?<![\w.]){}(?:_\d+)+(?![\w])",
}


#: What follows the name a row defines (``z_{1} &= ...``), by language.
DEFINES = {
    "latex": r"\s*&\s*(?:=|\\mathrel\{:=\})",
    "typst": r"\s*&\s*:?=",
    "html": r"(?:</m\w+>)*</math></td>",
    "json": r'",\s*"(?:relation|rhs)"',
}


def _only_entry(text: str, match: re.Match[str], language: str) -> bool:
    """Whether the subscript ``match`` is the index of the one entry the document ever names
    of its letter (``y = y_{1}``, a target of one entry): ``y_{0}`` there is the document
    written indexed from 0, byte for byte, which no reader can tell from it."""
    if language == "html":
        letter = re.search(r"<mi[^>]*>([^<]*)</mi>", match[0])
    else:
        letter = re.search(r"([A-Za-z]+)$", text[: match.start()])
    # a function's output f_{1}(x_1, x_2) is indexed as its inputs are: f_{0} of x_{1} is false
    applied = re.match(r"\s*(?:\(|\\left\(|<mo>&#x2061;)", text[match.end() :])
    # a name a row defines (z_{1} = [...], a layer's pre-activation) is no entry: z_{0} of
    # no layer is false, as sigma_{0} is
    defined = re.match(DEFINES[language], text[match.end() :])
    if letter is None or applied or defined:
        return False
    return len(re.findall(ENTRY_OF[language].format(re.escape(letter[1])), text)) == 1


def index_digit(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """One digit of one subscript changed (``W_{2}`` to ``W_{3}``, ``w_{12}`` to ``w_{13}``);
    true if it is the layer of a width ``d_{2}`` the document states equal to the new one's,
    or an activation's made another layer's where every activation is the identity
    (:func:`identities`), or 1 and 0 swapped in the one entry of a letter the document names
    (:func:`_only_entry`)."""
    found = _matches(text, spans, SUBSCRIPT[language])
    if not found:
        return None
    match = rng.choice(found)
    group = 1 if match[1] is not None else 2
    digits = match[group]
    at = rng.randrange(len(digits))
    new = rng.choice([d for d in "0123" if d != digits[at]])
    start = match.start(group) + at
    stated = widths(text, language)
    changed = digits[:at] + new + digits[at + 1 :]
    width = text[: match.start(group)].endswith(WIDTH_NAME[language])
    true = width and stated.get(digits) is not None and stated.get(digits) == stated.get(changed)
    layers = set(re.findall(re.escape(SIGMA[language]) + r"(\d+)", text))  # the page's own
    activation = text[: match.start(group)].endswith(SIGMA[language]) and changed in layers
    true = true or (identities(text) and activation)
    true = true or ({digits, changed} == {"0", "1"} and _only_entry(text, match, language))
    return Edit(_replace(text, start, start + 1, new), true, f"{match[0]!r}: digit {at} -> {new}")


#: Two one-digit indices side by side, by language: groups 1 and 2.
PAIR = {
    "latex": r"_\{(\d)(\d)\}",
    "typst": r"_\((\d)(\d)\)",
    "html": r"<mn>(\d)(\d)</mn>",
    "json": r"_(\d)_(\d)\b",
}


def _swapped(text: str, match: re.Match[str]) -> str:
    """``text`` with the groups 1 and 2 of ``match`` swapped."""
    edited = text[: match.start(1)] + match[2] + text[match.end(1) : match.start(2)]
    return edited + match[1] + text[match.end(2) :]


def swap_indices(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """``w_{12}`` becomes ``w_{21}``."""
    found = [m for m in _matches(text, spans, PAIR[language]) if m[1] != m[2]]
    if not found:
        return None
    match = rng.choice(found)
    return Edit(_swapped(text, match), False, repr(match[0]))


def _split(body: str, at: int, seps: tuple[str, str], opens: str, closes: str):
    """``body`` (from offset ``at``) as rows of cell spans: ``seps`` (row, cell) at depth 0."""
    rows, cells, start, depth, index = [], [], 0, 0, 0
    row_sep, cell_sep = seps
    while index < len(body):
        char = body[index]
        if char in opens:
            depth += 1
        elif char in closes:
            depth -= 1
        elif depth == 0 and body.startswith(row_sep, index):
            cells.append((at + start, at + index))
            rows.append(cells)
            cells, index = [], index + len(row_sep)
            if row_sep == "\\\\" and body.startswith("[", index):  # \\[3pt]
                index = body.index("]", index) + 1
            start = index
            continue
        elif depth == 0 and body.startswith(cell_sep, index):
            cells.append((at + start, at + index))
            start = index + len(cell_sep)
        index += 1
    cells.append((at + start, at + len(body)))
    rows.append(cells)
    return rows


def _grid(text: str, match: re.Match[str], language: str) -> list[list[tuple[int, int]]]:
    """The cells of the printed matrix ``match`` (its group 1 the body), as spans of ``text``."""
    at, body = match.start(1), match[1]
    if language == "latex":
        return _split(body, at, ("\\\\", "&"), "{", "}")
    if language == "typst":
        return _split(body, at, (";", ","), "(", ")")
    if language == "json":
        return [
            _split(m[1], at + m.start(1), ("\0", ","), "([", ")]")[0]
            for m in re.finditer(r"\[([^\[\]]*)\]", body)
        ]
    return [
        [
            (at + row.start(1) + c.start(1), at + row.start(1) + c.end(1))
            for c in re.finditer(r"<mtd>(.*?)</mtd>", row[1], re.S)
        ]
        for row in re.finditer(r"<mtr>(.*?)</mtr>", body, re.S)
    ]


def _zero(text: str, span: tuple[int, int]) -> bool:
    cell = re.sub(r"</?m[nrow]+>|<mrow>|</mrow>", "", text[span[0] : span[1]]).strip()
    return cell == "0"


#: Before a matrix that a definition gives a name: ``W_{2} &= ``, by language.
DEFINED = {
    "latex": r"((?:\\[A-Za-z]+|[A-Za-z]))_\{(\d+)\} &= $",
    "typst": r"([A-Za-z]+)_\((\d+)\) &= $",
}


def times_zero(text: str, at: int, language: str) -> bool:
    """Whether the position ``at`` is in a cell of a printed matrix that only ever meets zeros
    in its product with its neighbour: a matrix printed right of it whose row for the cell's
    column is 0, one left of it whose column for the cell's row is 0, or (a matrix
    ``W_{k}`` or ``b_{k}`` a definition names) a ``W_{k+1}`` that is 0 where it meets it. A
    number changed there leaves every row true."""
    pattern = MATRIX[language][0]
    literals = list(re.finditer(pattern, text, re.S))
    for index, match in enumerate(literals):
        if not match.start(1) <= at < match.end(1):
            continue
        grid = _grid(text, match, language)
        where = [
            (r, c)
            for r, row in enumerate(grid)
            for c, cell in enumerate(row)
            if cell[0] <= at <= cell[1]
        ]
        if not where:
            return False
        r, c = where[0]
        partners = []
        if index + 1 < len(literals) and re.fullmatch(
            r"\s*\*?\s*", text[match.end() : literals[index + 1].start()]
        ):
            partners.append(("right", _grid(text, literals[index + 1], language)))
        if index and re.fullmatch(r"\s*\*?\s*", text[literals[index - 1].end() : match.start()]):
            partners.append(("left", _grid(text, literals[index - 1], language)))
        named = re.search(DEFINED.get(language, "$^"), text[: match.start()][-40:])
        if named:
            later = [
                m
                for m in literals
                if re.search(
                    r"\b[A-Z][a-z]*_\{?\(?"
                    + str(int(named[2]) + 1)
                    + r"\)?\}? &= $|\\\\[A-Z][a-z]+_\{"
                    + str(int(named[2]) + 1)
                    + r"\} &= $",
                    text[: m.start()][-40:],
                )
            ]
            partners += [("named", _grid(text, m, language)) for m in later[:1]]
        for side, other in partners:
            rows, cols = len(grid), len(grid[0])
            column_zero = all(len(row) > r and _zero(text, row[r]) for row in other)  # other M
            row_zero = len(other) > c and all(_zero(text, cell) for cell in other[c])  # M other
            if side == "right" and row_zero and len(other) == cols:
                return True
            if side == "left" and column_zero and len(other[0]) == rows:
                return True
            if side == "named":
                applies = [
                    zero
                    for zero, fits in (
                        (column_zero, len(other[0]) == rows),
                        (row_zero, len(other) == cols),
                    )
                    if fits
                ]
                if applies and all(applies):
                    return True
        return False
    return False


#: A number that is not an index, by language.
NUMBER = {
    "latex": r"(?<![_{(\w.^])\d+(?:\.\d+)?(?![\w}.])|(?<=[&\s{-])\d+(?:\.\d+)?(?=\s)",
    "typst": r"(?<![_(\w.^])\d+(?:\.\d+)?(?![\w).])|(?<=[,\s-])\d+(?:\.\d+)?(?=[\s,;])",
    "html": r"(?<!</mi>)<mn>(\d+(?:\.\d+)?)</mn>(?!</msub>)",
    "json": r"(?<![_\w.])\d+(?:\.\d+)?(?![\w.])",
}


def number(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """One digit of one number changed (``-1.5`` to ``-1.7``)."""
    found = _matches(text, spans, NUMBER[language])
    # not a citation's year or theorem ("Arora et al. 2018, Theorem 1" in a reason): words
    found = [m for m in found if not text[: m.start()].endswith(("et al. ", "Theorem ", "eq. "))]
    if language == "latex":  # not an exponent, a sum's bound or a layer's superscript
        found = [m for m in found if not re.search(r"(\^|_|\^\{\(|=)\s*$", text[: m.start()][-4:])]
    if not found:
        return None
    match = rng.choice(found)
    group = 1 if match.groups() and match[1] is not None else 0
    value, start = match[group], match.start(group)
    places = [i for i, c in enumerate(value) if c.isdigit()]
    at = rng.choice(places)
    choices = [
        d
        for d in "0123456789"
        if d != value[at] and not (d == "0" and at == 0 and len(value) > 1 and value[1] != ".")
    ]
    new = rng.choice(choices)
    return Edit(
        _replace(text, start + at, start + at + 1, new),
        times_zero(text, start + at, language),
        f"{value} -> digit {at}={new}",
    )


#: A binary plus or minus, by language.
SIGN = {
    "latex": r"(?<=[\w})\]]) ([+-]) (?=[\w\\({\[])",
    "typst": r"(?<=[\w)\]]) ([+-]) (?=[\w(\[])",
    "html": r"</m\w+>(<mo>([+−])</mo>)<m",
    "json": r"(?<=[\w)\]]) ([+-]) (?=[\w(\[])",
}


def zero_term(text: str, at: int, language: str) -> bool:
    """Whether the term at ``at`` is a printed matrix of zeros (``\\begin{bmatrix} 0
    \\end{bmatrix}``, ``mat(delim: "[", 0)``, ``[[0]]``) that nothing multiplies."""
    match = re.compile(r"\s*(?:" + MATRIX[language][0] + ")", re.S).match(text, at)
    if not match:
        return False
    literal = re.compile(MATRIX[language][0], re.S).match(
        text, text.index(match[0].strip()[:3], at)
    )
    if literal is None or literal.end() != match.end():
        return False
    rest = text[match.end() : match.end() + 12].lstrip()
    alone = not rest or rest.startswith(
        ("+", "-", "\\", "&", "\\end", "\\tag", "$", ",", '"', "<", ")")
    )
    return alone and all(
        _zero(text, cell) for row in _grid(text, literal, language) for cell in row
    )


def sign(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """One ``+`` of a sum becomes ``-`` or the other way round (unless the term is 0)."""
    found = _matches(text, spans, SIGN[language])
    if not found:
        return None
    match = rng.choice(found)
    group = 2 if language == "html" else 1
    new = {"+": "-", "-": "+", "−": "+"}[match[group]]
    if language == "html" and new == "-":
        new = "−"
    after = text[match.end(group) : match.end(group) + 12]
    true = bool(re.match(r"\s*(<mo>\)?</mo>)?(<mn>)?0(?![\d.])", after))
    true = true or zero_term(text, match.end(group), language)
    true = true or times_zero(text, match.start(group), language)  # a cell's sign
    return Edit(
        _replace(text, *match.span(group), new),
        true,
        repr(text[match.start() - 15 : match.end() + 15]),
    )


#: A printed matrix and its rows, by language: (matrix pattern, row separator).
MATRIX = {
    "latex": (r"\\begin\{[bpv]matrix\}(.*?)\\end\{[bpv]matrix\}", r" \\\\ "),
    "typst": (r"mat\(delim: \"[\[(]\", (.*?)\)(?=[\s)\]]|$)", "; "),
    "html": (r"<mtable[^>]*>(.*?)</mtable>", None),
    "json": (r"\[(\[.*?\])\]", "], ["),
}


def matrix_rows(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """Two different rows of one printed matrix swapped."""
    pattern, separator = MATRIX[language]
    found = _matches(text, spans, pattern)
    rng.shuffle(found)
    for match in found:
        body = match[1]
        if separator is None:
            rows = re.findall(r"<mtr>.*?</mtr>", body, re.S)
            if "".join(rows) != body:
                continue
        else:
            rows = body.split(separator)
        pairs = [
            (i, j)
            for i in range(len(rows))
            for j in range(i + 1, len(rows))
            if rows[i].strip() != rows[j].strip()
        ]
        if not pairs:
            continue
        i, j = rng.choice(pairs)
        rows[i], rows[j] = rows[j], rows[i]
        new = "".join(rows) if separator is None else separator.join(rows)
        return Edit(_replace(text, *match.span(1), new), False, f"rows {i}, {j} of {body[:60]!r}")
    return None


#: Two capital symbols multiplied side by side, by language.
FACTORS = {
    "latex": r"((?:\\[A-Z][a-z]+|[A-Z])_\{\d\}) ((?:\\[A-Z][a-z]+|[A-Z])_\{\d\})",
    "typst": r"((?:[A-Z][a-z]*)_\(\d\)) ((?:[A-Z][a-z]*)_\(\d\))",
    "html": r"(<msub><mi[^>]*>[A-ZΘ]</mi><mn>\d</mn></msub>)(<msub><mi[^>]*>[A-ZΘ]</mi><mn>\d</mn></msub>)",
    "json": r"((?:[A-Z][a-z]*)_\d)\*((?:[A-Z][a-z]*)_\d)(?![\w])",
}


def swap_factors(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """``W_3 W_2`` becomes ``W_2 W_3``: matrices do not commute."""
    found = [m for m in _matches(text, spans, FACTORS[language]) if m[1] != m[2]]
    if not found:
        return None
    match = rng.choice(found)
    return Edit(_swapped(text, match), False, repr(match[0]))


# Summands and brackets: a scanner of the flat text (LaTeX, Typst, JSON; HTML by its <mo>).

OPEN = {"latex": ("{", "\\left(", "(", "\\{", "["), "typst": ("(", "["), "json": ("(", "[")}
CLOSE = {"latex": ("}", "\\right)", ")", "\\}", "]"), "typst": (")", "]"), "json": (")", "]")}
STOP = {"latex": ("&", "\\\\", "="), "typst": ("&", "\\", "=", ",", ";"), "json": ("=", ",")}


def _summands(text: str, start: int, end: int, language: str) -> list[tuple[int, int, int]]:
    """The top-level ``+``/``-`` terms of the flat expressions in ``text[start:end]``:
    (sign position, term start, term end), scanning at one bracket depth."""
    found = []
    stack: list[tuple[int, list[int]]] = [(start, [])]
    index = start
    opens, closes, stops = OPEN[language], CLOSE[language], STOP[language]

    def flush(at: int) -> None:
        signs = stack[-1][1]
        for k, sign_at in enumerate(signs):
            term_end = signs[k + 1] - 1 if k + 1 < len(signs) else at
            found.append((sign_at, sign_at + 2, term_end))
        stack[-1] = (stack[-1][0], [])

    while index < end:
        rest = text[index:end]
        if any(rest.startswith(c) for c in closes) and len(stack) > 1:
            closing = next(c for c in closes if rest.startswith(c))
            flush(index)
            stack.pop()
            index += len(closing)
            continue
        opening = next((o for o in opens if rest.startswith(o)), None)
        if opening:
            stack.append((index, []))
            index += len(opening)
            continue
        stop = next((s for s in stops if rest.startswith(s)), None)
        if stop or rest.startswith(" \\tag"):
            flush(index)
            index += len(stop) if stop else 1
            continue
        if rest[:3] in (" + ", " - ") and index > start:
            stack[-1][1].append(index + 1)
        index += 1
    while stack:
        flush(end)
        stack.pop()
    return [(s, a, b) for s, a, b in found if b > a]


def drop_summand(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """One ``+ term`` or ``- term`` of a sum deleted (unless the term is 0)."""
    if language == "html":
        found = [
            m
            for m in _matches(
                text,
                spans,
                r"<mo>[+−]</mo>(<mn>[^<]*</mn>|<msub>(?:(?!</?msub>).)*</msub>|<mi>[^<]*</mi>)(?=<mo>[+−]</mo>|</mrow>)",
            )
        ]
        if not found:
            return None
        match = rng.choice(found)
        true = match[1] == "<mn>0</mn>"
        return Edit(_replace(text, *match.span(), ""), true, repr(match[0][:80]))
    terms = [t for a, b in spans for t in _summands(text, a, b, language)]
    if not terms:
        return None
    sign_at, start, end = rng.choice(terms)
    term = text[start:end].strip()
    true = term == "0" or zero_term(text, start, language)
    return Edit(_replace(text, sign_at - 1, end, ""), true, repr(text[sign_at - 1 : end][:80]))


def _brackets(text: str, spans, language: str) -> list[tuple[int, int, int, int]]:
    """Round brackets in rows holding a top-level sum: (open, inner start, inner end, close)."""
    pairs = {
        "latex": [("\\left(", "\\right)"), ("(", ")")],
        "typst": [("(", ")")],
        "json": [("(", ")")],
    }
    result = []
    for a, b in spans:
        for opening, closing in pairs[language]:
            for match in re.finditer(re.escape(opening), text[a:b]):
                at = a + match.start()
                if opening == "(" and text[at - 5 : at] == "\\left":
                    continue
                depth, index = 0, at
                while index < b:
                    if text.startswith(opening, index):
                        depth += 1
                        index += len(opening)
                    elif text.startswith(closing, index):
                        depth -= 1
                        if not depth:
                            break
                        index += len(closing)
                    else:
                        index += 1
                if index >= b:
                    continue
                inner = (at + len(opening), index)
                if _summands(text, inner[0], inner[1], language):
                    result.append((at, inner[0], inner[1], index + len(closing)))
    return result


def _balanced(text: str, language: str) -> bool:
    """Whether every bracket opened in ``text`` is closed in it."""
    return sum(text.count(o) for o in OPEN[language]) == sum(text.count(c) for c in CLOSE[language])


def move_bracket(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """``W_2 (W_1 x + b_1)`` becomes ``W_2 (W_1 x) + b_1``: the bracket's last summand moved
    out. True only where the bracket multiplies nothing (after ``=``, ``+``, a bracket), an
    identity activation's too (:func:`identities`)."""
    if language == "html":
        return None
    found = _brackets(text, spans, language)
    # not a sub- or superscript's bracket: h^{(k - 1)}, _(k_1 - 1)
    found = [f for f in found if not re.search(r"[_^][{(]?$", text[: f[0]])]
    if not found:
        return None
    at, start, end, close = rng.choice(found)
    # the bracket's own last sum, not one inside a bracket it holds: (A + b_(n + 1)) moves
    # b_(n + 1) out, never "+ 1) + "
    signs = [s for s, _, _ in _summands(text, start, end, language)]
    sign_at = max((s for s in signs if _balanced(text[start:s], language)), default=None)
    if sign_at is None:
        return None
    closing = text[end:close]
    edited = text[: sign_at - 1] + closing + text[sign_at - 1 : end] + text[close:]
    before, after = text[:at].rstrip(), text[close:].lstrip()
    applied = re.search(r"(?:\\sigma_\{\d+\}|sigma_\(\d+\)|sigma_\d+)$", before)
    if applied and identities(text):  # sigma_{3}(A + b_3) -> sigma_{3}(A) + b_3: the same
        before = before[: applied.start()].rstrip()
    alone_before = before.endswith(("=", "&", "+", "(", "[", "{", '"rhs": "', "\\mathrel{:=}"))
    alone_before = alone_before or not before
    ends = ("=", "&", "+", "-", ")", "]", "}", "$", "\\\\", "\\right", "\\tag", "\\end")
    ends += ("\\display", '"', "\\\n")  # JSON's rhs ends; Typst's row ends
    alone_after = not after or after.startswith(ends)
    true = alone_before and alone_after
    return Edit(edited, true, repr(text[at:close][:80]))


def wrap_sum(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """A bracket put around a whole row's right-hand side, a true edit (LaTeX, Typst, JSON)."""
    if language == "html":
        return None
    pattern = {
        "latex": r"&= ([^&\\]*?[^\s]) (?=\\\\|\\end|$|\\tag)",
        "typst": r"&= ([^&\\#$]*?[^\s]) (?=\\|\$|&&)",
        "json": r'"rhs": "([^"]+)"',
    }[language]
    found = [m for m in _matches(text, spans, pattern) if re.search(r" [+-] ", m[1])]
    if not found:
        return None
    match = rng.choice(found)
    wrapped = {
        "latex": r"\left(" + match[1] + r"\right)",
        "typst": f"({match[1]})",
        "json": f"({match[1]})",
    }[language]
    return Edit(_replace(text, *match.span(1), wrapped), True, repr(match[1][:60]))


#: A symbol's letter and another, unused letter, by language.
LETTER = {
    "latex": (r"(?<![\\\w])([WbhxfV])(?=_\{)", "Q"),
    "typst": (r"(?<![\w.])([Wbhxf])(?=_\()", "Q"),
    "html": (r"(?<=<mi>)([Wbhxf])(?=</mi>)", "Q"),
    "json": (r"(?<![\w.])([Wbhxf])(?=_)", "Q"),
}


#: The letter ``{}`` as a symbol of its own, subscripted or not (``f_{1}``, ``f(x)``).
TOKEN = {
    "latex": r"(?<![\\\w]){}(?![A-Za-z])",
    "typst": r"(?<![\w.]){}(?![A-Za-z])",
    "html": r"<mi>{}</mi>",
    "json": r"(?<![\w.]){}(?![A-Za-z])",
}


def rename_once(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """One occurrence of a symbol's letter renamed (``W_2`` to ``Q_2``), a name never defined;
    true where it is the letter's only one in the rows."""
    pattern, other = LETTER[language]
    found = _matches(text, spans, pattern)
    if not found or other in text:
        return None
    match = rng.choice(found)
    # the letter's one symbol in the rows renamed is the letter renamed everywhere (a fold's
    # f(x) = h^{(2)}, its only f): true, as rename_everywhere's
    alone = len(_matches(text, spans, TOKEN[language].format(match[1]))) == 1
    return Edit(
        _replace(text, *match.span(1), other), alone, repr(text[match.start() : match.start() + 12])
    )


def _named(pattern: str, letter: str) -> str:
    """``pattern`` (:data:`LETTER`) for the symbol ``letter`` with a sub- or superscript."""
    named = pattern.replace("[WbhxfV]", letter).replace("[Wbhxf]", letter)
    named = named.replace(r"(?=_\{)", r"(?=[_^]\{)").replace(r"(?=_\()", r"(?=[_^]\()")
    return named.replace("(?=_)", "(?=[_^])")


def rename_everywhere(text: str, language: str, spans, rng: random.Random) -> Edit | None:
    """A letter renamed in the whole document, its entries' lower case with it (``W_2`` to
    ``Q_2`` and ``w^{(2)}_{11}`` to ``q^{(2)}_{11}``), a true edit."""
    pattern, other = LETTER[language]
    letters = sorted({m[1] for m in _matches(text, spans, pattern)} & {"b", "W"})
    # the new letters must name nothing yet (a "q" of \\qquad or "equal" is no symbol)
    if not letters or any(re.search(_named(pattern, new), text) for new in (other, other.lower())):
        return None
    letter = rng.choice(letters)
    edited = text
    for old, new in {(letter.upper(), other), (letter.lower(), other.lower())}:
        edited = re.sub(_named(pattern, old), new, edited)
    return Edit(edited, True, f"{letter} -> {other} everywhere, its entries with it")


EDITS = {
    "index_digit": index_digit,
    "swap_indices": swap_indices,
    "number": number,
    "sign": sign,
    "matrix_rows": matrix_rows,
    "swap_factors": swap_factors,
    "drop_summand": drop_summand,
    "move_bracket": move_bracket,
    "rename_once": rename_once,
    "wrap_sum": wrap_sum,
    "rename_everywhere": rename_everywhere,
}


# ---------------------------------------------------------------- the campaign


def documents(directory: Path, kinds: list[str]) -> Iterator[tuple[str, str, str, Path]]:
    """(kind, format, notation, path) of every document the kinds write, skipping the
    combinations a command refuses."""
    count = 0
    for kind in kinds:
        for command in KINDS[kind]:
            for fmt in FORMATS:
                for notation, options in NOTATIONS.items():
                    if fmt == "json" and notation not in JSON_NOTATIONS:
                        continue
                    count += 1
                    out = directory / f"d{count}"
                    argv = list(command(directory) if callable(command) else command)
                    status, _ = (
                        quiet([*argv, "--format", fmt, *options, "--out", str(out)])
                        if kind != "example"
                        else quiet([*argv, *options, "--out", str(out)])
                    )
                    if status != 0:
                        continue
                    for path in sorted(out.rglob("*")):
                        if path.suffix == SUFFIX[fmt] and (
                            kind != "example" or fmt in ("latex", "markdown", "json")
                        ):
                            yield kind, fmt, notation, path
                    if kind == "example":
                        break
                if kind == "example":
                    break


def language(fmt: str) -> str:
    return {"typst": "typst", "html": "html", "json": "json"}.get(fmt, "latex")


#: What a verdict says of a definition no other row uses (a left side renamed by hand).
NEVER_USED = "defined but never used"


def _never_used(said: str) -> str:
    """The definitions a verdict names as never used ("" if none)."""
    found = re.search(NEVER_USED + r": ([^)]*)\)", said)
    return found[1] if found else ""


def unchecked_rows(original: str, edited: str, path: Path) -> str:
    """The rows an edit changed, each with why the verdict lists it as not checked, in the
    original and the edited document alike ("" unless every row it changed is so listed)."""
    language_ = language_of(path.name)
    try:
        before = read_document(original, language_).rows
        after = read_document(edited, language_).rows
        listed = dict(check_text(original, language=language_).unchecked)
        still = dict(check_text(edited, language=language_).unchecked)
    except DocumentError:
        return ""
    if len(before) != len(after):
        return ""
    changed = [row.where for row, now in zip(before, after, strict=True) if row != now]
    if not changed or not all(where in listed and where in still for where in changed):
        return ""
    return "; ".join(f"{where} ({listed[where]})" for where in changed)


def _context(original: str, edited: str) -> str:
    """Where ``edited`` differs from ``original``: a window of each."""
    at = next(
        (i for i, (a, b) in enumerate(zip(original, edited, strict=False)) if a != b), len(original)
    )
    return f"\n    was: {original[max(0, at - 70) : at + 50]!r}\n    now: {edited[max(0, at - 70) : at + 50]!r}"


def run(
    seed: int,
    per_kind: int,
    kinds: list[str],
    report: Callable[[str], None],
    keep: Path | None = None,
) -> dict:
    """Every edit of every document; ``keep``: a directory each miss's edited document is
    written to (``NNN-kind-format-notation-edit/``), beside its original, to check it again."""
    rng = random.Random(seed)
    tried: Counter = Counter()
    missed: Counter = Counter()
    alarms: Counter = Counter()
    unread: Counter = Counter()
    reported: Counter = Counter()
    unchecked: Counter = Counter()
    unchecked_edits: list[str] = []
    defects: list[str] = []
    misses: list[str] = []
    untouched_failures: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        for kind, fmt, notation, path in documents(directory, kinds):
            original = path.read_text()
            status, said = quiet(["check", str(path)])
            unused = _never_used(said)  # what the untouched document's verdict says
            if status != 0:
                untouched_failures.append(
                    f"{kind} {fmt} {notation} {path.name}: {status} {said.strip()[:200]}"
                )
                report(f"UNTOUCHED FAILS: {untouched_failures[-1]}")
                continue
            report(f"# {kind} {fmt} {notation} {path.name}")
            lang = language(fmt)
            spans = rows_of(original, lang)
            for name, edit in EDITS.items():
                for _ in range(per_kind):
                    made = edit(original, lang, spans, rng)
                    if made is None or made.text == original:
                        break
                    path.write_text(made.text)
                    status, said = quiet(["check", str(path)])
                    path.write_text(original)
                    keys = [
                        (name, "kind"),
                        (fmt, "format"),
                        (kind, "document"),
                        (notation, "notation"),
                    ]
                    where = f"{kind} {fmt} {notation} {path.name} {name} {made.what}{_context(original, made.text)}"
                    for key in keys:
                        tried[key, made.true] += 1
                    if status not in (0, 1, 2):
                        defects.append(f"{where}: exit {status}: {said.strip()[:300]}")
                        report(f"DEFECT: {defects[-1]}")
                        continue
                    if status == 2:
                        for key in keys:
                            unread[key, made.true] += 1
                    if not made.true and status == 0 and _never_used(said) not in ("", unused):
                        for key in keys:  # nothing false, but the verdict names the edit
                            reported[key] += 1
                        report(f"REPORTED: {where}: {said.strip()[-120:]}")
                        continue
                    why = "" if made.true or status else unchecked_rows(original, made.text, path)
                    if why:
                        for key in keys:  # a row check lists as not checked, saying why
                            unchecked[key] += 1
                        unchecked_edits.append(f"{where}: {why}")
                        report(f"UNCHECKED ROW: {unchecked_edits[-1]}")
                        continue
                    if not made.true and status == 0:
                        for key in keys:
                            missed[key] += 1
                        misses.append(f"{where}: {said.strip()[:200]}")
                        report(f"MISS: {misses[-1]}")
                        if keep is not None:
                            kept = keep / f"{len(misses):03d}-{kind}-{fmt}-{notation}-{name}"
                            kept.mkdir(parents=True, exist_ok=True)
                            (kept / path.name).write_text(made.text)
                            (kept / f"original{path.suffix}").write_text(original)
                    if made.true and status == 1:
                        for key in keys:
                            alarms[key] += 1
                        misses.append(f"FALSE ALARM {where}: {said.strip()[:200]}")
                        report(f"MISS: {misses[-1]}")
    return {
        "tried": tried,
        "missed": missed,
        "alarms": alarms,
        "unread": unread,
        "reported": reported,
        "unchecked": unchecked,
        "unchecked_edits": unchecked_edits,
        "defects": defects,
        "misses": misses,
        "untouched": untouched_failures,
    }


def table(result: dict, axis: str) -> str:
    tried, missed, alarms, unread, reported, unchecked = (
        result[k] for k in ("tried", "missed", "alarms", "unread", "reported", "unchecked")
    )
    names = sorted({name for (name, ax), _true in tried if ax == axis})
    lines = [
        f"| {axis} | false edits | caught | reported | edited an unchecked row | missed | exit 2 | true edits | passed | false alarms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        false_ = tried[(name, axis), False]
        true_ = tried[(name, axis), True]
        miss = missed[name, axis]
        alarm = alarms[name, axis]
        told = reported[name, axis]
        unseen = unchecked[name, axis]
        lines.append(
            f"| {name} | {false_} | {false_ - miss - told - unseen} | {told} | {unseen} | {miss} | {unread[(name, axis), False]} | {true_} | "
            f"{true_ - alarm - unread[(name, axis), True]} | {alarm} |"
        )
    return "\n".join(lines)


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--per-kind", type=int, default=6, help="edits of each kind per document")
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--json", type=Path, help="also write the misses and defects here")
    parser.add_argument("--keep", type=Path, help="write each missed edit's document here")
    args = parser.parse_args()
    began = time.perf_counter()
    result = run(
        args.seed, args.per_kind, args.kinds, lambda line: print(line, flush=True), args.keep
    )
    seconds = time.perf_counter() - began
    for axis in ("kind", "format", "document", "notation"):
        print(table(result, axis), end="\n\n")
    edits = sum(v for ((_, a), _t), v in result["tried"].items() if a == "kind")
    print(
        f"{edits} edits in {seconds:.0f} s: {len(result['misses'])} missed or false alarms, "
        f"{len(result['unchecked_edits'])} edited an unchecked row, {len(result['defects'])} defects"
    )
    if args.json:
        fields = ("defects", "misses", "unchecked_edits", "untouched")
        args.json.write_text(json.dumps({k: result[k] for k in fields}, indent=1))
    return 1 if result["defects"] or result["misses"] else 0


if __name__ == "__main__":
    raise SystemExit(main_())
