"""How wide a line of math-mode LaTeX prints, in em of the body font: what line breaking measures.

The widths were measured once with pdflatex (Computer Modern, ``article`` at 10 pt): for each
glyph or construct, ``\\settowidth{\\w}{$...$}\\typeout{\\the\\w}`` in a scratch document,
divided by 10 pt. Sub- and superscripts print at 7 pt in a font about 0.8 as wide as the
body font (``x^{(1)}_{a}``: 10.7 pt of scripts; 0.85 here, to err wide).
The estimate errs on the wide side: a line it passes has never been overfull in the tests.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from symcollapse.render.names import GREEK

#: Widths of math italic (``$a$``) and upright (``\\mathrm{a}``) letters a-z, A-Z, in em.
_ITALIC = (
    "0.529 0.429 0.433 0.520 0.466 0.597 0.513 0.576 0.345 0.469 0.552 0.318 0.878 0.600 0.485 "
    "0.503 0.482 0.479 0.469 0.361 0.572 0.521 0.743 0.572 0.526 0.509 0.750 0.809 0.786 0.856 "
    "0.796 0.782 0.786 0.912 0.519 0.651 0.921 0.681 1.079 0.912 0.791 0.781 0.791 0.767 0.671 "
    "0.723 0.792 0.806 1.083 0.907 0.803 0.754"
)
_ROMAN = (
    "0.500 0.556 0.444 0.556 0.444 0.383 0.514 0.556 0.278 0.306 0.528 0.278 0.833 0.556 0.500 "
    "0.556 0.528 0.392 0.394 0.389 0.556 0.542 0.736 0.528 0.542 0.444 0.750 0.708 0.722 0.764 "
    "0.681 0.653 0.785 0.750 0.361 0.514 0.778 0.625 0.917 0.750 0.778 0.681 0.778 0.736 0.556 "
    "0.722 0.750 0.764 1.042 0.750 0.775 0.611"
)
ITALIC = dict(zip(string.ascii_letters, map(float, _ITALIC.split()), strict=True))
ROMAN = dict(zip(string.ascii_letters, map(float, _ROMAN.split()), strict=True))

#: Other glyphs (digits are 0.5 em in both fonts), without the space TeX puts around them.
GLYPHS = {**dict.fromkeys(string.digits, 0.5), "(": 0.389, ")": 0.389, "[": 0.278}
GLYPHS |= {"]": 0.278, ",": 0.278, ".": 0.278, ":": 0.278, ";": 0.278, "|": 0.278, "/": 0.5}
GLYPHS |= {"+": 0.778, "-": 0.778, "=": 0.778, "<": 0.778, ">": 0.778, "'": 0.3, " ": 0.333}
BINARY, RELATIONS = "+-", "=<>"
#: Space around a binary operator (``a+b``: 12.2 pt for the ``+``) and a relation (13.3 pt).
BINARY_SPACE, RELATION_SPACE, THIN_SPACE = 0.444, 0.556, 0.167

#: Control sequences of fixed width (symbols, spaces), in em; ``\\cdot`` with its spacing.
COMMANDS = {
    r"\quad": 1.0,
    r"\qquad": 2.0,
    r"\,": THIN_SPACE,
    r"\;": 0.278,
    r"\:": 0.222,
    r"\!": -THIN_SPACE,
    r"\ ": 0.333,
    r"\dots": 1.333,
    r"\cdots": 1.333,
    r"\ldots": 1.167,
    r"\cdot": 0.722,
    r"\times": 1.222,
    r"\approx": 1.334,
    r"\leq": 1.334,
    r"\geq": 1.334,
    r"\to": 1.556,
    r"\infty": 1.0,
    r"\sum": 1.444,
    r"\prod": 1.278,
    r"\{": 0.5,
    r"\}": 0.5,
    r"\bigl": 0.08,  # the part of \bigl( wider than the ( glyph after it (0.458 em in all)
    r"\bigr": 0.08,
}
#: Greek letters: lower case about 0.6 em (``\\sigma`` 0.61, ``\\omega`` 0.66), capitals 0.78.
GREEK_LOWER, GREEK_UPPER = 0.66, 0.81
#: Widths that do not follow from the glyphs: one matrix column gap (2 ``\\arraycolsep``), the
#: rule overhang of ``\\frac``, a ``\\sqrt`` sign, and any command not listed.
COLUMN_GAP, FRACTION, ROOT, UNKNOWN = 1.0, 0.24, 0.85, 1.0
#: One bracket of a ``bmatrix``/``pmatrix`` of 1, 2, 3 or more rows (taller is wider), with its
#: null delimiter space (a row with scripts is as tall as two: plain, one row takes 0.417 and
#: 0.458); then ``\\left(`` around one line and around a fraction or matrix.
BRACKETS = {"bmatrix": (0.528, 0.528, 0.667), "pmatrix": (0.736, 0.736, 0.875)}
DELIMITER, TALL_DELIMITER = 0.39, 0.8
#: Scale of a script, and the ``\\scriptspace`` after one.
SCRIPT, SCRIPT_SPACE = 0.85, 0.05
#: Commands that print nothing on the line (equation numbers and reasons go elsewhere).
INVISIBLE = frozenset({r"\label", r"\tag", r"\tag*", r"\notag", r"\nonumber", r"\displaybreak"})
TEXT_COMMANDS = frozenset({r"\text", r"\mathrm", r"\operatorname", r"\textrm", r"\mathbf"})
FUNCTIONS = frozenset({r"\tanh", r"\exp", r"\log", r"\sin", r"\cos", r"\max", r"\min"})

_TOKEN = re.compile(r"\\[a-zA-Z]+\*?|\\.|\s+|\S")


def tokens(tex: str) -> list[str]:
    """``tex`` as TeX reads it: control sequences, single characters and runs of space."""
    return _TOKEN.findall(tex)


@lru_cache(maxsize=4096)
def tex_width(tex: str) -> float:
    """Printed width, in em of the body font, of one line of display-style math ``tex``.

    Remembered per string: line breaking tries a step up to three ways (as printed, with one
    sign per sum, with summands split), and each try measures the same candidate lines again.
    """
    return _Line(tokens(tex)).run(1.0, display=True)


def _tall_pairs(tokens: list[str]) -> dict[int, bool]:
    """For the index of every ``\\left`` and ``\\right``: whether its pair holds a ``\\frac`` or
    an environment, nested pairs included. One pass with a stack (a scan per pair is quadratic
    in the nesting depth, which a derivation of depth 60 reaches)."""
    tall: dict[int, bool] = {}
    stack: list[tuple[int, bool]] = []  # (index of \left, tall so far)
    for i, token in enumerate(tokens):
        if token == r"\left":
            stack.append((i, False))
        elif token in (r"\frac", r"\begin") and stack:
            stack[-1] = (stack[-1][0], True)
        elif token == r"\right" and stack:
            left, flag = stack.pop()
            tall[left] = tall[i] = flag
            if stack and flag:
                stack[-1] = (stack[-1][0], True)
    return tall


class _Line:
    """A left-to-right pass over tokens, one group at a time (a tiny model of TeX's math list)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.tall = _tall_pairs(tokens)

    def _next(self) -> str:
        token = self.tokens[self.pos] if self.pos < len(self.tokens) else "}"
        self.pos += 1
        return token

    def _raw(self) -> list[str]:
        """The tokens of the next argument (``{...}`` or one token), unmeasured."""
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        first = self._next()
        if first != "{":
            return [first]
        depth, out = 1, []
        while self.pos < len(self.tokens):
            token = self._next()
            depth += (token == "{") - (token == "}")
            if depth == 0:
                break
            out.append(token)
        return out

    def _skip_optional(self) -> None:
        if self.pos < len(self.tokens) and self.tokens[self.pos] == "[":
            while self.pos < len(self.tokens) and self._next() != "]":
                pass

    def run(self, scale: float, display: bool = False) -> float:
        """Width of tokens up to the end of the current group."""
        width = 0.0
        after_atom = False  # a + or - after an atom is binary, otherwise unary
        while self.pos < len(self.tokens):
            token = self._next()
            if token == "}":
                break
            if token.isspace():
                continue
            added, after_atom = self._atom(token, scale, display, after_atom)
            width += added
        return width

    def _argument(self, scale: float, display: bool = False) -> float:
        """Width of the next argument, measured in place: copying each argument out would
        measure a group nested ``d`` deep ``d`` times over."""
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        if self.pos < len(self.tokens) and self.tokens[self.pos] == "{":
            self.pos += 1
            return self.run(scale, display)
        return _Line([self._next()]).run(scale, display)

    def _atom(self, token: str, scale: float, display: bool, after: bool) -> tuple[float, bool]:
        """Width of one token (and the arguments it takes), and whether it ends an atom."""
        spaced = scale == 1.0  # TeX puts no space around operators in scripts
        if token == "{":
            return self.run(scale, display), True
        if token in "^_":
            width = self._argument(max(scale * SCRIPT, 0.5))
            if self.pos < len(self.tokens) and self.tokens[self.pos] in "^_":
                self.pos += 1
                width = max(width, self._argument(max(scale * SCRIPT, 0.5)))
            return width + SCRIPT_SPACE, True
        if token in BINARY:
            return scale * (GLYPHS[token] + (2 * BINARY_SPACE if after and spaced else 0)), False
        if token in RELATIONS:
            return scale * (GLYPHS[token] + (2 * RELATION_SPACE if spaced else 0)), False
        if token == ",":
            return scale * (GLYPHS[token] + (THIN_SPACE if spaced else 0)), False
        if token == "&":
            return 0.0, after
        if token in ITALIC:
            return scale * ITALIC[token], True
        if not token.startswith("\\"):
            return scale * GLYPHS.get(token, UNKNOWN), token not in "(["
        return self._command(token, scale, display, spaced)

    def _command(self, token: str, scale: float, display: bool, spaced: bool) -> tuple[float, bool]:
        if token in INVISIBLE:
            if token not in (r"\notag", r"\nonumber", r"\displaybreak"):
                self._raw()
            self._skip_optional()
            return 0.0, True
        if token in (r"\left", r"\right"):
            self._next()
            return scale * (TALL_DELIMITER if self._tall() else DELIMITER), token == r"\right"
        if token in TEXT_COMMANDS:
            letters = "".join(self._raw())
            plain = re.sub(r"\\[a-zA-Z]+", "", letters)
            text = sum(ROMAN.get(c, GLYPHS.get(c, 0.5)) for c in plain)
            spacing = THIN_SPACE if token == r"\operatorname" else 0.0
            return scale * (text * (1.1 if token == r"\mathbf" else 1.0) + spacing), True
        if token == r"\mathrel":
            return self._argument(scale) + scale * 2 * RELATION_SPACE * spaced, False
        if token in (r"\frac", r"\dfrac", r"\tfrac"):
            inner = scale if display or token == r"\dfrac" else max(scale * SCRIPT, 0.5)
            top, bottom = self._argument(inner), self._argument(inner)
            return max(top, bottom) + scale * FRACTION, True
        if token == r"\sqrt":
            self._skip_optional()
            return self._argument(scale) + scale * ROOT, True
        if token == r"\begin":
            return self._environment("".join(self._raw()), scale), True
        if token in FUNCTIONS:
            return scale * (sum(ROMAN[c] for c in token[1:]) + THIN_SPACE), True
        if token[1:] in _GREEK_NAMES:
            return scale * (GREEK_UPPER if token[1].isupper() else GREEK_LOWER), True
        return scale * COMMANDS.get(token, UNKNOWN), token not in COMMANDS

    def _tall(self) -> bool:
        """Whether the ``\\left``...``\\right`` pair whose delimiter comes next holds a fraction
        or a matrix (then its delimiters grow)."""
        return self.tall.get(self.pos - 2, False)

    def _environment(self, name: str, scale: float) -> float:
        """A matrix: the widest cell of each column, the gaps between columns, the brackets."""
        if name == "array":
            self._raw()  # the column specification
        cells: list[list[list[str]]] = [[[]]]
        depth = 0
        while self.pos < len(self.tokens):
            token = self._next()
            if token == r"\begin":
                depth += 1
            elif token == r"\end":
                if depth == 0:
                    self._raw()
                    break
                depth -= 1
            if depth == 0 and token == "&":
                cells[-1].append([])
            elif depth == 0 and token == r"\\":
                self._skip_optional()
                cells.append([[]])
            else:
                cells[-1][-1].append(token)
        columns = max(len(row) for row in cells)
        widths = [0.0] * columns
        for row in cells:
            for j, cell in enumerate(row):
                widths[j] = max(widths[j], _Line(cell).run(scale))
        tall = len(cells) + any(r"\frac" in cell for row in cells for cell in row)
        bracket = BRACKETS[name][min(tall, 3) - 1] if name in BRACKETS else 0.0
        return sum(widths) + scale * (COLUMN_GAP * (columns - 1) + 2 * bracket)


#: Greek letters whose command prints one glyph: the names a notation accepts, and variants.
_GREEK_NAMES = GREEK | {"varepsilon", "vartheta", "varphi"}
