"""Typst documents read back: Typst's mathematics written in the LaTeX the reader parses.

Typst math differs from LaTeX in its spelling, not in what the documents say with it:
``w_(11)^((2))`` is ``w_{11}^{(2)}``, ``mat(delim: "[", 1, 2; 3, 4)`` a ``bmatrix``,
``sum_(k_(1) = 1)^(d_(1))`` a ``\\sum``, ``W_(z , i , j)`` the entry ``(W_z)_{i,j}``, ``f (x)``
an application. :func:`latex_of` spells a Typst document (headings ``==``, displays ``$ ... $``
with rows split at ``\\``, reasons in ``#[...]``, inline ``$...$`` in the words) in that LaTeX,
token by token, and :func:`read_typst` reads the result with the LaTeX reader: the grammar and
the meaning are the reader's, and nothing here knows how symcollapse prints Typst.
"""

from __future__ import annotations

import re

from symcollapse.errors import DocumentError
from symcollapse.reading.code import code_row
from symcollapse.reading.displays import read_displays
from symcollapse.reading.nodes import Document

#: Typst's names for what LaTeX spells as a command.
COMMANDS = {
    "dots": r"\dots",
    "dots.h": r"\dots",
    "dots.c": r"\cdots",
    "dot": r"\cdot",
    "dot.op": r"\cdot",
    "times": r"\times",
    "quad": r"\quad",
    "sum": r"\sum",
    "product": r"\prod",
    "partial": r"\partial",
    "top": r"\top",
    "approx": r"\approx",
}

#: Greek letters by their Typst names (``theta``, ``Omega``).
_GREEK_NAMES = """alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho
sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"""
GREEK = frozenset(_GREEK_NAMES.split())

#: Names that apply to a parenthesis after them (``f (x)``, ``sigma_(1) (...)``).
FUNCTIONS = {"f", "g", "sigma", "phi"}

_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|[A-Za-z]+(?:\.[a-z]+)*|\d+(?:\.\d+)?|:=|&&|\s+|\\[\s,;]|.', re.S
)
_DISPLAY = re.compile(
    r"\$(?P<body>\s(?:[^$]|\$[^$]*\$)*?\s)\$(?![^\s)])|\$(?P<inline>[^$\s][^$]*?)\$", re.S
)
_HEADING = re.compile(r"^(=+)\s+(.*)$", re.M)
#: A row's reason: ``#[...]``, or wrapped to a width, ``#box(width: 15.2em, align(left)[...])``.
_REASON = re.compile(r"#(?:box\(width:\s*[\d.]+em,\s*align\(left\))?\[(.*?)\]\)?\)?\s*$", re.S)

#: Most characters of a Typst document read.
MAX_CHARACTERS = 50_000_000


class _Spelling:
    """Typst math tokens spelled in LaTeX, one expression at a time."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = _TOKEN.findall(text)
        self.at = 0

    def peek(self, skip_space: bool = True) -> str:
        at = self.at
        while skip_space and at < len(self.tokens) and self.tokens[at].isspace():
            at += 1
        return self.tokens[at] if at < len(self.tokens) else ""

    def take(self) -> str:
        while self.at < len(self.tokens) and self.tokens[self.at].isspace():
            self.at += 1
        if self.at >= len(self.tokens):
            raise DocumentError("unexpected end of a Typst formula")
        self.at += 1
        return self.tokens[self.at - 1]

    def spaced_paren(self) -> bool:
        return self.peek() == "("

    def group(self) -> str:
        """A parenthesized group's inside, spelled (the parentheses Typst drops)."""
        if self.take() != "(":
            raise DocumentError("expected ( in a Typst formula")
        return self.until(")")

    def raw_group(self) -> str:
        """A parenthesized group's inside as written."""
        if self.take() != "(":
            raise DocumentError("expected ( in a Typst formula")
        depth, out = 1, list[str]()
        while True:
            if self.at >= len(self.tokens):
                raise DocumentError("expected ) in a Typst formula")
            token = self.tokens[self.at]
            self.at += 1
            depth += {"(": 1, ")": -1}.get(token, 0)
            if depth == 0:
                return "".join(out)
            out.append(token)

    def until(self, closing: str) -> str:
        """Spelled tokens up to the matching ``closing``, which is taken."""
        out: list[str] = []
        while True:
            if self.peek(skip_space=False) == "":
                raise DocumentError(f"expected {closing} in a Typst formula")
            if self.peek() == closing:
                self.take()
                return "".join(out)
            out.append(self.one())

    def script(self) -> str:
        """What follows ``_`` or ``^``: a group, or one token."""
        return self.group() if self.peek(skip_space=False) == "(" else self.one()

    def one(self) -> str:
        """The next token (with what binds to it) spelled in LaTeX."""
        if self.at < len(self.tokens) and self.tokens[self.at].isspace():
            self.at += 1
            return " "
        token = self.take()
        if token.startswith('"'):
            return ""  # "" keeps a row's alignment; words are not mathematics read
        if token in ("\\,", "\\;"):  # an escaped comma (w_(1 \\, 2) in a matrix's cell)
            return token[1]
        if token == "mat" and self.peek(skip_space=False) == "(":
            return self.matrix()
        if token == "#" and self.peek(skip_space=False) == "raw":  # --function's source
            self.take()
            source = self.raw_group().strip()
            if not (source.startswith('"') and source.endswith('"')):
                raise DocumentError("cannot read a #raw(...) that holds no string")
            return " = ".join(code_row(_unquoted(source), latex=True))
        if token == "op" and self.peek(skip_space=False) == "(":
            name = self.raw_group().strip().strip('"')
            if not re.fullmatch(r"[A-Za-z]+", name):
                raise DocumentError(f"cannot read the operator {name!r} in a Typst formula")
            return rf"\operatorname{{{name}}}" + self.scripts() + self.application()
        if (calculus := self.calculus(token)) is not None:  # frac(partial L, ...), ‖v‖
            return calculus
        if token == "attach" and self.peek(skip_space=False) == "(":  # attach(u (t), t: 2)
            return self.attach()
        if token in ("sum", "product"):  # its range as scripts: sum_(k = 1)^(d)
            return COMMANDS[token] + self.scripts(label_first=False) + " "
        if token in COMMANDS:
            return COMMANDS[token] + " "
        if token == "(":
            return r"\left(" + self.until(")") + r"\right)" + self.scripts()
        if token == "/":
            return "/"
        if re.fullmatch(r"\d+(?:\.\d+)?", token) and self.peek(skip_space=False) == "^":
            return token + self.scripts()  # 10^(- 5) in scientific notation: 10^{-5}
        if re.fullmatch(r"[A-Za-z]+", token):
            name = rf"\{token}" if token in GREEK else token
            if len(token) > 1 and token not in GREEK:
                raise DocumentError(f"cannot read {token!r} in a Typst formula")
            spelled = name + self.scripts()
            # psi(u + v), omega_(2)(z): a parenthesis against a name applies it; so does a
            # list of several arguments after a space
            against = self.peek(skip_space=False) == "("
            if token in FUNCTIONS or against or self.arguments_ahead():
                spelled += self.application()
            return spelled + self.lone_argument() + " "
        return token

    def calculus(self, token: str) -> str | None:
        """``frac(a, b)`` as ``\\frac{a}{b}`` (``frac(partial L, partial W_(1))``, a
        derivative), ``‖v‖`` as ``\\left\\lVert v \\right\\rVert``; None for other tokens."""
        if token == "frac" and self.peek(skip_space=False) == "(":
            parts = _top_level_parts(self.raw_group())
            if len(parts) != 2:
                raise DocumentError("a frac( ) without two parts in a Typst formula")
            return rf"\frac{{{math(parts[0])}}}{{{math(parts[1])}}}" + self.scripts() + " "
        if token == "‖":
            return r"\left\lVert " + self.until("‖") + r"\right\rVert" + self.scripts() + " "
        return None

    def scripts(self, label_first: bool = True) -> str:
        """``_(...)`` and ``^(...)`` after a name or a bracket: a subscript of several
        comma-separated parts (``W_(z , i , j)``) is the entry of the matrix its first part
        names; a sum's (``sum_(k_(1) , dots , k_(6))``) lists its indices."""
        sub = sup = None
        while self.peek(skip_space=False) in ("_", "^"):
            mark = self.take()
            text = self.script().replace(" ", "").replace(r"\left(", "(").replace(r"\right)", ")")
            if mark == "_":
                sub = text
            else:
                sup = text
        if sub is not None:
            parts = _top_level_parts(sub)
            symbolic = any(re.search(r"[a-z]", part) for part in parts)  # not w_(1 , 1 , 2)
            symbolic = symbolic and not any("=" in part for part in parts)  # nor maxpool_(3, s = 1)
            if label_first and symbolic and (len(parts) >= 3 or (len(parts) == 2 and not sup)):
                return f"_{{{parts[0]}}}" + ENTRY.format(",".join(parts[1:]))
        # a label before the subscript, as LaTeX writes it: W^{3}_{11} (W_{11}^{3} is a power);
        # a sum's range below, then above
        label = f"^{{{sup}}}" if sup is not None else ""
        below = f"_{{{sub}}}" if sub is not None else ""
        transposed = sup in ("T", r"\top")  # W_(2)^(T): a transpose, after the subscript
        return label + below if label_first and not transposed else below + label

    def application(self) -> str:
        """A function's parenthesis written against it, so that it applies."""
        if self.spaced_paren():
            self.take()
            return "(" + self.until(")").strip() + ")"
        return ""

    def attach(self) -> str:
        """``attach(u (t), t: 2 - frac(2, N))``: the base to the power above it; other
        attachments are not read."""
        parts = _top_level_parts(self.raw_group())
        if len(parts) != 2 or not parts[1].strip().startswith("t:"):
            raise DocumentError("cannot read an attach( ) other than a power in a Typst formula")
        base, power = math(parts[0]), math(parts[1].strip()[2:])
        return rf"{{{base}}}^{{{power}}}" + " "

    def arguments_ahead(self) -> bool:
        """Whether a parenthesis against the name holds several arguments (``q(x_(1) ,
        x_(2))``, the network map renamed): only a function's application lists them."""
        if self.peek(skip_space=False) != "(":
            return False
        start = self.at
        try:
            return len(_top_level_parts(self.raw_group())) > 1
        finally:
            self.at = start

    def lone_argument(self) -> str:
        """``(t)`` after a name, a lone name in parentheses: no printer brackets a lone
        name it multiplies, so it is an argument (``u (t)``); "" for anything else."""
        ahead = [t for t in self.tokens[self.at : self.at + 5] if not t.isspace()]
        lone = ahead[1:2] and (re.fullmatch(r"[A-Za-z]", ahead[1]) or ahead[1] in GREEK)
        if ahead[:1] == ["("] and ahead[2:3] == [")"] and lone:  # u (t), u (omega)
            for _ in range(3):
                self.take()
            return f"({ahead[1]})" if len(ahead[1]) == 1 else rf"(\{ahead[1]})"
        return ""

    def matrix(self) -> str:
        """``mat(delim: "[", a, b; c, d)`` as a ``bmatrix`` (``pmatrix`` for ``"("``)."""
        inside = self.raw_group()
        kind = "pmatrix" if re.match(r'\s*delim:\s*"\("', inside) else "bmatrix"
        inside = re.sub(r'^\s*delim:\s*"[^"]*"\s*,', "", inside)
        rows = [
            " & ".join(math(cell) for cell in _top_level_parts(row))
            for row in _top_level_parts(inside, ";")
        ]
        return rf"\begin{{{kind}}} " + r" \\ ".join(rows) + rf" \end{{{kind}}}"


#: An entry's placeholder around the matrix a subscript's first part names (set by
#: :meth:`_Spelling.scripts`, resolved by :func:`_entries`).
ENTRY = "\x00{}\x01"


def _top_level_parts(text: str, separator: str = ",") -> list[str]:
    """``text`` split at ``separator`` outside brackets and braces."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for at, char in enumerate(text):
        depth += {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}.get(char, 0)
        if char == separator and depth == 0 and text[at - 1 : at] != "\\":  # not \\, escaped
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _unquoted(text: str) -> str:
    """A Typst string's contents: ``"a \\"b\\""`` as ``a "b"``."""
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _entries(latex: str) -> str:
    """``W_{z}\\x00i,j\\x01`` as ``\\left(W_{z}\\right)_{i,j}``."""
    return re.sub(
        r"((?:\\[A-Za-z]+|[A-Za-z]))(_\{[^{}]*\})\x00([^\x01]*)\x01",
        lambda m: rf"\left({m[1]}{m[2]}\right)_{{{m[3]}}}",
        latex,
    )


def math(text: str) -> str:
    """One Typst formula (no ``&``, ``\\`` or reasons) in LaTeX."""
    spelling = _Spelling(text)
    out = []
    while spelling.peek(skip_space=False):
        out.append(spelling.one())
    return _entries("".join(out)).strip()


def _rows(body: str) -> list[str]:
    """A display's rows, each with its cells at ``&`` and its reason ``#[...]`` as a
    ``\\tag*``; a line with a reason alone (``&quad #[(multiply)]``) is the reason of the row
    above."""
    rows: list[str] = []
    for row in _joined(re.split(r"\\\s*\n|\\\s+(?=\S)", body.strip())):
        reason = ""
        found = _REASON.search(row)
        if found:
            reason = rf" \tag*{{{_inline(found[1])}}}"
            row = row[: found.start()].rstrip().removesuffix("quad").rstrip().removesuffix("&&")
        if not row.replace("&", "").replace("quad", "").strip() and rows:
            rows[-1] += reason
            continue
        cells = [math(cell) for cell in row.split("&")]
        quad = len(cells) > 1 and cells[1].startswith(r"\quad")
        line = " &".join(cells) if not quad else r"&\quad " + cells[1].removeprefix(r"\quad")
        rows.append(line + reason)
    return rows


#: A line that continues the row above (``&quad "" + b_(2)``), and Typst's string literals.
_CONTINUED = re.compile(r'\s*&\s*quad\s*""')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _joined(lines: list[str]) -> list[str]:
    """``lines`` with a continuation joined to the line above while that line leaves a
    parenthesis open: a row broken inside ``( ... )`` is one formula."""
    joined: list[str] = []
    for line in lines:
        text = joined[-1] if joined else ""
        bare = _STRING.sub("", text)
        if _CONTINUED.match(line) and bare.count("(") > bare.count(")"):
            joined[-1] = text + " " + _CONTINUED.sub("", line, count=1)
        else:
            joined.append(line)
    return joined


def _inline(words: str) -> str:
    """Words with their inline Typst math ``$...$`` in LaTeX."""
    return re.sub(r"\$([^$]*)\$", lambda m: f"${_safe(m[1])}$", words)


def _safe(text: str) -> str:
    """A formula of the words in LaTeX; what cannot be spelled stays words."""
    try:
        return math(text)
    except DocumentError:
        return text


def latex_of(text: str) -> str:
    """The Typst document ``text`` spelled as the LaTeX the reader reads."""
    if len(text) > MAX_CHARACTERS:
        raise DocumentError(f"a Typst document above {MAX_CHARACTERS:,} characters")
    out, end = [], 0
    for found in _DISPLAY.finditer(text):
        out.append(_words(text[end : found.start()]))
        end = found.end()
        if found["inline"] is not None:
            out.append(f"${_safe(found['inline'])}$")
            continue
        rows = _rows(found["body"])
        out.append("\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n")
    out.append(_words(text[end:]))
    return "".join(out)


def _words(text: str) -> str:
    """Prose: headings as sections, the rest as it is."""
    return _HEADING.sub(lambda m: rf"\section*{{{m[2].strip()}}}", text)


def read_typst(text: str) -> Document:
    """The rows of a Typst document (see the module docstring)."""
    return read_displays(latex_of(text))
